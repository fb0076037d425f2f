package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/language"

	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

func TestStartScreenListsSalesNewestFirst(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	v := a.View()
	for _, want := range []string{"DEMO", "SANDBOX", "Terminal POS-01", "Cashier amy", "15:00:00", "88.00 HKD", "WeChat Pay",
		"unpaid", "part refunded, 188.00 left", "refunded", "…001001"} {
		if want == "DEMO" {
			continue
		}
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Index(v, "…001001") > strings.Index(v, "…001002") {
		t.Error("not newest first")
	}
}

func TestOpenSaleAndBack(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	keys(a, "enter")
	if a.active() != a.sale || !a.sale.loaded {
		t.Fatal("enter did not open the sale")
	}
	if v := a.View(); !strings.Contains(v, "Refund: up to 88.00 HKD can be refunded.") || !strings.Contains(v, "Paid sales cannot be cancelled") {
		t.Fatalf("sale view:\n%s", v)
	}
	keys(a, "c") // cancel does not apply to a paid sale
	if a.active() != a.sale {
		t.Fatal("c opened a cancel of a paid sale")
	}
	keys(a, "esc")
	if a.active() != a.sales {
		t.Fatal("esc did not go back")
	}
}

func TestSaleActionLines(t *testing.T) {
	d := testDeps(nil, &fakeDesk{})
	busy := view("20261121000100020000009001", 1000, "800208", "0000", fixedAt, 0)
	busy.Open = &storage.Reversal{Kind: storage.KindRefund, State: storage.StateProcessing}
	unknown := busy
	unknown.Open = &storage.Reversal{Kind: storage.KindRefund, State: storage.StateUnknown}
	cancelling := view("20261121000100020000009002", 1000, "800201", "1143", fixedAt, 0)
	cancelling.Open = &storage.Reversal{Kind: storage.KindCancel, State: storage.StateSent}
	cancelled := view("20261121000100020000009003", 1000, "800201", "1143", fixedAt, 0)
	cancelled.Cancelled = true
	cases := []struct {
		v              storage.SaleView
		refund, cancel bool
		line           string
	}{
		{view("20261121000100020000009004", 1000, "800201", "1143", fixedAt, 0), false, true, "Unpaid WeChat Pay QR order: cancel closes it. Normally nothing is charged; qfpos confirms with QFPay."},
		{view("20261121000100020000009009", 1000, "805801", "1143", fixedAt, 0), false, true, "QFPay lists no cancel for PayMe QR: qfpos tries close first, then reversal."},
		{view("20261121000100020000009005", 9900, "802808", "0000", fixedAt.Add(-time.Hour), 0), true, false, "Card paid today: a refund today is a void and must be the full amount."},
		{view("20261121000100020000009006", 9900, "802808", "0000", fixedAt.Add(-25*time.Hour), 0), true, false, "Refund: up to 99.00 HKD can be refunded."},
		{busy, false, false, "A refund is already in progress — wait for it to finish."},
		{unknown, false, false, "Outcome unknown — still checking. Do not refund again."},
		{cancelling, false, false, "A cancel is already in progress — wait for it to finish."},
		{cancelled, false, false, "Cancelled: nothing more to do."},
		{view("20261121000100020000009007", 1000, "800208", "1181", fixedAt, 0), false, false, "The payment failed: there is nothing to refund or cancel."},
		{view("20261121000100020000009008", 1000, "800208", "0000", fixedAt, 1000), false, false, "Fully refunded: nothing left to refund."},
	}
	for _, c := range cases {
		got := d.actionsFor(c.v)
		if got.refund != c.refund || got.cancel != c.cancel || !strings.Contains(strings.Join(got.lines, "|"), c.line) {
			t.Errorf("%s: %+v, want refund=%v cancel=%v and %q", c.v.SysSN, got, c.refund, c.cancel, c.line)
		}
	}
}

func TestRefundFormValidatesAsYouType(t *testing.T) {
	desk := &fakeDesk{result: storage.Reversal{ID: 7, Kind: storage.KindRefund, Amount: 1000, Currency: "HKD",
		State: storage.StateProcessing, SaleSysSN: "20261121000100020000001004", Created: fixedAt}}
	a := newTestApp(sampleJournal(), desk, 100, 30)
	keys(a, "down", "down", "down", "r") // the partly refunded one: 188.00 left
	if a.active() != a.refund || a.refund.amount.Value() != "188.00" {
		t.Fatalf("refund form: active %T, amount %q", a.active(), a.refund.amount.Value())
	}
	typeAmount := func(s string) string {
		keys(a, "ctrl+u")
		for _, r := range s {
			keys(a, string(r))
		}
		return a.refund.problem
	}
	for in, want := range map[string]string{
		"12.345": `amount "12.345" has more than 2 decimal places for HKD — enter an amount like 12.50.`,
		"abc":    `amount "abc" is not a number like 12.50 — enter an amount like 12.50.`, "0": "The amount must be more than zero.",
		"188.01": "At most 188.00 HKD can be refunded.", "188": "", "10": "",
	} {
		if got := typeAmount(in); got != want {
			t.Errorf("%q: problem %q, want %q", in, got, want)
		}
	}
	keys(a, "q") // q is text here, not quit
	if a.refund.problem == "" {
		t.Fatal("q was not typed into the amount")
	}
	typeAmount("10")
	// A reason is the cashier's to choose: none is chosen for them, and Continue asks for one.
	if a.refund.reason.Value() != "" {
		t.Fatalf("a reason chosen for the cashier: %q", a.refund.reason.Value())
	}
	keys(a, "enter")
	if a.refund.confirming || a.refund.focus != 1 || !strings.Contains(a.View(), "✗ Choose a reason with ←/→, or type one.") {
		t.Fatalf("continued without a reason:\n%s", a.View())
	}
	keys(a, "left", "enter") // the last of the store's: Other, which needs words
	if a.refund.confirming || a.refund.reason.Value() != "Other" || !strings.Contains(a.View(), "✗ Type a few words of why for “Other”.") {
		t.Fatalf("Other without words:\n%s", a.View())
	}
	keys(a, "right", "right", "right")
	if a.refund.reason.Value() != "Customer changed their mind" || strings.Contains(a.View(), "✗") {
		t.Fatalf("reason %q\n%s", a.refund.reason.Value(), a.View())
	}
	keys(a, "enter")
	v := a.View()
	for _, want := range []string{"Send this refund?", "20261121000100020000001004", "10.00 HKD", "POS-01", "Customer changed their mind"} {
		if !strings.Contains(v, want) {
			t.Fatalf("confirmation lacks %q:\n%s", want, v)
		}
	}
	keys(a, "esc") // back to edit, nothing sent
	if a.refund.confirming || len(desk.started) != 0 {
		t.Fatal("esc on the confirmation sent or stayed")
	}
	keys(a, "enter", "enter")
	if len(desk.started) != 1 {
		t.Fatalf("%d starts", len(desk.started))
	}
	req := desk.started[0]
	if req.Kind != storage.KindRefund || req.Amount != 1000 || req.SaleSysSN != "20261121000100020000001004" || req.Reason != "customer changed mind" || req.ReasonText != "" || req.Cashier != "amy" {
		t.Fatalf("request %+v", req)
	}
	if a.active() != a.sales || !strings.Contains(a.View(), "Refund of 10.00 HKD started.") || !strings.Contains(a.View(), "Waiting for QFPay") {
		t.Fatalf("after start:\n%s", a.View())
	}
}

func TestCardTodayMustBeFull(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	keys(a, "down", "down", "r")
	if a.refund.amount.Value() != "128.00" {
		t.Fatalf("prefilled %q", a.refund.amount.Value())
	}
	// The amount takes no edits: the focus is on the reason, and the whole sale is what goes.
	keys(a, "backspace", "backspace", "1")
	if a.refund.amount.Value() != "128.00" || a.refund.focus != 1 || !strings.Contains(a.View(), "Card paid today: a refund today is a void and must be the full amount.") {
		t.Fatalf("card refund today: amount %q, focus %d\n%s", a.refund.amount.Value(), a.refund.focus, a.View())
	}
	keys(a, "tab")
	if a.refund.focus != 1 {
		t.Fatal("tab moved the focus to an amount that cannot change")
	}
	keys(a, "enter")
	if !a.refund.confirming || a.refund.minor != 12800 || a.refund.request().Reason != "other" || a.refund.request().ReasonText != "1" {
		t.Fatalf("confirming %v, %d, %+v", a.refund.confirming, a.refund.minor, a.refund.request())
	}
}

func TestStartRefusedShowsTheReason(t *testing.T) {
	desk := &fakeDesk{err: &storage.RuleError{Err: storage.ErrInFlight}}
	a := newTestApp(sampleJournal(), desk, 100, 30)
	keys(a, "r", "tab", "right", "enter", "enter")
	if a.active() != a.refund || !strings.Contains(a.View(), "Another refund or cancel of this sale is still in progress.") {
		t.Fatalf("refusal not shown:\n%s", a.View())
	}
}

func TestCancelNamesTheEndpoint(t *testing.T) {
	desk := &fakeDesk{result: storage.Reversal{ID: 9, Kind: storage.KindCancel, Amount: 4500, Currency: "HKD", State: storage.StateSucceeded,
		SaleSysSN: "20261121000100020000001002", Created: fixedAt, Finished: fixedAt}}
	a := newTestApp(sampleJournal(), desk, 100, 30)
	keys(a, "down", "enter", "r")
	if a.active() != a.sale {
		t.Fatal("r opened a refund of an unpaid sale")
	}
	keys(a, "c")
	v := a.View()
	if a.active() != a.cancel || strings.Contains(v, "/trade/v1/") || !strings.Contains(v, "QFPay cancels Alipay QR orders by reversing them.") {
		t.Fatalf("cancel view:\n%s", v)
	}
	keys(a, "y")
	if len(desk.started) != 1 || desk.started[0].Kind != storage.KindCancel {
		t.Fatalf("started %+v", desk.started)
	}
}

func TestFindByAmountDigitsAndPayMethod(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	keys(a, "4", "5")
	if !a.sales.finding || len(a.sales.sales) != 1 || a.sales.sales[0].Amount != 4500 {
		t.Fatalf("45: %d sales", len(a.sales.sales))
	}
	keys(a, "esc")
	keys(a, "1", "0", "0", "5")
	if len(a.sales.sales) != 1 || !strings.HasSuffix(a.sales.sales[0].SysSN, "1005") {
		t.Fatalf("digits 1005: %+v", a.sales.sales)
	}
	keys(a, "esc", "/")
	for _, r := range "alipay" {
		keys(a, string(r))
	}
	if len(a.sales.sales) != 2 {
		t.Fatalf("alipay: %d", len(a.sales.sales))
	}
	keys(a, "q")
	if a.asking {
		t.Fatal("q while finding asked to quit")
	}
	keys(a, "esc")
	if a.sales.finding || len(a.sales.sales) != 5 {
		t.Fatalf("after esc: finding %v, %d sales", a.sales.finding, len(a.sales.sales))
	}
	keys(a, "9", "9", "9", "9", "9")
	if !strings.Contains(a.View(), `No sales match "99999".`) {
		t.Fatalf("no match:\n%s", a.View())
	}
	// Full-width digits, as a Chinese input method types them, find like ASCII ones.
	keys(a, "esc", "４", "５", "．", "０", "０")
	if !a.sales.finding || len(a.sales.sales) != 1 || a.sales.sales[0].Amount != 4500 {
		t.Fatalf("４５．００: finding %v, %d sales", a.sales.finding, len(a.sales.sales))
	}
}

func TestStatusPaneFollowsUpdates(t *testing.T) {
	j := sampleJournal()
	parked := storage.Reversal{ID: 3, Kind: storage.KindRefund, Amount: 700, Currency: "HKD", State: storage.StateUnknown,
		SaleSysSN: "20261121000100020000001003", Created: fixedAt.Add(-20 * time.Minute), Attempts: 1}
	j.reversals = []storage.Reversal{parked}
	a := newTestApp(j, &fakeDesk{}, 100, 30)
	if v := a.View(); !strings.Contains(v, "Outcome unknown — still checking. Do not refund again.") {
		t.Fatalf("resumed operation not shown at start:\n%s", v)
	}
	r := storage.Reversal{ID: 4, Kind: storage.KindRefund, Amount: 1000, Currency: "HKD", State: storage.StateProcessing,
		SaleSysSN: "20261121000100020000001001", Created: fixedAt.Add(-5 * time.Second), Attempts: 1, NextCheck: fixedAt.Add(3 * time.Second),
		Updated: fixedAt}
	send(a, updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventReply, Code: "1143"}, Reach: reversal.ReachOK}))
	v := a.View()
	for _, want := range []string{"Waiting for QFPay", "next check in 0:03", "0:05 elapsed", "QFPay reachable"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	r.State, r.RespCD, r.Finished, r.Updated, r.SysSN = storage.StateFailed, "1272", fixedAt, fixedAt.Add(time.Second), "R9"
	send(a, updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventQuery, Code: "1272"}, Reach: reversal.ReachOK}))
	if v := a.View(); !strings.Contains(v, "✗ Refund 10.00 HKD") || !strings.Contains(v, "· Failed ·") || !strings.Contains(v, "QFPay has already refunded part of this sale") {
		t.Fatalf("failure not explained:\n%s", v)
	}
	// q with one operation in flight asks first; n stays; x clears finished rows.
	keys(a, "q")
	if !a.asking || !strings.Contains(a.View(), "1 refund(s) or cancel(s) still in flight. They resume next time qfpos starts.") {
		t.Fatalf("no question:\n%s", a.View())
	}
	keys(a, "n", "x")
	if a.asking || a.status.finishedCount() != 0 || a.status.inFlight() != 1 {
		t.Fatalf("asking %v, finished %d, in flight %d", a.asking, a.status.finishedCount(), a.status.inFlight())
	}
	a.Update(keyMsg("ctrl+c"))
	_, cmd := a.Update(keyMsg("y"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatal("y did not quit")
	}
}

