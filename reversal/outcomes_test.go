package reversal_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// These tests hold the lifecycle to what QFPay's own pages describe (issue 9); each point of the
// issue is named.

func lastMessage(t *testing.T, h *reversaltest.Harness, id uint64) string {
	t.Helper()
	full, err := h.Journal.Reversal(id)
	if err != nil {
		t.Fatal(err)
	}
	return full.Events[len(full.Events)-1].Message
}

// 1. A 0000 on a cancel is not proof: an enquiry of the sale decides.
func TestCancelZeroIsConfirmedByEnquiry(t *testing.T) {
	t.Run("paid after all", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.Sale(3000, "800101", "1143")
		if err := h.Sandbox.SetPaymentStatus(s.SysSN, "0000"); err != nil { // the customer paid meanwhile
			t.Fatal(err)
		}
		h.Sandbox.ScriptOutTradeNo(s.OutTradeNo, qfpaytest.Script{Hollow: true})
		r := h.Cancel(s)
		full, _ := h.Journal.Reversal(r.ID)
		if r.State != storage.StateFailed || r.RespCD != "1260" || !strings.Contains(reversaltest.Trail(full), "reply/processing(0000)") {
			t.Fatalf("%s %s: %s", r.State, r.RespCD, reversaltest.Trail(full))
		}
		if !strings.Contains(told(r), "The customer was charged — refund it instead") {
			t.Fatalf("cashier told %q", told(r))
		}
		v, _, _ := h.Journal.Sale(s.SysSN)
		if v.Status() != storage.PaymentPaid || v.Remaining() != 3000 || len(h.Writes("close")) != 0 {
			t.Fatalf("sale %s, remaining %d, %d closes", v.Status(), v.Remaining(), len(h.Writes("close")))
		}
	})
	t.Run("not paid", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.Sale(3000, "800101", "1143")
		h.Sandbox.ScriptOutTradeNo(s.OutTradeNo, qfpaytest.Script{Hollow: true})
		if r := h.Cancel(s); r.State != storage.StateSucceeded || r.SysSN == "" {
			t.Fatalf("nothing was charged: %+v", r)
		}
	})
	t.Run("flag 3 counts as cancelled", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.Sale(3000, "800101", "1143", func(p *qfpaytest.Payment) { p.Cancel = qfpay.CancelRefunded })
		r := h.Cancel(s) // QFPay answers 1263 (already cancelled); the record's flag 3 confirms it
		v, _, _ := h.Journal.Sale(s.SysSN)
		if r.State != storage.StateSucceeded || !v.Cancelled || v.QFPay.Cancel != "3" {
			full, _ := h.Journal.Reversal(r.ID)
			t.Fatalf("%s %s: %s", r.State, r.RespCD, reversaltest.Trail(full))
		}
	})
}

// 2. Once QFPay has answered a cancel it is never sent again; with no answer at all it is resent
// after the safe delay, identical.
func TestAnsweredCancelIsNeverResent(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(3000, "800208", "1143")
	h.Sandbox.ScriptOutTradeNo(s.OutTradeNo, qfpaytest.Script{RespCD: "1143"}) // "in progress", and nothing changes
	r := h.Cancel(s)
	if r.State != storage.StateUnknown || r.Attempts != 1 || len(h.Writes("close"))+len(h.Writes("reversal")) != 1 {
		full, _ := h.Journal.Reversal(r.ID)
		t.Fatalf("%s after %d attempts: %s", r.State, r.Attempts, reversaltest.Trail(full))
	}
}

func TestUnansweredCancelIsResentIdentically(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(3000, "800208", "1143")
	h.Sandbox.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	r := h.Cancel(s)
	closes := h.Writes("close")
	if r.State != storage.StateSucceeded || len(closes) != 2 {
		t.Fatalf("%s, %d closes", r.State, len(closes))
	}
	if !maps.EqualFunc(closes[0].Form, closes[1].Form, func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }) {
		t.Fatalf("resend differs:\n%v\n%v", closes[0].Form, closes[1].Form)
	}
	if gap := closes[1].At.Sub(closes[0].At); gap < h.Desk.Policy().ResendAfter {
		t.Fatalf("resent after %s", gap)
	}
}

