package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestCreateRules(t *testing.T) {
	j := openTest(t, nil)
	paid := sale(1, 1000, time.Now())
	unpaid := sale(2, 800, time.Now())
	unpaid.RespCD = "1143"
	for _, s := range []Sale{paid, unpaid} {
		mustPut(t, j, s)
	}
	cancel := func(s Sale, otn string) Intent {
		return Intent{Kind: KindCancel, Endpoint: "reversal", OutTradeNo: otn, SaleSysSN: s.SysSN, Amount: s.Amount, TxDtm: s.TxDtm}
	}
	cases := []struct {
		name string
		in   Intent
		want error
	}{
		{"missing sale", refundIntent(Sale{SysSN: "999"}, "RF_a", 1), ErrNotFound},
		{"zero amount", refundIntent(paid, "RF_b", 0), ErrAmount},
		{"over the sale", refundIntent(paid, "RF_c", 1001), ErrOverRefund},
		{"refund unpaid", refundIntent(unpaid, "RF_d", 100), ErrNotPaid},
		{"cancel paid", cancel(paid, "CX_e"), ErrCompleted},
		{"cancel part", Intent{Kind: KindCancel, Endpoint: "close", OutTradeNo: "CX_f", SaleSysSN: unpaid.SysSN, Amount: 1}, ErrAmount},
		{"refund to close", Intent{Kind: KindRefund, Endpoint: "close", OutTradeNo: "RF_g", SaleSysSN: paid.SysSN, Amount: 1}, ErrBadState},
		{"sale's own out_trade_no", refundIntent(paid, paid.OutTradeNo, 100), ErrDuplicate},
		{"bad out_trade_no", refundIntent(paid, "RF h", 100), ErrDuplicate},
	}
	for _, c := range cases {
		if _, err := j.Create(c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	var re *RuleError
	if _, err := j.Create(refundIntent(paid, "RF_x", 1001)); !errors.As(err, &re) || re.Remaining != 1000 {
		t.Fatalf("remaining not reported: %v", err)
	}
	// A good refund; then a second while it is open.
	r, err := j.Create(refundIntent(paid, "RF_1", 400))
	if err != nil || r.State != StatePending || r.Currency != "HKD" || r.Attempts != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	_, err = j.Create(refundIntent(paid, "RF_2", 100))
	if !errors.As(err, &re) || !errors.Is(err, ErrInFlight) || re.Existing == nil || re.Existing.ID != r.ID {
		t.Fatalf("second while open: %v", err)
	}
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Create(refundIntent(paid, "RF_1", 100)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("reused refund out_trade_no: %v", err)
	}
	if _, err := j.Create(refundIntent(paid, "RF_3", 601)); !errors.Is(err, ErrOverRefund) {
		t.Fatalf("over the remainder: %v", err)
	}
	// A cancel; afterwards nothing more for that sale.
	c, err := j.Create(cancel(unpaid, "CX_1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Transition(c.ID, Change{State: StateSucceeded}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Create(cancel(unpaid, "CX_2")); !errors.Is(err, ErrCancelled) {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestTransitionsAndEvents(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	s := sale(1, 1000, clk.t)
	mustPut(t, j, s)
	r, _ := j.Create(refundIntent(s, "RF_1", 1000))
	next := clk.t.Add(2 * time.Second)
	steps := []Change{
		{State: StateSent, Attempt: true, Event: Event{Type: EventSent}},
		{State: StateProcessing, RespCD: "1143", SysSN: "R1", NextCheck: next, Event: Event{Type: EventReply, Code: "1143", Signature: "verified"}},
		{State: StateUnknown, Event: Event{Type: EventQuery, Message: "still processing after 15m"}},
		{State: StateSucceeded, RespCD: "0000", Event: Event{Type: EventQuery, Code: "0000"}},
	}
	for _, c := range steps {
		clk.advance(time.Second)
		var err error
		if r, err = j.Transition(r.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	if r.State != StateSucceeded || r.Attempts != 1 || r.SysSN != "R1" || r.RespCD != "0000" || r.Finished.IsZero() || !r.NextCheck.IsZero() {
		t.Fatalf("final: %+v", r)
	}
	if _, err := j.Transition(r.ID, Change{State: StateFailed}); !errors.Is(err, ErrFinal) {
		t.Fatalf("finished changed: %v", err)
	}
	if err := j.Note(r.ID, Event{Message: "receipt printed"}); err != nil {
		t.Fatal(err)
	}
	full, err := j.Reversal(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range full.Events {
		types = append(types, fmt.Sprintf("%s/%s", e.Type, e.State))
	}
	want := "[intent/pending sent/sent reply/processing query/unknown query/succeeded note/succeeded]"
	if fmt.Sprint(types) != want {
		t.Fatalf("events %v\nwant %s", types, want)
	}
	// The intent says the amount in the currency's units (1000 minor units of HKD are 10.00).
	if !strings.Contains(full.Events[0].Message, "refund of 10.00 HKD") {
		t.Fatalf("intent: %q", full.Events[0].Message)
	}
	if full.Events[1].Attempt != 1 || full.Events[2].Signature != "verified" || !full.Events[2].NextCheck.Equal(next) {
		t.Fatalf("event details: %+v", full.Events[1:3])
	}
	if un, _ := j.Unfinished(); len(un) != 0 {
		t.Fatalf("unfinished: %+v", un)
	}
	if got, ok, _ := j.ReversalByOutTradeNo("RF_1"); !ok || got.ID != r.ID || len(got.Events) != 6 {
		t.Fatalf("by out_trade_no: %+v", got)
	}
	if _, err := j.Transition(999, Change{State: StateSent}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func TestNoWayBackToPendingAndEndpointSwitch(t *testing.T) {
	j := openTest(t, nil)
	s := sale(1, 1000, time.Now())
	s.RespCD = "1143"
	mustPut(t, j, s)
	c, _ := j.Create(Intent{Kind: KindCancel, Endpoint: "reversal", OutTradeNo: "CX_1", SaleSysSN: s.SysSN, Amount: 1000, TxDtm: s.TxDtm})
	if _, err := j.Transition(c.ID, Change{State: StateSent}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Transition(c.ID, Change{State: StatePending}); !errors.Is(err, ErrBadState) {
		t.Fatalf("back to pending: %v", err)
	}
	if _, err := j.Transition(c.ID, Change{State: "bogus"}); !errors.Is(err, ErrBadState) {
		t.Fatalf("bogus state: %v", err)
	}
	r, err := j.Transition(c.ID, Change{Endpoint: "close"})
	if err != nil || r.Endpoint != "close" {
		t.Fatalf("switch: %v %+v", err, r)
	}
	if _, err := j.Transition(c.ID, Change{Endpoint: "refund"}); !errors.Is(err, ErrBadState) {
		t.Fatalf("cancel to refund: %v", err)
	}
}

func TestUnfinishedAndDay(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	for i := range 4 {
		s := sale(i, 1000, clk.t.Add(-48*time.Hour))
		mustPut(t, j, s)
	}
	// Yesterday 23:59 and today 00:00 and 15:00 (terminal time).
	times := []time.Time{
		time.Date(2026, 11, 20, 23, 59, 59, 0, hk), time.Date(2026, 11, 21, 0, 0, 0, 0, hk),
		time.Date(2026, 11, 21, 15, 0, 0, 0, hk), time.Date(2026, 11, 22, 0, 0, 0, 0, hk),
	}
	var ids []uint64
	for i, at := range times {
		clk.t = at
		r, err := j.Create(refundIntent(sale(i, 0, at), fmt.Sprintf("RF_%d", i), 100))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := j.Transition(ids[1], Change{State: StateFailed}); err != nil {
		t.Fatal(err)
	}
	today, _ := j.ReversalsOn(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)) // 16:00 in HK
	if len(today) != 2 || today[0].ID != ids[1] || today[1].ID != ids[2] {
		t.Fatalf("today: %+v", today)
	}
	un, _ := j.Unfinished()
	if len(un) != 3 || un[0].ID != ids[0] || un[2].ID != ids[3] {
		t.Fatalf("unfinished: %+v", un)
	}
}

// TestConcurrentRefundsOfOneSale races two refunds of one sale: exactly one wins.
func TestConcurrentRefundsOfOneSale(t *testing.T) {
	j := openTest(t, nil)
	for round := range 20 {
		s := sale(round, 1000, time.Now())
		mustPut(t, j, s)
		var wins, inFlight atomic.Int32
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				_, err := j.Create(refundIntent(s, fmt.Sprintf("RF_%d_%d", round, i), 1000))
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ErrInFlight):
					inFlight.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || inFlight.Load() != 1 {
			t.Fatalf("round %d: %d won, %d refused", round, wins.Load(), inFlight.Load())
		}
	}
}

// TestManyPartialsNeverExceedTheSale has many goroutines each refund a random part and settle
// it; the succeeded total never passes the sale.
func TestManyPartialsNeverExceedTheSale(t *testing.T) {
	j := openTest(t, nil)
	s := sale(1, 10000, time.Now())
	mustPut(t, j, s)
	var wg sync.WaitGroup
	var n atomic.Int64
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				amt := int64(100 + (g*37+i*53)%900)
				r, err := j.Create(refundIntent(s, fmt.Sprintf("RF_%d_%d", g, i), amt))
				if err != nil {
					if !errors.Is(err, ErrInFlight) && !errors.Is(err, ErrOverRefund) {
						t.Error(err)
					}
					continue
				}
				state := StateSucceeded
				if n.Add(1)%4 == 0 {
					state = StateFailed
				}
				if _, err := j.Transition(r.ID, Change{State: state}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	v, _, _ := j.Sale(s.SysSN)
	var sum int64
	for _, r := range v.Reversals {
		if r.State == StateSucceeded {
			sum += r.Amount
		}
	}
	if sum != v.Refunded || sum > s.Amount || n.Load() < 10 {
		t.Fatalf("refunded %d (view %d) of %d over %d refunds", sum, v.Refunded, s.Amount, n.Load())
	}
}

// TestReversalEventsInTheTrail: from schema 10 a reversal's history is kept once, in the audit
// trail (the reversal lists where); a reversal begun before, its first events in the events
// bucket, reads them first and its new ones after; an event gone from the trail is damage the
// journal's check names.
func TestReversalEventsInTheTrail(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	s := sale(1, 1000, clk.t)
	mustPut(t, j, s)
	r, err := j.CreateAndSend(refundIntent(s, "RF_T", 300), Change{State: StateSent, Attempt: true, Event: Event{Type: EventSent}})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Second)
	if _, err := j.Transition(r.ID, Change{State: StateProcessing, RespCD: "1143", Event: Event{Type: EventReply, Code: "1143"}}); err != nil {
		t.Fatal(err)
	}
	if err := j.Note(r.ID, Event{Message: "cashier asked"}); err != nil {
		t.Fatal(err)
	}
	got, err := j.Reversal(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	types := func(es []Event) string {
		var out []string
		for _, e := range es {
			out = append(out, string(e.Type)+"/"+string(e.State))
		}
		return strings.Join(out, ",")
	}
	if want := "intent/pending,sent/sent,reply/processing,note/processing"; types(got.Events) != want || len(got.Trail) != 4 {
		t.Fatalf("events %s (trail %v), want %s", types(got.Events), got.Trail, want)
	}
	if !got.Events[2].At.Equal(clk.t) || got.Events[2].Code != "1143" || got.Events[1].Attempt != 1 {
		t.Fatalf("%+v", got.Events)
	}
	if err := j.AuditEvents(1, func(e AuditEvent) error {
		if strings.Contains(string(e.Record), `"trail"`) {
			t.Errorf("audit event %d records where the history is kept: %s", e.Seq, e.Record)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = j.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bEvents).Stats().KeyN; n != 0 {
			t.Errorf("%d events kept twice, in the events bucket too", n)
		}
		return nil
	})
	j.Close()

	// As a qfpos before schema 10 left it: the first two events in the events bucket, no trail.
	tamperFile(t, path, func(tx *bolt.Tx) error {
		old, err := reversalTx(tx, r.ID)
		if err != nil {
			return err
		}
		evs, err := eventsTx(tx, old)
		if err != nil {
			return err
		}
		for i, e := range evs[:2] {
			v, _ := json.Marshal(e)
			if err := tx.Bucket(bEvents).Put(eventKey(r.ID, uint64(i+1)), v); err != nil {
				return err
			}
		}
		old.Trail = old.Trail[2:]
		return putReversal(tx, old)
	})
	j = openFile(t, path, clk)
	clk.advance(time.Second)
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded, RespCD: "0000", Event: Event{Type: EventQuery, Code: "0000"}}); err != nil {
		t.Fatal(err)
	}
	got, err = j.Reversal(r.ID)
	if want := "intent/pending,sent/sent,reply/processing,note/processing,query/succeeded"; err != nil || types(got.Events) != want {
		t.Fatalf("mixed history %s (%v), want %s", types(got.Events), err, want)
	}
	if h := j.Verify(); !h.OK() || h.Events != 5 {
		t.Fatalf("%+v", h)
	}
	last := got.Trail[len(got.Trail)-1]
	j.Close()

	tamperFile(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(idKey(last)) })
	if _, err := Open(path, WithClock(clk.now), WithLocation(hk)); !errors.Is(err, ErrDamaged) ||
		!strings.Contains(err.Error(), fmt.Sprintf("reversal %d: its event in audit event %d is missing or damaged", r.ID, last)) {
		t.Fatalf("an event gone from the trail: %v", err)
	}
}

// TestInOrderReads: values read by key in any order, a step of the cursor when the keys come in
// order, nothing for a key that is not there.
func TestInOrderReads(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("b"))
		for i := uint64(1); i <= 10; i++ {
			if i != 5 {
				_ = b.Put(idKey(i), []byte(fmt.Sprint(i)))
			}
		}
		return nil
	})
	_ = db.View(func(tx *bolt.Tx) error {
		r := inOrder{c: tx.Bucket([]byte("b")).Cursor()}
		for _, id := range []uint64{1, 2, 3, 5, 4, 6, 10, 7, 8, 11, 9, 10} {
			want := fmt.Sprint(id)
			if id == 5 || id == 11 {
				want = ""
			}
			if got := string(r.get(idKey(id))); got != want {
				t.Errorf("key %d: %q, want %q", id, got, want)
			}
		}
		return nil
	})
}