func TestFinishedRowsFade(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	done := storage.Reversal{ID: 5, Kind: storage.KindRefund, Amount: 100, Currency: "HKD", State: storage.StateSucceeded,
		SaleSysSN: "20261121000100020000001001", Created: fixedAt, Finished: fixedAt, Updated: fixedAt}
	send(a, updateMsg(reversal.Update{Reversal: done}))
	a.status.prune(fixedAt.Add(fadeAfter - time.Second))
	if len(a.status.ops) != 1 {
		t.Fatal("faded too early")
	}
	a.status.prune(fixedAt.Add(fadeAfter))
	if len(a.status.ops) != 0 {
		t.Fatal("did not fade")
	}
	keys(a, "q")
	if a.asking {
		t.Fatal("asked with nothing in flight")
	}
}

func managerJournal() *fakeJournal {
	j := sampleJournal()
	j.reversals = []storage.Reversal{
		{ID: 1, Kind: storage.KindRefund, Endpoint: "refund", Amount: 1000, Currency: "HKD", State: storage.StateSucceeded, SaleSysSN: "20261121000100020000001001",
			Created: fixedAt.Add(-2 * time.Hour), Cashier: "amy", Reason: "Damaged item", UDID: "POS-01", SysSN: "20261121000200020000000001", OutTradeNo: "RF_1"},
		{ID: 2, Kind: storage.KindCancel, Endpoint: "reversal", Amount: 4500, Currency: "HKD", State: storage.StateSucceeded, SaleSysSN: "20261121000100020000001002",
			Created: fixedAt.Add(-time.Hour), Cashier: "bo", UDID: "POS-01", OutTradeNo: "CX_2"},
		{ID: 3, Kind: storage.KindRefund, Endpoint: "refund", Amount: 700, Currency: "HKD", State: storage.StateUnknown, SaleSysSN: "20261121000100020000001003",
			Created: fixedAt.Add(-30 * time.Minute), Cashier: "amy", Approver: "mgr", Reason: "damaged", UDID: "POS-01", OutTradeNo: "RF_3", Attempts: 1,
			Events: []storage.Event{{At: fixedAt.Add(-30 * time.Minute), Type: storage.EventIntent, State: storage.StatePending, Audit: "4f2a9c1e #12"},
				{At: fixedAt.Add(-30 * time.Minute), Type: storage.EventSent, State: storage.StateSent, Attempt: 1, Audit: "b03d77e2 #13"},
				{At: fixedAt.Add(-30*time.Minute + 2*time.Second), Type: storage.EventReply, State: storage.StateProcessing, Code: "1143", Message: "QFPay is still processing.", Audit: "9e15c0aa #14"}}},
		{ID: 4, Kind: storage.KindRefund, Endpoint: "refund", Amount: 300, Currency: "HKD", State: storage.StateFailed, RespCD: "1294", SaleSysSN: "20261121000100020000001004",
			Created: fixedAt.Add(-10 * time.Minute), Cashier: "bo", UDID: "POS-01", OutTradeNo: "RF_4"},
		{ID: 5, Kind: storage.KindRefund, Endpoint: "refund", Amount: 999, Currency: "HKD", State: storage.StateSucceeded, SaleSysSN: "20261121000100020000001001",
			Created: fixedAt.Add(-26 * time.Hour), Cashier: "amy", UDID: "POS-01", OutTradeNo: "RF_5"},
	}
	return j
}

