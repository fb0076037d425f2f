package ui

import (
	"testing"

	"golang.org/x/text/language"

	"qfpos/reversal"
	"qfpos/ui/catalog"
)

// TestDefaultReasonsInEveryLanguage: the default reason codes have words in each catalog; a
// store's own code is shown as written, and the cashier's words follow a colon.
func TestDefaultReasonsInEveryLanguage(t *testing.T) {
	for _, code := range reversal.DefaultReasons {
		if !catalog.ReasonTranslated(code) {
			t.Errorf("%q has no words in the catalog", code)
		}
	}
	zh := catalog.New(language.TraditionalChinese)
	for code, want := range map[[2]string]string{
		{"duplicate charge", ""}:          "重複扣款",
		{"other", "left it on the bus"}:   "其他：left it on the bus",
		{"gift return", ""}:               "gift return",
		{"", "words of an older journal"}: "words of an older journal",
	} {
		if got := zh.Reason(code[0], code[1]); got != want {
			t.Errorf("%q: %q, want %q", code, got, want)
		}
	}
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Terminal.Reasons = []string{"damaged", "gift return"}
	a := New(d)
	if got := a.refund.reasons; len(got) != 2 || got[0] != "Damaged item" || got[1] != "gift return" {
		t.Fatalf("the form's reasons: %q", got)
	}
}
