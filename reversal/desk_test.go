package reversal

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/storage"
)

// expectOneRefund checks the operation succeeded and QFPay holds exactly one refund for the sale.
func expectOneRefund(t *testing.T, h *harness, s storage.Sale, r storage.Reversal, amount int64) {
	t.Helper()
	if r.State != storage.StateSucceeded {
		full, _ := h.j.Reversal(r.ID)
		t.Fatalf("state %s; events: %s", r.State, eventTrail(full))
	}
	refunds := h.refundsOf(s.SysSN)
	if len(refunds) != 1 || refunds[0].Amount != amount || refunds[0].RespCD != "0000" || refunds[0].OutTradeNo != r.OutTradeNo {
		t.Fatalf("QFPay's refunds of the sale: %+v", refunds)
	}
	if r.SysSN != refunds[0].SysSN {
		t.Fatalf("journal has QFPay syssn %q, QFPay %q", r.SysSN, refunds[0].SysSN)
	}
}

func TestHappyRefund(t *testing.T) {
	h := newHarness(t, setup{sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1})}})
	h.run()
	s := h.sale(5000, "800208", "0000")
	r := h.refund(s, 1250)
	expectOneRefund(t, h, s, r, 1250)
	full, _ := h.j.Reversal(r.ID)
	if got := eventTrail(full); got != "intent/pending() sent/sent() reply/processing(1143) query/succeeded(0000) " {
		t.Fatalf("events: %s", got)
	}
	if !strings.HasPrefix(r.OutTradeNo, "RF20261121150000_") || len(r.OutTradeNo) != 33 {
		t.Fatalf("out_trade_no %q", r.OutTradeNo)
	}
	v, _, _ := h.j.Sale(s.SysSN)
	if v.Refunded != 1250 || v.Remaining() != 3750 {
		t.Fatalf("sale after refund: %+v", v)
	}
}

func TestDefaultAmountIsRemaining(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.refund(s, 2000)
	r := h.refund(s, 0)
	if r.Amount != 3000 || r.State != storage.StateSucceeded {
		t.Fatalf("%+v", r)
	}
	if _, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN}); !errors.Is(err, ErrNothingLeft) {
		t.Fatalf("nothing left: %v", err)
	}
}

func TestLostReplySettledByQuery(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	r := h.refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	if r.Attempts != 1 {
		t.Fatalf("attempts %d: a lost reply must be settled by query, not a resend", r.Attempts)
	}
}

func TestThreeTimeoutsThenSuccess(t *testing.T) {
	h := newHarness(t, setup{policy: func(p *Policy) { p.RequestTimeout = 50 * time.Millisecond }})
	h.run()
	s := h.sale(5000, "800208", "0000")
	// The refund is done but its reply comes too late; the first two queries time out too.
	h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultSlowReply, Latency: 200 * time.Millisecond})
	slow := qfpaytest.Fault{Kind: qfpaytest.FaultLatency, Latency: 200 * time.Millisecond}
	h.sb.InjectFaults("query", slow, slow)
	r := h.refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.j.Reversal(r.ID)
	if n := strings.Count(eventTrail(full), "query/"); n != 3 || r.Attempts != 1 {
		t.Fatalf("attempts %d; events %s", r.Attempts, eventTrail(full))
	}
}

func TestProcessingFiveTimesThenDone(t *testing.T) {
	h := newHarness(t, setup{sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 6})}})
	h.run()
	s := h.sale(5000, "800208", "0000")
	r := h.refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.j.Reversal(r.ID)
	want := "intent/pending() sent/sent() reply/processing(1143) " + strings.Repeat("query/processing(1143) ", 5) + "query/succeeded(0000) "
	if got := eventTrail(full); got != want {
		t.Fatalf("events:\n%s\nwant\n%s", got, want)
	}
	// The schedule: first query 2 s after the send, then every 3 s.
	var gaps []time.Duration
	for i := 3; i < len(full.Events); i++ {
		gaps = append(gaps, full.Events[i].At.Sub(full.Events[i-1].At))
	}
	if gaps[0] != 2*time.Second || gaps[1] != 3*time.Second {
		t.Fatalf("gaps %v", gaps)
	}
}

func TestDuplicateAnswerOnResend(t *testing.T) {
	for _, code := range []string{"1102", "2011"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, setup{sandbox: []qfpaytest.Option{qfpaytest.WithDuplicate(qfpaytest.Duplicate{Code: code})}})
			h.run()
			s := h.sale(5000, "800208", "0000")
			// The reply is lost and QFPay's query lags: qfpos sees "no such operation", resends the
			// identical request, and QFPay answers that it has seen it.
			h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
			h.sb.ScriptAmount(5000, qfpaytest.Script{HiddenQueries: 8})
			r := h.refund(s, 5000)
			expectOneRefund(t, h, s, r, 5000)
			full, _ := h.j.Reversal(r.ID)
			if r.Attempts != 2 || !strings.Contains(eventTrail(full), "reply/processing("+code+")") {
				t.Fatalf("attempts %d; events %s", r.Attempts, eventTrail(full))
			}
		})
	}
}

