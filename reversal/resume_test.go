package reversal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// TestBatchedPolling has two refunds in flight and checks they are polled with one query.
func TestBatchedPolling(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 3})}})
	a, b := h.Sale(5000, "800208", "0000"), h.Sale(6000, "800208", "0000")
	// Journal and send both before the loop runs, as if they were started together.
	reversal.MarkReady(h.Desk)
	ra, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: a.SysSN, Amount: 100})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: b.SysSN, Amount: 100})
	if err != nil {
		t.Fatal(err)
	}
	h.Run()
	if h.Follow(ra.ID).State != storage.StateSucceeded || h.Follow(rb.ID).State != storage.StateSucceeded {
		t.Fatal("not both succeeded")
	}
	// Both replies carried the refunds' own syssn: they are looked up by it (D10′).
	both := 0
	for _, q := range h.Writes("query") {
		ids := q.Form.Get("syssn")
		if ra.SysSN != "" && strings.Contains(ids, ra.SysSN) && strings.Contains(ids, rb.SysSN) {
			both++
		}
	}
	if both == 0 || len(h.Writes("query")) > 4 {
		t.Fatalf("%d queries, %d of them for both", len(h.Writes("query")), both)
	}
}

// TestResumeAfterCrash leaves one operation never sent and one sent without a journaled reply,
// as a crash would, and starts a new desk: both are driven to the end before Start accepts work.
func TestResumeAfterCrash(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	paid, other := h.Sale(5000, "800208", "0000"), h.Sale(3000, "800208", "0000")
	pending, err := h.Journal.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF_crash_pending",
		SaleSysSN: paid.SysSN, Amount: 1000, TxDtm: h.Clock.Now().Format(storage.TxDtmLayout), UDID: "POS-01"})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := h.Journal.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF_crash_sent",
		SaleSysSN: other.SysSN, Amount: 3000, TxDtm: h.Clock.Now().Format(storage.TxDtmLayout), UDID: "POS-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Journal.Transition(sent.ID, storage.Change{State: storage.StateSent, Attempt: true}); err != nil {
		t.Fatal(err)
	}
	// The request did reach QFPay before the crash.
	client := h.Gateway.Gateway
	if _, err := client.Refund(context.Background(), qfpay.RefundRequest{SysSN: other.SysSN, OutTradeNo: "RF_crash_sent", Amount: 3000,
		Time: h.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	h.Run() // returns once resumed
	for _, id := range []uint64{pending.ID, sent.ID} {
		r, _ := h.Journal.Reversal(id)
		if r.State != storage.StateSucceeded {
			t.Fatalf("%s after resume: %s (%s)", r.OutTradeNo, r.State, reversaltest.Trail(r))
		}
	}
	if r, _ := h.Journal.Reversal(sent.ID); r.Attempts != 1 {
		t.Fatalf("the sent one was resent: %d attempts", r.Attempts)
	}
	if len(h.RefundsOf(other.SysSN)) != 1 || len(h.RefundsOf(paid.SysSN)) != 1 {
		t.Fatal("duplicate refunds after resume")
	}
}

// TestCancelledRunLeavesWorkResumable stops the loop mid-poll and resumes with a new desk.
func TestCancelledRunLeavesWorkResumable(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.ScriptAmount(2500, qfpaytest.Script{NeverSettle: true, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.Desk.Run(ctx) }()
	<-h.Desk.Ready()
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 2500})
	if err != nil || r.State != storage.StateProcessing {
		t.Fatalf("%v %+v", err, r)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run returned %v", err)
	}
	if err := h.Journal.Check(); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Journal.Unfinished(); len(open) != 1 {
		t.Fatalf("unfinished %d", len(open))
	}
	// QFPay finishes it while qfpos is off; the next desk settles it on start.
	h.Sandbox.SettleStuck()
	h.Clock.Advance(time.Hour)
	d2 := reversal.New(h.Journal, h.Gateway, reversal.WithClock(h.Clock), reversal.WithUDID("POS-01"))
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan struct{})
	go func() { _ = d2.Run(ctx2); close(done2) }()
	defer func() { cancel2(); <-done2 }()
	<-d2.Ready()
	if r, _ := h.Journal.Reversal(r.ID); r.State != storage.StateSucceeded || r.Attempts != 1 {
		t.Fatalf("after resume: %+v", r)
	}
}

// TestRecheckNow asks for an immediate check of an operation parked past its re-check window.
func TestRecheckNow(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Policy: func(p *reversal.Policy) { p.RecheckFor = 20 * time.Minute }})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.ScriptAmount(700, qfpaytest.Script{NeverSettle: true})
	r := h.Refund(s, 700)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, _ = h.Journal.Reversal(r.ID)
		if r.State == storage.StateUnknown && r.NextCheck.IsZero() || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if r.State != storage.StateUnknown || !r.NextCheck.IsZero() {
		t.Fatalf("not parked for good: %s next %v", r.State, r.NextCheck)
	}
	h.Sandbox.SettleStuck()
	if err := h.Desk.Recheck(r.ID); err != nil {
		t.Fatal(err)
	}
	// Follow returns at once for an unknown operation: wait for the re-check's answer.
	for deadline = time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if r, _ = h.Journal.Reversal(r.ID); r.State == storage.StateSucceeded {
			break
		}
	}
	if r.State != storage.StateSucceeded || !strings.Contains(reversaltest.Trail(r), "note/unknown()") {
		t.Fatalf("after the re-check: %s %s", r.State, reversaltest.Trail(r))
	}
}
