package reversal_test

import (
	"bytes"
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
		jr := newJournalRefunds(b)
		b.ReportAllocs()
		var commits, n uint64
		for b.Loop() {
			b.StopTimer()
			s := jr.sale()
			before := jr.h.Journal.Version()
			b.StartTimer()
			jr.refund(b, s)
			commits += jr.h.Journal.Version() - before
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
		fr := newFloorRefunds(b)
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			fr.sale(b)
			b.StartTimer()
			fr.refund(b)
		}
		b.ReportMetric(3, "commits/op")
		b.ReportMetric(6, "fdatasync/op")
	})
	// The two above taken in turns, one refund each an iteration, so that a disk whose sync time
	// drifts during the run weighs on both alike: ms-journal and ms-floor are their times a refund,
	// x-floor the ratio (the goal is ≤ 1.2).
	b.Run("journal-vs-floor", func(b *testing.B) {
		jr, fr := newJournalRefunds(b), newFloorRefunds(b)
		var journal, floor time.Duration
		for b.Loop() {
			s := jr.sale()
			start := time.Now()
			jr.refund(b, s)
			journal += time.Since(start)
			fr.sale(b)
			start = time.Now()
			fr.refund(b)
			floor += time.Since(start)
		}
		n := float64(b.N)
		b.ReportMetric(float64(journal.Microseconds())/1000/n, "ms-journal")
		b.ReportMetric(float64(floor.Microseconds())/1000/n, "ms-floor")
		b.ReportMetric(float64(journal)/float64(floor), "x-floor")
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

// journalRefunds are refunds made of the journal's three commits alone, a sale of its own each.
type journalRefunds struct {
	h *reversaltest.Harness
	n uint64
}

func newJournalRefunds(b *testing.B) *journalRefunds {
	return &journalRefunds{h: reversaltest.New(b, reversaltest.Setup{})}
}

func (jr *journalRefunds) sale() storage.Sale { return jr.h.Sale(10_000, "800208", "0000") }

func (jr *journalRefunds) refund(b *testing.B, s storage.Sale) {
	jr.n++
	otn := fmt.Sprintf("RF_BENCH_%d", jr.n)
	// As the binary does: the sale's record read at QFPay just before goes in the intent's commit.
	remote := &storage.RemoteUpdate{RespCD: "0000", Cancel: "0", Checked: time.Now()}
	r, err := jr.h.Journal.CreateAndSend(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: otn, SaleSysSN: s.SysSN,
		Amount: 1, TxDtm: s.TxDtm, Remote: remote}, storage.Change{State: storage.StateSent, Attempt: true, Event: storage.Event{Type: storage.EventSent}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := jr.h.Journal.Transition(r.ID, storage.Change{State: storage.StateProcessing, RespCD: "1143", NextCheck: r.Updated.Add(2 * time.Second),
		Event: storage.Event{Type: storage.EventReply, Code: "1143"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := jr.h.Journal.Transition(r.ID, storage.Change{State: storage.StateSucceeded, RespCD: "0000", SysSN: "2026" + otn,
		Event: storage.Event{Type: storage.EventQuery, Code: "0000"}}); err != nil {
		b.Fatal(err)
	}
}

// floorRefunds put a refund's keys and values with bbolt alone (see bbolt-floor).
type floorRefunds struct {
	db *bolt.DB
	n  uint64
}

var floorBuckets = []string{"meta", "sales", "sales_qfpay", "audit", "reversals", "reversals_sale", "reversals_day", "reversals_otn", "reversals_open"}

func newFloorRefunds(b *testing.B) *floorRefunds {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "floor.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, n := range floorBuckets {
			if _, err := tx.CreateBucket([]byte(n)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return &floorRefunds{db: db}
}

func floorKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func floorAudit(tx *bolt.Tx, size int) error {
	a := tx.Bucket([]byte("audit"))
	a.FillPercent = 0.95
	seq, _ := a.NextSequence()
	if err := a.Put(floorKey(seq), make([]byte, size)); err != nil {
		return err
	}
	return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), make([]byte, 40))
}

func floorPut(tx *bolt.Tx, bucket string, k []byte, size int) error {
	return tx.Bucket([]byte(bucket)).Put(k, make([]byte, size))
}

// sale records the next sale, as the harness records it.
func (fr *floorRefunds) sale(b *testing.B) {
	fr.n++
	if err := fr.db.Update(func(tx *bolt.Tx) error {
		s := tx.Bucket([]byte("sales"))
		s.FillPercent = 0.95
		if err := s.Put(floorKey(fr.n), make([]byte, 20)); err != nil {
			return err
		}
		return floorAudit(tx, 145)
	}); err != nil {
		b.Fatal(err)
	}
}

// refund makes the three commits of a refund of the last sale.
func (fr *floorRefunds) refund(b *testing.B) {
	n, id := fr.n, floorKey(fr.n)
	syssn := []byte(fmt.Sprintf("20261121%018d", n))
	for _, commit := range []func(tx *bolt.Tx) error{
		func(tx *bolt.Tx) error { // the sale's record at QFPay, intent and sent
			return errors.Join(floorPut(tx, "sales_qfpay", syssn, 60), floorAudit(tx, 170),
				floorPut(tx, "reversals_sale", append(bytes.Clone(syssn), id...), 0),
				floorPut(tx, "reversals_day", append(floorKey(n), id...), 0), floorPut(tx, "reversals_otn", []byte(fmt.Sprintf("RF_BENCH_%d", n)), 8),
				floorPut(tx, "reversals_open", id, 0), floorAudit(tx, 489), floorAudit(tx, 491), floorPut(tx, "reversals", id, 436))
		},
		func(tx *bolt.Tx) error { // the reply
			if err := floorAudit(tx, 522); err != nil {
				return err
			}
			return floorPut(tx, "reversals", id, 460)
		},
		func(tx *bolt.Tx) error { // the outcome
			if err := tx.Bucket([]byte("reversals_open")).Delete(id); err != nil {
				return err
			}
			if err := floorAudit(tx, 575); err != nil {
				return err
			}
			return floorPut(tx, "reversals", id, 480)
		},
	} {
		if err := fr.db.Update(commit); err != nil {
			b.Fatal(err)
		}
	}
}
