package reversal

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/storage"
)

var hk = qfpaytest.HongKong

// hookGateway wraps the client and lets a test act before each call.
type hookGateway struct {
	Gateway
	mu      sync.Mutex
	queries int
	onQuery func(n int)
}

func (g *hookGateway) Query(ctx context.Context, q qfpay.QueryRequest) (*qfpay.QueryPage, error) {
	g.mu.Lock()
	g.queries++
	n, hook := g.queries, g.onQuery
	g.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return g.Gateway.Query(ctx, q)
}

type harness struct {
	stop  func()
	base  string
	t     testing.TB
	sb    *qfpaytest.Sandbox
	j     *storage.Journal
	d     *Desk
	gw    *hookGateway
	clock *VirtualClock
	n     int
}

type setup struct {
	sandbox []qfpaytest.Option
	desk    []Option
	policy  func(*Policy)
	strict  bool
	start   time.Time      // the virtual clock's start (default 2026-11-21 15:00 in +08:00)
	local   *time.Location // the terminal's zone (default +08:00)
	client  []qfpay.Option
}

func newHarness(t testing.TB, s setup) *harness {
	t.Helper()
	if s.start.IsZero() {
		s.start = time.Date(2026, 11, 21, 15, 0, 0, 0, hk)
	}
	if s.local == nil {
		s.local = hk
	}
	clock := NewVirtualClock(s.start)
	sb, base := qfpaytest.NewTest(t, append([]qfpaytest.Option{qfpaytest.WithClock(clock.Now),
		qfpaytest.WithSettle(qfpaytest.Settle{})}, s.sandbox...)...)
	client, err := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, append([]qfpay.Option{qfpay.WithBaseURL(base),
		qfpay.WithClock(clock.Now), qfpay.WithUDID("POS-01"), qfpay.WithRateLimit(0, 0),
		qfpay.WithStrictResponseSignature(s.strict)}, s.client...)...)
	if err != nil {
		t.Fatal(err)
	}
	j, err := storage.Open(filepath.Join(t.TempDir(), "journal.db"), storage.WithClock(clock.Now), storage.WithLocation(s.local))
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultPolicy()
	p.RequestTimeout = 2 * time.Second
	if s.policy != nil {
		s.policy(&p)
	}
	gw := &hookGateway{Gateway: client}
	d := New(j, gw, append([]Option{WithClock(clock), WithRand(func() float64 { return 0.5 }), WithUDID("POS-01"),
		WithPolicy(p)}, s.desk...)...)
	h := &harness{t: t, sb: sb, j: j, d: d, gw: gw, clock: clock, base: base}
	t.Cleanup(func() {
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

// run starts the desk's loop until the test ends (or stop is called).
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.d.Run(ctx); close(done) }()
	var once sync.Once
	h.stop = func() { once.Do(func() { cancel(); <-done }) }
	h.t.Cleanup(h.stop)
	<-h.d.Ready()
}

// sale puts the same sale in the sandbox and in the journal, as read at QFPay just now (so that
// a refund does not read it again first; saleUnread leaves that read to the refund).
func (h *harness) sale(amount int64, payType, respcd string, edit ...func(*qfpaytest.Payment)) storage.Sale {
	h.t.Helper()
	s := h.saleUnread(amount, payType, respcd, edit...)
	if _, err := h.j.UpdateRemote(s.SysSN, storage.RemoteUpdate{Checked: h.clock.Now()}); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// saleUnread puts the same sale in the sandbox and in the journal; edit, when given, changes the
// sandbox's payment first (a cancel flag, say).
func (h *harness) saleUnread(amount int64, payType, respcd string, edit ...func(*qfpaytest.Payment)) storage.Sale {
	h.t.Helper()
	h.n++
	p := qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: amount, PayType: payType,
		RespCD: respcd, Time: h.clock.Now().Add(-24 * time.Hour), OutTradeNo: fmt.Sprintf("POS_%d", h.n), UDID: "POS-01"}
	for _, e := range edit {
		e(&p)
	}
	tx, err := h.sb.AddPayment(p)
	if err != nil {
		h.t.Fatal(err)
	}
	s := storage.Sale{SysSN: tx.SysSN, OutTradeNo: tx.OutTradeNo, Amount: amount, Currency: "HKD", PayType: payType,
		TxDtm: tx.TxDtm, RespCD: tx.RespCD, UDID: "POS-01", Source: storage.SourceRecorded}
	if _, err := h.j.PutSale(s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// refund starts a refund and follows it to its end.
func (h *harness) refund(s storage.Sale, amount int64) storage.Reversal {
	h.t.Helper()
	r, err := h.d.Start(context.Background(), Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: amount, Cashier: "amy"})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.follow(r.ID)
}

// cancel starts a cancel and follows it to its end.
func (h *harness) cancel(s storage.Sale) storage.Reversal {
	h.t.Helper()
	r, err := h.d.Start(context.Background(), Request{Kind: storage.KindCancel, SaleSysSN: s.SysSN})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.follow(r.ID)
}

func (h *harness) follow(id uint64) storage.Reversal {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := h.d.Follow(ctx, id, nil)
	if err != nil {
		h.t.Fatalf("follow %d: %v (state %s)", id, err, r.State)
	}
	return r
}

// refundsOf lists the sandbox's refunds of a sale.
func (h *harness) refundsOf(syssn string) []qfpaytest.LedgerEntry {
	var out []qfpaytest.LedgerEntry
	for _, e := range h.sb.Ledger() {
		if e.OrigSysSN == syssn {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) writes(endpoint string) []qfpaytest.Request {
	var out []qfpaytest.Request
	for _, r := range h.sb.Requests() {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

func eventTrail(r storage.Reversal) string {
	var s string
	for _, e := range r.Events {
		s += fmt.Sprintf("%s/%s(%s) ", e.Type, e.State, e.Code)
	}
	return s
}

// writesBase is the sandbox's base URL, for a second client.
func (h *harness) writesBase() string { return h.base }
