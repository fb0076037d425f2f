// Package reversaltest runs the refund lifecycle against the qfpaytest sandbox on a virtual
// clock, for the tests of every package above reversal: a journal in a temporary directory, a
// QFPay client, a desk, and helpers that make sales and follow refunds to their end. At the end of
// each test it checks the journal's consistency and the sandbox's money rules.
package reversaltest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/storage"
)

// HK is QFPay's zone, +08:00.
var HK = qfpaytest.HongKong

// Gateway wraps the client and lets a test act before each query.
type Gateway struct {
	reversal.Gateway
	mu      sync.Mutex
	queries int
	onQuery func(n int)
}

// Query counts the query and runs the hook set with OnQuery first.
func (g *Gateway) Query(ctx context.Context, q qfpay.QueryRequest) (*qfpay.QueryPage, error) {
	g.mu.Lock()
	g.queries++
	n, hook := g.queries, g.onQuery
	g.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return g.Gateway.Query(ctx, q)
}

// OnQuery runs f with the query's number (from 1) before each query.
func (g *Gateway) OnQuery(f func(n int)) {
	g.mu.Lock()
	g.onQuery = f
	g.mu.Unlock()
}

// Setup tunes a Harness; the zero value is a calm sandbox at 2026-11-21 15:00 in +08:00.
type Setup struct {
	Sandbox []qfpaytest.Option
	Desk    []reversal.Option
	Policy  func(*reversal.Policy)
	Strict  bool
	Start   time.Time      // the virtual clock's start (default 2026-11-21 15:00 in +08:00)
	Local   *time.Location // the terminal's zone (default +08:00)
	Client  []qfpay.Option
}

// Harness is a sandbox, a journal and a desk on one virtual clock.
type Harness struct {
	Sandbox *qfpaytest.Sandbox
	Journal *storage.Journal
	Desk    *reversal.Desk
	Gateway *Gateway
	Clock   *Clock
	Base    string // the sandbox's base URL, for a second client
	t       testing.TB
	stop    func()
	n       int
}

// New builds a harness; the desk's loop starts with Run.
func New(t testing.TB, s Setup) *Harness {
	t.Helper()
	if s.Start.IsZero() {
		s.Start = time.Date(2026, 11, 21, 15, 0, 0, 0, HK)
	}
	if s.Local == nil {
		s.Local = HK
	}
	clock := NewClock(s.Start)
	sb, base := qfpaytest.NewTest(t, append([]qfpaytest.Option{qfpaytest.WithClock(clock.Now),
		qfpaytest.WithSettle(qfpaytest.Settle{})}, s.Sandbox...)...)
	client, err := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, append([]qfpay.Option{qfpay.WithBaseURL(base),
		qfpay.WithClock(clock.Now), qfpay.WithUDID("POS-01"), qfpay.WithRateLimit(0, 0),
		qfpay.WithStrictResponseSignature(s.Strict)}, s.Client...)...)
	if err != nil {
		t.Fatal(err)
	}
	j, err := storage.Open(filepath.Join(t.TempDir(), "journal.db"), storage.WithClock(clock.Now), storage.WithLocation(s.Local))
	if err != nil {
		t.Fatal(err)
	}
	p := reversal.DefaultPolicy()
	p.RequestTimeout = 2 * time.Second
	if s.Policy != nil {
		s.Policy(&p)
	}
	gw := &Gateway{Gateway: client}
	d := reversal.New(j, gw, append([]reversal.Option{reversal.WithClock(clock), reversal.WithRand(func() float64 { return 0.5 }),
		reversal.WithUDID("POS-01"), reversal.WithPolicy(p)}, s.Desk...)...)
	h := &Harness{t: t, Sandbox: sb, Journal: j, Desk: d, Gateway: gw, Clock: clock, Base: base, stop: func() {}}
	t.Cleanup(func() {
		h.stop()
		if err := j.Check(); err != nil {
			t.Errorf("journal check: %v", err)
		}
		if err := sb.CheckLedger(); err != nil {
			t.Errorf("ledger: %v", err)
		}
		j.Close()
	})
	return h
}

