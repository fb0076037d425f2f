// Package reversal carries one refund or cancel from the cashier's intent to a final, journaled
// outcome: it validates, journals the intent with its out_trade_no before anything is sent, sends,
// settles every unclear answer by query (never by a blind resend), resends the identical request
// only when QFPay says it has no such operation, parks what stays unknown, and resumes all of it
// after a crash or restart. It also reads qfpos's configuration and runs the headless commands.
package reversal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/paytype"
	"qfpos/storage"
)

// Gateway is the part of *qfpay.Client the lifecycle uses.
type Gateway interface {
	Refund(ctx context.Context, r qfpay.RefundRequest) (*qfpay.Reply, error)
	Reverse(ctx context.Context, r qfpay.CancelRequest) (*qfpay.Reply, error)
	Close(ctx context.Context, r qfpay.CancelRequest) (*qfpay.Reply, error)
	Query(ctx context.Context, q qfpay.QueryRequest) (*qfpay.QueryPage, error)
	// Zone is the merchant's QFPay zone: query windows and calendar months are QFPay's.
	Zone() *time.Location
}

// Request is what the cashier asked for.
type Request struct {
	Kind      storage.Kind
	SaleSysSN string
	Amount    int64  // refunds: minor units; 0 means what is left to refund. Cancels: ignored.
	Reason    string // refunds: one of the store's codes (WithReasons); cancels: any words or none
	// ReasonText is the cashier's words: needed with "other", allowed with any reason.
	ReasonText string
	// Cashier names who starts it on a journal without staff ([terminal] cashier). On a journal
	// with staff it is ignored: Session, the person signed in (storage.Journal.SignIn), is.
	Cashier string
	Session storage.Session
	// Approval is a manager's id and PIN for a refund over a limit: Start checks it against the
	// journal's staff itself (a refusal is an *ApprovalError).
	Approval *storage.Credential
}

// Update is published to subscribers after every journaled change.
type Update struct {
	Reversal storage.Reversal
	Event    storage.Event
	// Reach is what this step learnt of the way to QFPay: ReachOK when QFPay answered (a reply
	// or a query result), ReachDown when a request got no answer, ReachNone when nothing was asked.
	Reach Reach
}

// Reach says whether the last request to QFPay got an answer.
type Reach int

// Reach values.
const (
	ReachNone Reach = iota
	ReachOK
	ReachDown
)

// ErrFullAmountToday refuses a partial refund of a card sale on its own day (decision D3).
var ErrFullAmountToday = errors.New("a card sale refunded on its own day is a void: it must be the full amount")

// ErrNothingLeft refuses a refund of a sale with nothing left to refund.
var ErrNothingLeft = errors.New("nothing is left to refund on this sale")

// Desk runs the lifecycle of every refund and cancel of one terminal.
type Desk struct {
	j         *storage.Journal
	gw        Gateway
	p         Policy
	reasons   []string // the store's reason codes for a refund (nil: any reason, or none)
	clock     Clock
	rnd       func() float64
	ids       io.Reader
	udid      string
	cancelMap map[string]string
	zone      *time.Location
	log       *slog.Logger

	mu      sync.Mutex
	busy    map[uint64]bool
	slow    map[uint64]int // checks since the fast phase ended, per operation
	subs    map[int]chan Update
	nextSub int

	wake      chan struct{}
	ready     chan struct{}
	readyOnce sync.Once
}

// Option configures a Desk.
type Option func(*Desk)

// WithPolicy sets the schedule.
func WithPolicy(p Policy) Option { return func(d *Desk) { d.p = p } }

// WithClock sets the clock (tests pass a virtual one, reversaltest.Clock).
func WithClock(c Clock) Option { return func(d *Desk) { d.clock = c } }

// WithRand sets the jitter source, a function returning [0, 1).
func WithRand(f func() float64) Option { return func(d *Desk) { d.rnd = f } }

// WithIDSource sets where the random bits of out_trade_no come from (default crypto/rand).
func WithIDSource(r io.Reader) Option { return func(d *Desk) { d.ids = r } }

// WithReasons sets the store's reason codes ([refunds] reasons): Start refuses a refund without
// one of them, or "other" without words (ReasonError), before anything is journaled or sent.
func WithReasons(codes []string) Option { return func(d *Desk) { d.reasons = codes } }

// WithUDID records the terminal's udid on every operation.
func WithUDID(udid string) Option { return func(d *Desk) { d.udid = udid } }

// WithCancelEndpoints overrides the pay_type → reversal|close map (decision D2) for some pay types.
func WithCancelEndpoints(m map[string]string) Option {
	return func(d *Desk) {
		for k, v := range m {
			d.cancelMap[k] = v
		}
	}
}

