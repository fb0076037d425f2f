package reversal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

func TestNeedsApproval(t *testing.T) {
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	sale := storage.SaleView{Sale: storage.Sale{SysSN: "S1", Amount: 100_00, Currency: "HKD", Time: now.Add(-2 * time.Hour), Cashier: "amy"}}
	today := map[string]int64{"amy": 30_00}
	l := reversal.Limits{Currency: "HKD", ApprovalOver: 50_00, CashierDaily: 60_00, MaxSaleAge: 90 * 24 * time.Hour, OtherCashier: true,
		Now: func() time.Time { return now }, RefundsToday: func(c string) (int64, error) { return today[c], nil }}
	for _, c := range []struct {
		name    string
		sale    storage.SaleView
		amount  int64
		cashier string
		want    string
	}{
		{"within every limit", sale, 20_00, "amy", ""},
		{"one refund over", sale, 50_01, "amy", "a refund above 50.00 HKD"},
		{"the day's refunds over", sale, 40_00, "amy", "amy's refunds today above 60.00 HKD"},
		{"another cashier's sale", sale, 10_00, "bo", "a sale of another cashier (amy)"},
		{"an old sale", func() storage.SaleView { s := sale; s.Time = now.AddDate(0, 0, -91); return s }(), 10_00, "amy", "a sale older than 90 days"},
		{"another currency", func() storage.SaleView { s := sale; s.Currency = "USD"; return s }(), 90_00, "amy", ""},
	} {
		got, err := l.NeedsApproval(c.sale, c.amount, c.cashier)
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
	if got, _ := (reversal.Limits{}).NeedsApproval(sale, 1_000_000, "bo"); got != "" {
		t.Errorf("no limits: %q", got)
	}
}

// TestStartRefusesWithoutApproval: the lifecycle itself refuses a refund over a limit without an
// approver, before anything is journaled or sent; with one, it goes and the approver is kept.
func TestStartRefusesWithoutApproval(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Desk: []reversal.Option{reversal.WithLimits(reversal.Limits{Currency: "HKD", ApprovalOver: 10_00})}})
	h.Run()
	s := h.Sale(50_00, "800208", "0000")
	_, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 20_00, Cashier: "amy"})
	var ae *reversal.ApprovalError
	if !errors.As(err, &ae) || !errors.Is(err, reversal.ErrNeedsApproval) || ae.Rule != "a refund above 10.00 HKD" {
		t.Fatalf("%v", err)
	}
	if len(h.Writes("refund")) != 0 {
		t.Fatal("a refund was sent")
	}
	if v, _, _ := h.Journal.Sale(s.SysSN); len(v.Reversals) != 0 {
		t.Fatal("a refund was journaled")
	}
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 20_00, Cashier: "amy", Approver: "mgr"})
	if err != nil || r.Approver != "mgr" {
		t.Fatalf("approved: %+v %v", r, err)
	}
}
