package catalog

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// glossaryRow is one row of glossary.md.
type glossaryRow struct {
	term, hant, hans string
	keys             *regexp.Regexp // nil: not checked by key
	notHant, notHans []string
}

// readGlossary parses glossary.md's table (a cell may hold an escaped \|).
func readGlossary(t *testing.T) []glossaryRow {
	t.Helper()
	b, err := os.ReadFile("glossary.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []glossaryRow
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Term") || strings.HasPrefix(line, "| ---") {
			continue
		}
		var cells []string
		for _, c := range regexp.MustCompile(`[^\\]\|`).Split(" "+strings.TrimSpace(line[1:]), -1) {
			cells = append(cells, strings.Trim(strings.TrimSpace(strings.ReplaceAll(c, `\|`, "|")), "`"))
		}
		if len(cells) < 7 {
			t.Fatalf("glossary row %q has %d cells", line, len(cells))
		}
		list := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "/")
		}
		r := glossaryRow{term: cells[0], hant: cells[1], hans: cells[2], notHant: list(cells[4]), notHans: list(cells[5])}
		if cells[3] != "" {
			r.keys = regexp.MustCompile(cells[3])
		}
		rows = append(rows, r)
	}
	if len(rows) < 10 {
		t.Fatalf("glossary.md holds %d rows", len(rows))
	}
	return rows
}

// TestGlossaryIsUsed: the catalog uses glossary.md's terms — each message whose English names a
// term says it with the glossary's word in both Chinese catalogs — and none of the words the
// glossary rules out (Taiwanese usage, the old terms) appears in any message, code's words, pay
// method or report text.
func TestGlossaryIsUsed(t *testing.T) {
	rows := readGlossary(t)
	for _, lang := range []struct {
		tag  language.Tag
		term func(glossaryRow) string
		not  func(glossaryRow) []string
	}{
		{language.TraditionalChinese, func(r glossaryRow) string { return r.hant }, func(r glossaryRow) []string { return r.notHant }},
		{language.SimplifiedChinese, func(r glossaryRow) string { return r.hans }, func(r glossaryRow) []string { return r.notHans }},
	} {
		msgs := maps.Clone(Translations[lang.tag])
		keys := All()
		for _, e := range errorTexts { // the lower layers' errors, said by ErrorText
			keys = append(keys, e.en)
			msgs[e.en] = [2]string{e.hant, e.hans}[slices.Index(Languages, lang.tag)-1]
		}
		var all []string
		for _, k := range keys {
			all = append(all, msgs[k])
		}
		for _, name := range payMethods[lang.tag] {
			all = append(all, name)
		}
		for _, r := range rows {
			for _, bad := range lang.not(r) {
				for _, text := range all {
					if strings.Contains(text, bad) {
						t.Errorf("%s: %q is ruled out by the glossary (%s: %s): %q", lang.tag, bad, r.term, lang.term(r), text)
					}
				}
			}
			if r.keys == nil {
				continue
			}
			for _, k := range keys {
				// A message naming qfpos's commands keeps them as typed (qfpos refund, cancel…).
				if strings.Contains(string(k), "qfpos ") && strings.Contains(msgs[k], "qfpos ") {
					continue
				}
				if r.keys.MatchString(string(k)) && !strings.Contains(msgs[k], lang.term(r)) {
					t.Errorf("%s: %q names %s but its translation %q does not say %s", lang.tag, k, r.term, msgs[k], lang.term(r))
				}
			}
		}
	}
}