// rechecks records Recheck calls.
type recheckDesk struct {
	fakeDesk
	mu  sync.Mutex
	ids []uint64
}

func (d *recheckDesk) Recheck(id uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids = append(d.ids, id)
	return nil
}

func TestManagerReview(t *testing.T) {
	desk := &recheckDesk{}
	a := New(testDeps(managerJournal(), desk))
	send(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	keys(a, "t")
	v := a.View()
	for _, want := range []string{"Refunds and cancels on 2026-11-21", "HKD — refunded 1 (10.00) · cancelled 1 (45.00) · open or unknown 1 (7.00) · failed 1 (3.00)",
		"By pay method:", "By cashier: amy: 1 done (10.00), 1 open (7.00); bo: 1 done (45.00), 1 failed (3.00)", "This terminal"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	if strings.Index(v, "? unknown") > strings.Index(v, "✗ failed") || strings.Index(v, "✗ failed") > strings.Index(v, "✓ succeeded") {
		t.Errorf("unknown and failed are not first:\n%s", v)
	}
	// Filters: state cycles through the states present; kind; cashier.
	keys(a, "s")
	if a.today.filters.state == "" || len(a.today.shown) != 1 {
		t.Fatalf("state filter %q: %d rows", a.today.filters.state, len(a.today.shown))
	}
	keys(a, "s", "s", "s")
	if a.today.filters.state != "" || len(a.today.shown) != 4 {
		t.Fatalf("state filter back to all: %q %d", a.today.filters.state, len(a.today.shown))
	}
	keys(a, "k")
	if a.today.filters.kind != "cancel" || len(a.today.shown) != 1 {
		t.Fatalf("kind %q: %d", a.today.filters.kind, len(a.today.shown))
	}
	keys(a, "k", "a")
	if a.today.filters.kind != "refund" || a.today.filters.cashier != "amy" || len(a.today.shown) != 2 {
		t.Fatalf("refund by amy: %+v %d", a.today.filters, len(a.today.shown))
	}
	if v := a.View(); !strings.Contains(v, "kind: refund, paid with: all, cashier: amy") {
		t.Fatalf("filter line:\n%s", v)
	}
	keys(a, "k", "a", "p")
	if a.today.filters.payMethod == "" || len(a.today.shown) == 4 {
		t.Fatalf("pay method filter: %+v", a.today.filters)
	}
	// Clear every filter with its own key, then open the unknown one: its timeline, a re-check.
	for _, f := range []struct {
		key   string
		value func() string
	}{{"s", func() string { return a.today.filters.state }}, {"k", func() string { return a.today.filters.kind }},
		{"p", func() string { return a.today.filters.payMethod }}, {"a", func() string { return a.today.filters.cashier }}} {
		for f.value() != "" {
			keys(a, f.key)
		}
	}
	if len(a.today.shown) != 4 {
		t.Fatalf("%d rows after clearing the filters", len(a.today.shown))
	}
	keys(a, "pgup") // the cursor stayed on the operation it was on; the unknown one is first
	keys(a, "enter")
	v = a.View()
	for _, want := range []string{"Refund 7.00 HKD — RF_3", "journaled", "sent · attempt 1", "reply · 1143 · QFPay is still processing.", "Outcome unknown"} {
		if !strings.Contains(v, want) {
			t.Errorf("timeline lacks %q:\n%s", want, v)
		}
	}
	keys(a, "enter")
	if len(desk.ids) != 1 || desk.ids[0] != 3 || !strings.Contains(a.View(), "Re-check asked for") {
		t.Fatalf("recheck %v", desk.ids)
	}
	keys(a, "esc", "left")
	if v := a.View(); !strings.Contains(v, "2026-11-20") || !strings.Contains(v, "refunded 1 (9.99)") {
		t.Fatalf("previous day:\n%s", v)
	}
	keys(a, "right", "S")
	if v := a.View(); !a.today.store || !strings.Contains(v, "Whole store") || !strings.Contains(v, "✓ Succeeded *") || !strings.Contains(v, "By terminal: POS-01: 2 done (55.00)") {
		t.Fatalf("store view:\n%s", v)
	}
	keys(a, "esc")
	if a.active() != a.sales {
		t.Fatal("esc")
	}
}

func TestHelpTogglesAndHidesDisabledKeys(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 120, 40)
	keys(a, "down", "enter") // an unpaid sale: no refund key
	if v := a.helpView(); strings.Contains(v, "refund") || !strings.Contains(v, "cancel sale") {
		t.Fatalf("help: %s", v)
	}
	keys(a, "?")
	if !a.help.ShowAll {
		t.Fatal("? did not show full help")
	}
}

func TestResizeRelaysOut(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 80, 24)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {60, 15}} {
		send(a, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(a.View(), "\n")
		if len(lines) > size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%v: line of %d: %q", size, w, l)
			}
		}
	}
}

