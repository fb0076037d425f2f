package reversal_test

import (
	"golang.org/x/text/language"

	"qfpos/reversal/reversaltest"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

var hk = reversaltest.HK

var english = catalog.New(language.English)

// told is what the cashier is told of a finished operation: the catalog's words for its code.
func told(r storage.Reversal) string {
	exp, next := english.Code(r.Operation(), r.RespCD, r.RespErr)
	return exp + " " + next
}
