package receipt

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/language"

	"qfpos/qfpay/paytype"
	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt/escpos"
)

// slipRunes are the characters a slip can print from qfpos's own words: every catalog message in
// every language, every pay method's name, and a Hong Kong shop's name and address.
func slipRunes() []rune {
	texts := []string{"金龍茶餐廳", "香港九龍彌敦道12號", "陳小明", "貨品損壞", "Café"} // the test slips' own words
	for _, k := range catalog.All() {
		texts = append(texts, string(k))
	}
	for _, msgs := range catalog.Translations {
		for _, v := range msgs {
			texts = append(texts, v)
		}
	}
	for _, tag := range catalog.Languages {
		p := catalog.New(tag)
		for _, code := range paytype.Codes() {
			texts = append(texts, p.PayMethod(code))
		}
	}
	seen := map[rune]bool{}
	for _, s := range texts {
		for _, r := range s {
			if r >= utf8.RuneSelf {
				seen[r] = true
			}
		}
	}
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// standardTable is testdata/big5-standard.txt: every code of standard Big5 and the character
// it reads as, from Python's codec (testdata/standard-codes.py).
type standardTable struct {
	read map[string]rune // code → character
	has  map[rune]bool   // the characters standard Big5 has
}

func loadStandardTable(t *testing.T) standardTable {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "big5-standard.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := standardTable{read: map[string]rune{}, has: map[rune]bool{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		code, err := hex.DecodeString(fields[0])
		n, err2 := strconv.ParseUint(strings.TrimPrefix(fields[1], "U+"), 16, 32)
		if err != nil || err2 != nil || len(code) != 2 {
			t.Fatalf("%q: %v %v", sc.Text(), err, err2)
		}
		st.read[string(code)] = rune(n)
		st.has[rune(n)] = true
	}
	if len(st.read) < 13_000 {
		t.Fatalf("testdata/big5-standard.txt holds %d codes", len(st.read))
	}
	return st
}

// decodeStandardBig5 reads printer bytes with the independent table only: ASCII, or two bytes
// that are a standard Big5 code; anything else is an error.
func (st standardTable) decodeStandardBig5(b []byte) (string, error) {
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			out.WriteByte(b[i])
			continue
		}
		if i+1 >= len(b) {
			return "", fmt.Errorf("a lone byte %02X at the end", b[i])
		}
		r, ok := st.read[string(b[i:i+2])]
		if !ok {
			return "", fmt.Errorf("% X at %d is not standard Big5", b[i:i+2], i)
		}
		out.WriteRune(r)
		i++
	}
	return out.String(), nil
}

// printed returns what the printer receives for one line of text, without the commands around it.
func printed(enc escpos.Encoding, text string) ([]byte, []rune) {
	b := escpos.New(enc)
	out := b.Line(text).Bytes()
	start := len(escpos.Initialise) + len(escpos.ChineseOn)
	return out[start : bytes.IndexByte(out[start:], '\n')+start], b.Replaced()
}

// TestSlipCharactersInStandardEncodings: every character of qfpos's words and pay methods goes to
// a Big5 printer as its standard Big5 code, as an independent table says (Python's codec,
// testdata/big5-standard.txt), and one that standard Big5 lacks as a stand-in that is itself
// standard, reported; each goes to a GB18030 printer as bytes that decode back to it.
func TestSlipCharactersInStandardEncodings(t *testing.T) {
	table := loadStandardTable(t)
	runes, lacking := slipRunes(), 0
	for _, r := range runes {
		got, replaced := printed(escpos.Big5, string(r))
		back, err := table.decodeStandardBig5(got)
		switch {
		case err != nil:
			t.Errorf("%c (U+%04X) in big5: % X: %v", r, r, got, err)
		case table.has[r]:
			if back != string(r) || len(replaced) > 0 {
				t.Errorf("%c (U+%04X) in big5: % X reads as %q", r, r, got, back)
			}
		default:
			lacking++
			if len(replaced) != 1 {
				t.Errorf("%c (U+%04X) is not in standard Big5 and was not reported as replaced", r, r)
			}
		}
		got, replaced = printed(escpos.GB18030, string(r))
		gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(got)
		if err != nil || string(gb) != string(r) || len(replaced) > 0 {
			t.Errorf("%c (U+%04X) in gb18030: % X reads back as %q", r, r, got, gb)
		}
	}
	t.Logf("%d characters, %d not in standard Big5 (printed as stand-ins there)", len(runes), lacking)
}

// TestBig5SlipOfAHongKongShop: the hex golden of a Traditional Chinese slip of a shop in 香港
// paid with 微信支付香港; every byte reads back with the independent standard Big5 table, 港 is
// B4 E4 (not the HKSCS FD BB a WHATWG encoder writes), and the slip's text comes back whole.
func TestBig5SlipOfAHongKongShop(t *testing.T) {
	s := slip(storage.StateSucceeded, language.TraditionalChinese)
	s.Shop = Shop{Name: "金龍茶餐廳", Address: "香港九龍彌敦道12號"}
	s.Sale.PayType = "801008"
	b, replaced := s.ESCPOS(Narrow, escpos.Big5, false)
	if len(replaced) > 0 {
		t.Errorf("printed as stand-ins: %q", string(replaced))
	}
	golden.RequireEqual(t, []byte(hex.Dump(b)))
	if !bytes.Contains(b, []byte{0xB4, 0xE4}) || bytes.Contains(b, []byte{0xFD, 0xBB}) {
		t.Error("港 is not B4 E4")
	}
	text, err := loadStandardTable(t).decodeStandardBig5(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range s.Lines(Narrow) {
		if want := strings.TrimSpace(l); !strings.Contains(text, want) {
			t.Errorf("%q does not read back", want)
		}
	}
	for _, want := range []string{"香港九龍彌敦道12號", "微信支付香港", "+08:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q does not read back", want)
		}
	}
}
