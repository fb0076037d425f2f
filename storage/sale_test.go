package storage

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPutSaleUpsertsBySysSN(t *testing.T) {
	j := openTest(t, nil)
	s := sale(1, 1000, time.Date(2026, 11, 21, 10, 0, 0, 0, hk))
	if r, err := j.PutSale(s); err != nil || r != SaleAdded {
		t.Fatalf("%v %v", r, err)
	}
	if r, _ := j.PutSale(s); r != SaleUnchanged {
		t.Fatalf("same sale again: %v", r)
	}
	s.RespCD, s.TxDtm, s.GoodsName = "0000", "2026-11-21 11:00:00", "tea"
	if r, err := j.PutSale(s); err != nil || r != SaleUpdated {
		t.Fatalf("update: %v %v", r, err)
	}
	page, _ := j.RecentSales(Cursor{}, 10, 7)
	if len(page.Sales) != 1 || page.Sales[0].GoodsName != "tea" || page.Sales[0].Time.Hour() != 11 {
		t.Fatalf("after update: %+v", page.Sales)
	}
	if got, _ := j.SearchSales(1000, "", 3650, 10); len(got) != 1 {
		t.Fatalf("amount index holds %d entries", len(got))
	}
	other := sale(2, 500, time.Now())
	other.OutTradeNo = s.OutTradeNo
	if _, err := j.PutSale(other); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("shared out_trade_no: %v", err)
	}
}

func TestSaleValidation(t *testing.T) {
	j := openTest(t, nil)
	base := sale(1, 1000, time.Now())
	cases := map[string]func(*Sale){
		"syssn":        func(s *Sale) { s.SysSN = "" },
		"out_trade_no": func(s *Sale) { s.OutTradeNo = "a b" },
		"txamt":        func(s *Sale) { s.Amount = 0 },
		"currency":     func(s *Sale) { s.Currency = "XYZ" },
		"pay_type":     func(s *Sale) { s.PayType = "8002" },
		"respcd":       func(s *Sale) { s.RespCD = "ok" },
		"txdtm":        func(s *Sale) { s.TxDtm = "21/11/2026" },
		"udid":         func(s *Sale) { s.UDID = strings.Repeat("u", 41) },
		"source":       func(s *Sale) { s.Source = "" },
	}
	for field, mutate := range cases {
		s := base
		mutate(&s)
		_, err := j.PutSale(s)
		if err == nil || !strings.Contains(err.Error(), strings.Split(field, "_")[0]) {
			t.Errorf("%s: %v", field, err)
		}
	}
	if page, _ := j.RecentSales(Cursor{}, 10, 7); len(page.Sales) != 0 {
		t.Fatal("an invalid sale was written")
	}
}

func TestRecentSalesPagesNewestFirstWithinWindow(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	for i := range 30 {
		mustPut(t, j, sale(i, int64(100+i), clk.t.Add(-time.Duration(i)*6*time.Hour))) // 30 sales over 7.5 days
	}
	var got []int64
	cur := Cursor{}
	pages := 0
	for {
		page, err := j.RecentSales(cur, 8, 7)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range page.Sales {
			got = append(got, s.Amount)
		}
		if page.Next.IsZero() {
			break
		}
		cur = page.Next
	}
	// 7 days back at 6-hour steps: i = 0..28 are within the window.
	if len(got) != 29 || got[0] != 100 || got[28] != 128 || pages != 4 {
		t.Fatalf("%d sales over %d pages: %v", len(got), pages, got)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("not newest first: %v", got)
		}
	}
}