func TestSyncOnStart(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Sync = func(context.Context) (report.SyncResult, error) { return report.SyncResult{Added: 3}, nil }
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	var synced tea.Msg
	for _, c := range a.Init()().(tea.BatchMsg) {
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case m := <-done:
			if _, ok := m.(syncedMsg); ok {
				synced = m
			}
		case <-time.After(50 * time.Millisecond):
		}
	}
	if synced == nil {
		t.Fatal("Init did not sync")
	}
	send(a, synced)
	if !strings.Contains(a.View(), "Synced 3 new sales from QFPay.") {
		t.Fatalf("%s", a.View())
	}
	d.Sync = func(context.Context) (report.SyncResult, error) {
		return report.SyncResult{}, errors.New("HTTP Bad Gateway")
	}
	b := New(d)
	send(b, syncSales(d.Sync)())
	if !strings.Contains(b.View(), "Could not sync sales from QFPay: HTTP Bad Gateway") {
		t.Fatalf("%s", b.View())
	}
}

type noticeReports struct{}

func (noticeReports) Report(_ context.Context, day time.Time, store bool) (report.Report, error) {
	rep := report.NewReport(day.Format("2006-01-02"), "POS-01", nil)
	if store {
		rep.Notice = "QFPay could not be reached; showing this terminal's journal only"
	}
	return rep, nil
}

