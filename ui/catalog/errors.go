package catalog

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Errors of the layers below the screens — an amount, a sale's field, a CSV header, a PIN, a
// reason, the configuration, the journal's file — are written in English where they arise (the
// journal and the log keep them so). ErrorText says one in the printer's language: the message is
// matched against errorTexts' formats, a quoted value, a number or a path is carried as it is, and
// a message nested in another (after ": ", or in a %v) is said in turn. cli's
// TestLowerLayerErrorsAreInTheCatalog reads those packages and fails on a format missing here.

var errorPatterns = sync.OnceValue(func() []textPattern { return compile(errorTexts) })

// textPattern is one format of a table, as a regular expression over a message.
type textPattern struct {
	key  Key
	re   *regexp.Regexp
	text [2]string
}

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?(\[\d+\])?[a-zA-Z%]`)

func compile(table []tableText) []textPattern {
	var out []textPattern
	for _, t := range table {
		src := string(t.en)
		var b strings.Builder
		b.WriteString("^")
		last := 0
		for _, loc := range verbRE.FindAllStringIndex(src, -1) {
			b.WriteString(regexp.QuoteMeta(src[last:loc[0]]))
			switch src[loc[1]-1] {
			case 'q':
				b.WriteString(`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)+')`) // a string, or a rune
			case 'd':
				b.WriteString(`(-?\d+)`)
			case 'x':
				b.WriteString(`([0-9a-f]+)`)
			case 'o':
				b.WriteString(`([0-7]+)`)
			case 'U':
				b.WriteString(`(U\+[0-9A-F]{4,})`)
			case '%':
				b.WriteString("%")
			default:
				b.WriteString(`(.+?)`)
			}
			last = loc[1]
		}
		b.WriteString(regexp.QuoteMeta(src[last:]) + "$")
		out = append(out, textPattern{key: t.en, re: regexp.MustCompile(b.String()), text: [2]string{t.hant, t.hans}})
	}
	// The most specific format first: the one with the most words of its own.
	slices.SortStableFunc(out, func(a, b textPattern) int {
		return len(verbRE.ReplaceAllString(string(b.key), "")) - len(verbRE.ReplaceAllString(string(a.key), ""))
	})
	return out
}

// tableText is a text in the three languages side by side.
type tableText struct {
	en         Key
	hant, hans string
}

// ErrorText is a lower layer's error message in the printer's language; ok is false when no part
// of it is known (it is then shown as written).
func (p *Printer) ErrorText(msg string) (string, bool) {
	col := p.column()
	if col < 0 {
		return msg, false
	}
	for _, pat := range errorPatterns() {
		m := pat.re.FindStringSubmatchIndex(msg)
		if m == nil {
			continue
		}
		tr := pat.text[col]
		verbs := verbRE.FindAllStringIndex(tr, -1)
		var b strings.Builder
		last, n := 0, 0
		for _, v := range verbs {
			b.WriteString(tr[last:v[0]])
			last = v[1]
			if tr[v[1]-1] == '%' {
				b.WriteString("%")
				continue
			}
			n++
			value := msg[m[2*n]:m[2*n+1]]
			if c := tr[v[1]-1]; c == 's' || c == 'v' || c == 'w' {
				if t, ok := p.ErrorText(value); ok {
					value = t
				}
			}
			b.WriteString(value)
		}
		b.WriteString(tr[last:])
		return b.String(), true
	}
	// "where: what" — the place as it is, what is wrong there in the language.
	if head, tail, ok := strings.Cut(msg, ": "); ok {
		if t, ok := p.ErrorText(tail); ok {
			return p.T(BreakdownItem, head, t), true
		}
	}
	return msg, false
}

// column is the printer's column in the side-by-side tables: 0 Traditional, 1 Simplified, -1
// English (the key itself).
func (p *Printer) column() int {
	switch p.tag {
	case Languages[1]:
		return 0
	case Languages[2]:
		return 1
	}
	return -1
}

// ErrorKeys are the formats ErrorText knows.
func ErrorKeys() []Key {
	out := make([]Key, len(errorTexts))
	for i, t := range errorTexts {
		out[i] = t.en
	}
	return out
}
