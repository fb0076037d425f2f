package reversal_test

import (
	"context"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// BenchmarkCompleteRefund measures one refund from intent to succeeded (intent → sent →
// processing → succeeded: four journal commits and two requests) against an in-process sandbox
// with no latency, beside a raw single-key bbolt commit on the same disk.
func BenchmarkCompleteRefund(b *testing.B) {
	b.Run("refund", func(b *testing.B) {
		h := reversaltest.New(b, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1}), qfpaytest.WithRateLimit(0)}})
		h.Run()
		s := h.Sale(99_999_999_999, "800208", "0000")
		b.ReportAllocs()
		for b.Loop() {
			r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 1})
			if err != nil {
				b.Fatal(err)
			}
			if r, err = h.Desk.Follow(context.Background(), r.ID, nil); err != nil || r.State != storage.StateSucceeded {
				b.Fatal(err, r.State)
			}
		}
		b.ReportMetric(4, "commits/op")
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
	})
}
