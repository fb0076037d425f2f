package reversal_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// TestStartNeedsAReason: with the store's reasons set, a refund without one, with one not the
// store's, or with "other" and no words is refused before anything is journaled or sent (nor is
// the sale read at QFPay); a code in other letters is kept as the store wrote it; a cancel needs
// none.
func TestStartNeedsAReason(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Desk: []reversal.Option{reversal.WithReasons(reversal.DefaultReasons)}})
	h.Run()
	s := h.Sale(50_00, "800208", "0000")
	for _, c := range []struct {
		reason, words string
		want          error
		says          string
	}{
		{"", "", reversal.ErrNoReason, "a refund needs a reason: one of damaged, wrong item, customer changed mind, duplicate charge, price adjustment, other"},
		{"because", "", reversal.ErrUnknownReason, `reason "because" is not one of the store's reasons`},
		{"other", "  ", reversal.ErrReasonNeedsText, `reason "other" needs a few words of why`},
		{"damaged", strings.Repeat("字", reversal.MaxReasonText+1), reversal.ErrReasonTooLong, "takes more than 120 characters"},
	} {
		_, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 10_00,
			Reason: c.reason, ReasonText: c.words})
		var re *reversal.ReasonError
		if !errors.As(err, &re) || !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q %q: %v", c.reason, c.words, err)
		}
	}
	if len(h.Sandbox.Requests()) != 0 {
		t.Fatalf("%d requests reached QFPay", len(h.Sandbox.Requests()))
	}
	if v, _, _ := h.Journal.Sale(s.SysSN); len(v.Reversals) != 0 {
		t.Fatal("a refund was journaled")
	}
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 10_00, Reason: "Wrong Item"})
	if err != nil || r.Reason != "wrong item" || r.ReasonText != "" {
		t.Fatalf("%+v %v", r, err)
	}
	h.Follow(r.ID)
	r, err = h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: 5_00,
		Reason: "other", ReasonText: " left it on the bus "})
	if err != nil || r.Reason != "other" || r.ReasonText != "left it on the bus" {
		t.Fatalf("%+v %v", r, err)
	}
	h.Follow(r.ID)
	unpaid := h.Sale(30_00, "800101", "1143")
	if _, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindCancel, SaleSysSN: unpaid.SysSN}); err != nil {
		t.Fatalf("a cancel without a reason: %v", err)
	}
}

func TestCheckReasonCodes(t *testing.T) {
	if err := reversal.CheckReasonCodes(reversal.DefaultReasons); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{nil, {""}, {" damaged"}, {"damaged", "Damaged"}, {strings.Repeat("x", 41)}, {"a\tb"}} {
		if err := reversal.CheckReasonCodes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
