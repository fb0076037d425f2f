package catalog_test

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// englishWords finds words of the lifecycle's English in a translated note (values such as
// codes, amounts, currencies, API paths and network errors aside).
var englishWords = regexp.MustCompile(`\b(?:of|via|to|the|with|sale|refused|confirming|checking|sending|record|shows|answered|still|processing|done|nothing|charged|requested|printed|settled|going|ahead|figure|read|before)\b`)

// TestEventNotesInEveryLanguage runs refunds and cancels through the lifecycle against the
// sandbox — succeeded, processing, refused and confirmed, a lost reply settled by query, a cancel
// answered "already closed", a cancel of a paid sale, one the endpoint cannot do — and shows
// every note they journaled in Chinese: none stays in English.
func TestEventNotesInEveryLanguage(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	var ops []storage.Reversal
	ops = append(ops, h.Refund(h.Sale(5000, "800208", "0000"), 1250))
	s := h.Sale(3000, "800208", "0000")
	h.Sandbox.ScriptAmount(700, qfpaytest.Script{RespCD: "1125"})
	ops = append(ops, h.Refund(s, 700))
	h.Sandbox.ScriptAmount(800, qfpaytest.Script{RespCD: "1297"})
	ops = append(ops, h.Refund(s, 800))
	unpaid := h.Sale(4500, "800208", "1143")
	h.Sandbox.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	ops = append(ops, h.Cancel(unpaid))
	closed := h.Sale(4600, "800208", "1143")
	h.Sandbox.ScriptOutTradeNo(closed.OutTradeNo, qfpaytest.Script{RespCD: "1142"})
	ops = append(ops, h.Cancel(closed))
	paid := h.Sale(4700, "800208", "1143")
	_ = h.Sandbox.SetPaymentStatus(paid.SysSN, "0000")
	ops = append(ops, h.Cancel(paid))
	flagged := h.Sale(4800, "800101", "1143", func(p *qfpaytest.Payment) { p.Cancel = qfpay.CancelRefunded })
	ops = append(ops, h.Cancel(flagged))
	notes := map[string]bool{}
	for _, op := range ops {
		full, err := h.Journal.Reversal(op.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range full.Events {
			if e.Message != "" && !(e.Type == storage.EventReply && e.Code != "") {
				notes[e.Message] = true
			}
		}
	}
	if len(notes) < 8 {
		t.Fatalf("only %d notes: %v", len(notes), notes)
	}
	for _, tag := range []language.Tag{language.TraditionalChinese, language.SimplifiedChinese} {
		p := catalog.New(tag)
		for note := range notes {
			got := p.EventNote(note)
			if got == note || englishWords.MatchString(strings.ReplaceAll(got, "going ahead", "")) {
				t.Errorf("%s: %q shows as %q", tag, note, got)
			}
		}
	}
	if en := catalog.New(language.English); en.EventNote("refund of 12.50 HKD via refund; QFPay's record read before sending") != "refund of 12.50 HKD via refund; QFPay's record read before sending" {
		t.Error("English notes change")
	}
	if got := catalog.New(language.TraditionalChinese).EventNote("/trade/v1/reversal cannot cancel this order; trying /trade/v1/close"); got != "/trade/v1/reversal 不能取消此訂單；改試 /trade/v1/close" {
		t.Errorf("an API path keeps its words: %q", got)
	}
}
