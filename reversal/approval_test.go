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
	l := reversal.Limits{Limits: storage.Limits{Currency: "HKD", ApprovalOver: 50_00, CashierDaily: 60_00, MaxSaleAge: 90 * 24 * time.Hour, OtherCashier: true},
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

// staffed gives the harness's journal a manager (mgr, 5678), a cashier (amy, 1234) and the limit
// of one refund above 10.00 HKD, and signs amy in.
func staffed(t *testing.T, h *reversaltest.Harness) storage.Session {
	t.Helper()
	mgr := storage.Credential{ID: "mgr", PIN: "5678"}
	if _, err := h.Journal.AdoptLimits(storage.Limits{Currency: "HKD", ApprovalOver: 10_00}); err != nil {
		t.Fatal(err)
	}
	if err := h.Journal.AddStaff(storage.Credential{}, mgr.ID, storage.RoleManager, mgr.PIN); err != nil {
		t.Fatal(err)
	}
	if err := h.Journal.AddStaff(mgr, "amy", storage.RoleCashier, "1234"); err != nil {
		t.Fatal(err)
	}
	s, err := h.Journal.SignIn("amy", "1234")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStartChecksTheApproval: the lifecycle itself refuses a refund over the journal's limit
// without a manager's approval, and checks the approval it is given (id, PIN, role) against the
// journal's staff, before anything is journaled or sent; an approved one goes with the approver
// kept.
func TestStartChecksTheApproval(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	amy := staffed(t, h)
	h.Run()
	s := h.Sale(50_00, "800208", "0000")
	refund := func(by *storage.Credential) (storage.Reversal, error) {
		return h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 20_00,
			Reason: "damaged", Session: amy, Approval: by})
	}
	for name, c := range map[string]struct {
		by      *storage.Credential
		refused error
	}{
		"no approval":       {nil, nil},
		"a wrong PIN":       {&storage.Credential{ID: "mgr", PIN: "0000"}, storage.ErrWrongPIN},
		"a cashier's":       {&storage.Credential{ID: "amy", PIN: "1234"}, storage.ErrNotManager},
		"nobody's":          {&storage.Credential{ID: "ghost", PIN: "1234"}, storage.ErrNoSuchStaff},
		"a name and no PIN": {&storage.Credential{ID: "mgr"}, storage.ErrWrongPIN},
	} {
		_, err := refund(c.by)
		var ae *reversal.ApprovalError
		if !errors.As(err, &ae) || !errors.Is(err, reversal.ErrNeedsApproval) || ae.Rule != "a refund above 10.00 HKD" ||
			c.refused != nil && !errors.Is(err, c.refused) || c.refused == nil && ae.Refused != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(h.Writes("refund")) != 0 {
		t.Fatal("a refund was sent")
	}
	if v, _, _ := h.Journal.Sale(s.SysSN); len(v.Reversals) != 0 {
		t.Fatal("a refund was journaled")
	}
	r, err := refund(&storage.Credential{ID: "mgr", PIN: "5678"})
	if err != nil || r.Approver != "mgr" || r.Cashier != "amy" {
		t.Fatalf("approved: %+v %v", r, err)
	}
}

// TestEveryOperationHasAPerson: on a journal with staff, the lifecycle takes only a session its
// journal made (a name alone, a made-up session or a disabled person's is refused); the journal
// itself refuses an intent without an active cashier.
func TestEveryOperationHasAPerson(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	amy := staffed(t, h)
	h.Run()
	s := h.Sale(5_00, "800208", "0000")
	for name, req := range map[string]reversal.Request{
		"a name":            {Cashier: "amy"},
		"a made-up session": {Session: storage.Session{Person: storage.Person{ID: "amy", Role: storage.RoleCashier}}},
		"no one":            {},
	} {
		req.Kind, req.SaleSysSN, req.Reason = storage.KindRefund, s.SysSN, "damaged"
		if _, err := h.Desk.Start(context.Background(), req); !errors.Is(err, reversal.ErrNotSignedIn) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := h.Journal.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF1", SaleSysSN: s.SysSN,
		Amount: 1_00, Cashier: "ghost"}); !errors.Is(err, storage.ErrNoPerson) {
		t.Fatalf("the journal took a cashier not on the staff: %v", err)
	}
	if _, err := h.Journal.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF2", SaleSysSN: s.SysSN,
		Amount: 1_00, Cashier: "amy", Approver: "amy"}); !errors.Is(err, storage.ErrNoPerson) {
		t.Fatalf("the journal took a cashier as approver: %v", err)
	}
	if len(h.Writes("refund")) != 0 {
		t.Fatal("a refund was sent")
	}
	if err := h.Journal.DisableStaff(storage.Credential{ID: "mgr", PIN: "5678"}, "amy"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Reason: "damaged",
		Session: amy}); !errors.Is(err, storage.ErrStaffDisabled) {
		t.Fatalf("a disabled cashier's session: %v", err)
	}
}
