package receipt

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/text/language"

	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt/escpos"
)

var (
	hk = time.FixedZone("HKT", 8*3600)
	at = time.Date(2026, 11, 21, 15, 4, 5, 0, hk)
)

func slip(state storage.State, tag language.Tag) Slip {
	sale := storage.SaleView{Sale: storage.Sale{SysSN: "20261121000100020000001001", OutTradeNo: "POS20261121145500123", Amount: 88_00,
		Currency: "HKD", PayType: "800208", RespCD: "0000", Time: at.Add(-10 * time.Minute)}, Refunded: 12_50}
	op := storage.Reversal{ID: 7, Kind: storage.KindRefund, Amount: 12_50, Currency: "HKD", State: state, SaleSysSN: sale.SysSN,
		Cashier: "陳小明", Approver: "mgr", Reason: "貨品損壞", Created: at, Updated: at}
	if state == storage.StateSucceeded {
		op.SysSN, op.Finished = "20261121000200020000012345", at
	}
	if state == storage.StateFailed {
		op.RespCD, op.Finished = "1272", at
	}
	return Slip{Shop: Shop{Name: "Golden Dragon Tea House 金龍茶餐廳", Address: "12 Nathan Road, Kowloon"}, UDID: "POS-01",
		Op: op, Sale: sale, Loc: hk, Words: catalog.New(tag), Audit: "3f9a12bc #1234"}
}

// TestSlips: goldens of the text slip in three languages at both widths, no line wider than the
// paper; an unknown outcome is never called a refund.
func TestSlips(t *testing.T) {
	for _, tag := range catalog.Languages {
		for _, width := range []int{Narrow, Wide} {
			for _, state := range []storage.State{storage.StateSucceeded, storage.StateUnknown, storage.StateFailed} {
				t.Run(fmt.Sprintf("%s-%s-%d", state, tag, width), func(t *testing.T) {
					text := slip(state, tag).Text(width)
					for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
						if n := ansi.StringWidth(l); n > width {
							t.Errorf("line %d is %d wide on %d columns: %q", i+1, n, width, l)
						}
					}
					if state == storage.StateUnknown {
						for _, word := range []string{"REFUND", "退款單", "退款单", "Refunded"} {
							if strings.Contains(text, word) {
								t.Errorf("an unknown outcome says %q:\n%s", word, text)
							}
						}
					}
					golden.RequireEqual(t, []byte(text))
				})
			}
		}
	}
}

// TestSlipESCPOS: the printer bytes start with initialise, carry the text in the printer's
// encoding and the reference as a QR code, and end with a cut.
func TestSlipESCPOS(t *testing.T) {
	s := slip(storage.StateSucceeded, language.TraditionalChinese)
	b, err := s.ESCPOS(Narrow, escpos.Big5, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, escpos.Initialise) || !bytes.HasSuffix(b, escpos.CutPartial) || !bytes.Contains(b, []byte("20261121000200020000012345")) {
		t.Fatalf("% x", b[:16])
	}
	golden.RequireEqual(t, []byte(fmt.Sprintf("% x\n", b)))
}
