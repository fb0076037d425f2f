package storage

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// scanSearch is what SearchSales answers, found the plain way: every sale of the window decoded
// from the journal, newest first, compared whole; the sale of any age with the whole number.
func scanSearch(t *testing.T, j *Journal, amount int64, tail string, days, limit int) []string {
	t.Helper()
	from := timeKey(j.now().AddDate(0, 0, -days), 0)
	var keys [][]byte
	err := j.db.View(func(tx *bolt.Tx) error {
		if tail != "" {
			for _, idx := range [][]byte{bSalesSysSN, bSalesOTN} {
				if k := tx.Bucket(idx).Get([]byte(tail)); k != nil {
					keys = append(keys, bytes.Clone(k))
				}
			}
		}
		c := tx.Bucket(bSales).Cursor()
		found := 0
		for k, v := c.Last(); k != nil && bytes.Compare(k, from) >= 0 && found < limit; k, v = c.Prev() {
			s, err := decodeSale(tx, v)
			if err != nil {
				return err
			}
			if amount > 0 && s.Amount == amount || tail != "" && (strings.HasSuffix(s.SysSN, tail) || s.OutTradeNo != "" && strings.HasSuffix(s.OutTradeNo, tail)) {
				keys = append(keys, bytes.Clone(k))
				found++
			}
		}
		views, err := newestViews(tx, keys, limit)
		keys = nil
		for _, v := range views {
			keys = append(keys, []byte(v.SysSN))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		out = append(out, string(k))
	}
	return out
}

func searched(t *testing.T, j *Journal, amount int64, tail string, days, limit int) []string {
	t.Helper()
	vs, err := j.SearchSales(amount, tail, days, limit)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, v.SysSN)
	}
	return out
}

// TestSearchColumnAnswersAsTheJournal compares the search column's answers with a plain scan of
// the journal after every kind of change to the sales: one sale, a batch, a sale updated (a new
// key, the old one deleted), sales older than the newest (put in the middle), older than the
// window, numbers longer than the column keeps, a window that grows, and a write that bypasses
// the recording (the column is built again).
func TestSearchColumnAnswersAsTheJournal(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	newSale := func(ago time.Duration) Sale {
		n++
		s := sale(n, int64(100+rng.IntN(40)), clk.now().Add(-ago))
		if n%7 == 0 {
			s.OutTradeNo = "" // some sales have no order number
		}
		if n%5 == 0 {
			s.SysSN = fmt.Sprintf("26%d", n) // shorter than the column keeps
		}
		return s
	}
	var puts []Sale
	check := func(step string) {
		t.Helper()
		queries := []struct {
			amount int64
			tail   string
		}{{105, ""}, {139, ""}, {0, "7"}, {0, "13"}, {0, "0013"}, {0, "000000000013"}, {0, "2613"}, {120, "3"}, {0, "POS_3"}}
		if len(puts) > 0 {
			last := puts[len(puts)-1]
			queries = append(queries, struct {
				amount int64
				tail   string
			}{0, last.SysSN}, struct {
				amount int64
				tail   string
			}{last.Amount, last.SysSN[len(last.SysSN)-2:]})
		}
		for _, days := range []int{1, 7} {
			for _, q := range queries {
				for _, limit := range []int{3, 50} {
					want := scanSearch(t, j, q.amount, q.tail, days, limit)
					if got := searched(t, j, q.amount, q.tail, days, limit); !slices.Equal(got, want) {
						t.Fatalf("%s: search %d %q %d days, limit %d:\n got %v\nwant %v", step, q.amount, q.tail, days, limit, got, want)
					}
				}
			}
		}
	}
	check("empty journal")
	for range 30 {
		s := newSale(time.Duration(rng.IntN(3600)) * time.Second)
		mustPut(t, j, s)
		puts = append(puts, s)
	}
	check("one by one")
	builds := j.search.builds
	var batch []Sale
	for range 200 {
		batch = append(batch, newSale(time.Duration(rng.IntN(10*24*3600))*time.Second)) // some outside a day's or a week's window
	}
	if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	puts = append(puts, batch...)
	check("a batch, in the middle and out of the window")
	for i := 0; i < len(puts); i += 9 {
		s := puts[i]
		s.Amount += 1000
		s.TxDtm = clk.now().Add(-time.Duration(rng.IntN(3600)) * time.Second).Format(TxDtmLayout)
		mustPut(t, j, s)
		puts[i] = s
	}
	check("updated")
	if j.search.builds != builds {
		t.Errorf("the column was built again %d times though every change was handed over", j.search.builds-builds)
	}
	clk.advance(2 * time.Hour)
	s := newSale(0)
	mustPut(t, j, s)
	puts = append(puts, s)
	check("the window moved")
	// A write that bypasses the recording: the column knows its transaction is missing.
	builds = j.search.builds
	if err := j.db.Update(func(tx *bolt.Tx) error {
		_, err := j.putSaleTx(tx, newSale(time.Minute))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	check("a write not handed over")
	if j.search.builds == builds {
		t.Error("a write not handed over left the column as it was")
	}
}

// TestSearchWhileSalesArrive searches while another goroutine writes sales, and then compares.
func TestSearchWhileSalesArrive(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 300 {
			var batch []Sale
			for k := range 1 + i%3 {
				batch = append(batch, sale(i*10+k, int64(100+i%17), clk.now().Add(-time.Duration(i%50)*time.Minute)))
			}
			if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
				t.Error(err, errs)
				return
			}
		}
	})
	for i := 0; i < 300; i++ {
		if _, err := j.SearchSales(int64(100+i%17), "1", 7, 50); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for a := int64(100); a < 117; a++ {
		if got, want := searched(t, j, a, "", 7, 500), scanSearch(t, j, a, "", 7, 500); !slices.Equal(got, want) {
			t.Fatalf("amount %d:\n got %v\nwant %v", a, got, want)
		}
	}
}

