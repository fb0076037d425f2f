package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qfpos/storage"
)

// benchJournal writes n sales, one every 5 seconds back from fixedAt, into a journal in dir,
// oldest first in batches, as an import or a sync builds a journal (written newest first, a 1M
// journal had five times the free pages and start-up cost 2.7 times the 1k journal's).
func benchJournal(b *testing.B, dir string, n int) string {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("sales-%d.db", n))
	j, err := storage.Open(path, storage.WithLocation(hk), storage.WithClock(func() time.Time { return fixedAt }))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	const batch = 20_000
	for end := n; end > 0; end -= batch {
		sales := make([]storage.Sale, 0, batch)
		for i := end - 1; i >= max(end-batch, 0); i-- {
			at := fixedAt.Add(-time.Duration(i) * 5 * time.Second)
			sales = append(sales, storage.Sale{SysSN: fmt.Sprintf("2026112100%016d", i), OutTradeNo: fmt.Sprintf("POS_%d", i),
				Amount: int64(100 + i%9000), Currency: "HKD", PayType: "800208", TxDtm: at.Format(storage.TxDtmLayout),
				RespCD: "0000", Source: storage.SourceImported})
		}
		if _, errs, err := j.PutSales(sales); err != nil || len(errs) > 0 {
			b.Fatal(err, errs)
		}
	}
	return path
}

var benchDir = func() string {
	d, _ := os.MkdirTemp("", "qfpos-ui-bench-")
	return d
}

// BenchmarkKeystroke is one keystroke on the sales screen (Update and View) with 1k, 10k and 100k
// sales in the window: the screen holds a page, so the cost does not follow the journal's size.
// The find that the keystroke starts runs in a tea.Cmd, measured separately as "+search".
func BenchmarkKeystroke(b *testing.B) {
	dir := benchDir()
	defer os.RemoveAll(dir)
	for _, n := range []int{1_000, 10_000, 100_000} {
		path := benchJournal(b, dir, n)
		j, err := storage.Open(path, storage.WithLocation(hk), storage.WithClock(func() time.Time { return fixedAt }))
		if err != nil {
			b.Fatal(err)
		}
		d := testDeps(j, &fakeDesk{})
		d.Terminal.RecentDays = 30 // 1k sales span 83 minutes, 10k 14 hours, 100k almost 6 days: all in the window
		a := New(d)
		a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		a.Update(a.sales.Init()())
		down, digit, esc := keyMsg("down"), keyMsg("4"), keyMsg("esc")
		b.Run(fmt.Sprintf("sales=%dk/move", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Update(down)
				_ = a.View()
			}
		})
		b.Run(fmt.Sprintf("sales=%dk/find", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Update(digit)
				_ = a.View()
				a.Update(esc)
			}
		})
		b.Run(fmt.Sprintf("sales=%dk/find+search", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, cmd := a.Update(keyMsg("4"))
				a.Update(cmd())
				_ = a.View()
				a.Update(esc)
			}
		})
		// A search by pay method that matches nothing (the worst case for a scan): the whole
		// keystroke, its search and the view.
		b.Run(fmt.Sprintf("sales=%dk/find-pay-method", n/1000), func(b *testing.B) {
			a.Update(keyMsg("/"))
			b.ReportAllocs()
			for b.Loop() {
				_, cmd := a.Update(keyMsg("v"))
				a.Update(cmd())
				_ = a.View()
				_, cmd = a.Update(keyMsg("backspace"))
				if cmd != nil {
					a.Update(cmd())
				}
			}
			a.Update(esc)
		})
		j.Close()
	}
}

// BenchmarkStartup is start-up to the first View: open the journal, build the program, load the
// first page, render — with a 1M-sale journal beside a 1k-sale one.
func BenchmarkStartup(b *testing.B) {
	dir := benchDir()
	defer os.RemoveAll(dir)
	for _, n := range []int{1_000, 1_000_000} {
		path := benchJournal(b, dir, n)
		b.Run(fmt.Sprintf("sales=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				j, err := storage.Open(path, storage.WithLocation(hk), storage.WithClock(func() time.Time { return fixedAt }))
				if err != nil {
					b.Fatal(err)
				}
				a := New(testDeps(j, &fakeDesk{}))
				a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				a.Update(a.sales.Init()())
				a.Update(loadUnfinished(j)())
				if len(a.sales.sales) != pageSize {
					b.Fatal(len(a.sales.sales))
				}
				_ = a.View()
				j.Close()
			}
		})
	}
}

// BenchmarkClockTick is one second of the header's clock (Update and View) with 50 and with 5,000
// sales loaded in the list (a cashier who scrolled far back): the rows are laid out only when
// they change and only where they show, so both cost the same.
func BenchmarkClockTick(b *testing.B) {
	for _, n := range []int{50, 5_000} {
		j := &fakeJournal{}
		for i := range n {
			j.sales = append(j.sales, view(fmt.Sprintf("2026112100%016d", i), int64(100+i), "800208", "0000", fixedAt.Add(-time.Duration(i)*time.Minute), 0))
		}
		a := New(testDeps(j, &fakeDesk{}))
		a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		for start := 0; start < n; start += pageSize { // the pages the cashier scrolled through
			a.Update(salesMsg{tag: a.sales.tag, sales: j.sales[start:min(start+pageSize, n)], append: start > 0})
		}
		if len(a.sales.sales) != n {
			b.Fatalf("%d rows loaded", len(a.sales.sales))
		}
		tick := tickMsg(fixedAt)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Update(tick)
				_ = a.View()
			}
		})
	}
}
