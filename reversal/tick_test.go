package reversal_test

import (
	"context"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// queryRounds starts n refunds a few hundred milliseconds apart (as a busy counter would), none of
// which QFPay settles, drives the desk's loop on the virtual clock for three minutes, and counts
// the queries of the minute from 30 s to 90 s after the last start, and the distinct instants
// (ticks) they went out at.
func queryRounds(t *testing.T, n int) (queries, ticks int) {
	h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithMaxPageSize(1000)}})
	reversal.MarkReady(h.Desk)
	ctx := context.Background()
	for i := range n {
		s := h.Sale(100_000, "800208", "0000")
		h.Sandbox.ScriptAmount(int64(1000+i), qfpaytest.Script{NeverSettle: true})
		if _, err := h.Desk.Start(ctx, reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: int64(1000 + i)}); err != nil {
			t.Fatal(err)
		}
		h.Clock.Advance(time.Duration(137+i%5*61) * time.Millisecond)
	}
	from := h.Clock.Now().Add(30 * time.Second)
	to, end := from.Add(time.Minute), from.Add(2*time.Minute)
	for h.Clock.Now().Before(end) {
		next, ok := reversal.Tick(ctx, h.Desk)
		if !ok {
			t.Fatal("nothing left to check")
		}
		if d := next.Sub(h.Clock.Now()); d > 0 {
			h.Clock.Advance(d)
		}
	}
	at := map[time.Time]bool{}
	for _, req := range h.Sandbox.Requests() {
		if req.Endpoint == "query" && !req.At.Before(from) && req.At.Before(to) {
			queries++
			at[req.At] = true
		}
	}
	return queries, len(at)
}

// TestOneQueryPerTick: every operation in flight is checked on the desk's shared tick, so the
// queries a minute do not grow with the number of operations in flight (up to the ids one query
// can carry: 200 refunds need a few batches per tick). One in flight is the reference, logged
// beside them: however many are in flight, the ticks stay within one a poll interval.
//
//	go test -run TestOneQueryPerTick -v ./reversal
func TestOneQueryPerTick(t *testing.T) {
	_, one := queryRounds(t, 1)
	t.Logf("1 in flight: %d ticks a minute", one)
	for _, n := range []int{10, 50, 200} {
		q, ticks := queryRounds(t, n)
		t.Logf("%d in flight: %d queries in %d ticks a minute", n, q, ticks)
		// At most one tick per poll interval (3 s), however many are in flight (before the shared
		// tick, 10 refunds in flight made 120 ticks a minute).
		if ticks == 0 || ticks > 21 {
			t.Errorf("%d in flight: %d ticks a minute (1 in flight: %d)", n, ticks, one)
		}
		// An id list holds at most 128 characters: three out_trade_nos or four syssns a query.
		if q > ticks*((n+2)/3) {
			t.Errorf("%d in flight: %d queries in %d ticks, more than the id lists need", n, q, ticks)
		}
	}
}

// TestNewRefundQueriesOnlyItself: the first check of a new refund asks for that refund alone;
// the ones already in flight stay on their tick.
func TestNewRefundQueriesOnlyItself(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	reversal.MarkReady(h.Desk)
	ctx := context.Background()
	for i := range 5 {
		s := h.Sale(100_000, "800208", "0000")
		h.Sandbox.ScriptAmount(int64(1000+i), qfpaytest.Script{NeverSettle: true})
		if _, err := h.Desk.Start(ctx, reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: int64(1000 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	next, _ := reversal.Tick(ctx, h.Desk)
	for range 10 { // the five settle onto the tick
		h.Clock.Advance(max(next.Sub(h.Clock.Now()), 0))
		next, _ = reversal.Tick(ctx, h.Desk)
	}
	h.Clock.Advance(500 * time.Millisecond) // its first check (2 s after the send) falls between two ticks
	s := h.Sale(100_000, "800208", "0000")
	h.Sandbox.ScriptAmount(2000, qfpaytest.Script{NeverSettle: true})
	r, err := h.Desk.Start(ctx, reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 2000})
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.Sandbox.Requests())
	h.Clock.Advance(r.NextCheck.Sub(h.Clock.Now()))
	reversal.Tick(ctx, h.Desk)
	var queries []string
	for _, req := range h.Sandbox.Requests()[before:] {
		if req.Endpoint == "query" {
			queries = append(queries, req.Form.Get("syssn")+req.Form.Get("out_trade_no"))
		}
	}
	if len(queries) != 1 || (queries[0] != r.SysSN && queries[0] != r.OutTradeNo) {
		t.Fatalf("the new refund's first check asked for %q (its syssn %s)", queries, r.SysSN)
	}
}

// TestRefundCommits: a refund costs the journal at most three commits — the intent with "sent",
// the reply, the outcome — and two when QFPay's first reply is final.
func TestRefundCommits(t *testing.T) {
	for _, c := range []struct {
		settle qfpaytest.Settle
		want   uint64
	}{{qfpaytest.Settle{Queries: 1}, 3}, {qfpaytest.Settle{}, 2}} {
		h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(c.settle)}})
		h.Run()
		s := h.Sale(10_000, "800208", "0000")
		before := h.Journal.Version()
		if r := h.Refund(s, 100); r.State != storage.StateSucceeded {
			t.Fatalf("%+v: %s", c.settle, r.State)
		}
		if n := h.Journal.Version() - before; n != c.want {
			t.Errorf("settled after %d queries: %d commits, want %d", c.settle.Queries, n, c.want)
		}
	}
}