// TestSearchColumnIsBounded: a column no search reads drops what it holds past a bound.
func TestSearchColumnIsBounded(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	defer func(n int) { maxPendingChanges = n }(maxPendingChanges)
	maxPendingChanges = 100
	mustPut(t, j, sale(1, 100, clk.now()))
	searched(t, j, 100, "", 7, 10)
	var batch []Sale
	for i := range maxPendingChanges + 10 {
		batch = append(batch, sale(10+i, 100, clk.now().Add(-time.Duration(i)*time.Millisecond)))
	}
	if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	j.search.mu.Lock()
	held := j.search.ndone + len(j.search.done)
	j.search.mu.Unlock()
	if held != 0 {
		t.Errorf("the column holds %d changes past its bound", held)
	}
	if got := searched(t, j, 100, "", 7, 3); len(got) != 3 {
		t.Errorf("after the bound: %v", got)
	}
}

// BenchmarkSearchSales searches 100k sales in the window for an amount that 12 of them have (the
// whole window is compared): with the column brought up to date, and (the reference, what every
// search cost before the column) the column built from the journal each time.
func BenchmarkSearchSales(b *testing.B) {
	at := time.Date(2026, 11, 21, 15, 0, 0, 0, hk)
	j, err := Open(filepath.Join(b.TempDir(), "journal.db"), WithClock(func() time.Time { return at }), WithLocation(hk))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	const n, batch = 100_000, 20_000
	for end := n; end > 0; end -= batch {
		var sales []Sale
		for i := end - 1; i >= end-batch; i-- {
			s := sale(i, int64(100+i%9000), at.Add(-time.Duration(i)*5*time.Second))
			s.Source = SourceImported
			sales = append(sales, s)
		}
		if _, errs, err := j.PutSales(sales); err != nil || len(errs) > 0 {
			b.Fatal(err, errs)
		}
	}
	search := func(b *testing.B) {
		if vs, err := j.SearchSales(400, "", 30, 50); err != nil || len(vs) != 12 {
			b.Fatal(len(vs), err)
		}
	}
	b.Run("column", func(b *testing.B) {
		for b.Loop() {
			search(b)
		}
	})
	b.Run("column-after-a-sale", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			mustPut(b, j, sale(n+i, 1, at.Add(-time.Second)))
			b.StartTimer()
			search(b)
		}
	})
	b.Run("built-each-time", func(b *testing.B) {
		for b.Loop() {
			j.search.mu.Lock()
			j.search.drop()
			j.search.mu.Unlock()
			search(b)
		}
	})
}
