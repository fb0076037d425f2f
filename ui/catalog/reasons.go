package catalog

import "strings"

// reasonKeys are the words of the default reason codes ([refunds] reasons); a store's own codes
// are shown as the store wrote them.
var reasonKeys = map[string]Key{
	"damaged":               ReasonDamaged,
	"wrong item":            ReasonWrong,
	"customer changed mind": ReasonMind,
	"duplicate charge":      ReasonDuplicate,
	"price adjustment":      ReasonPrice,
	"other":                 ReasonOther,
}

// Reason is a reason code in the printer's language, with the cashier's words after a colon.
func (p *Printer) Reason(code, words string) string {
	label := code
	if k, ok := reasonKeys[strings.ToLower(code)]; ok {
		label = p.T(k)
	}
	switch {
	case words == "":
		return label
	case label == "":
		return words
	}
	return p.T(ReasonAndWords, label, words)
}

// ReasonTranslated reports whether a code has words in the catalog (the default codes do).
func ReasonTranslated(code string) bool {
	_, ok := reasonKeys[strings.ToLower(code)]
	return ok
}
