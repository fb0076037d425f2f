package reversal_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// BenchmarkCompleteRefund measures one refund from intent to succeeded (intent and sent in one
// commit → processing → succeeded: three journal commits and two requests), each of a sale of its
// own as at a counter (refunding one sale again and again would make the run's length part of
// the cost), against an in-process sandbox with no latency, beside a raw single-key bbolt commit
// on the same disk. It reports the journal commits a refund makes, counted, and the fdatasync
// calls they cost (bbolt syncs twice a commit: the pages, then the meta page).
func BenchmarkCompleteRefund(b *testing.B) {
	b.Run("refund", func(b *testing.B) {
		h := reversaltest.New(b, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1}), qfpaytest.WithRateLimit(0)}})
		h.Run()
		b.ReportAllocs()
		var commits, n uint64
		for b.Loop() {
			b.StopTimer()
			s := h.Sale(10_000, "800208", "0000")
			before := h.Journal.Version()
			b.StartTimer()
			r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 1})
			if err != nil {
				b.Fatal(err)
			}
			if r, err = h.Desk.Follow(context.Background(), r.ID, nil); err != nil || r.State != storage.StateSucceeded {
				b.Fatal(err, r.State)
			}
			commits += h.Journal.Version() - before
			n++
		}
		b.ReportMetric(float64(commits)/float64(n), "commits/op")
		b.ReportMetric(2*float64(commits)/float64(n), "fdatasync/op")
	})
	// What the journal costs a refund, without the requests: the same three commits on the same
	// journal, a sale of its own each.
	b.Run("journal-only", func(b *testing.B) {
		h := reversaltest.New(b, reversaltest.Setup{})
		b.ReportAllocs()
		var commits, n uint64
		for b.Loop() {
			b.StopTimer()
			s := h.Sale(10_000, "800208", "0000")
			otn := fmt.Sprintf("RF_BENCH_%d", n)
			before := h.Journal.Version()
			b.StartTimer()
			r, err := h.Journal.CreateAndSend(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: otn, SaleSysSN: s.SysSN,
				Amount: 1, TxDtm: s.TxDtm}, storage.Change{State: storage.StateSent, Attempt: true, Event: storage.Event{Type: storage.EventSent}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := h.Journal.Transition(r.ID, storage.Change{State: storage.StateProcessing, RespCD: "1143", NextCheck: r.Updated.Add(2 * time.Second),
				Event: storage.Event{Type: storage.EventReply, Code: "1143"}}); err != nil {
				b.Fatal(err)
			}
			if _, err := h.Journal.Transition(r.ID, storage.Change{State: storage.StateSucceeded, RespCD: "0000", SysSN: "2026" + otn,
				Event: storage.Event{Type: storage.EventQuery, Code: "0000"}}); err != nil {
				b.Fatal(err)
			}
			commits += h.Journal.Version() - before
			n++
		}
		b.ReportMetric(float64(commits)/float64(n), "commits/op")
		b.ReportMetric(2*float64(commits)/float64(n), "fdatasync/op")
	})
	b.Run("raw-bolt-commit", func(b *testing.B) {
		db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err })
		b.ReportAllocs()
		for b.Loop() {
			if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte("k"), []byte("v")) }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(1, "commits/op")
		b.ReportMetric(2, "fdatasync/op")
	})
}
