package reversal_test

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// expectOneRefund checks the operation succeeded and QFPay holds exactly one refund for the sale.
func expectOneRefund(t *testing.T, h *reversaltest.Harness, s storage.Sale, r storage.Reversal, amount int64) {
	t.Helper()
	if r.State != storage.StateSucceeded {
		full, _ := h.Journal.Reversal(r.ID)
		t.Fatalf("state %s; events: %s", r.State, reversaltest.Trail(full))
	}
	refunds := h.RefundsOf(s.SysSN)
	if len(refunds) != 1 || refunds[0].Amount != amount || refunds[0].RespCD != "0000" || refunds[0].OutTradeNo != r.OutTradeNo {
		t.Fatalf("QFPay's refunds of the sale: %+v", refunds)
	}
	if r.SysSN != refunds[0].SysSN {
		t.Fatalf("journal has QFPay syssn %q, QFPay %q", r.SysSN, refunds[0].SysSN)
	}
}

func TestHappyRefund(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1})}})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	r := h.Refund(s, 1250)
	expectOneRefund(t, h, s, r, 1250)
	full, _ := h.Journal.Reversal(r.ID)
	if got := reversaltest.Trail(full); got != "intent/pending() sent/sent() reply/processing(1143) query/succeeded(0000) " {
		t.Fatalf("events: %s", got)
	}
	if !strings.HasPrefix(r.OutTradeNo, "RF20261121150000_") || len(r.OutTradeNo) != 33 {
		t.Fatalf("out_trade_no %q", r.OutTradeNo)
	}
	v, _, _ := h.Journal.Sale(s.SysSN)
	if v.Refunded != 1250 || v.Remaining() != 3750 {
		t.Fatalf("sale after refund: %+v", v)
	}
	// Each step names its audit event, and the slip's code is the last step's.
	seen := map[string]bool{}
	for _, e := range full.Events {
		if !regexp.MustCompile(`^[0-9a-f]{8} #\d+$`).MatchString(e.Audit) || seen[e.Audit] {
			t.Fatalf("step %s has audit code %q", e.Type, e.Audit)
		}
		seen[e.Audit] = true
	}
	if code, ok, err := h.Journal.AuditCodeOf(r.ID); err != nil || !ok || code != full.Events[len(full.Events)-1].Audit {
		t.Fatalf("slip's audit code %q, last step's %q", code, full.Events[len(full.Events)-1].Audit)
	}
}

func TestDefaultAmountIsRemaining(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Refund(s, 2000)
	r := h.Refund(s, 0)
	if r.Amount != 3000 || r.State != storage.StateSucceeded {
		t.Fatalf("%+v", r)
	}
	if _, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN}); !errors.Is(err, reversal.ErrNothingLeft) {
		t.Fatalf("nothing left: %v", err)
	}
}

func TestLostReplySettledByQuery(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	if r.Attempts != 1 {
		t.Fatalf("attempts %d: a lost reply must be settled by query, not a resend", r.Attempts)
	}
}

func TestThreeTimeoutsThenSuccess(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Policy: func(p *reversal.Policy) { p.RequestTimeout = 50 * time.Millisecond }})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	// The refund is done but its reply comes too late; the first two queries time out too.
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultSlowReply, Latency: 200 * time.Millisecond})
	slow := qfpaytest.Fault{Kind: qfpaytest.FaultLatency, Latency: 200 * time.Millisecond}
	h.Sandbox.InjectFaults("query", slow, slow)
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	if n := strings.Count(reversaltest.Trail(full), "query/"); n != 3 || r.Attempts != 1 {
		t.Fatalf("attempts %d; events %s", r.Attempts, reversaltest.Trail(full))
	}
}

func TestProcessingFiveTimesThenDone(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 6})}})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	want := "intent/pending() sent/sent() reply/processing(1143) " + strings.Repeat("query/processing(1143) ", 5) + "query/succeeded(0000) "
	if got := reversaltest.Trail(full); got != want {
		t.Fatalf("events:\n%s\nwant\n%s", got, want)
	}
	// The schedule: first query 2 s after the send, then on the desk's shared 3 s tick: the next
	// tick at least 3 s later, then every 3 s.
	var gaps []time.Duration
	for i := 3; i < len(full.Events); i++ {
		gaps = append(gaps, full.Events[i].At.Sub(full.Events[i-1].At))
	}
	if gaps[0] != 2*time.Second || gaps[1] < 3*time.Second || gaps[1] >= 6*time.Second || gaps[2] != 3*time.Second {
		t.Fatalf("gaps %v", gaps)
	}
	for _, e := range full.Events[5:] {
		if !e.At.Equal(e.At.Truncate(3 * time.Second)) {
			t.Fatalf("query at %v, off the tick", e.At)
		}
	}
}