func TestStoreViewUnreachable(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Reports = noticeReports{}
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	keys(a, "t", "S")
	if !strings.Contains(a.View(), "QFPay could not be reached; showing this terminal's journal only") {
		t.Fatalf("%s", a.View())
	}
}

// TestRefundFormReadsTheSaleAtQFPay: opening the form reads the sale at QFPay; refunds made at
// other tills lower the default and the limit; if QFPay cannot be reached the form says the limit
// is this terminal's figure.
func TestRefundFormReadsTheSaleAtQFPay(t *testing.T) {
	j := sampleJournal()
	elsewhere := j.sales[3] // 238.00, 50.00 refunded here: 188.00 left
	elsewhere.Refunded += 8000
	elsewhere.Elsewhere = 8000
	desk := &fakeDesk{refreshed: map[string]storage.SaleView{elsewhere.SysSN: elsewhere}}
	a := newTestApp(j, desk, 100, 30)
	keys(a, "down", "down", "down", "r")
	if a.refund.amount.Value() != "108.00" || !strings.Contains(a.View(), "QFPay checked: 80.00 HKD refunded elsewhere.") {
		t.Fatalf("amount %q:\n%s", a.refund.amount.Value(), a.View())
	}
	keys(a, "ctrl+u", "1", "5", "0")
	if a.refund.problem != "At most 108.00 HKD can be refunded." {
		t.Fatalf("limit: %q", a.refund.problem)
	}

	down := &fakeDesk{refreshErr: errors.New("qfpay query: HTTP 502")}
	a = newTestApp(sampleJournal(), down, 100, 30)
	keys(a, "down", "down", "down", "r")
	if a.refund.amount.Value() != "188.00" || !strings.Contains(a.View(), "QFPay could not be reached: the limit is this terminal's figure.") {
		t.Fatalf("unreachable: amount %q:\n%s", a.refund.amount.Value(), a.View())
	}
}

