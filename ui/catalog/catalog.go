// Package catalog holds every cashier-facing string of qfpos, in English, as keys of one
// golang.org/x/text message catalog. Adding Traditional or Simplified Chinese is adding
// translations for these keys (see Translations); no screen changes.
package catalog

import (
	"fmt"
	"sort"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"qfpos/qfpay"
)

// Key is an English message that is also its catalog key. Arguments use fmt verbs.
type Key string

// Translations maps a language to the translation of each key. English needs none (the key is
// the English text). To add Traditional Chinese, add language.TraditionalChinese with its map.
var Translations = map[language.Tag]map[Key]string{}

// Printer formats catalog messages in one language.
type Printer struct{ p *message.Printer }

var builder = newBuilder()

func newBuilder() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, k := range All() {
		_ = b.SetString(language.English, string(k), string(k))
	}
	for tag, msgs := range Translations {
		for k, v := range msgs {
			_ = b.SetString(tag, string(k), v)
		}
	}
	return b
}

// New returns a printer for the language (English when the catalog lacks it).
func New(lang language.Tag) *Printer {
	return &Printer{p: message.NewPrinter(lang, message.Catalog(builder))}
}

// T formats a message.
func (p *Printer) T(k Key, args ...any) string { return p.p.Sprintf(string(k), args...) }

// Code returns the explanation and next step of a QFPay response code in the printer's language.
func (p *Printer) Code(code, resperr string) (explanation, next string) {
	t := codeTexts[qfpay.LookupCode(code, resperr).Text]
	return p.p.Sprintf(string(t.Explanation)), p.p.Sprintf(string(t.Next))
}

// All lists every key: the messages below and QFPay's code explanations.
func All() []Key {
	out := append([]Key(nil), messages...)
	seen := map[Key]bool{}
	for _, k := range out {
		seen[k] = true
	}
	codes := make([]string, 0, len(codeTexts))
	for c := range codeTexts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		for _, k := range []Key{codeTexts[c].Explanation, codeTexts[c].Next} {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Check reports keys of a translation that are not in the catalog.
func Check(msgs map[Key]string) error {
	known := map[Key]bool{}
	for _, k := range All() {
		known[k] = true
	}
	for k := range msgs {
		if !known[k] {
			return fmt.Errorf("translation of unknown key %q", k)
		}
	}
	return nil
}