func TestDuplicateAnswerOnResend(t *testing.T) {
	for _, code := range []string{"1102", "2011"} {
		t.Run(code, func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithDuplicate(qfpaytest.Duplicate{Code: code})}})
			h.Run()
			s := h.Sale(5000, "800208", "0000")
			// The reply is lost and QFPay's query lags: qfpos sees "no such operation", resends the
			// identical request, and QFPay answers that it has seen it.
			h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
			h.Sandbox.ScriptAmount(5000, qfpaytest.Script{HiddenQueries: 8})
			r := h.Refund(s, 5000)
			expectOneRefund(t, h, s, r, 5000)
			full, _ := h.Journal.Reversal(r.ID)
			if r.Attempts != 2 || !strings.Contains(reversaltest.Trail(full), "reply/processing("+code+")") {
				t.Fatalf("attempts %d; events %s", r.Attempts, reversaltest.Trail(full))
			}
		})
	}
}

func TestBadGatewayAnd429(t *testing.T) {
	for _, kind := range []qfpaytest.FaultKind{qfpaytest.FaultBadGateway, qfpaytest.FaultTooMany} {
		t.Run(kind.String(), func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{})
			h.Run()
			s := h.Sale(5000, "800208", "0000")
			h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: kind})
			h.Sandbox.InjectFaults("query", qfpaytest.Fault{Kind: kind})
			r := h.Refund(s, 5000)
			expectOneRefund(t, h, s, r, 5000)
			if r.Attempts != 2 {
				t.Fatalf("attempts %d: not committed, so one identical resend after the query found nothing", r.Attempts)
			}
		})
	}
}

func TestGatewayDownForAWhile(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Gateway.OnQuery(func(n int) {
		if n == 6 {
			h.Sandbox.SetDown(false)
		}
	})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.SetDown(true)
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	failed := 0
	for _, e := range full.Events {
		if strings.HasPrefix(e.Message, "query failed") {
			failed++
		}
	}
	if failed != 5 || r.Attempts != 2 {
		t.Fatalf("%d failed queries, %d attempts: %s", failed, r.Attempts, reversaltest.Trail(full))
	}
}

func TestIdenticalResendAfterNotFound(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.Clock.Advance(0)
	r := h.Refund(s, 4000)
	expectOneRefund(t, h, s, r, 4000)
	sends := h.Writes("refund")
	if len(sends) != 2 {
		t.Fatalf("%d refund requests", len(sends))
	}
	if !maps.EqualFunc(sends[0].Form, sends[1].Form, func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }) {
		t.Fatalf("resend differs:\n%v\n%v", sends[0].Form, sends[1].Form)
	}
	if gap := sends[1].At.Sub(sends[0].At); gap < h.Desk.Policy().ResendAfter {
		t.Fatalf("resent after %s, before the safe delay", gap)
	}
}

func TestStrictSignatureMismatchSettledByQuery(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Strict: true})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadSignature})
	r := h.Refund(s, 5000)
	expectOneRefund(t, h, s, r, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	if r.Attempts != 1 || !strings.Contains(reversaltest.Trail(full), "reply/processing()") || full.Events[2].Signature != "mismatch" {
		t.Fatalf("attempts %d; events %s", r.Attempts, reversaltest.Trail(full))
	}
}

func TestCancelFallsBackToClose(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Desk: []reversal.Option{reversal.WithCancelEndpoints(map[string]string{"800208": "reversal"})}})
	h.Run()
	s := h.Sale(4200, "800208", "1143")
	r := h.Cancel(s)
	full, _ := h.Journal.Reversal(r.ID)
	if r.State != storage.StateSucceeded || r.Endpoint != "close" || r.SysSN == "" {
		t.Fatalf("%+v; events %s", r, reversaltest.Trail(full))
	}
	if len(h.Writes("reversal")) != 1 || len(h.Writes("close")) != 1 {
		t.Fatalf("reversal %d, close %d", len(h.Writes("reversal")), len(h.Writes("close")))
	}
	if !strings.Contains(reversaltest.Trail(full), "note/sent(1297)") {
		t.Fatalf("events %s", reversaltest.Trail(full))
	}
	v, _, _ := h.Journal.Sale(s.SysSN)
	if v.State() != storage.SaleStateCancelled {
		t.Fatalf("sale state %s", v.State())
	}
}

func TestCancelUsesTheMappedEndpoint(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	qr := h.Sale(8800, "800101", "1143")
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindCancel, SaleSysSN: qr.SysSN})
	if err != nil || r.Endpoint != "reversal" || r.State != storage.StateProcessing || r.RespCD != "0000" {
		t.Fatalf("a 0000 is confirmed by an enquiry before it is final: %+v %v", r, err)
	}
	if r = h.Follow(r.ID); r.State != storage.StateSucceeded {
		t.Fatalf("after the enquiry: %+v", r)
	}
	form := h.Writes("reversal")[0].Form
	if form.Get("syssn") != qr.SysSN || form.Get("out_trade_no") != qr.OutTradeNo || form.Get("txdtm") != qr.TxDtm || form.Get("txamt") != "8800" {
		t.Fatalf("reversal form %v (D4: the original's syssn, out_trade_no, amount and txdtm)", form)
	}
}

