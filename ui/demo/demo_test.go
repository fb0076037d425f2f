package demo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qfpos/qfpay/paytype"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

func TestDemoData(t *testing.T) {
	start := time.Date(2026, 11, 21, 9, 30, 0, 0, qfpaytest.HongKong)
	clock := reversaltest.NewClock(start)
	settle := qfpaytest.Settle{Queries: 1}
	d, err := Start(Options{Clock: clock, Settle: &settle, JournalPath: t.TempDir() + "/j.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var all []storage.SaleView
	for cur := (storage.Cursor{}); ; {
		page, err := d.Journal.RecentSales(cur, 100, 7)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Sales...)
		if page.Next.IsZero() {
			break
		}
		cur = page.Next
	}
	if len(all) != 40 || all[0].SysSN != d.Featured.SysSN {
		t.Fatalf("%d sales; newest %s, featured %s", len(all), all[0].SysSN, d.Featured.SysSN)
	}
	yesterday := start.AddDate(0, 0, -1)
	var unpaidQR, cardToday, partly int
	for _, v := range all {
		day := v.Time.In(qfpaytest.HongKong)
		if day.YearDay() != start.YearDay() && day.YearDay() != yesterday.YearDay() {
			t.Errorf("sale %s on %s: not today or yesterday", v.SysSN, day)
		}
		switch {
		case v.State() == storage.SaleStateUnpaid && paytype.Lookup(v.PayType).Mode == paytype.MPM:
			unpaidQR++
		case paytype.SameDayFullRefundOnly(v.PayType) && day.YearDay() == start.YearDay():
			cardToday++
		case v.State() == storage.SaleStatePartlyRefunded:
			partly++
		}
	}
	if unpaidQR < 2 || cardToday < 1 || partly != 1 {
		t.Fatalf("unpaid QR %d, card today %d, partly refunded %d", unpaidQR, cardToday, partly)
	}
	// The first refund of the session loses its reply; the lifecycle settles it by query.
	amy, err := d.Journal.SignIn("amy", "1234")
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: d.Featured.SysSN, Amount: 1000, Reason: "damaged", Session: amy})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err = d.Desk.Follow(ctx, r.ID, nil)
	if err != nil || r.State != storage.StateSucceeded || r.Attempts != 1 {
		t.Fatalf("%v %+v", err, r)
	}
	full, _ := d.Journal.Reversal(r.ID)
	if full.Events[2].Type != storage.EventReply || full.Events[2].Code != "" {
		t.Fatalf("the first refund's reply was not lost: %+v", full.Events[2])
	}
	if d.Terminal().Environment != 0 || d.Terminal().UDID != "DEMO-01" {
		t.Fatalf("%+v", d.Terminal())
	}
}