// TestSmallRefundHint: QFPay advises amounts above 2.00 in a 2-decimal currency.
func TestSmallRefundHint(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	keys(a, "r", "ctrl+u", "2")
	if !strings.Contains(a.View(), "QFPay advises refunds above 2.00 HKD") {
		t.Fatalf("no hint at 2.00:\n%s", a.View())
	}
	keys(a, ".", "0", "1")
	if strings.Contains(a.View(), "QFPay advises") {
		t.Fatalf("hint at 2.01:\n%s", a.View())
	}
}

// TestHeaderFromTypedFields: the header's reachability follows the lifecycle's Reach (a lost reply
// that a query then settles is not "unreachable"), and unsigned replies are shown.
func TestHeaderFromTypedFields(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 120, 30)
	r := storage.Reversal{ID: 4, Kind: storage.KindRefund, Amount: 1000, Currency: "HKD", State: storage.StateProcessing,
		SaleSysSN: "20261121000100020000001001", Created: fixedAt, Attempts: 1}
	down := updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventReply, Message: "query failed: looks like text"}, Reach: reversal.ReachDown})
	send(a, down)
	if v := a.View(); strings.Contains(v, "QFPay unreachable") {
		t.Fatalf("one lost reply made QFPay unreachable:\n%s", v)
	}
	send(a, down)
	if v := a.View(); !strings.Contains(v, "QFPay unreachable") {
		t.Fatalf("no reply twice:\n%s", v)
	}
	r.Unsigned = true
	send(a, updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventQuery, Message: "query failed"}, Reach: reversal.ReachOK}))
	if v := a.View(); !strings.Contains(v, "QFPay reachable") || !strings.Contains(v, "unsigned replies") {
		t.Fatalf("answered by a query, unsigned:\n%s", v)
	}
	send(a, updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventNote}}))
	if v := a.View(); !strings.Contains(v, "QFPay reachable") {
		t.Fatalf("a note changed the reachability:\n%s", v)
	}
	// A reply lost, settled by the next query a second later: the header never flips.
	send(a, down)
	if v := a.View(); !strings.Contains(v, "QFPay reachable") {
		t.Fatalf("a lost reply flipped the header:\n%s", v)
	}
	send(a, updateMsg(reversal.Update{Reversal: r, Event: storage.Event{Type: storage.EventQuery}, Reach: reversal.ReachOK}))
	send(a, down)
	if v := a.View(); !strings.Contains(v, "QFPay reachable") {
		t.Fatalf("a lost reply after a settled one flipped the header:\n%s", v)
	}
}