func TestCancelLostReplySettledBySaleRecord(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(3000, "800208", "1143")
	h.Sandbox.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	r := h.Cancel(s)
	if r.State != storage.StateSucceeded || r.Attempts != 1 {
		full, _ := h.Journal.Reversal(r.ID)
		t.Fatalf("%s attempts %d: %s", r.State, r.Attempts, reversaltest.Trail(full))
	}
	// Settled by query of the sale: done, with no reference of its own (the sale's syssn is the
	// sale's, not the cancel's).
	if r.SysSN != "" || r.RespCD != "0000" {
		t.Fatalf("QFPay reference %q, respcd %q", r.SysSN, r.RespCD)
	}
}

func TestCancelOfASalePaidAfterAll(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(3000, "800208", "1143")
	h.Sandbox.InjectFaults("close", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.Gateway.OnQuery(func(n int) {
		if n == 1 {
			_ = h.Sandbox.SetPaymentStatus(s.SysSN, "0000")
		}
	})
	r := h.Cancel(s)
	v, _, _ := h.Journal.Sale(s.SysSN)
	if r.State != storage.StateFailed || r.RespCD != "1260" || v.Status() != storage.PaymentPaid {
		t.Fatalf("%+v; sale %s", r, v.Status())
	}
}

func TestFinalRefusal(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.ScriptAmount(1234, qfpaytest.Script{RespCD: "1294", RespErr: "blocked"})
	r := h.Refund(s, 1234)
	if r.State != storage.StateFailed || r.RespCD != "1294" || r.Attempts != 1 {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(told(r), "compliance") {
		t.Fatalf("no explanation: %q", told(r))
	}
}

func TestOutcomeStaysUnknownAndParks(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.ScriptAmount(5000, qfpaytest.Script{NeverSettle: true})
	start := h.Clock.Now()
	r := h.Refund(s, 5000)
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
	if _, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 100}); !errors.Is(err, storage.ErrInFlight) {
		t.Fatalf("second refund while unknown: %v", err)
	}
	// Backoff between fast and parked: gaps never above 30 s (the desk goes on checking, parked,
	// while the test reads).
	full, _ := h.Journal.Reversal(r.ID)
	for i := 4; i < len(full.Events) && full.Events[i].State != storage.StateUnknown; i++ {
		if gap := full.Events[i].At.Sub(full.Events[i-1].At); gap > 30*time.Second {
			t.Fatalf("gap %s between checks", gap)
		}
	}
}

func TestTwoRefundsAtOnce(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			_, errs[i] = h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 5000})
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
	if ok != 1 || refused != 1 || len(h.RefundsOf(s.SysSN)) != 1 {
		t.Fatalf("ok %d refused %d", ok, refused)
	}
}

func TestSameDayCardFullOnly(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(9900, "802808", "0000")
	s.TxDtm = h.Clock.Now().Add(-time.Hour).Format(storage.TxDtmLayout)
	if _, err := h.Journal.PutSale(s); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 100}); !errors.Is(err, reversal.ErrFullAmountToday) {
		t.Fatalf("partial: %v", err)
	}
	if len(h.Writes("refund")) != 0 {
		t.Fatal("a refused request was sent")
	}
}

func TestWritesCarryUDID(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway})
	h.Refund(s, 1000)
	qr := h.Sale(3000, "800201", "1143")
	r := h.Cancel(qr)
	n := 0
	for _, req := range h.Sandbox.Requests() {
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
	if r, _ := h.Journal.Reversal(r.ID); r.UDID != "POS-01" {
		t.Fatalf("journal udid %q", r.UDID)
	}
}

// TestTryLaterRefusal: QFPay refuses for now (1269); a query confirms nothing happened, and the
// operation fails with the explanation instead of being resent.
func TestTryLaterRefusal(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.ScriptAmount(2500, qfpaytest.Script{RespCD: "1269", Times: 1})
	r := h.Refund(s, 2500)
	full, _ := h.Journal.Reversal(r.ID)
	if r.State != storage.StateFailed || r.RespCD != "1269" || r.Attempts != 1 || len(h.Writes("refund")) != 1 {
		t.Fatalf("%s %s attempts %d: %s", r.State, r.RespCD, r.Attempts, reversaltest.Trail(full))
	}
	if !strings.Contains(told(r), "Try again later today or tomorrow.") {
		t.Fatalf("told %q", told(r))
	}
	// The cashier may try again: a new refund of the sale is accepted.
	if r := h.Refund(s, 2500); r.State != storage.StateSucceeded {
		t.Fatalf("second try: %s", r.State)
	}
}
