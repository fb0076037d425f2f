package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// t formats a catalog message.
func (d *Deps) t(k catalog.Key, args ...any) string { return d.Printer.T(k, args...) }

// amount formats minor units with the currency's exponent and code.
func amount(minor int64, currency string) string { return money.TextCode(minor, currency) }

// saleStatus is the one word (or short phrase) for a sale in lists.
func (d *Deps) saleStatus(v storage.SaleView) string {
	switch v.State() {
	case storage.SaleStateInProgress:
		if v.Open != nil && v.Open.Kind == storage.KindCancel {
			return d.t(catalog.StateCancelBusy)
		}
		return d.t(catalog.StateBusy)
	case storage.SaleStateCancelled:
		return d.t(catalog.StateCancel)
	case storage.SaleStateUnpaid:
		return d.t(catalog.StateUnpaid)
	case storage.SaleStateFailed:
		return d.t(catalog.StateFailedPy)
	case storage.SaleStateRefunded:
		return d.t(catalog.StateRefunded)
	case storage.SaleStateRefundedElsewhere:
		return d.t(catalog.StateRefundedElsewhere)
	case storage.SaleStatePartlyRefunded:
		return d.t(catalog.StatePartly, money.Text(v.Remaining(), v.Currency))
	}
	return d.t(catalog.StatePaid)
}

// kind names a reversal kind.
func (d *Deps) kind(k storage.Kind) string {
	if k == storage.KindCancel {
		return d.t(catalog.KindCancel)
	}
	return d.t(catalog.KindRefund)
}

// stateWord is a reversal's state in one word, with a symbol so that colour is never needed.
func (d *Deps) stateWord(r storage.Reversal) string {
	switch r.State {
	case storage.StateSucceeded:
		return "✓ " + d.t(catalog.StatusSucceeded)
	case storage.StateFailed:
		return "✗ " + d.t(catalog.WordFailed)
	case storage.StateUnknown:
		return "? " + d.t(catalog.WordUnknown)
	case storage.StatePending:
		return "… " + d.t(catalog.StatusSending)
	}
	return "… " + d.t(catalog.WordInProgress)
}

// stateText is a reversal's state in words, one capitalisation for all of them.
func (d *Deps) stateText(r storage.Reversal) string {
	switch r.State {
	case storage.StatePending, storage.StateSent:
		return d.t(catalog.StatusSending)
	case storage.StateProcessing:
		return d.t(catalog.StatusWaiting)
	case storage.StateSucceeded:
		return d.t(catalog.StatusSucceeded)
	case storage.StateFailed:
		return d.t(catalog.WordFailed)
	}
	return d.t(catalog.WordUnknown)
}

// sentence says in words what is happening to an operation and what to do.
func (d *Deps) sentence(r storage.Reversal) string {
	switch r.State {
	case storage.StatePending, storage.StateSent:
		return d.t(catalog.StatusSending)
	case storage.StateProcessing:
		return d.t(catalog.StatusWaiting)
	case storage.StateSucceeded:
		return d.t(catalog.StatusSucceeded)
	case storage.StateFailed:
		exp, next := d.Printer.Code(r.Operation(), r.RespCD, r.RespErr)
		return d.t(catalog.StatusFailed, exp, next)
	}
	return d.t(catalog.UnknownFor(string(r.Kind)))
}

// Progress says in one line, in p's language, what state an operation is in and what to do (the
// command line's progress and results, and the line mode's).
func Progress(p *catalog.Printer, r storage.Reversal, loc *time.Location) string {
	switch r.State {
	case storage.StatePending:
		return p.T(catalog.CliJournaled)
	case storage.StateSent:
		return p.T(catalog.CliSent, r.Attempts)
	case storage.StateProcessing:
		if !r.NextCheck.IsZero() {
			return p.T(catalog.CliWaitingNext, r.NextCheck.In(loc).Format("15:04:05"))
		}
		return p.T(catalog.CliWaiting)
	case storage.StateSucceeded:
		if r.SysSN != "" {
			return p.T(catalog.CliSucceededRef, r.SysSN)
		}
		return p.T(catalog.CliSucceeded)
	case storage.StateFailed:
		exp, next := p.Code(r.Operation(), r.RespCD, r.RespErr)
		return p.T(catalog.CliFailed, r.RespCD, exp, next)
	case storage.StateUnknown:
		return p.T(catalog.UnknownFor(string(r.Kind)))
	}
	return string(r.State)
}

