package storage

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var hk = time.FixedZone("HKT", 8*3600)

// testClock is a settable clock safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 11, 21, 15, 0, 0, 0, hk)} }

// openTest opens a journal in a temporary directory and checks its consistency when the test ends.
func openTest(t testing.TB, clk *testClock) *Journal {
	t.Helper()
	if clk == nil {
		clk = newClock()
	}
	j, err := Open(filepath.Join(t.TempDir(), "qfpos", "journal.db"), WithClock(clk.now), WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := j.Check(); err != nil {
			t.Errorf("journal check: %v", err)
		}
		j.Close()
	})
	return j
}

// sale builds a valid sale; n makes the ids unique.
func sale(n int, amount int64, at time.Time) Sale {
	return Sale{SysSN: fmt.Sprintf("2026112100%016d", n), OutTradeNo: fmt.Sprintf("POS_%d", n), Amount: amount,
		Currency: "HKD", PayType: "800208", TxDtm: at.In(hk).Format(TxDtmLayout), RespCD: "0000", UDID: "POS-01",
		Source: SourceRecorded}
}

func mustPut(t testing.TB, j *Journal, s Sale) {
	t.Helper()
	if _, err := j.PutSale(s); err != nil {
		t.Fatal(err)
	}
}

func refundIntent(s Sale, otn string, amount int64) Intent {
	return Intent{Kind: KindRefund, Endpoint: "refund", OutTradeNo: otn, SaleSysSN: s.SysSN, Amount: amount,
		TxDtm: "2026-11-21 15:00:00", Cashier: "amy", UDID: "POS-01"}
}

// openFile opens the journal at path (a test that closes, changes and opens it again).
func openFile(t *testing.T, path string, clk *testClock) *Journal {
	t.Helper()
	j, err := Open(path, WithClock(clk.now), WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// tamperFile changes a closed journal's file directly, as damage or someone with the file would.
func tamperFile(t *testing.T, path string, f func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(f); err != nil {
		t.Fatal(err)
	}
	db.Close()
}