// 3. 1260 on a cancel: no fallback, the sale is paid, a refund is offered. 1142, 1263 and 1181
// end as done once the sale's record confirms it.
func TestCancelAnswers(t *testing.T) {
	t.Run("1260", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.Sale(3000, "800208", "1143")
		_ = h.Sandbox.SetPaymentStatus(s.SysSN, "0000")
		r := h.Cancel(s)
		v, _, _ := h.Journal.Sale(s.SysSN)
		if r.State != storage.StateFailed || r.RespCD != "1260" || len(h.Writes("reversal")) != 0 || v.Status() != storage.PaymentPaid {
			t.Fatalf("%s %s, %d reversals, sale %s", r.State, r.RespCD, len(h.Writes("reversal")), v.Status())
		}
	})
	for _, code := range []string{"1142", "1263", "1181"} {
		t.Run(code, func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{})
			h.Run()
			s := h.Sale(3000, "800208", "1143")
			h.Sandbox.ScriptOutTradeNo(s.OutTradeNo, qfpaytest.Script{RespCD: code})
			r := h.Cancel(s)
			v, _, _ := h.Journal.Sale(s.SysSN)
			if r.State != storage.StateSucceeded || v.State() != storage.SaleStateCancelled || r.Attempts != 1 {
				full, _ := h.Journal.Reversal(r.ID)
				t.Fatalf("%s: %s", r.State, reversaltest.Trail(full))
			}
			if msg := lastMessage(t, h, r.ID); !strings.Contains(msg, "already cancelled") {
				t.Fatalf("message %q", msg)
			}
			// It keeps what QFPay answered, and no reference: QFPay gave the cancel none, and the
			// sale's syssn is not the cancel's.
			if r.RespCD != code || r.SysSN != "" {
				t.Fatalf("respcd %q, QFPay reference %q", r.RespCD, r.SysSN)
			}
		})
	}
}

// 4. A pay type QFPay lists no cancel for goes to close first.
func TestUnlistedPayTypeClosesFirst(t *testing.T) {
	endpoints := map[string]string{"805808": "close"}
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithCancelEndpoints(endpoints)}})
	h.Run()
	s := h.Sale(2000, "805808", "1143")
	r := h.Cancel(s)
	if r.State != storage.StateSucceeded || r.Endpoint != "close" || len(h.Writes("reversal")) != 0 {
		t.Fatalf("%s via %s, %d reversals", r.State, r.Endpoint, len(h.Writes("reversal")))
	}
}

// 5. Reversal and close send only their documented parameters, whatever the QFPay zone.
func TestCancelSendsOnlyDocumentedParameters(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Client: []qfpay.Option{qfpay.WithZone(time.FixedZone("+09:00", 9*3600))}})
	h.Run()
	for _, s := range []storage.Sale{h.Sale(2000, "800101", "1143"), h.Sale(2000, "800208", "1143")} {
		h.Cancel(s)
	}
	for _, req := range h.Sandbox.Requests() {
		if req.Endpoint != "reversal" && req.Endpoint != "close" {
			continue
		}
		for k := range req.Form {
			if !map[string]bool{"syssn": true, "out_trade_no": true, "txamt": true, "txdtm": true, "udid": true, "mchid": true}[k] {
				t.Fatalf("%s sent %s", req.Endpoint, k)
			}
		}
	}
}

// 6. A refund is looked up by its own syssn once a reply gave it; before that by out_trade_no
// over its creation time ±1 day, one query per calendar month.
func TestRefundLookups(t *testing.T) {
	t.Run("by syssn", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 3})}})
		h.Run()
		s := h.Sale(5000, "800208", "0000")
		r := h.Refund(s, 1000)
		if r.State != storage.StateSucceeded {
			t.Fatal(r.State)
		}
		qs := h.Writes("query")
		for _, q := range qs {
			if q.Form.Get("syssn") != r.SysSN || q.Form.Has("out_trade_no") || q.Form.Has("start_time") {
				t.Fatalf("query %v", q.Form)
			}
		}
	})
	t.Run("by out_trade_no across a month", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{Start: time.Date(2026, 12, 1, 0, 30, 0, 0, hk)})
		h.Run()
		s := h.Sale(5000, "800208", "0000")
		h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
		r := h.Refund(s, 1000)
		if r.State != storage.StateSucceeded || r.Attempts != 1 {
			t.Fatal(r.State)
		}
		var windows []string
		for _, q := range h.Writes("query") {
			if q.Form.Get("out_trade_no") != r.OutTradeNo {
				t.Fatalf("query %v", q.Form)
			}
			windows = append(windows, q.Form.Get("start_time")+" → "+q.Form.Get("end_time"))
		}
		if len(windows) != 2 || windows[0] == windows[1] ||
			!strings.Contains(strings.Join(windows, "|"), "2026-11-30 00:30:00 → 2026-11-30 23:59:59") ||
			!strings.Contains(strings.Join(windows, "|"), "2026-12-01 00:00:00 → 2026-12-01 01:30:0") {
			t.Fatalf("windows %v", windows)
		}
	})
}

