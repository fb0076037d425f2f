package ui

import (
	"context"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/text/language"

	"qfpos/qfpay/money"
	"qfpos/qfpay/paytype"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

var (
	hk      = time.FixedZone("HKT", 8*3600)
	fixedAt = time.Date(2026, 11, 21, 15, 0, 0, 0, hk)
)

// fakeJournal serves sales and reversals from memory.
type fakeJournal struct {
	mu        sync.Mutex
	sales     []storage.SaleView // newest first
	reversals []storage.Reversal
	err       error
	version   uint64
	closed    map[string]report.Closed // days closed, for the reports
}

// add records a sale as the POS would, newest first.
func (f *fakeJournal) add(v storage.SaleView) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sales = append([]storage.SaleView{v}, f.sales...)
	f.version++
}

func (f *fakeJournal) SalesByPayType(match func(string) bool, days, limit int) ([]storage.SaleView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []storage.SaleView
	for _, v := range f.sales {
		if match(v.PayType) && len(out) < limit {
			out = append(out, v)
		}
	}
	return out, f.err
}

func (f *fakeJournal) Version() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version
}

func (f *fakeJournal) RecentSales(after storage.Cursor, limit, days int) (storage.SalesPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := min(limit, len(f.sales))
	return storage.SalesPage{Sales: append([]storage.SaleView(nil), f.sales[:n]...)}, f.err
}

func (f *fakeJournal) PrepareSearch(int) error { return nil }

func (f *fakeJournal) SearchSales(amount int64, tail string, days, limit int) ([]storage.SaleView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []storage.SaleView
	for _, v := range f.sales {
		byAmount := amount > 0 && v.Amount == amount
		byTail := tail != "" && (strings.HasSuffix(v.SysSN, tail) || strings.HasSuffix(v.OutTradeNo, tail))
		if (byAmount || byTail) && len(out) < limit {
			out = append(out, v)
		}
	}
	return out, f.err
}

func (f *fakeJournal) Sale(syssn string) (storage.SaleView, bool, error) {
	for _, v := range f.sales {
		if v.SysSN == syssn {
			return v, true, f.err
		}
	}
	return storage.SaleView{}, false, f.err
}

func (f *fakeJournal) Reversal(id uint64) (storage.Reversal, error) {
	for _, r := range f.reversals {
		if r.ID == id {
			return r, nil
		}
	}
	return storage.Reversal{}, storage.ErrNotFound
}

func (f *fakeJournal) ReversalsOn(t time.Time) ([]storage.Reversal, error) {
	var out []storage.Reversal
	for _, r := range f.reversals {
		if sameDate(r.Created, t) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, f.err
}

func (f *fakeJournal) Unfinished() ([]storage.Reversal, error) {
	var out []storage.Reversal
	for _, r := range f.reversals {
		if !r.State.Finished() {
			out = append(out, r)
		}
	}
	return out, f.err
}

// fakeDesk records requests and answers with a prepared result.
type fakeDesk struct {
	mu         sync.Mutex
	started    []reversal.Request
	result     storage.Reversal
	err        error
	refreshed  map[string]storage.SaleView // what Refresh returns per sale (else not found)
	refreshErr error
}

func (f *fakeDesk) Refresh(_ context.Context, syssn string) (storage.SaleView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refreshErr != nil {
		return storage.SaleView{}, f.refreshErr
	}
	v, ok := f.refreshed[syssn]
	if !ok {
		return v, reversal.ErrNotAtQFPay
	}
	return v, nil
}

func (f *fakeDesk) Rules() reversal.Rules {
	return reversal.Rules{Now: func() time.Time { return fixedAt }, Zone: hk, Routes: paytype.DefaultCancelEndpoints()}
}

func (f *fakeDesk) Start(_ context.Context, req reversal.Request) (storage.Reversal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, req)
	return f.result, f.err
}

// Subscribe returns a closed channel: tests hand updates to the app directly.
func (f *fakeDesk) Subscribe() (<-chan reversal.Update, func()) {
	ch := make(chan reversal.Update)
	close(ch)
	return ch, func() {}
}
func (f *fakeDesk) Recheck(uint64) error { return nil }

// fakeReports builds reports from the fake journal's reversals.
type fakeReports struct{ j *fakeJournal }

