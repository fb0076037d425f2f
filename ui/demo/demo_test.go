package demo

import (
	"context"
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
	r, err := d.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: d.Featured.SysSN, Amount: 1000})
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
