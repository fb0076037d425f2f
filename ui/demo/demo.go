// Package demo assembles `qfpos demo`: the qfpaytest sandbox on loopback, a journal seeded with a
// realistic shop's sales, and the refund lifecycle over both. No credentials, no network, no
// real money. The UI's tests use it too.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/paytype"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui"
)

// Options tune the demo; the zero value is the real `qfpos demo`.
type Options struct {
	JournalPath string // default: a new temporary directory, removed by Close
	Seed        uint64 // default 1
	Sales       int    // default 40
	// Clock drives the lifecycle, the sandbox and the journal (default: the real clock).
	Clock reversal.Clock
	// Settle is how refunds complete; the zero value is life-like (2 to 8 seconds).
	Settle *qfpaytest.Settle
	// Calm turns off the demo's lost reply and random refusals.
	Calm   bool
	Policy *reversal.Policy
	Logger *slog.Logger
}

// Logins are the demo's staff: a cashier and a manager, with the PINs its sign-in shows.
var Logins = []ui.Login{{ID: "amy", Role: storage.RoleCashier, PIN: "1234"}, {ID: "mgr", Role: storage.RoleManager, PIN: "5678"}}

// Limits are the demo's approval limits, set by its manager: a refund above 500.00 HKD needs
// mgr's approval, so that amy meets it.
var Limits = storage.Limits{Currency: "HKD", ApprovalOver: 50000}