func TestBadGatewayAnd429(t *testing.T) {
	for _, kind := range []qfpaytest.FaultKind{qfpaytest.FaultBadGateway, qfpaytest.FaultTooMany} {
		t.Run(kind.String(), func(t *testing.T) {
			h := newHarness(t, setup{})
			h.run()
			s := h.sale(5000, "800208", "0000")
			h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: kind})
			h.sb.InjectFaults("query", qfpaytest.Fault{Kind: kind})
			r := h.refund(s, 5000)
			expectOneRefund(t, h, s, r, 5000)
			if r.Attempts != 2 {
				t.Fatalf("attempts %d: not committed, so one identical resend after the query found nothing", r.Attempts)
			}
		})
	}
}

func TestGatewayDownForAWhile(t *testing.T) {
	h := newHarness(t, setup{})
	h.gw.onQuery = func(n int) {
		if n == 6 {
			h.sb.SetDown(false)
		}
	}
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.SetDown(true)
	r := h.refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.j.Reversal(r.ID)
	failed := 0
	for _, e := range full.Events {
		if strings.HasPrefix(e.Message, "query failed") {
			failed++
		}
	}
	if failed != 5 || r.Attempts != 2 {
		t.Fatalf("%d failed queries, %d attempts: %s", failed, r.Attempts, eventTrail(full))
	}
}

func TestIdenticalResendAfterNotFound(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.clock.Advance(0)
	r := h.refund(s, 4000)
	expectOneRefund(t, h, s, r, 4000)
	sends := h.writes("refund")
	if len(sends) != 2 {
		t.Fatalf("%d refund requests", len(sends))
	}
	if !maps.EqualFunc(sends[0].Form, sends[1].Form, func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }) {
		t.Fatalf("resend differs:\n%v\n%v", sends[0].Form, sends[1].Form)
	}
	if gap := sends[1].At.Sub(sends[0].At); gap < h.d.Policy().ResendAfter {
		t.Fatalf("resent after %s, before the safe delay", gap)
	}
}

func TestStrictSignatureMismatchSettledByQuery(t *testing.T) {
	h := newHarness(t, setup{strict: true})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadSignature})
	r := h.refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.j.Reversal(r.ID)
	if r.Attempts != 1 || !strings.Contains(eventTrail(full), "reply/processing()") || full.Events[2].Signature != "mismatch" {
		t.Fatalf("attempts %d; events %s", r.Attempts, eventTrail(full))
	}
}

func TestCancelFallsBackToClose(t *testing.T) {
	h := newHarness(t, setup{desk: []Option{WithCancelEndpoints(map[string]string{"800208": "reversal"})}})
	h.run()
	s := h.sale(4200, "800208", "1143")
	r := h.cancel(s)
	full, _ := h.j.Reversal(r.ID)
	if r.State != storage.StateSucceeded || r.Endpoint != "close" || r.SysSN == "" {
		t.Fatalf("%+v; events %s", r, eventTrail(full))
	}
	if len(h.writes("reversal")) != 1 || len(h.writes("close")) != 1 {
		t.Fatalf("reversal %d, close %d", len(h.writes("reversal")), len(h.writes("close")))
	}
	if !strings.Contains(eventTrail(full), "note/sent(1297)") {
		t.Fatalf("events %s", eventTrail(full))
	}
	v, _, _ := h.j.Sale(s.SysSN)
	if v.State() != storage.SaleStateCancelled {
		t.Fatalf("sale state %s", v.State())
	}
}

func TestCancelUsesTheMappedEndpoint(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	qr := h.sale(8800, "800101", "1143")
	r, err := h.d.Start(context.Background(), Request{Kind: storage.KindCancel, SaleSysSN: qr.SysSN})
	if err != nil || r.Endpoint != "reversal" || r.State != storage.StateProcessing || r.RespCD != "0000" {
		t.Fatalf("a 0000 is confirmed by an enquiry before it is final: %+v %v", r, err)
	}
	if r = h.follow(r.ID); r.State != storage.StateSucceeded {
		t.Fatalf("after the enquiry: %+v", r)
	}
	form := h.writes("reversal")[0].Form
	if form.Get("syssn") != qr.SysSN || form.Get("out_trade_no") != qr.OutTradeNo || form.Get("txdtm") != qr.TxDtm || form.Get("txamt") != "8800" {
		t.Fatalf("reversal form %v (D4: the original's syssn, out_trade_no, amount and txdtm)", form)
	}
}

func TestCancelLostReplySettledBySaleRecord(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(3000, "800208", "1143")
	h.sb.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	r := h.cancel(s)
	if r.State != storage.StateSucceeded || r.Attempts != 1 {
		full, _ := h.j.Reversal(r.ID)
		t.Fatalf("%s attempts %d: %s", r.State, r.Attempts, eventTrail(full))
	}
}

