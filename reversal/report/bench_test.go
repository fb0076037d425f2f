package report_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/reversal/report"
	"qfpos/storage"
)

// BenchmarkReportOfABusyDay measures `qfpos report` of a day with QFPOS_REPORT_REFUNDS refunds
// (10,000 by default; building the journal takes a while, once): "report" is the report's own
// work — the day's operations read, totalled, the close marked and the table written —, and
// "command" adds opening and closing the journal, as the command does; "bbolt-read", the
// reference, reads the same reversals' bytes with bbolt alone.
//
//	go test -run '^$' -bench ReportOfABusyDay -benchtime 10x -count 3 ./reversal/report
func BenchmarkReportOfABusyDay(b *testing.B) {
	n := 10_000
	if v := envInt("QFPOS_REPORT_REFUNDS"); v > 0 {
		n = v
	}
	day := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	clock := day
	path := filepath.Join(b.TempDir(), "busy.db")
	j, err := storage.Open(path, storage.WithClock(func() time.Time { return clock }), storage.WithLocation(time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid\n")
	for i := range n {
		at := day.Add(-time.Hour).Add(time.Duration(i) * 100 * time.Millisecond)
		fmt.Fprintf(&csv, "20261121%018d,POS%010d,%d,HKD,800208,%s,0000,POS-01\n", i, i, 2000+i%5000, at.Format("2006-01-02 15:04:05"))
	}
	if _, err := j.ImportCSV(strings.NewReader(csv.String())); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		clock = day.Add(time.Duration(i) * 2 * time.Second)
		r, err := j.CreateAndSend(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: fmt.Sprintf("RF_BUSY_%d", i),
			SaleSysSN: fmt.Sprintf("20261121%018d", i), Amount: 1000, TxDtm: clock.Format(storage.TxDtmLayout), Reason: "damaged", Cashier: "amy", UDID: "POS-01"},
			storage.Change{State: storage.StateSent, Attempt: true, Event: storage.Event{Type: storage.EventSent}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := j.Transition(r.ID, storage.Change{State: storage.StateSucceeded, RespCD: "0000", SysSN: fmt.Sprintf("20261121%018d", n+i),
			Event: storage.Event{Type: storage.EventReply, Code: "0000"}}); err != nil {
			b.Fatal(err)
		}
	}
	j.Close()
	run := func(b *testing.B, j *storage.Journal) {
		rep, err := report.LocalReport(j, day, "POS-01")
		if err != nil || len(rep.Rows) != n {
			b.Fatalf("%d rows, %v", len(rep.Rows), err)
		}
		if err := report.MarkClose(j, &rep); err != nil {
			b.Fatal(err)
		}
		if err := report.WriteReport(io.Discard, rep, "table", time.UTC); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("report", func(b *testing.B) {
		j, err := storage.Open(path, storage.Existing(), storage.WithLocation(time.UTC))
		if err != nil {
			b.Fatal(err)
		}
		defer j.Close()
		b.ReportAllocs()
		for b.Loop() {
			run(b, j)
		}
	})
	// The reference: the day's reversals as bytes, read by bbolt alone (the day's index walked,
	// each reversal's value fetched), nothing decoded, totalled or written.
	b.Run("bbolt-read", func(b *testing.B) {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for b.Loop() {
			read := 0
			if err := db.View(func(tx *bolt.Tx) error {
				c, revs := tx.Bucket([]byte("reversals_day")).Cursor(), tx.Bucket([]byte("reversals"))
				for k, _ := c.First(); k != nil; k, _ = c.Next() {
					read += len(revs.Get(k[8:]))
				}
				return nil
			}); err != nil || read == 0 {
				b.Fatal(err, read)
			}
		}
	})
	b.Run("command", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			j, err := storage.Open(path, storage.Existing(), storage.WithLocation(time.UTC))
			if err != nil {
				b.Fatal(err)
			}
			run(b, j)
			j.Close()
		}
	})
}

func envInt(name string) int {
	var v int
	_, _ = fmt.Sscan(os.Getenv(name), &v)
	return v
}