func TestLookups(t *testing.T) {
	j := openTest(t, nil)
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, hk)
	a, b, c := sale(1001, 1250, at), sale(2001, 1250, at.Add(time.Hour)), sale(3002, 990, at.Add(2*time.Hour))
	c.OutTradeNo = "ORDER-7001"
	for _, s := range []Sale{a, b, c} {
		mustPut(t, j, s)
	}
	if v, ok, err := j.Sale(b.SysSN); err != nil || !ok || v.OutTradeNo != b.OutTradeNo {
		t.Fatalf("by syssn: %v %v", ok, err)
	}
	if _, ok, _ := j.Sale("nope"); ok {
		t.Fatal("found a missing sale")
	}
	if v, ok, _ := j.SaleByOutTradeNo("ORDER-7001"); !ok || v.SysSN != c.SysSN {
		t.Fatal("by out_trade_no")
	}
	byAmt, _ := j.SearchSales(1250, "", 3650, 10)
	if len(byAmt) != 2 || byAmt[0].SysSN != b.SysSN || byAmt[1].SysSN != a.SysSN {
		t.Fatalf("by amount: %+v", byAmt)
	}
	if got, _ := j.SearchSales(1249, "", 3650, 10); len(got) != 0 {
		t.Fatal("by amount matched another amount")
	}
	ids := func(vs []SaleView) string {
		var s []string
		for _, v := range vs {
			s = append(s, v.SysSN[len(v.SysSN)-4:])
		}
		return strings.Join(s, ",")
	}
	if got, _ := j.SearchSales(0, "001", 3650, 10); ids(got) != "3002,2001,1001" { // c matches by its out_trade_no
		t.Fatalf("by syssn digits: %s", ids(got))
	}
	if got, _ := j.SearchSales(0, "7001", 3650, 10); ids(got) != "3002" {
		t.Fatalf("by out_trade_no digits: %s", ids(got))
	}
	if got, _ := j.SearchSales(0, "001", 3650, 1); ids(got) != "3002" {
		t.Fatalf("limit: %s", ids(got))
	}
}

func TestSaleViewStatus(t *testing.T) {
	j := openTest(t, nil)
	s := sale(1, 1000, time.Now())
	mustPut(t, j, s)
	r, err := j.Create(refundIntent(s, "RF_1", 300))
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := j.Sale(s.SysSN)
	if v.Reserved != 300 || v.Remaining() != 700 || v.Open == nil || v.Open.ID != r.ID {
		t.Fatalf("while pending: %+v", v)
	}
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded}); err != nil {
		t.Fatal(err)
	}
	v, _, _ = j.Sale(s.SysSN)
	if v.Refunded != 300 || v.Reserved != 0 || v.Remaining() != 700 || v.Open != nil {
		t.Fatalf("after success: %+v", v)
	}
	// Amount of a sale with refunds cannot change.
	s.Amount = 200
	if _, err := j.PutSale(s); !errors.Is(err, ErrHasReversals) {
		t.Fatalf("amount change: %v", err)
	}
}