// WithLogger sets where the desk logs.
func WithLogger(l *slog.Logger) Option { return func(d *Desk) { d.log = l } }

// New builds a desk over a journal and a gateway. Call Run to resume and drive operations.
func New(j *storage.Journal, gw Gateway, opts ...Option) *Desk {
	d := &Desk{
		j: j, gw: gw, p: DefaultPolicy(), clock: realClock{}, rnd: rand.Float64, ids: cryptoRand,
		cancelMap: paytype.DefaultCancelEndpoints(), log: slog.New(slog.DiscardHandler),
		busy: map[uint64]bool{}, slow: map[uint64]int{}, subs: map[int]chan Update{},
		wake: make(chan struct{}, 1), ready: make(chan struct{}),
	}
	for _, o := range opts {
		o(d)
	}
	d.zone = gw.Zone()
	return d
}

// Limits are the journal's approval rules (storage.Journal.Limits; none for a journal that has
// none yet), on the desk's clock.
func (d *Desk) Limits() (Limits, error) {
	stored, _, err := d.j.Limits()
	return Limits{Limits: stored, Now: d.clock.Now,
		RefundsToday: func(cashier string) (int64, error) { return RefundsToday(d.j, d.clock.Now())(cashier) }}, err
}

// Policy returns the desk's schedule.
func (d *Desk) Policy() Policy { return d.p }

// Journal returns the desk's journal.
func (d *Desk) Journal() *storage.Journal { return d.j }

// Ready is closed once Run has resumed every unfinished operation; Start waits for it.
func (d *Desk) Ready() <-chan struct{} { return d.ready }

// Subscribe returns a channel of updates and a function that ends the subscription. A slow
// subscriber misses updates rather than blocking the lifecycle; the journal has them all.
func (d *Desk) Subscribe() (<-chan Update, func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ch := make(chan Update, 256)
	id := d.nextSub
	d.nextSub++
	d.subs[id] = ch
	return ch, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if _, ok := d.subs[id]; ok {
			delete(d.subs, id)
			close(ch)
		}
	}
}

func (d *Desk) publish(r storage.Reversal, e storage.Event, reach Reach) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ch := range d.subs {
		select {
		case ch <- Update{Reversal: r, Event: e, Reach: reach}:
		default:
			d.log.Warn("subscriber too slow; update dropped", "reversal", r.ID)
		}
	}
}