// 7. QFPay's clock, not the host's: with the host in UTC or Vancouver, a refund whose reply is
// lost is still found by the query (the gateway reads windows in +08:00 and ignores txzone).
func TestHostZoneDoesNotMatter(t *testing.T) {
	if os.Getenv("QFPOS_TZ_CHILD") != "" {
		hostZoneChild(t)
		return
	}
	for _, tz := range []string{"UTC", "America/Vancouver"} {
		t.Run(tz, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostZoneDoesNotMatter$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TZ="+tz, "QFPOS_TZ_CHILD=1")
			out, err := cmd.CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("PASS")) {
				t.Fatalf("under TZ=%s: %v\n%s", tz, err, out)
			}
		})
	}
}

func hostZoneChild(t *testing.T) {
	if _, off := time.Now().Zone(); off == 8*3600 {
		t.Fatal("the child runs in +08:00; TZ was not applied")
	}
	h := reversaltest.New(t, reversaltest.Setup{Local: time.Local, Sandbox: []qfpaytest.Option{qfpaytest.WithIgnoreTxzone(true)}})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	if r.Attempts != 1 {
		t.Fatalf("attempts %d", r.Attempts)
	}
	if got := h.Writes("refund")[0].Form; got.Get("txdtm") != "2026-11-21 15:00:00" || got.Has("txzone") {
		t.Fatalf("refund sent %v", got)
	}
}

// 8. A refusal of an identical resend is not final: the first send may have succeeded.
func TestRefusedResendIsNotFinal(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Desk: []reversal.Option{reversal.WithIDSource(bytes.NewReader(make([]byte, 64)))}})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	otn := "RF20261121150000_0000000000000000"
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	h.Sandbox.ScriptAmount(5000, qfpaytest.Script{HiddenQueries: 9}) // QFPay's records lag behind the first send
	h.Sandbox.ScriptOutTradeNo(otn, qfpaytest.Script{RespCD: "1272", Skip: 1})
	r := h.Refund(s, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	if r.OutTradeNo != otn || r.Attempts != 2 || !strings.Contains(reversaltest.Trail(full), "reply/processing(1272)") {
		t.Fatalf("%s attempts %d: %s", r.OutTradeNo, r.Attempts, reversaltest.Trail(full))
	}
	expectOneRefund(t, h, s, r, 5000)
}

// 9. 1265 inside 23:30–00:30 on QFPay's clock is the night window (confirmed, then failed with both
// meanings); outside it the refusal is final at once.
func Test1265ByQFPaysClock(t *testing.T) {
	for _, c := range []struct {
		name    string
		start   time.Time
		queries bool
	}{
		{"23:45 in +08:00 (15:45 UTC)", time.Date(2026, 11, 21, 15, 45, 0, 0, time.UTC), true},
		{"15:00 in +08:00", time.Date(2026, 11, 21, 15, 0, 0, 0, hk), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{Start: c.start})
			h.Run()
			s := h.Sale(5000, "800208", "0000")
			h.Sandbox.ScriptAmount(1000, qfpaytest.Script{RespCD: "1265", RespErr: "refund not allowed"})
			r := h.Refund(s, 1000)
			full, _ := h.Journal.Reversal(r.ID)
			if r.State != storage.StateFailed || strings.Contains(reversaltest.Trail(full), "query/") != c.queries {
				t.Fatalf("%s: %s", r.State, reversaltest.Trail(full))
			}
			if msg := told(r); !strings.Contains(msg, "23:30") || !strings.Contains(msg, "period") {
				t.Fatalf("both meanings not shown: %q", msg)
			}
		})
	}
}

// 10. Pages end only when shorter than the page_size QFPay reports; ids in one query fit the field.
func TestCappedPagesAndBatchedIDs(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithMaxPageSize(20)}})
	for i := range 30 {
		_, err := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: int64(1000 + i),
			PayType: "800208", Time: h.Clock.Now().Add(-time.Duration(i+1) * time.Minute), UDID: "POS-01"})
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := report.SyncSales(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), time.Hour, "POS-01")
	if err != nil || res.Added != 30 {
		t.Fatalf("synced %+v %v", res, err)
	}
	h.Run()
	var ids []uint64
	for i := range 10 {
		s := h.Sale(int64(2000+i), "800208", "0000")
		h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
		r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 100})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		if r := h.Follow(id); r.State != storage.StateSucceeded || r.Attempts != 1 {
			t.Fatalf("%d: %s after %d attempts", id, r.State, r.Attempts)
		}
	}
	for _, q := range h.Writes("query") {
		if n := len(q.Form.Get("out_trade_no")); n > qfpay.MaxIDListLen {
			t.Fatalf("out_trade_no list of %d characters", n)
		}
	}
}