// TestHeaderSaysQFPayInAWord: at 80 columns, in every language, the header says QFPay's state
// in words (the clock gives way first).
func TestHeaderSaysQFPayInAWord(t *testing.T) {
	for _, lang := range []language.Tag{language.English, language.TraditionalChinese, language.SimplifiedChinese} {
		a := newTestApp(sampleJournal(), &fakeDesk{}, 80, 24)
		a.d.Printer = catalog.New(lang)
		head := strings.Split(a.View(), "\n")[0]
		if !strings.Contains(head, a.d.t(catalog.QFPayNotYet)) {
			t.Errorf("%s: %q does not say %q", lang, head, a.d.t(catalog.QFPayNotYet))
		}
		for _, reach := range []reversal.Reach{reversal.ReachOK, reversal.ReachDown} {
			a.reach = reach
			word := map[reversal.Reach]catalog.Key{reversal.ReachOK: catalog.QFPayOK, reversal.ReachDown: catalog.QFPayDown}[reach]
			if head := strings.Split(a.View(), "\n")[0]; !strings.Contains(head, a.d.t(word)) {
				t.Errorf("%s: %q does not say %q", lang, head, a.d.t(word))
			}
		}
	}
}

// TestSaleScreenSaysRefundsElsewhere: a refund QFPay holds that this terminal did not make is in
// the sale's history with where (the till, or QFPay's portal) and when (QFPay's time in the
// terminal's zone); the reasons' lines follow L; an unknown outcome is said on the sale screen as
// on the status pane.
func TestSaleScreenSaysRefundsElsewhere(t *testing.T) {
	j := sampleJournal()
	v := &j.sales[0]
	v.QFPay.Refunds = []storage.RemoteRefund{
		{SysSN: "20261121000200020000000777", OutTradeNo: "OTHER_1", Amount: 2000, RespCD: "0000", UDID: "POS-02", SysDtm: "2026-11-21 14:02:00"},
		{SysSN: "20261121000200020000000778", OutTradeNo: "PORTAL_1", Amount: 500, RespCD: "0000", SysDtm: "2026-11-21 14:10:00"}}
	v.Refunded, v.Elsewhere = 2500, 2500
	a := newTestApp(j, &fakeDesk{}, 100, 30)
	a.d.Terminal.QFPayZone = time.FixedZone("+08:00", 8*3600)
	a.d.Terminal.Location = time.UTC // the terminal's zone is not QFPay's
	keys(a, "enter")
	for _, want := range []string{"11-21 06:02  Refund 20.00 HKD  at till POS-02 (QFPay's record)", "QFPay 20261121000200020000000777",
		"11-21 06:10  Refund 5.00 HKD  at QFPay's portal or another system (QFPay's record)", "(25.00 HKD of it at other tills)"} {
		if v := a.View(); !strings.Contains(v, want) {
			t.Fatalf("the sale lacks %q:\n%s", want, v)
		}
	}
	before := a.View()
	keys(a, "L")
	if v := a.View(); !strings.Contains(v, "於收銀台 POS-02（QFPay 紀錄）") || strings.Contains(v, "can be refunded") || v == before {
		t.Fatalf("after L the sale screen is not all in Traditional Chinese:\n%s", v)
	}
	// The same words for an unknown outcome on the sale screen and in the status pane.
	for _, kind := range []storage.Kind{storage.KindRefund, storage.KindCancel} {
		d := testDeps(nil, &fakeDesk{})
		u := view("20261121000100020000009001", 1000, "800208", "0000", fixedAt, 0)
		u.Open = &storage.Reversal{Kind: kind, State: storage.StateUnknown}
		r := storage.Reversal{Kind: kind, State: storage.StateUnknown}
		if sale, pane := d.actionsFor(u).lines[0], d.sentence(r); sale != pane {
			t.Errorf("%s: the sale screen says %q, the pane %q", kind, sale, pane)
		}
	}
}