// TestSalesByPayType reads the index by pay type: newest first across the pay types that match,
// within the window, at most limit, following a sale whose record changed.
func TestSalesByPayType(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	types := []string{"800208", "800101", "802808", "800201"}
	for i := range 40 {
		s := sale(i, 1000, clk.t.Add(-time.Duration(i)*6*time.Hour)) // 10 days back
		s.PayType = types[i%4]
		mustPut(t, j, s)
	}
	wechat := func(pt string) bool { return pt == "800208" || pt == "800201" }
	got, err := j.SalesByPayType(wechat, 7, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 15 { // i = 0, 2, 4, … 28: within 7 days (the last one exactly 7 days old), every other sale
		t.Fatalf("%d sales", len(got))
	}
	for i, v := range got {
		if !wechat(v.PayType) || (i > 0 && v.Time.After(got[i-1].Time)) || clk.t.Sub(v.Time) > 7*24*time.Hour {
			t.Fatalf("sale %d: %s at %v", i, v.PayType, v.Time)
		}
	}
	if got, _ := j.SalesByPayType(wechat, 7, 3); len(got) != 3 || got[0].SysSN != sale(0, 0, clk.t).SysSN || got[2].SysSN != sale(4, 0, clk.t).SysSN {
		t.Fatalf("limit 3: %v", got)
	}
	if got, _ := j.SalesByPayType(func(string) bool { return false }, 7, 10); len(got) != 0 {
		t.Fatalf("no match: %d", len(got))
	}
	// A sale updated (paid later) is found once, under its pay type.
	s := sale(1, 1000, clk.t.Add(-6*time.Hour))
	s.PayType, s.RespCD = "800101", "1143"
	s2 := s
	s2.SysSN, s2.OutTradeNo = "20261121009999999999999999", "POS_X"
	mustPut(t, j, s2)
	s2.RespCD = "0000"
	mustPut(t, j, s2)
	if got, _ := j.SalesByPayType(func(pt string) bool { return pt == "800101" }, 7, 100); len(got) != 8 {
		t.Fatalf("800101 after an update: %d", len(got))
	}
	if err := j.Check(); err != nil {
		t.Fatal(err)
	}
	if h := j.Verify(); !h.OK() {
		t.Fatal(h)
	}
}

// TestPutSalesBatchMeetsItself: a batch that adds a sale and then updates it, or reuses its
// out_trade_no, gets the same answers as one sale at a time, and leaves no stale index entry.
func TestPutSalesBatchMeetsItself(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	a := sale(1, 1000, clk.t.Add(-time.Hour))
	a.RespCD = "1143"
	dupOTN := sale(2, 2000, clk.t.Add(-50*time.Minute))
	dupOTN.OutTradeNo = a.OutTradeNo
	paid := a
	paid.RespCD, paid.Amount, paid.PayType = "0000", 1500, "800101"
	c := sale(3, 3000, clk.t.Add(-40*time.Minute))
	results, errs, err := j.PutSales([]Sale{a, dupOTN, paid, c})
	if err != nil {
		t.Fatal(err)
	}
	if results[0] != SaleAdded || errs[1] == nil || !errors.Is(errs[1], ErrDuplicate) || results[2] != SaleUpdated || results[3] != SaleAdded {
		t.Fatalf("results %v, errors %v", results, errs)
	}
	if got, _ := j.SearchSales(1000, "", 3650, 10); len(got) != 0 {
		t.Fatalf("a stale amount entry: %v", got)
	}
	if got, _ := j.SearchSales(1500, "", 3650, 10); len(got) != 1 || got[0].RespCD != "0000" {
		t.Fatalf("by the new amount: %v", got)
	}
	if got, _ := j.SalesByPayType(func(pt string) bool { return pt == "800208" }, 7, 10); len(got) != 1 || got[0].SysSN != c.SysSN {
		t.Fatalf("a stale pay type entry: %v", got)
	}
	if got, _ := j.SearchSales(0, a.OutTradeNo, 3650, 10); len(got) != 1 || got[0].Amount != 1500 {
		t.Fatalf("by out_trade_no: %v", got)
	}
	if h := j.Verify(); !h.OK() || h.Sales != 2 {
		t.Fatalf("%+v", h)
	}
}

// TestSearchSales reads the window's sale references: an amount or trailing digits in one pass,
// numbers longer than the kept tail checked against the sale, the window's edge, the whole number
// of an older sale, and the limit.
func TestSearchSales(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	recent := sale(1, 1250, clk.t.Add(-time.Hour))
	recent.OutTradeNo = "POS-01-20261121-000777"
	other := sale(2, 990, clk.t.Add(-2*time.Hour))
	other.SysSN = "20261121000300020000123456" // its saleRef keeps "00123456"
	old := sale(3, 1250, clk.t.AddDate(0, 0, -10))
	for _, s := range []Sale{recent, other, old} {
		mustPut(t, j, s)
	}
	find := func(amount int64, tail string, days, limit int) string {
		t.Helper()
		got, err := j.SearchSales(amount, tail, days, limit)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range got {
			ids = append(ids, v.SysSN)
		}
		return strings.Join(ids, ",")
	}
	for _, c := range []struct {
		name        string
		amount      int64
		tail        string
		days, limit int
		want        string
	}{
		{"amount in the window", 1250, "", 7, 10, recent.SysSN},
		{"amount, a wider window", 1250, "", 30, 10, recent.SysSN + "," + old.SysSN},
		{"amount or digits, newest first", 1250, "3456", 7, 10, recent.SysSN + "," + other.SysSN},
		{"out_trade_no tail", 0, "0777", 7, 10, recent.SysSN},
		{"longer than the kept tail", 0, "000123456", 7, 10, other.SysSN},
		{"8 digits, not its last 8", 0, "99123456", 7, 10, ""},
		{"longer, last 8 alike, ends differently", 0, "X0000123456", 7, 10, ""},
		{"the whole syssn of an older sale", 0, old.SysSN, 7, 10, old.SysSN},
		{"the whole out_trade_no of an older sale", 0, old.OutTradeNo, 7, 10, old.SysSN},
		{"part of an older sale's number", 0, old.SysSN[4:], 7, 10, ""},
		{"limit", 1250, "3456", 7, 1, recent.SysSN},
		{"nothing asked", 0, "", 7, 10, ""},
		{"default window", 1250, "", 0, 10, recent.SysSN},
	} {
		if got := find(c.amount, c.tail, c.days, c.limit); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestSaleRefDecoding: a reference reads back, and a damaged one (short, a tail too long,
// trailing bytes) is refused rather than read.
func TestSaleRefDecoding(t *testing.T) {
	s := sale(7, 123456789, newClock().t)
	s.OutTradeNo = ""
	v := newSaleRef(300, s)
	r, ok := parseSaleRef(v)
	if !ok || r.audit != 300 || r.amount != 123456789 || string(r.syssnTail) != s.SysSN[len(s.SysSN)-8:] || len(r.otnTail) != 0 || !r.agrees(s) {
		t.Fatalf("%+v %v", r, ok)
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"truncated": v[:len(v)-1],
		"trailing":  append(bytes.Clone(v), 0),
		"long tail": append(v[:len(v)-10:len(v)-10], 9, '1', '2', '3', '4', '5', '6', '7', '8', '9', 0),
		"pointer":   append([]byte{salePointer}, idKey(300)...),
	} {
		if _, ok := parseSaleRef(bad); ok {
			t.Errorf("%s: read as a reference", name)
		}
	}
}

// TestSaleStateHasOneOwner: a paid sale that QFPay marks refunded or reversed, with no refund
// records, is "refunded elsewhere" in the list and has nothing left to refund: the two answers
// come from the same facts.
func TestSaleStateHasOneOwner(t *testing.T) {
	j := openTest(t, newClock())
	for i, flag := range []string{CancelRefunded, CancelReversed} {
		s := sale(i, 5000, newClock().now())
		mustPut(t, j, s)
		if _, err := j.UpdateRemote(s.SysSN, RemoteUpdate{Cancel: flag, Checked: newClock().now()}); err != nil {
			t.Fatal(err)
		}
		v, _, err := j.Sale(s.SysSN)
		if err != nil || v.State() != SaleStateRefundedElsewhere || v.Remaining() != 0 {
			t.Fatalf("flag %s: %s, %d left (%v)", flag, v.State(), v.Remaining(), err)
		}
	}
	// Refunded here in full: refunded, nothing left.
	s := sale(9, 5000, newClock().now())
	mustPut(t, j, s)
	r, err := j.Create(refundIntent(s, "RF_9", 5000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded, SysSN: "2026112100000000000000009", Event: Event{Type: EventReply}}); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := j.Sale(s.SysSN); v.State() != SaleStateRefunded || v.Remaining() != 0 {
		t.Fatalf("%s, %d left", v.State(), v.Remaining())
	}
}