// 11. A sync keeps what happened at QFPay: a refund at another till, a sale closed elsewhere.
func TestSyncKeepsWhatHappenedElsewhere(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	app := qfpaytest.TestMerchant.AppCode
	paid, _ := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: app, Amount: 5000, PayType: "800208", Time: h.Clock.Now().Add(-2 * time.Hour), UDID: "POS-01"})
	if _, err := h.Sandbox.AddRefund(qfpaytest.Refund{AppCode: app, OrigSysSN: paid.SysSN, Amount: 2000, UDID: "POS-02",
		Time: h.Clock.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	closed, _ := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: app, Amount: 800, PayType: "800201", RespCD: "1143",
		Cancel: qfpay.CancelClosed, Time: h.Clock.Now().Add(-time.Hour), UDID: "POS-01"})
	res, err := report.SyncSales(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), 24*time.Hour, "POS-01")
	if err != nil || res.Added != 2 || res.AtQFPay != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if v, _, _ := h.Journal.Sale(paid.SysSN); v.Remaining() != 3000 || v.Elsewhere != 2000 || v.State() != storage.SaleStatePartlyRefunded {
		t.Fatalf("refunded elsewhere: remaining %d, elsewhere %d, %s", v.Remaining(), v.Elsewhere, v.State())
	}
	if v, _, _ := h.Journal.Sale(closed.SysSN); v.State() != storage.SaleStateCancelled {
		t.Fatalf("closed elsewhere: %s", v.State())
	}
}

// 12. Before a refund is sent the sale is read at QFPay, so refunds made elsewhere count; if QFPay
// cannot be reached the refund goes ahead on the local figure and says so; 1272 refreshes the sale.
func TestRefundReadsTheSaleAtQFPayFirst(t *testing.T) {
	app := qfpaytest.TestMerchant.AppCode
	t.Run("refunded elsewhere", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.SaleUnread(5000, "800208", "0000")
		if _, err := h.Sandbox.AddRefund(qfpaytest.Refund{AppCode: app, OrigSysSN: s.SysSN, Amount: 2000, UDID: "POS-02"}); err != nil {
			t.Fatal(err)
		}
		_, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 4000})
		var re *storage.RuleError
		if !errors.As(err, &re) || !errors.Is(err, storage.ErrOverRefund) || re.Remaining != 3000 || len(h.Writes("refund")) != 0 {
			t.Fatalf("over the true remainder: %v", err)
		}
		// The refusal keeps what QFPay said (it was to be journaled with the intent).
		if v, _, _ := h.Journal.Sale(s.SysSN); v.Elsewhere != 2000 || v.QFPay.Checked.IsZero() {
			t.Fatalf("after the refusal the journal shows %d elsewhere, checked %v", v.Elsewhere, v.QFPay.Checked)
		}
		r := h.Refund(s, 0) // the default is what is really left
		if r.Amount != 3000 || r.State != storage.StateSucceeded {
			t.Fatalf("%+v", r)
		}
		full, _ := h.Journal.Reversal(r.ID)
		if !strings.Contains(full.Events[0].Message, "20.00 HKD refunded elsewhere") {
			t.Fatalf("intent %q", full.Events[0].Message)
		}
	})
	t.Run("QFPay unreachable", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.SaleUnread(5000, "800208", "0000")
		h.Sandbox.InjectFaults("query", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
		r := h.Refund(s, 1000)
		full, _ := h.Journal.Reversal(r.ID)
		if r.State != storage.StateSucceeded || !strings.Contains(full.Events[0].Message, reversal.NoteUnreachable) {
			t.Fatalf("%s: %q", r.State, full.Events[0].Message)
		}
	})
	t.Run("1272 refreshes the sale", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		s := h.Sale(5000, "800208", "0000") // read just now; the other till refunds right after
		if _, err := h.Sandbox.AddRefund(qfpaytest.Refund{AppCode: app, OrigSysSN: s.SysSN, Amount: 4000, UDID: "POS-02"}); err != nil {
			t.Fatal(err)
		}
		r := h.Refund(s, 2000)
		if r.State != storage.StateFailed || r.RespCD != "1272" || !strings.Contains(told(r), "maybe at another till") {
			t.Fatalf("%s %s", r.State, r.RespCD)
		}
		if v, _, _ := h.Journal.Sale(s.SysSN); v.Remaining() != 1000 {
			t.Fatalf("after 1272 the sale shows %d left", v.Remaining())
		}
	})
}
