package reversal

import (
	"errors"
	"time"

	"qfpos/qfpay/paytype"
	"qfpos/storage"
)

// Rules answer, for the whole program, what can be done with a sale, for how much, through which
// endpoint, and why not (decisions D2, D3, D19). The desk, the screens and the command line all
// ask them; the journal enforces the money rules again inside its write transaction.
type Rules struct {
	Now    func() time.Time
	Zone   *time.Location    // QFPay's zone: its days decide the same-day card rule
	Routes map[string]string // pay_type → reversal|close (D2 and the configuration)
}

// Why is the one reason that decides what can be done with a sale.
type Why int

// Reasons.
const (
	Refundable    Why = iota // paid, something is left: a refund (a cancel is not possible)
	Cancellable              // not paid: a cancel closes it (nothing to refund)
	InFlight                 // a refund or cancel of the sale is unfinished
	OutcomeIsOpen            // that unfinished one is parked as "outcome unknown"
	Cancelled                // cancelled, here or at QFPay
	PaymentFailed            // the payment failed: nothing to refund or cancel
	NothingLeft              // refunded in full
)

// Possible is what can be done with a sale now.
type Possible struct {
	Why      Why
	Refund   bool   // a refund may be started
	Cancel   bool   // a cancel may be started
	Left     int64  // what is left to refund (minor units)
	FullOnly bool   // a card sale refunded on its own day is a void: only the whole sale
	Endpoint string // a cancel's first endpoint
	Listed   bool   // QFPay (or the configuration) lists that endpoint for the pay type
}

// ErrNotPositive refuses an amount of zero or less.
var ErrNotPositive = errors.New("the amount must be more than zero")

// ErrNotRefundable refuses a refund of a sale that cannot be refunded now; Possible.Why says why.
var ErrNotRefundable = errors.New("this sale cannot be refunded now")

// Route names the endpoint that cancels a sale of this pay type first, and whether QFPay (or the
// configuration) lists one. An unlisted pay type goes to close first — "for other wallets refer
// to the Close API" (D19) — then to reversal.
func (r Rules) Route(payType string) (endpoint string, listed bool) {
	if ep := r.Routes[payType]; ep != "" {
		return ep, true
	}
	return "close", false
}

// For says what can be done with the sale.
func (r Rules) For(v storage.SaleView) Possible {
	p := Possible{Left: v.Remaining()}
	p.Endpoint, p.Listed = r.Route(v.PayType)
	switch {
	case v.Open != nil && v.Open.State == storage.StateUnknown:
		p.Why = OutcomeIsOpen
	case v.Open != nil:
		p.Why = InFlight
	case v.Cancelled:
		p.Why = Cancelled
	case v.Status() == storage.PaymentProcessing:
		p.Why, p.Cancel = Cancellable, true
	case v.Status() == storage.PaymentFailed:
		p.Why = PaymentFailed
	case p.Left == 0:
		p.Why = NothingLeft
	default:
		p.Why, p.Refund = Refundable, true
		p.FullOnly = paytype.SameDayFullRefundOnly(v.PayType) && sameDay(v.Time, r.Now(), r.Zone)
	}
	return p
}

// Default is the amount a refund form starts with: what is left, or the whole sale for a card
// sale of today.
func (p Possible) Default(v storage.SaleView) int64 {
	if p.FullOnly {
		return v.Amount
	}
	return p.Left
}

// CheckRefund says why a refund of amount (minor units) cannot be sent, or nil when it can. Over
// what is left it is the journal's own *storage.RuleError with what remains.
func (p Possible) CheckRefund(v storage.SaleView, amount int64) error {
	switch {
	case !p.Refund && p.Why == NothingLeft:
		return ErrNothingLeft
	case !p.Refund:
		return ErrNotRefundable
	case amount <= 0:
		return ErrNotPositive
	case p.FullOnly && amount != v.Amount:
		return ErrFullAmountToday
	case amount > p.Left:
		return &storage.RuleError{Err: storage.ErrOverRefund, SaleSysSN: v.SysSN, Remaining: p.Left}
	}
	return nil
}

// sameDay reports whether a and b fall on one calendar day in zone.
func sameDay(a, b time.Time, zone *time.Location) bool {
	a, b = a.In(zone), b.In(zone)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}
