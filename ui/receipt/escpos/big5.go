package escpos

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/unicode/norm"
)

// Standard Big5 is what every Big5 receipt printer reads: the symbols (A140–A3BF) and the two
// levels of hanzi (A440–C67E, C940–F9D5). golang.org/x/text's Big5 is the WHATWG one, which
// includes HKSCS and writes some characters with their HKSCS or ETEN codes even where a standard
// one exists (港 as FD BB instead of B4 E4), and writes characters standard Big5 lacks (é as
// 88 6D): a standard printer misprints both. So the encoder here uses only standard codes.
var big5Ranges = [][2]uint16{{0xA140, 0xA3BF}, {0xA440, 0xC67E}, {0xC940, 0xF9D5}}

// standardBig5 maps each character to its first standard Big5 code, built once from
// golang.org/x/text's decoding of every standard code.
var standardBig5 = sync.OnceValue(func() map[rune][2]byte {
	dec := traditionalchinese.Big5.NewDecoder()
	out := make(map[rune][2]byte, 13_500)
	for _, r := range big5Ranges {
		for code := uint32(r[0]); code <= uint32(r[1]); code++ {
			lead, trail := byte(code>>8), byte(code)
			if trail < 0x40 || (trail > 0x7E && trail < 0xA1) || trail == 0xFF {
				continue
			}
			s, err := dec.String(string([]byte{lead, trail}))
			if err != nil {
				continue
			}
			c, size := utf8.DecodeRuneInString(s)
			if c == utf8.RuneError || size != len(s) {
				continue
			}
			if _, seen := out[c]; !seen {
				out[c] = [2]byte{lead, trail}
			}
		}
	}
	return out
})

// typographic are the stand-ins for characters standard Big5 lacks that a slip's text uses.
var typographic = map[rune]string{
	'✓': "v", '✗': "x", '✔': "v", '✘': "x", '→': "->", '←': "<-", '↑': "^", '↓': "v",
	'–': "-", '‘': "'", '’': "'", '“': "\"", '”': "\"", '•': "*", '…': "...", '—': "-",
}

// fallback is what replaces a character an encoding lacks: its typographic stand-in, else the
// letter without its accents (é: e), else "?".
func fallback(c rune, encodable func(rune) bool) string {
	if s, ok := typographic[c]; ok {
		return s
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(c)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if !encodable(d) {
			return "?"
		}
		b.WriteRune(d)
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}

// big5Rune encodes one character in standard Big5.
func big5Rune(c rune) ([]byte, bool) {
	if c < utf8.RuneSelf {
		return []byte{byte(c)}, true
	}
	code, ok := standardBig5()[c]
	return code[:], ok
}

// gb18030Rune encodes one character in GB18030 (which has them all but the surrogates).
func gb18030Rune(c rune) ([]byte, bool) {
	if c < utf8.RuneSelf {
		return []byte{byte(c)}, true
	}
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(string(c)))
	return b, err == nil && c != utf8.RuneError
}

// encodeText writes s one character at a time, replacing (see fallback) each character the
// encoding lacks; it returns those characters.
func encodeText(s string, encode func(rune) ([]byte, bool)) (out []byte, replaced []rune) {
	encodable := func(c rune) bool { _, ok := encode(c); return ok }
	for _, c := range s {
		if b, ok := encode(c); ok {
			out = append(out, b...)
			continue
		}
		replaced = append(replaced, c)
		for _, f := range fallback(c, encodable) {
			b, _ := encode(f) // fallback returns only characters the encoding has
			out = append(out, b...)
		}
	}
	return out, replaced
}
