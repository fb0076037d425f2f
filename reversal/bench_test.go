package reversal_test

import (
	"context"
	"encoding/binary"
	"errors"
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
			// As the binary does: the sale's record read at QFPay just before goes in the intent's commit.
			remote := &storage.RemoteUpdate{RespCD: "0000", Cancel: "0", Checked: time.Now()}
			r, err := h.Journal.CreateAndSend(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: otn, SaleSysSN: s.SysSN,
				Amount: 1, TxDtm: s.TxDtm, Remote: remote}, storage.Change{State: storage.StateSent, Attempt: true, Event: storage.Event{Type: storage.EventSent}})
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
	// The floor under journal-only: the same keys and values (sizes as the journal's) put in the
	// same buckets by the same three commits, with bbolt alone: no reading, checking, encoding or
	// hashing. Every commit writes a reversal's record and appends its audit event, so it rewrites
	// at least the paths to two leaves, where a raw commit rewrites one small page.
	b.Run("bbolt-floor", func(b *testing.B) {
		db, err := bolt.Open(filepath.Join(b.TempDir(), "floor.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		names := []string{"meta", "sales", "sales_qfpay", "audit", "reversals", "reversals_sale", "reversals_day", "reversals_otn", "reversals_open"}
		if err := db.Update(func(tx *bolt.Tx) error {
			for _, n := range names {
				if _, err := tx.CreateBucket([]byte(n)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		key := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
		audit := func(tx *bolt.Tx, size int) error {
			a := tx.Bucket([]byte("audit"))
			a.FillPercent = 0.95
			seq, _ := a.NextSequence()
			if err := a.Put(key(seq), make([]byte, size)); err != nil {
				return err
			}
			return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), make([]byte, 40))
		}
		put := func(tx *bolt.Tx, bucket string, k []byte, size int) error {
			return tx.Bucket([]byte(bucket)).Put(k, make([]byte, size))
		}
		b.ReportAllocs()
		var n uint64
		for b.Loop() {
			b.StopTimer()
			n++
			if err := db.Update(func(tx *bolt.Tx) error { // the sale, as the harness records it
				s := tx.Bucket([]byte("sales"))
				s.FillPercent = 0.95
				if err := s.Put(key(n), make([]byte, 20)); err != nil {
					return err
				}
				return audit(tx, 145)
			}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			id := key(n)
			for _, commit := range []func(tx *bolt.Tx) error{
				func(tx *bolt.Tx) error { // the sale's record at QFPay, intent and sent
					return errors.Join(put(tx, "sales_qfpay", []byte(fmt.Sprintf("20261121%018d", n)), 60), audit(tx, 170),
						put(tx, "reversals_sale", append([]byte(fmt.Sprintf("20261121%018d", n)), id...), 0),
						put(tx, "reversals_day", append(key(n), id...), 0), put(tx, "reversals_otn", []byte(fmt.Sprintf("RF_BENCH_%d", n)), 8),
						put(tx, "reversals_open", id, 0), audit(tx, 489), audit(tx, 491), put(tx, "reversals", id, 436))
				},
				func(tx *bolt.Tx) error { // the reply
					if err := audit(tx, 522); err != nil {
						return err
					}
					return put(tx, "reversals", id, 460)
				},
				func(tx *bolt.Tx) error { // the outcome
					if err := tx.Bucket([]byte("reversals_open")).Delete(id); err != nil {
						return err
					}
					if err := audit(tx, 575); err != nil {
						return err
					}
					return put(tx, "reversals", id, 480)
				},
			} {
				if err := db.Update(commit); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(3, "commits/op")
		b.ReportMetric(6, "fdatasync/op")
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