func TestCancelOfASalePaidAfterAll(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(3000, "800208", "1143")
	h.sb.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.gw.onQuery = func(n int) {
		if n == 1 {
			_ = h.sb.SetPaymentStatus(s.SysSN, "0000")
		}
	}
	r := h.cancel(s)
	v, _, _ := h.j.Sale(s.SysSN)
	if r.State != storage.StateFailed || r.RespCD != "1260" || v.Status() != storage.PaymentPaid {
		t.Fatalf("%+v; sale %s", r, v.Status())
	}
}

func TestFinalRefusal(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.ScriptAmount(1234, qfpaytest.Script{RespCD: "1294", RespErr: "blocked"})
	r := h.refund(s, 1234)
	if r.State != storage.StateFailed || r.RespCD != "1294" || r.Attempts != 1 {
		t.Fatalf("%+v", r)
	}
	full, _ := h.j.Reversal(r.ID)
	if !strings.Contains(full.Events[len(full.Events)-1].Message, "compliance") {
		t.Fatalf("no explanation: %+v", full.Events[len(full.Events)-1])
	}
}

func TestOutcomeStaysUnknownAndParks(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.ScriptAmount(5000, qfpaytest.Script{NeverSettle: true})
	start := h.clock.Now()
	r := h.refund(s, 5000)
	if r.State != storage.StateUnknown || r.Attempts != 1 {
		t.Fatalf("%+v", r)
	}
	waited := r.Updated.Sub(start)
	if waited < 15*time.Minute || waited > 16*time.Minute {
		t.Fatalf("parked after %s", waited)
	}
	if !r.NextCheck.Equal(r.Updated.Add(5 * time.Minute)) {
		t.Fatalf("next check %s after parking at %s", r.NextCheck, r.Updated)
	}
	// Another refund of the sale is refused while it is unknown.
	if _, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 100}); !errors.Is(err, storage.ErrInFlight) {
		t.Fatalf("second refund while unknown: %v", err)
	}
	// Backoff between fast and parked: gaps never above 30 s.
	full, _ := h.j.Reversal(r.ID)
	for i := 4; i < len(full.Events)-1; i++ {
		if gap := full.Events[i].At.Sub(full.Events[i-1].At); gap > 30*time.Second {
			t.Fatalf("gap %s between checks", gap)
		}
	}
}

func TestTwoRefundsAtOnce(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			_, errs[i] = h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 5000})
		})
	}
	wg.Wait()
	var ok, refused int
	for _, err := range errs {
		var re *storage.RuleError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &re) && (errors.Is(err, storage.ErrInFlight) || errors.Is(err, storage.ErrOverRefund)):
			refused++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if ok != 1 || refused != 1 || len(h.refundsOf(s.SysSN)) != 1 {
		t.Fatalf("ok %d refused %d", ok, refused)
	}
}

func TestSameDayCardFullOnly(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(9900, "802808", "0000")
	s.TxDtm = h.clock.Now().Add(-time.Hour).Format(storage.TxDtmLayout)
	if _, err := h.j.PutSale(s); err != nil {
		t.Fatal(err)
	}
	if _, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 100}); !errors.Is(err, ErrFullAmountToday) {
		t.Fatalf("partial: %v", err)
	}
	if len(h.writes("refund")) != 0 {
		t.Fatal("a refused request was sent")
	}
}

func TestWritesCarryUDID(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.refund(s, 1000)
	qr := h.sale(3000, "800201", "1143")
	r := h.cancel(qr)
	n := 0
	for _, req := range h.sb.Requests() {
		if req.Endpoint == "query" {
			continue
		}
		n++
		if req.Form.Get("udid") != "POS-01" {
			t.Fatalf("%s request without the udid: %v", req.Endpoint, req.Form)
		}
	}
	if n != 3 {
		t.Fatalf("%d writes", n)
	}
	if r, _ := h.j.Reversal(r.ID); r.UDID != "POS-01" {
		t.Fatalf("journal udid %q", r.UDID)
	}
}

// TestTryLaterRefusal: QFPay refuses for now (1269); a query confirms nothing happened, and the
// operation fails with the explanation instead of being resent.
func TestTryLaterRefusal(t *testing.T) {
	h := newHarness(t, setup{})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.ScriptAmount(2500, qfpaytest.Script{RespCD: "1269", Times: 1})
	r := h.refund(s, 2500)
	full, _ := h.j.Reversal(r.ID)
	if r.State != storage.StateFailed || r.RespCD != "1269" || r.Attempts != 1 || len(h.writes("refund")) != 1 {
		t.Fatalf("%s %s attempts %d: %s", r.State, r.RespCD, r.Attempts, eventTrail(full))
	}
	if last := full.Events[len(full.Events)-1]; !strings.Contains(last.Message, "Try again later today or tomorrow.") {
		t.Fatalf("last event %+v", last)
	}
	// The cashier may try again: a new refund of the sale is accepted.
	if r := h.refund(s, 2500); r.State != storage.StateSucceeded {
		t.Fatalf("second try: %s", r.State)
	}
}
