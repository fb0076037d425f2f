package storage

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The benchmark journals are built once per `go test -bench` run and shared.
var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
	fixtureNow  = time.Date(2026, 11, 21, 15, 0, 0, 0, hk)
)

const (
	bigSales     = 1_000_000
	bigReversals = 100_000
	dayReversals = 10_000
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// buildJournal writes n sales, one every 30 seconds back from fixtureNow (1M span 347 days), and
// r refunds, of which
// dayReversals are on fixtureNow's day, in batched transactions.
func buildJournal(path string, n, r int) error {
	j, err := Open(path, WithLocation(hk), WithClock(func() time.Time { return fixtureNow }))
	if err != nil {
		return err
	}
	defer j.Close()
	const step = 30 * time.Second
	const batch = 20_000
	for start := 0; start < n; start += batch {
		err := j.db.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				s := sale(i, int64(100+i%10_000), fixtureNow.Add(-time.Duration(i)*step))
				if _, err := j.putSaleTx(tx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for start := 0; start < r; start += batch {
		err := j.db.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(start+batch, r); i++ {
				created := fixtureNow.Add(-time.Duration(i) * time.Second) // the first dayReversals are today
				if i >= dayReversals {
					created = fixtureNow.AddDate(0, 0, -1-i%300)
				}
				s := sale(i, 0, fixtureNow)
				rev, err := createTx(tx, refundIntent(s, fmt.Sprintf("RF_%d", i), 50), created, hk)
				if err != nil {
					return err
				}
				if i%10 != 0 { // most are finished; a tenth stay open
					if _, err := transitionTx(tx, rev.ID, Change{State: StateSucceeded}, created); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func fixture(b *testing.B) (big, small string) {
	b.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "qfpos-bench-")
		if fixtureErr != nil {
			return
		}
		if fixtureErr = buildJournal(filepath.Join(fixtureDir, "big.db"), bigSales, bigReversals); fixtureErr != nil {
			return
		}
		fixtureErr = buildJournal(filepath.Join(fixtureDir, "small.db"), 1_000, 100)
	})
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return filepath.Join(fixtureDir, "big.db"), filepath.Join(fixtureDir, "small.db")
}

func openFixture(b *testing.B, path string) *Journal {
	b.Helper()
	j, err := Open(path, WithLocation(hk), WithClock(func() time.Time { return fixtureNow }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	return j
}

func BenchmarkOpen(b *testing.B) {
	big, _ := fixture(b)
	b.ReportAllocs()
	for b.Loop() {
		j, err := Open(big, WithLocation(hk))
		if err != nil {
			b.Fatal(err)
		}
		j.Close()
	}
}

// BenchmarkRecentSalesFirstPage reports the first page of 50 from a 1k-sale and a 1M-sale
// journal: the two should cost the same.
func BenchmarkRecentSalesFirstPage(b *testing.B) {
	big, small := fixture(b)
	for _, c := range []struct {
		name, path string
	}{{"sales=1k", small}, {"sales=1M", big}} {
		b.Run(c.name, func(b *testing.B) {
			j := openFixture(b, c.path)
			b.ReportAllocs()
			for b.Loop() {
				page, err := j.RecentSales(Cursor{}, 50, 7)
				if err != nil || len(page.Sales) != 50 {
					b.Fatal(err, len(page.Sales))
				}
			}
		})
	}
}

func BenchmarkSaleBySysSN(b *testing.B) {
	big, _ := fixture(b)
	j := openFixture(b, big)
	want := sale(654_321, 0, fixtureNow).SysSN
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := j.Sale(want); err != nil || !ok {
			b.Fatal(err)
		}
	}
}

func BenchmarkReversalsOfADay(b *testing.B) {
	big, _ := fixture(b)
	j := openFixture(b, big)
	b.ReportAllocs()
	for b.Loop() {
		rs, err := j.ReversalsOn(fixtureNow)
		if err != nil || len(rs) != dayReversals {
			b.Fatal(err, len(rs))
		}
	}
}

// BenchmarkStateTransition is one journaled state change (reversal, event and indexes in one
// commit), beside a raw single-key bbolt commit to the same file.
func BenchmarkStateTransition(b *testing.B) {
	big, _ := fixture(b)
	j := openFixture(b, big)
	open, err := j.Unfinished()
	if err != nil || len(open) == 0 {
		b.Fatal(err)
	}
	id := open[0].ID
	b.Run("transition", func(b *testing.B) {
		states := []State{StateSent, StateProcessing}
		i := 0
		for b.Loop() {
			i++
			if _, err := j.Transition(id, Change{State: states[i%2], Event: Event{Type: EventQuery, Code: "1143"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-bolt-commit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if err := j.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bMeta).Put([]byte("bench"), fmt.Appendf(nil, "%d", i))
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// importFile writes a CSV of n sales in time order (as an export from QFPay or a POS is), one
// every 30 seconds up to fixtureNow, amounts and pay types varied, numbered as QFPay and tills
// number them: a syssn is the date, a fixed part and a count that grows with gaps (as QFPay's,
// shared by its merchants); an out_trade_no is the till, the date and a count.
func importFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("sales-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid")
	types := []string{"800208", "800101", "802808", "800201", "805808"}
	for i := range n {
		at := fixtureNow.Add(-time.Duration(n-i) * 30 * time.Second)
		fmt.Fprintf(w, "%s000300020%09d,POS-01-%s-%06d,%d,HKD,%s,%s,0000,POS-01\n", at.Format("20060102"), 100_000_000+(i*7)%900_000_000,
			at.Format("20060102"), i%1_000_000, 100+(i*7919)%90_000, types[i%len(types)], at.Format(TxDtmLayout))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImportCSV imports 100k sales (QFPOS_BENCH_BIG=1: 1M) into a new journal, as a store
// moving to qfpos does, and reports the time per 10k rows, the journal's size and its free pages.
func BenchmarkImportCSV(b *testing.B) {
	n := 100_000
	if os.Getenv("QFPOS_BENCH_BIG") != "" {
		n = 1_000_000
	}
	csvPath := importFile(b, n)
	b.Run(fmt.Sprintf("sales=%dk", n/1000), func(b *testing.B) {
		var size, free int64
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			j, err := Open(filepath.Join(dir, "journal.db"), WithLocation(hk), WithClock(func() time.Time { return fixtureNow }))
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Open(csvPath)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := j.ImportCSV(f)
			b.StopTimer()
			f.Close()
			if err != nil || res.Added != n {
				b.Fatal(err, res.Added, res.Refused[:min(3, len(res.Refused))])
			}
			free = int64(j.db.Stats().FreePageN)
			j.Close()
			st, _ := os.Stat(filepath.Join(dir, "journal.db"))
			size = st.Size()
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/float64(n/10_000), "s/10k-rows")
		b.ReportMetric(float64(size)/1e6, "MB")
		b.ReportMetric(float64(free), "free-pages")
	})
}

// BenchmarkFreelist compares bbolt's freelist choices on an imported journal of 100k sales
// (QFPOS_BENCH_BIG=1: 1M): the file's size after 2,000 single-sale commits, then the time to open
// it and one sale's commit (the freelist is written with each commit unless NoFreelistSync;
// without it, every open rebuilds it by reading every page).
func BenchmarkFreelist(b *testing.B) {
	n := 100_000
	if os.Getenv("QFPOS_BENCH_BIG") != "" {
		n = 1_000_000
	}
	src := filepath.Join(b.TempDir(), "imported.db")
	j, err := Open(src, WithLocation(hk), WithClock(func() time.Time { return fixtureNow }))
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(importFile(b, n))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := j.ImportCSV(f); err != nil {
		b.Fatal(err)
	}
	f.Close()
	j.Close()
	for _, c := range []struct {
		name  string
		tweak func(*bolt.Options)
	}{
		{"array-synced", nil},
		{"hashmap-synced", func(o *bolt.Options) { o.FreelistType = bolt.FreelistMapType }},
		{"hashmap-unsynced", func(o *bolt.Options) { o.FreelistType, o.NoFreelistSync = bolt.FreelistMapType, true }},
	} {
		path := filepath.Join(b.TempDir(), c.name+".db")
		if err := copyFile(src, path); err != nil {
			b.Fatal(err)
		}
		if err := copyFile(src+".clean", path+".clean"); err != nil { // closed cleanly: no walk at open
			b.Fatal(err)
		}
		open := func() *Journal {
			j, err := Open(path, WithLocation(hk), WithClock(func() time.Time { return fixtureNow }), func(j *Journal) { j.boltOptions = c.tweak })
			if err != nil {
				b.Fatal(err)
			}
			return j
		}
		b.Run(c.name+"/size", func(b *testing.B) {
			j := open()
			for i := range 2000 {
				s := sale(2*n+i, 100, fixtureNow.Add(time.Duration(i)*time.Second))
				s.SysSN = fmt.Sprintf("2026112300%016d", i)
				mustPut(b, j, s)
			}
			j.Close()
			st, _ := os.Stat(path)
			for b.Loop() {
			}
			b.ReportMetric(float64(st.Size())/1e6, "MB")
		})
		b.Run(c.name+"/open", func(b *testing.B) {
			for b.Loop() {
				open().Close()
			}
		})
		b.Run(c.name+"/commit", func(b *testing.B) {
			j := open()
			defer j.Close()
			for i := range 200 { // warm the pages a day's commits touch
				s := sale(3*n+i, 100, fixtureNow.Add(time.Duration(i)*time.Second))
				s.SysSN = fmt.Sprintf("2026112400%016d", i)
				mustPut(b, j, s)
			}
			i := 0
			for b.Loop() {
				s := sale(n+i, 100, fixtureNow.Add(time.Duration(i)*time.Second))
				s.SysSN = fmt.Sprintf("2026112200%016d", i)
				mustPut(b, j, s)
				i++
			}
		})
	}
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}