// Run starts the desk's loop until the test ends (or Stop is called) and waits until it has
// resumed what was unfinished.
func (h *Harness) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Desk.Run(ctx); close(done) }()
	var once sync.Once
	h.stop = func() { once.Do(func() { cancel(); <-done }) }
	<-h.Desk.Ready()
}

// Stop ends the desk's loop (qfpos is off).
func (h *Harness) Stop() { h.stop() }

// Sale puts the same sale in the sandbox and in the journal, as read at QFPay just now (so that a
// refund does not read it again first; SaleUnread leaves that read to the refund).
func (h *Harness) Sale(amount int64, payType, respcd string, edit ...func(*qfpaytest.Payment)) storage.Sale {
	h.t.Helper()
	s := h.SaleUnread(amount, payType, respcd, edit...)
	if _, err := h.Journal.UpdateRemote(s.SysSN, storage.RemoteUpdate{Checked: h.Clock.Now()}); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// SaleUnread puts the same sale, paid a day ago, in the sandbox and in the journal; edit, when
// given, changes the sandbox's payment first (a cancel flag, say).
func (h *Harness) SaleUnread(amount int64, payType, respcd string, edit ...func(*qfpaytest.Payment)) storage.Sale {
	h.t.Helper()
	h.n++
	p := qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: amount, PayType: payType,
		RespCD: respcd, Time: h.Clock.Now().Add(-24 * time.Hour), OutTradeNo: fmt.Sprintf("POS_%d", h.n), UDID: "POS-01"}
	for _, e := range edit {
		e(&p)
	}
	tx, err := h.Sandbox.AddPayment(p)
	if err != nil {
		h.t.Fatal(err)
	}
	s := storage.Sale{SysSN: tx.SysSN, OutTradeNo: tx.OutTradeNo, Amount: amount, Currency: "HKD", PayType: payType,
		TxDtm: tx.TxDtm, RespCD: tx.RespCD, UDID: "POS-01", Source: storage.SourceRecorded}
	if _, err := h.Journal.PutSale(s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// Refund starts a refund by cashier amy and follows it to its end (or until it is parked).
func (h *Harness) Refund(s storage.Sale, amount int64) storage.Reversal {
	h.t.Helper()
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: amount, Cashier: "amy"})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.Follow(r.ID)
}

// Cancel starts a cancel and follows it to its end (or until it is parked).
func (h *Harness) Cancel(s storage.Sale) storage.Reversal {
	h.t.Helper()
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindCancel, SaleSysSN: s.SysSN})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.Follow(r.ID)
}

// Follow waits (20 s at most) until the operation is finished or parked.
func (h *Harness) Follow(id uint64) storage.Reversal {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := h.Desk.Follow(ctx, id, nil)
	if err != nil {
		h.t.Fatalf("follow %d: %v (state %s)", id, err, r.State)
	}
	return r
}

// RefundsOf lists the sandbox's refunds of a sale.
func (h *Harness) RefundsOf(syssn string) []qfpaytest.LedgerEntry {
	var out []qfpaytest.LedgerEntry
	for _, e := range h.Sandbox.Ledger() {
		if e.OrigSysSN == syssn {
			out = append(out, e)
		}
	}
	return out
}

// Writes lists the requests the sandbox received on one endpoint.
func (h *Harness) Writes(endpoint string) []qfpaytest.Request {
	var out []qfpaytest.Request
	for _, r := range h.Sandbox.Requests() {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

// Trail writes a reversal's events as type/state(code) … for assertions.
func Trail(r storage.Reversal) string {
	var s string
	for _, e := range r.Events {
		s += fmt.Sprintf("%s/%s(%s) ", e.Type, e.State, e.Code)
	}
	return s
}

// Clock is a reversal.Clock whose waits end at once by moving its time forward, so that a
// lifecycle of fifteen minutes runs in a test in milliseconds. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a virtual clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// After moves the virtual time forward by d and returns a channel that is ready.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	ch <- c.t
	c.mu.Unlock()
	return ch
}

// Advance moves the virtual time forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