// poke wakes Run to look for due work.
func (d *Desk) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// claim marks operations as being worked on; it returns those that were free.
func (d *Desk) claim(rs []storage.Reversal) []storage.Reversal {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := rs[:0:0]
	for _, r := range rs {
		if !d.busy[r.ID] {
			d.busy[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}

func (d *Desk) release(rs ...storage.Reversal) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range rs {
		delete(d.busy, r.ID)
	}
}

// Rules are the desk's rules of what can be done with a sale (its clock, QFPay's zone and the
// configured cancel endpoints).
func (d *Desk) Rules() Rules { return Rules{Now: d.clock.Now, Zone: d.zone, Routes: d.cancelMap} }

func otherEndpoint(ep string) string {
	if ep == "reversal" {
		return "close"
	}
	return "reversal"
}

// Start validates a request, journals its intent with a new out_trade_no, and sends it. It
// returns the operation as journaled after the first reply; Run keeps driving it. A refused
// request returns an error and sends nothing: *storage.RuleError for the journal's rules,
// ErrFullAmountToday, ErrNothingLeft.
func (d *Desk) Start(ctx context.Context, req Request) (storage.Reversal, error) {
	select {
	case <-d.ready:
	case <-ctx.Done():
		return storage.Reversal{}, ctx.Err()
	}
	if req.Kind == storage.KindRefund && d.reasons != nil {
		var err error
		if req.Reason, req.ReasonText, err = CheckReason(d.reasons, req.Reason, req.ReasonText); err != nil {
			return storage.Reversal{}, err
		}
	}
	cashier, err := d.cashier(req)
	if err != nil {
		return storage.Reversal{}, err
	}
	v, ok, err := d.j.Sale(req.SaleSysSN)
	if err != nil {
		return storage.Reversal{}, err
	}
	if !ok {
		return storage.Reversal{}, &storage.RuleError{Err: storage.ErrNotFound, SaleSysSN: req.SaleSysSN}
	}
	var note string
	var remote *storage.RemoteUpdate
	if req.Kind == storage.KindRefund && v.Open == nil && v.Status() == storage.PaymentPaid && !v.Cancelled {
		// Refunds made at other tills count: read the sale's record at QFPay first (D21); it is
		// journaled with the intent, in one commit.
		if v, note, remote, err = d.refreshBeforeRefund(ctx, v); err != nil {
			return storage.Reversal{}, err
		}
		if ctx.Err() != nil {
			return storage.Reversal{}, ctx.Err()
		}
	}
	// What QFPay said is worth keeping even when the refund is refused on it (refunded elsewhere).
	keepRemote := func(err error) error {
		if remote != nil {
			if _, jerr := d.j.UpdateRemote(v.SysSN, *remote); jerr != nil {
				d.log.Warn("journaling QFPay's record of a refused refund's sale", "sale", v.SysSN, "err", jerr)
			}
		}
		return err
	}
	now := d.clock.Now().In(d.zone)
	in := storage.Intent{Kind: req.Kind, SaleSysSN: v.SysSN, Reason: req.Reason, ReasonText: req.ReasonText, Cashier: cashier,
		UDID: d.udid, Note: note, Remote: remote}
	prefix := "RF"
	p := d.Rules().For(v)
	switch req.Kind {
	case storage.KindRefund:
		// txdtm is the refund's request time on QFPay's clock (D13′).
		in.Endpoint, in.Amount, in.TxDtm = "refund", req.Amount, now.Format(storage.TxDtmLayout)
		if p.Refund || p.Why == NothingLeft {
			if in.Amount == 0 {
				in.Amount = p.Default(v)
			}
			if err := p.CheckRefund(v, in.Amount); err != nil {
				return storage.Reversal{}, keepRemote(err)
			}
			if in.Approver, err = d.approval(v, in.Amount, cashier, req.Approval); err != nil {
				return storage.Reversal{}, keepRemote(err)
			}
		} // else the journal refuses it with the exact reason (in flight, not paid, cancelled)
	case storage.KindCancel:
		prefix = "CX"
		in.Endpoint, in.Amount, in.TxDtm = p.Endpoint, v.Amount, v.TxDtm
	default:
		return storage.Reversal{}, fmt.Errorf("unknown kind %q", req.Kind)
	}
	if in.OutTradeNo, err = newOutTradeNo(prefix, now, d.ids); err != nil {
		return storage.Reversal{}, keepRemote(err)
	}
	// The intent and "sent" in one commit, then the request (a crash in between leaves it sent:
	// a query settles it, as for any lost reply).
	sent := sending(in.Kind, in.Amount, v.Currency, in.Endpoint, false)
	r, err := d.j.CreateAndSend(in, sent)
	if err != nil {
		return storage.Reversal{}, keepRemote(err) // the refusal rolled the record back with the intent
	}
	d.publish(storage.Reversal{ID: r.ID, Kind: r.Kind, Endpoint: r.Endpoint, OutTradeNo: r.OutTradeNo, SaleSysSN: r.SaleSysSN,
		Amount: r.Amount, Currency: r.Currency, State: storage.StatePending, Created: r.Created, Updated: r.Created, UDID: r.UDID,
		Cashier: r.Cashier, Approver: r.Approver, Reason: r.Reason, ReasonText: r.ReasonText}, storage.Event{At: r.Created, Type: storage.EventIntent, State: storage.StatePending, Message: note}, ReachNone)
	d.publish(r, storage.Event{At: r.Updated, Type: sent.Event.Type, State: r.State, Attempt: r.Attempts, Message: sent.Event.Message}, ReachNone)
	if len(d.claim([]storage.Reversal{r})) == 1 {
		r = d.deliver(ctx, r)
		d.release(r)
	}
	d.poke()
	return r, nil
}

// cashier is who starts a request: on a journal with staff the person of its session (SignIn made
// it, and they have not been disabled since), else the name it gives.
func (d *Desk) cashier(req Request) (string, error) {
	staffed, err := d.j.Staffed()
	if err != nil || !staffed {
		return req.Cashier, err
	}
	p, err := d.j.SessionPerson(req.Session)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotSignedIn, err)
	}
	return p.ID, nil
}

// ErrNotSignedIn refuses a request on a journal with staff that no signed-in person makes.
var ErrNotSignedIn = errors.New("with staff, a refund or cancel needs the cashier signed in (id and PIN)")