// Demo is a running demo.
type Demo struct {
	Sandbox  *qfpaytest.Sandbox
	Journal  *storage.Journal
	Desk     *reversal.Desk
	UDID     string
	Cashier  string
	Featured storage.Sale // the newest sale: paid by WeChat Pay, nothing refunded
	server   *qfpaytest.Server
	client   *qfpay.Client
	tempDir  string
	dir      string // the demo's folder: the temporary one, or the one of --journal
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Start builds the demo and starts its lifecycle loop.
func Start(o Options) (*Demo, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Sales == 0 {
		o.Sales = 40
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Demo{UDID: "DEMO-01", Cashier: Logins[0].ID}
	var state []qfpaytest.Option // a demo journal of the user's keeps its sandbox beside it
	if o.JournalPath == "" {
		dir, err := os.MkdirTemp("", "qfpos-demo-")
		if err != nil {
			return nil, err
		}
		d.tempDir = dir
		o.JournalPath = filepath.Join(dir, "journal.db")
	} else {
		state = append(state, qfpaytest.WithStateFile(o.JournalPath+".sandbox.json"))
	}
	d.dir = filepath.Dir(o.JournalPath)
	// The journal first: a demo never touches a real journal, and makes no folder for one.
	var err error
	loc := qfpaytest.HongKong
	if d.Journal, err = storage.Open(o.JournalPath, storage.ForDemo(), storage.WithClock(o.Clock.Now), storage.WithLocation(loc),
		storage.InExistingDir()); err != nil {
		return nil, d.fail(err)
	}
	opts := append([]qfpaytest.Option{qfpaytest.WithSeed(o.Seed), qfpaytest.WithClock(o.Clock.Now),
		qfpaytest.WithSettle(qfpaytest.Settle{})}, state...)
	if !o.Calm {
		opts = append(opts, qfpaytest.WithRefusals(qfpaytest.Refusals{Rate: 0.15, Codes: []string{"1269", "1294", "1265"}, After: 1, Seed: o.Seed}))
	}
	sb, err := qfpaytest.New(opts...)
	if err != nil {
		return nil, d.fail(err)
	}
	d.Sandbox = sb
	creds := qfpaytest.NewCredentials()
	if known := sb.Merchants(); len(known) > 0 {
		creds = known[0] // the same merchant as last time
	}
	sb.AddMerchant(creds)
	if d.server, err = sb.Listen("127.0.0.1:0"); err != nil {
		return nil, d.fail(fmt.Errorf("demo sandbox: %w", err))
	}
	client, err := qfpay.New(creds.AppCode, creds.Key, qfpay.WithBaseURL(d.server.URL), qfpay.WithUDID(d.UDID),
		qfpay.WithClock(o.Clock.Now), qfpay.WithLogger(o.Logger), qfpay.WithRateLimit(0, 0))
	if err != nil {
		return nil, d.fail(err)
	}
	d.client = client
	policy := reversal.DefaultPolicy()
	if o.Policy != nil {
		policy = *o.Policy
	}
	d.Desk = reversal.New(d.Journal, client, reversal.WithClock(o.Clock), reversal.WithUDID(d.UDID),
		reversal.WithPolicy(policy), reversal.WithLogger(o.Logger), reversal.WithReasons(reversal.DefaultReasons))
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	d.wg.Go(func() { _ = d.Desk.Run(ctx) })
	if err := d.seedStaff(); err != nil {
		return nil, d.fail(err)
	}
	if err := d.seedOrReuse(ctx, o, creds.AppCode); err != nil {
		return nil, d.fail(err)
	}
	settle := qfpaytest.Settle{Delay: 2 * time.Second, Jitter: 6 * time.Second}
	if o.Settle != nil {
		settle = *o.Settle
	}
	sb.SetSettle(settle)
	if !o.Calm {
		// The first refund of the session loses its reply; the lifecycle settles it by query.
		sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	}
	return d, nil
}

// seedOrReuse seeds an empty journal; a journal from an earlier run is kept as it is (its sandbox
// state is beside it; if that is gone the sandbox learns the journal's sales again).
func (d *Demo) seedOrReuse(ctx context.Context, o Options, appCode string) error {
	var sales []storage.SaleView
	for cur := (storage.Cursor{}); ; {
		page, err := d.Journal.RecentSales(cur, 500, 3650)
		if err != nil {
			return err
		}
		sales = append(sales, page.Sales...)
		if page.Next.IsZero() {
			break
		}
		cur = page.Next
	}
	if len(sales) == 0 {
		return d.seed(ctx, o, appCode)
	}
	d.Featured = sales[0].Sale
	for _, v := range sales {
		if _, known := d.Sandbox.Txn(v.SysSN); known {
			continue
		}
		if _, err := d.Sandbox.AddPayment(qfpaytest.Payment{AppCode: appCode, SysSN: v.SysSN, OutTradeNo: v.OutTradeNo,
			Amount: v.Amount, Currency: v.Currency, PayType: v.PayType, Time: v.Time, RespCD: v.RespCD, UDID: v.UDID,
			GoodsName: v.GoodsName}); err != nil {
			return err
		}
	}
	return nil
}

// demoColleague is the other cashier of the demo's sales, with a Chinese name.
const demoColleague = "陳小明"

// seed fills the sandbox and the journal with the same sales, and refunds part of one.
func (d *Demo) seed(ctx context.Context, o Options, appCode string) error {
	now := o.Clock.Now()
	featured, err := d.Sandbox.AddPayment(qfpaytest.Payment{AppCode: appCode, Amount: 8800, PayType: "800208",
		Time: now.Add(-2 * time.Minute), UDID: d.UDID, GoodsName: "Lunch set B", OutTradeNo: "DEMO_ORDER_0001"})
	if err != nil {
		return err
	}
	seeded, err := d.Sandbox.SeedSales(appCode, now.Add(-10*time.Minute), o.Sales-1, d.UDID)
	if err != nil {
		return err
	}
	var partly storage.Sale
	for i, tx := range append(seeded, featured) {
		cashier := d.Cashier
		if i%3 == 1 {
			cashier = demoColleague // the morning shift's sales
		}
		s := storage.Sale{SysSN: tx.SysSN, OutTradeNo: tx.OutTradeNo, Amount: tx.Amount, Currency: tx.Currency,
			PayType: tx.PayType, TxDtm: tx.TxDtm, SysDtm: tx.TxDtm, RespCD: tx.RespCD, UDID: tx.UDID, Cashier: cashier,
			GoodsName: tx.GoodsName, Source: storage.SourceSynced}
		if _, err := d.Journal.PutSale(s); err != nil {
			return err
		}
		if partly.SysSN == "" && s.RespCD == "0000" && !paytype.SameDayFullRefundOnly(s.PayType) && s.Amount >= 4000 && tx.SysSN != featured.SysSN {
			partly = s
		}
		if tx.SysSN == featured.SysSN {
			d.Featured = s
		}
	}
	if partly.SysSN == "" {
		return errors.New("demo: no sale to refund in part")
	}
	amy, err := d.Journal.SignIn(Logins[0].ID, Logins[0].PIN) // the seeded refund is the demo cashier's
	if err != nil {
		return fmt.Errorf("demo: signing in %s: %w", Logins[0].ID, err)
	}
	r, err := d.Desk.Start(ctx, reversal.Request{Kind: storage.KindRefund, SaleSysSN: partly.SysSN, Amount: partly.Amount / 4,
		Reason: "damaged", Session: amy})
	if err != nil {
		return fmt.Errorf("demo: seeding a partial refund: %w", err)
	}
	if r.State != storage.StateSucceeded {
		return fmt.Errorf("demo: the seeded partial refund is %s", r.State)
	}
	return nil
}

// seedStaff adds the demo's manager (the journal's first) and then, as that manager, its cashier
// to a journal that has no staff (a demo journal kept from an earlier run keeps its people and
// their PINs).
func (d *Demo) seedStaff() error {
	people, err := d.Journal.Staff()
	if err != nil || len(people) > 0 {
		return err
	}
	var mgr storage.Credential
	for _, l := range Logins {
		if l.Role == storage.RoleManager && mgr.ID == "" {
			if err := d.Journal.AddStaff(storage.Credential{}, l.ID, l.Role, l.PIN); err != nil {
				return fmt.Errorf("demo: staff %s: %w", l.ID, err)
			}
			mgr = storage.Credential{ID: l.ID, PIN: l.PIN}
		}
	}
	for _, l := range Logins {
		if l.ID == mgr.ID {
			continue
		}
		if err := d.Journal.AddStaff(mgr, l.ID, l.Role, l.PIN); err != nil {
			return fmt.Errorf("demo: staff %s: %w", l.ID, err)
		}
	}
	// The manager sets the approval limits, on the audit trail as in a shop.
	if err := d.Journal.SetLimits(mgr, Limits); err != nil {
		return fmt.Errorf("demo: limits: %w", err)
	}
	return nil
}

// Dir is the demo's folder: the temporary one (removed by Close), or the one of its journal.
func (d *Demo) Dir() string { return d.dir }

// Temporary says whether the demo's journal is removed when it closes.
func (d *Demo) Temporary() bool { return d.tempDir != "" }

// Client is the demo's QFPay client, on its embedded sandbox.
func (d *Demo) Client() *qfpay.Client { return d.client }

// URL is the embedded sandbox's address (loopback).
func (d *Demo) URL() string { return d.server.URL }

// Terminal describes the demo till for the screens.
func (d *Demo) Terminal() ui.Terminal {
	return ui.Terminal{UDID: d.UDID, Cashier: d.Cashier, Environment: ui.EnvDemo, Gateway: d.server.URL,
		Currency: money.MustLookup("HKD"), Location: qfpaytest.HongKong, RecentDays: 7, QFPayZone: qfpaytest.HongKong}
}

// Reports makes the manager's day reports, the whole store's from the sandbox.
func (d *Demo) Reports() report.Reporter {
	return report.Reporter{Journal: d.Journal, Gateway: d.client, UDID: d.UDID}
}

func (d *Demo) fail(err error) error {
	d.Close()
	return err
}

// Close stops the lifecycle and the sandbox and removes a temporary journal.
func (d *Demo) Close() {
	if d.stop != nil {
		d.stop()
		d.wg.Wait()
	}
	if d.Journal != nil {
		d.Journal.Close()
	}
	if d.server != nil {
		d.server.Close()
	}
	if d.tempDir != "" {
		os.RemoveAll(d.tempDir)
	}
}
