package storage

import (
	"errors"
	"testing"
	"time"
)

// TestRefundsMadeElsewhereCount: refunds QFPay holds that this journal did not make count
// against what is left, and the journal refuses a refund beyond it.
func TestRefundsMadeElsewhereCount(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	s := sale(1, 5000, clk.now().Add(-time.Hour))
	mustPut(t, j, s)
	mine, err := j.Create(refundIntent(s, "RF_mine", 1000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Transition(mine.ID, Change{State: StateSucceeded, SysSN: "R_MINE"}); err != nil {
		t.Fatal(err)
	}
	v, err := j.UpdateRemote(s.SysSN, RemoteUpdate{Cancel: CancelPartlyRefunded, Checked: clk.now(), Refunds: []RemoteRefund{
		{SysSN: "R_MINE", OutTradeNo: "RF_mine", Amount: 1000, RespCD: "0000", UDID: "POS-01"},
		{SysSN: "R_OTHER", OutTradeNo: "POS2_1", Amount: 1500, RespCD: "0000", UDID: "POS-02"},
		{SysSN: "R_BUSY", OutTradeNo: "POS2_2", Amount: 500, RespCD: "1143", UDID: "POS-02"},
		{SysSN: "R_FAILED", OutTradeNo: "POS2_3", Amount: 900, RespCD: "1155", UDID: "POS-02"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Refunded != 2500 || v.Elsewhere != 1500 || v.Reserved != 500 || v.Remaining() != 2000 || v.State() != SaleStatePartlyRefunded {
		t.Fatalf("view %+v remaining %d state %s", v, v.Remaining(), v.State())
	}
	if _, err := j.Create(refundIntent(s, "RF_over", 2001)); !errors.Is(err, ErrOverRefund) {
		t.Fatalf("over what QFPay shows left: %v", err)
	}
	// A later update merges by syssn: the busy one finished.
	v, err = j.UpdateRemote(s.SysSN, RemoteUpdate{Refunds: []RemoteRefund{{SysSN: "R_BUSY", OutTradeNo: "POS2_2", Amount: 500, RespCD: "0000"}}})
	if err != nil || v.Refunded != 3000 || v.Reserved != 0 || len(v.QFPay.Refunds) != 4 || v.QFPay.Cancel != CancelPartlyRefunded {
		t.Fatalf("after merge: %v %+v", err, v)
	}
	if got, _, _ := j.Sale(s.SysSN); got.Remaining() != 2000 {
		t.Fatalf("read back: remaining %d", got.Remaining())
	}
}

// TestFlagsFromQFPay: a sale QFPay shows refunded in full has nothing left; an unpaid sale QFPay
// shows closed is cancelled.
func TestFlagsFromQFPay(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	paid := sale(1, 5000, clk.now().Add(-time.Hour))
	mustPut(t, j, paid)
	v, err := j.UpdateRemote(paid.SysSN, RemoteUpdate{Cancel: CancelRefunded})
	if err != nil || v.Remaining() != 0 {
		t.Fatalf("flag 3: %v remaining %d", err, v.Remaining())
	}
	if _, err := j.Create(refundIntent(paid, "RF_1", 100)); !errors.Is(err, ErrOverRefund) {
		t.Fatalf("refund of a sale QFPay shows refunded: %v", err)
	}
	unpaid := sale(2, 3000, clk.now().Add(-time.Hour))
	unpaid.RespCD = "1143"
	mustPut(t, j, unpaid)
	v, err = j.UpdateRemote(unpaid.SysSN, RemoteUpdate{Cancel: CancelClosed})
	if err != nil || !v.Cancelled || v.State() != SaleStateCancelled {
		t.Fatalf("closed elsewhere: %v %+v", err, v)
	}
	// QFPay says the unpaid one got paid: applied; it never goes back.
	v, err = j.UpdateRemote(unpaid.SysSN, RemoteUpdate{RespCD: "0000"})
	if err != nil || v.Status() != PaymentPaid {
		t.Fatalf("paid at QFPay: %v %s", err, v.Status())
	}
	v, err = j.UpdateRemote(unpaid.SysSN, RemoteUpdate{RespCD: "1143"})
	if err != nil || v.Status() != PaymentPaid {
		t.Fatalf("backwards from QFPay: %v %s", err, v.Status())
	}
	if _, err := j.UpdateRemote("nope", RemoteUpdate{Cancel: "1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown sale: %v", err)
	}
}

// TestStatusNeverGoesBackwards: a paid sale cannot be recorded as unpaid again (which would let
// a full cancel of a paid order go out).
func TestStatusNeverGoesBackwards(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	s := sale(1, 5000, clk.now().Add(-time.Hour))
	mustPut(t, j, s)
	r, _ := j.Create(refundIntent(s, "RF_1", 1000))
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"1143", "1155"} {
		back := s
		back.RespCD = code
		if _, err := j.PutSale(back); !errors.Is(err, ErrBackwards) {
			t.Fatalf("paid → %s: %v", code, err)
		}
	}
	failed := sale(2, 100, clk.now())
	failed.RespCD = "1155"
	mustPut(t, j, failed)
	failed.RespCD = "1143"
	if _, err := j.PutSale(failed); !errors.Is(err, ErrBackwards) {
		t.Fatalf("failed → processing: %v", err)
	}
	failed.RespCD = "0000"
	if res, err := j.PutSale(failed); err != nil || res != SaleUpdated {
		t.Fatalf("failed → paid: %v %v", res, err)
	}
	if v, _, _ := j.Sale(s.SysSN); v.Status() != PaymentPaid {
		t.Fatalf("sale flipped: %s", v.Status())
	}
}
