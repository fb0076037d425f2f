// Package catalog holds every cashier-facing string of qfpos as keys of one golang.org/x/text
// message catalog: the English text is the key, and Traditional and Simplified Chinese are
// translations of every key (see Translations); a language is added without changing a screen.
package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Key is an English message that is also its catalog key. Arguments use fmt verbs.
type Key string

// Translations maps a language to the translation of each key. English needs none (the key is
// the English text). Traditional and Simplified Chinese are zh_hant.go and zh_hans.go.
var Translations = map[language.Tag]map[Key]string{
	language.TraditionalChinese: withCodes(withTable(zhHant, 0), zhHantCodes),
	language.SimplifiedChinese:  withCodes(withTable(zhHans, 1), zhHansCodes),
}

// Languages are the catalog's languages, English first (the fallback).
var Languages = []language.Tag{language.English, language.TraditionalChinese, language.SimplifiedChinese}

var matcher = language.NewMatcher(Languages)

// Match is the catalog's language nearest to tag (zh-HK and zh-TW: Traditional; zh-CN, zh-SG and
// zh: Simplified; anything else: English).
func Match(tag language.Tag) language.Tag {
	_, i, conf := matcher.Match(tag)
	if conf == language.No {
		return language.English
	}
	return Languages[i]
}

// withCodes adds the translations of QFPay's code texts (keyed as codeTexts: "code" or
// "code/operation") to a language's messages.
func withCodes(msgs map[Key]string, codes map[string][2]string) map[Key]string {
	out := make(map[Key]string, len(msgs)+2*len(codes))
	for k, v := range msgs {
		out[k] = v
	}
	for code, byOp := range codeTexts {
		for op, en := range byOp {
			if t, ok := codes[codeKey(code, op)]; ok {
				out[en.Explanation], out[en.Next] = t[0], t[1]
			}
		}
	}
	return out
}

// withTable adds the translations kept side by side with their English (the command line's lines,
// the approval rules' phrases) to a language's messages: column 0 Traditional, 1 Simplified.
func withTable(msgs map[Key]string, col int) map[Key]string {
	out := maps.Clone(msgs)
	for _, r := range ruleTexts {
		out[r.en] = [2]string{r.hant, r.hans}[col]
	}
	for _, c := range cliTexts {
		out[c.en] = [2]string{c.hant, c.hans}[col]
	}
	for _, c := range lineTexts {
		out[c.en] = [2]string{c.hant, c.hans}[col]
	}
	return out
}

// codeKey is how the translations key a code's words: the code, or "code/operation".
func codeKey(code, op string) string {
	if op == "" {
		return code
	}
	return code + "/" + op
}

// Printer formats catalog messages in one language.
type Printer struct {
	p   *message.Printer
	tag language.Tag
}

// Language is the printer's language: one of Languages.
func (p *Printer) Language() language.Tag { return p.tag }

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
	return &Printer{p: message.NewPrinter(lang, message.Catalog(builder)), tag: Match(lang)}
}

// Join joins a list's items as the language does (", " in English, "、" in Chinese).
func (p *Printer) Join(items []string) string { return strings.Join(items, p.T(SepItems)) }

// JoinGroups joins groups of items ("; " in English, "；" in Chinese).
func (p *Printer) JoinGroups(groups []string) string { return strings.Join(groups, p.T(SepGroups)) }

// Format is a key's format in the printer's language, for fmt: numbers formatted by it are
// written as Go writes them (an id, a process or a line number never grouped as 21,589), where T
// writes them in the language's way.
func (p *Printer) Format(k Key) string {
	if f, ok := Translations[p.tag][k]; ok {
		return f
	}
	return string(k)
}

// T formats a message.
func (p *Printer) T(k Key, args ...any) string { return p.p.Sprintf(string(k), args...) }

// Code returns the explanation and next step of a QFPay response code to an operation (OpRefund,
// OpReversal, OpClose or OpQuery; "cancel" is either cancel endpoint) in the printer's language.
func (p *Printer) Code(op, code, resperr string) (explanation, next string) {
	w := wordsFor(op, code, resperr)
	return p.p.Sprintf(string(w.Explanation)), p.p.Sprintf(string(w.Next))
}

// All lists every key: the messages below and QFPay's code explanations.
func All() []Key {
	out := append(append([]Key(nil), messages...), eventNotes...)
	out = append(out, wordKeys...)
	for _, r := range ruleTexts {
		out = append(out, r.en)
	}
	for _, c := range cliTexts {
		out = append(out, c.en)
	}
	for _, c := range lineTexts {
		out = append(out, c.en)
	}
	seen := map[Key]bool{}
	for _, k := range out {
		seen[k] = true
	}
	for _, c := range slices.Sorted(maps.Keys(codeTexts)) {
		for _, op := range slices.Sorted(maps.Keys(codeTexts[c])) {
			for _, k := range []Key{codeTexts[c][op].Explanation, codeTexts[c][op].Next} {
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
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
