package reversal

import (
	"context"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/storage"
)

// TestBatchedPolling has two refunds in flight and checks they are polled with one query.
func TestBatchedPolling(t *testing.T) {
	h := newHarness(t, setup{sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 3})}})
	a, b := h.sale(5000, "800208", "0000"), h.sale(6000, "800208", "0000")
	// Journal and send both before the loop runs, as if they were started together.
	h.d.readyOnce.Do(func() { close(h.d.ready) })
	ra, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: a.SysSN, Amount: 100})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: b.SysSN, Amount: 100})
	if err != nil {
		t.Fatal(err)
	}
	h.run()
	if h.follow(ra.ID).State != storage.StateSucceeded || h.follow(rb.ID).State != storage.StateSucceeded {
		t.Fatal("not both succeeded")
	}
	// Both replies carried the refunds' own syssn: they are looked up by it (D10′).
	both := 0
	for _, q := range h.writes("query") {
		ids := q.Form.Get("syssn")
		if ra.SysSN != "" && strings.Contains(ids, ra.SysSN) && strings.Contains(ids, rb.SysSN) {
			both++
		}
	}
	if both == 0 || len(h.writes("query")) > 4 {
		t.Fatalf("%d queries, %d of them for both", len(h.writes("query")), both)
	}
}

// TestResumeAfterCrash leaves one operation never sent and one sent without a journaled reply,
// as a crash would, and starts a new desk: both are driven to the end before Start accepts work.
func TestResumeAfterCrash(t *testing.T) {
	h := newHarness(t, setup{})
	paid, other := h.sale(5000, "800208", "0000"), h.sale(3000, "800208", "0000")
	pending, err := h.j.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF_crash_pending",
		SaleSysSN: paid.SysSN, Amount: 1000, TxDtm: h.clock.Now().Format(storage.TxDtmLayout), UDID: "POS-01"})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := h.j.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF_crash_sent",
		SaleSysSN: other.SysSN, Amount: 3000, TxDtm: h.clock.Now().Format(storage.TxDtmLayout), UDID: "POS-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.j.Transition(sent.ID, storage.Change{State: storage.StateSent, Attempt: true}); err != nil {
		t.Fatal(err)
	}
	// The request did reach QFPay before the crash.
	client := h.gw.Gateway
	if _, err := client.Refund(context.Background(), qfpay.RefundRequest{SysSN: other.SysSN, OutTradeNo: "RF_crash_sent", Amount: 3000,
		Time: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	h.run() // returns once resumed
	for _, id := range []uint64{pending.ID, sent.ID} {
		r, _ := h.j.Reversal(id)
		if r.State != storage.StateSucceeded {
			t.Fatalf("%s after resume: %s (%s)", r.OutTradeNo, r.State, eventTrail(r))
		}
	}
	if r, _ := h.j.Reversal(sent.ID); r.Attempts != 1 {
		t.Fatalf("the sent one was resent: %d attempts", r.Attempts)
	}
	if len(h.refundsOf(other.SysSN)) != 1 || len(h.refundsOf(paid.SysSN)) != 1 {
		t.Fatal("duplicate refunds after resume")
	}
}

// TestCancelledRunLeavesWorkResumable stops the loop mid-poll and resumes with a new desk.
func TestCancelledRunLeavesWorkResumable(t *testing.T) {
	h := newHarness(t, setup{})
	s := h.sale(5000, "800208", "0000")
	h.sb.ScriptAmount(2500, qfpaytest.Script{NeverSettle: true, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.d.Run(ctx) }()
	<-h.d.Ready()
	r, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 2500})
	if err != nil || r.State != storage.StateProcessing {
		t.Fatalf("%v %+v", err, r)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run returned %v", err)
	}
	if err := h.j.Check(); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.j.Unfinished(); len(open) != 1 {
		t.Fatalf("unfinished %d", len(open))
	}
	// QFPay finishes it while qfpos is off; the next desk settles it on start.
	h.sb.SettleStuck()
	h.clock.Advance(time.Hour)
	d2 := New(h.j, h.gw, WithClock(h.clock), WithUDID("POS-01"))
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan struct{})
	go func() { _ = d2.Run(ctx2); close(done2) }()
	defer func() { cancel2(); <-done2 }()
	<-d2.Ready()
	if r, _ := h.j.Reversal(r.ID); r.State != storage.StateSucceeded || r.Attempts != 1 {
		t.Fatalf("after resume: %+v", r)
	}
}

// TestRecheckNow asks for an immediate check of an operation parked past its re-check window.
func TestRecheckNow(t *testing.T) {
	h := newHarness(t, setup{policy: func(p *Policy) { p.RecheckFor = 20 * time.Minute }})
	h.run()
	s := h.sale(5000, "800208", "0000")
	h.sb.ScriptAmount(700, qfpaytest.Script{NeverSettle: true})
	r := h.refund(s, 700)
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, _ = h.j.Reversal(r.ID)
		if r.State == storage.StateUnknown && r.NextCheck.IsZero() || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if r.State != storage.StateUnknown || !r.NextCheck.IsZero() {
		t.Fatalf("not parked for good: %s next %v", r.State, r.NextCheck)
	}
	h.sb.SettleStuck()
	if err := h.d.Recheck(r.ID); err != nil {
		t.Fatal(err)
	}
	if r = h.follow(r.ID); r.State != storage.StateUnknown {
		// Follow returns at once for an unknown operation: wait for the re-check's answer.
		t.Fatalf("state %s", r.State)
	}
	for deadline = time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if r, _ = h.j.Reversal(r.ID); r.State == storage.StateSucceeded {
			break
		}
	}
	if r.State != storage.StateSucceeded || !strings.Contains(eventTrail(r), "note/unknown()") {
		t.Fatalf("after the re-check: %s %s", r.State, eventTrail(r))
	}
}