// TestDemoNeverTouchesARealJournal: qfpos demo refuses a journal that is not a demo's, and leaves
// it as it was.
func TestDemoNeverTouchesARealJournal(t *testing.T) {
	path := t.TempDir() + "/real.db"
	j, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.PutSale(storage.Sale{SysSN: "20261121000100020000000001", Amount: 100, Currency: "HKD", PayType: "800208",
		TxDtm: "2026-11-21 10:00:00", RespCD: "0000", Source: storage.SourceRecorded}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := Start(Options{JournalPath: path, Calm: true}); !errors.Is(err, storage.ErrRealJournal) {
		t.Fatalf("demo on a real journal: %v", err)
	}
	j, err = storage.Open(path, storage.Existing())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if page, _ := j.RecentSales(storage.Cursor{}, 100, 3650); len(page.Sales) != 1 {
		t.Fatalf("the real journal now has %d sales", len(page.Sales))
	}
}

// TestDemoRestartKeepsItsJournal: a second (and fifth) start on the demo's own journal seeds
// nothing new and keeps the sales' times and order numbers; refunds still work.
func TestDemoRestartKeepsItsJournal(t *testing.T) {
	path := t.TempDir() + "/demo.db"
	settle := qfpaytest.Settle{}
	snapshot := func(d *Demo) (string, int) {
		page, err := d.Journal.RecentSales(storage.Cursor{}, 500, 3650)
		if err != nil {
			t.Fatal(err)
		}
		var s string
		refunds := 0
		for _, v := range page.Sales {
			s += v.SysSN + v.OutTradeNo + v.TxDtm + "|"
			refunds += len(v.Reversals)
		}
		return s, refunds
	}
	var first string
	for run := range 5 {
		d, err := Start(Options{JournalPath: path, Calm: true, Settle: &settle})
		if err != nil {
			t.Fatalf("start %d: %v", run+1, err)
		}
		sales, refunds := snapshot(d)
		if run == 0 {
			first = sales
		} else if sales != first || refunds != 1+run-1 {
			d.Close()
			t.Fatalf("start %d changed the journal (%d refunds)", run+1, refunds)
		}
		if run >= 1 {
			// A refund on a restarted demo reaches its sandbox, which remembers the sale.
			amy, err := d.Journal.SignIn("amy", "1234")
			if err != nil {
				t.Fatal(err)
			}
			r, err := d.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: d.Featured.SysSN, Amount: 100, Reason: "wrong item", Session: amy})
			if err != nil {
				d.Close()
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			r, err = d.Desk.Follow(ctx, r.ID, nil)
			cancel()
			if err != nil || r.State != storage.StateSucceeded {
				d.Close()
				t.Fatalf("refund on start %d: %v %s %s", run+1, err, r.State, r.RespCD)
			}
		}
		d.Close()
	}
}

// TestDemoAsksForTheManager: the demo's manager set its approval limits on the audit trail, so
// that its cashier's refund above 500.00 HKD needs mgr's approval, and with it goes through.
func TestDemoAsksForTheManager(t *testing.T) {
	settle := qfpaytest.Settle{}
	d, err := Start(Options{JournalPath: t.TempDir() + "/demo.db", Calm: true, Settle: &settle})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if l, ok, err := d.Journal.Limits(); err != nil || !ok || l != Limits {
		t.Fatalf("limits %+v %v %v", l, ok, err)
	}
	var big storage.SaleView
	page, _ := d.Journal.RecentSales(storage.Cursor{}, 500, 3650)
	for _, v := range page.Sales {
		if v.RespCD == "0000" && v.Amount > Limits.ApprovalOver && len(v.Reversals) == 0 && !paytype.SameDayFullRefundOnly(v.PayType) {
			big = v
			break
		}
	}
	if big.SysSN == "" {
		t.Fatal("the demo has no paid sale above its approval limit to try it on")
	}
	amy, err := d.Journal.SignIn("amy", "1234")
	if err != nil {
		t.Fatal(err)
	}
	req := reversal.Request{Kind: storage.KindRefund, SaleSysSN: big.SysSN, Amount: big.Amount, Reason: "damaged", Session: amy}
	if _, err := d.Desk.Start(context.Background(), req); !errors.Is(err, reversal.ErrNeedsApproval) {
		t.Fatalf("a refund of %d by amy: %v", big.Amount, err)
	}
	req.Approval = &storage.Credential{ID: "mgr", PIN: "5678"}
	r, err := d.Desk.Start(context.Background(), req)
	if err != nil || r.Approver != "mgr" {
		t.Fatalf("approved by mgr: %v %+v", err, r)
	}
}

// TestDemoMakesNothingWhereItCannotStart: a demo journal in a folder that does not exist is
// refused, and no folder is made for it.
func TestDemoMakesNothingWhereItCannotStart(t *testing.T) {
	dir := t.TempDir() + "/missing/dir"
	if _, err := Start(Options{JournalPath: dir + "/j.db", Calm: true}); err == nil {
		t.Fatal("a demo journal in a missing folder was made")
	}
	if _, err := os.Stat(filepath.Dir(dir)); !os.IsNotExist(err) {
		t.Fatalf("the folder was made: %v", err)
	}
}