func (f fakeReports) Report(_ context.Context, day time.Time, store bool) (report.Report, error) {
	rs, err := f.j.ReversalsOn(day)
	var rows []report.ReportRow
	for _, r := range rs {
		sale, _, _ := f.j.Sale(r.SaleSysSN)
		rows = append(rows, report.ReportRow{ID: r.ID, Time: r.Created, Kind: string(r.Kind), Endpoint: r.Endpoint,
			State: string(r.State), Amount: r.Amount, Currency: r.Currency, PayType: sale.PayType, PayMethod: paytype.Name(sale.PayType),
			Cashier: r.Cashier, Approver: r.Approver, Reason: r.Reason, UDID: r.UDID, QFPaySysSN: r.SysSN, SaleSysSN: r.SaleSysSN,
			OutTradeNo: r.OutTradeNo, RespCD: r.RespCD, Journaled: true})
	}
	if store {
		rows = append(rows, report.ReportRow{Time: day, Kind: "refund", Endpoint: "refund", State: "succeeded", Amount: 2000,
			Currency: "HKD", PayType: "800208", PayMethod: "WeChat Pay", UDID: "POS-02", QFPaySysSN: "20261121000200020000099999"})
	}
	rep := report.NewReport(day.Format("2006-01-02"), "POS-01", rows)
	f.j.mu.Lock()
	defer f.j.mu.Unlock()
	if c, ok := f.j.closed[rep.Date]; ok {
		rep.Closed = &c
		for i, r := range rep.Rows {
			rep.Rows[i].AfterClose = r.Time.After(c.At)
		}
	}
	return rep, err
}

func asciiStyles() Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return NewStyles(r)
}

func testDeps(j Journal, d Desk) Deps {
	var reports Reports
	if fj, ok := j.(*fakeJournal); ok {
		reports = fakeReports{fj}
	}
	return Deps{
		Journal: j, Desk: d, Reports: reports, Now: func() time.Time { return fixedAt }, Tick: noTick,
		Printer: catalog.New(language.English), Styles: asciiStyles(),
		Terminal: Terminal{UDID: "POS-01", Cashier: "amy", Environment: EnvSandbox, Currency: money.MustLookup("HKD"),
			Location: hk, RecentDays: 7},
	}
}

// view builds a sale view for tests.
func view(syssn string, amountMinor int64, payType, respcd string, at time.Time, refunded int64) storage.SaleView {
	v := storage.SaleView{Sale: storage.Sale{SysSN: syssn, OutTradeNo: "POS_" + syssn[len(syssn)-4:], Amount: amountMinor,
		Currency: "HKD", PayType: payType, TxDtm: at.Format(storage.TxDtmLayout), Time: at, RespCD: respcd,
		Source: storage.SourceRecorded}, Refunded: refunded}
	if refunded > 0 {
		v.Reversals = []storage.Reversal{{ID: 1, Kind: storage.KindRefund, Amount: refunded, Currency: "HKD",
			State: storage.StateSucceeded, Created: at.Add(time.Hour), SaleSysSN: syssn}}
	}
	return v
}

func sampleJournal() *fakeJournal {
	first := view("20261121000100020000001001", 8800, "800208", "0000", fixedAt.Add(-5*time.Minute), 0)
	first.GoodsName, first.Cashier = "菠蘿包 ×2, 港式奶茶", "陳小明" // wide characters on the sale screen
	return &fakeJournal{sales: []storage.SaleView{
		first,
		view("20261121000100020000001002", 4500, "800101", "1143", fixedAt.Add(-20*time.Minute), 0),
		view("20261121000100020000001003", 12800, "802808", "0000", fixedAt.Add(-90*time.Minute), 0),
		view("20261121000100020000001004", 23800, "800108", "0000", fixedAt.Add(-26*time.Hour), 5000),
		view("20261121000100020000001005", 1250, "805808", "0000", fixedAt.Add(-30*time.Hour), 1250),
	}}
}

// noTick schedules nothing: tests deliver the clock's and the spinner's messages themselves.
func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// send runs a message through the app and then, to completion, every command it returns, the way
// the runtime would: no time window, so a slow command under load is waited for, never dropped.
// (With noTick and the fakes, no command blocks.)
func send(a *App, msg tea.Msg) {
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		switch m := cmd().(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			for _, c := range m {
				run(c)
			}
		default:
			_, next := a.Update(m)
			run(next)
		}
	}
	_, cmd := a.Update(msg)
	run(cmd)
}

// newTestApp builds the app over fakes and loads the first page, as Init would.
func newTestApp(j *fakeJournal, d *fakeDesk, w, h int) *App {
	a := New(testDeps(j, d))
	send(a, tea.WindowSizeMsg{Width: w, Height: h})
	send(a, a.sales.Init()())
	send(a, loadUnfinished(j)())
	return a
}

func keys(a *App, ks ...string) {
	for _, k := range ks {
		send(a, keyMsg(k))
	}
}

var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
	"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "ctrl+l": tea.KeyCtrlL,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "shift+tab": tea.KeyShiftTab,
}

func keyMsg(k string) tea.KeyMsg {
	if t, ok := namedKeys[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}