// approval applies the journal's limits to refunding amount of a sale: when a rule asks for a
// manager, the approval given must be an active manager's id and PIN, checked here against the
// journal's staff; it returns the approver ("" when none was needed and none given).
func (d *Desk) approval(v storage.SaleView, amount int64, cashier string, by *storage.Credential) (string, error) {
	l, err := d.Limits()
	if err != nil {
		return "", err
	}
	rule, err := l.NeedsApproval(v, amount, cashier)
	if err != nil || rule == "" && by == nil {
		return "", err
	}
	if by == nil {
		return "", &ApprovalError{Rule: rule}
	}
	p, err := d.j.Approve(*by)
	var se *storage.StaffError
	if errors.As(err, &se) {
		if rule == "" {
			rule = "this refund"
		}
		return "", &ApprovalError{Rule: rule, Refused: err}
	}
	return p.ID, err
}

// Recheck asks for an immediate query of an unfinished operation (a manager's "check now").
func (d *Desk) Recheck(id uint64) error {
	r, err := d.j.Reversal(id)
	if err != nil {
		return err
	}
	if r.State.Finished() {
		return nil
	}
	_, err = d.j.Transition(id, storage.Change{NextCheck: d.clock.Now(), Event: storage.Event{Type: storage.EventNote, Message: "re-check requested"}})
	if errors.Is(err, storage.ErrFinal) {
		return nil // it was settled meanwhile
	}
	if err != nil {
		return err
	}
	d.poke()
	return nil
}

// Run resumes every unfinished operation in the journal (before Start accepts new work), then
// drives operations until ctx ends. Cancelling ctx stops polling and leaves the journal
// consistent; the work resumes on the next Run.
func (d *Desk) Run(ctx context.Context) error {
	d.tick(ctx, true)
	d.readyOnce.Do(func() { close(d.ready) })
	for {
		next, ok := d.tick(ctx, false)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var timer <-chan time.Time
		if ok {
			timer = d.clock.After(max(next.Sub(d.clock.Now()), 0))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.wake:
		case <-timer:
		}
	}
}

// tick does the work that is due (all unfinished work when force is set) and returns when the
// next check is due.
func (d *Desk) tick(ctx context.Context, force bool) (time.Time, bool) {
	if ctx.Err() != nil {
		return time.Time{}, false
	}
	open, err := d.j.Unfinished()
	if err != nil {
		d.log.Error("reading unfinished operations", "err", err)
		return d.clock.Now().Add(d.p.Interval), true
	}
	now := d.clock.Now()
	var toSend, toQuery []storage.Reversal
	for _, r := range open {
		switch {
		case r.State == storage.StatePending:
			toSend = append(toSend, r)
		case force || (!r.NextCheck.IsZero() && !r.NextCheck.After(now)):
			toQuery = append(toQuery, r)
		}
	}
	for _, r := range d.claim(toSend) {
		d.send(ctx, r)
		d.release(r)
	}
	if q := d.claim(toQuery); len(q) > 0 {
		d.check(ctx, q)
		d.release(q...)
	}
	open, err = d.j.Unfinished()
	if err != nil {
		return d.clock.Now().Add(d.p.Interval), true
	}
	var next time.Time
	for _, r := range open {
		if r.State == storage.StatePending {
			// Not sent in this tick (the journal refused the transition, or Start holds it): soon again.
			return d.clock.Now().Add(d.p.First), true
		}
		if !r.NextCheck.IsZero() && (next.IsZero() || r.NextCheck.Before(next)) {
			next = r.NextCheck
		}
	}
	return next, !next.IsZero()
}

// Follow waits until the operation is finished, parked as unknown, or the deadline passes, and
// returns it as journaled. progress receives every update of the operation.
func (d *Desk) Follow(ctx context.Context, id uint64, progress func(Update)) (storage.Reversal, error) {
	updates, stop := d.Subscribe()
	defer stop()
	r, err := d.j.Reversal(id)
	if err != nil || r.State.Finished() || r.State == storage.StateUnknown {
		return r, err
	}
	for {
		select {
		case <-ctx.Done():
			r, err := d.j.Reversal(id)
			if err != nil {
				return r, err
			}
			return r, ctx.Err()
		case u, ok := <-updates:
			if !ok {
				return d.j.Reversal(id)
			}
			if u.Reversal.ID != id {
				continue
			}
			if progress != nil {
				progress(u)
			}
			if u.Reversal.State.Finished() || u.Reversal.State == storage.StateUnknown {
				return d.j.Reversal(id)
			}
		}
	}
}

// QueryEach walks every page of a query (100 records a page asked; the last page is the one
// shorter than the page_size QFPay reports, D10′).
func QueryEach(ctx context.Context, gw Gateway, q qfpay.QueryRequest, each func(qfpay.Record)) error {
	q.Page, q.PageSize = 1, 100
	for {
		page, err := gw.Query(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			each(r)
		}
		if page.Last() {
			return nil
		}
		q.Page++
	}
}