// ReportLang is a report table in a printer's language: its words, and its cells' kinds,
// endpoints, states, pay methods and reasons (the command line's report uses it too).
func ReportLang(words *catalog.Printer) report.Lang {
	return report.Lang{
		T:         func(english string, args ...any) string { return words.T(catalog.Key(english), args...) },
		Operation: words.OperationName,
		State:     words.StateName,
		PayMethod: words.PayMethodNamed,
		Reason:    words.Reason,
	}
}

// pay is a pay method's name in the cashier's language.
func (d *Deps) pay(code string) string { return d.Printer.PayMethod(code) }

// short keeps the last n characters of an id.
func short(id string, n int) string {
	if len(id) <= n {
		return id
	}
	return "…" + id[len(id)-n:]
}

// clock formats a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = 0
	}
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// reasonCodes are the store's reason codes for a refund.
func (d *Deps) reasonCodes() []string {
	if d.Terminal.Reasons == nil {
		return reversal.DefaultReasons
	}
	return d.Terminal.Reasons
}

// reason is an operation's reason in the cashier's words.
// Control characters a journal written before they were refused may hold are shown escaped.
func (d *Deps) reason(r storage.Reversal) string {
	return storage.EscapeText(d.Printer.Reason(r.Reason, r.ReasonText))
}

// RefusalText is a refusal from Desk.Start in a cashier's words, in the printer's language (the
// command line uses it too).
func RefusalText(p *catalog.Printer, err error, currency string) string {
	return (&Deps{Printer: p}).startError(err, currency)
}

// ErrorWords is an error the desk has words for — a refusal from Desk.Start, a staff problem — in
// p's language (a lockout's time in loc, an amount in currency); ok is false for any other error.
func ErrorWords(p *catalog.Printer, err error, currency string, loc *time.Location) (string, bool) {
	d := &Deps{Printer: p}
	d.Terminal.Location = loc
	var se *storage.StaffError
	if errors.As(err, &se) {
		return d.staffProblem(err), true
	}
	return d.refusal(err, currency)
}

// startError turns a refusal from Desk.Start into one cashier line.
func (d *Deps) startError(err error, currency string) string {
	if s, ok := d.refusal(err, currency); ok {
		return s
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return d.t(catalog.ErrStart, msg)
}

// refusal is a refusal of Desk.Start the desk has words for; ok is false for any other error.
func (d *Deps) refusal(err error, currency string) (string, bool) {
	var re *storage.RuleError
	var ae *reversal.ApprovalError
	var rsn *reversal.ReasonError
	switch {
	case errors.As(err, &ae) && ae.Refused != nil:
		return d.t(catalog.ErrApproval, d.Printer.Rule(ae.Rule)) + " " + d.staffProblem(ae.Refused), true
	case errors.As(err, &ae):
		return d.t(catalog.ErrApproval, d.Printer.Rule(ae.Rule)), true
	case errors.Is(err, reversal.ErrNotSignedIn):
		return d.t(catalog.ErrNotSignedIn), true
	case errors.As(err, &rsn):
		return d.reasonProblem(rsn), true
	case errors.Is(err, storage.ErrInFlight):
		return d.t(catalog.ErrInFlight), true
	case errors.As(err, &re) && errors.Is(err, storage.ErrOverRefund):
		return d.t(catalog.ErrOverRefund, amount(re.Remaining, currency)), true
	case errors.Is(err, storage.ErrNotPaid):
		return d.t(catalog.ErrNotPaid), true
	case errors.Is(err, storage.ErrCompleted):
		return d.t(catalog.ErrCompleted), true
	case errors.Is(err, storage.ErrCancelled):
		return d.t(catalog.ErrCancelled), true
	case errors.Is(err, reversal.ErrNothingLeft):
		return d.t(catalog.ErrNothingLeft), true
	case errors.Is(err, reversal.ErrFullAmountToday):
		return d.t(catalog.ErrFullToday), true
	}
	return "", false
}

// reasonProblem says what is wrong with a refund's reason, and what to do.
func (d *Deps) reasonProblem(e *reversal.ReasonError) string {
	switch {
	case errors.Is(e, reversal.ErrUnknownReason):
		return d.t(catalog.ReasonUnknown, e.Reason)
	case errors.Is(e, reversal.ErrReasonNeedsText):
		return d.t(catalog.ReasonWords)
	case errors.Is(e, reversal.ErrReasonTooLong):
		return d.t(catalog.ReasonTooLong, reversal.MaxReasonText)
	}
	return d.t(catalog.ReasonNeeded)
}

// qfpayZone is the zone of QFPay's own times: [qfpay] zone, else Hong Kong's (+08:00).
func (d *Deps) qfpayZone() *time.Location {
	if d.Terminal.QFPayZone != nil {
		return d.Terminal.QFPayZone
	}
	return time.FixedZone("+08:00", 8*3600)
}
