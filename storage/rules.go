package storage

import (
	"errors"
	"fmt"
)

// The rules the journal enforces. Callers test with errors.Is and read details with errors.As
// on *RuleError.
var (
	ErrNotFound     = errors.New("not in the journal")
	ErrInFlight     = errors.New("another refund or cancel of this sale is still in progress")
	ErrOverRefund   = errors.New("the refund is more than what is left to refund")
	ErrNotPaid      = errors.New("the sale was not paid, so it cannot be refunded")
	ErrCompleted    = errors.New("the sale was paid, so it cannot be cancelled: refund it instead")
	ErrCancelled    = errors.New("the sale was already cancelled")
	ErrAmount       = errors.New("the amount is not valid")
	ErrFinal        = errors.New("the operation is finished and cannot change")
	ErrDuplicate    = errors.New("the id is already used")
	ErrHasReversals = errors.New("the sale has refunds or cancels")
	ErrBadState     = errors.New("that state change is not allowed")
	ErrBackwards    = errors.New("the payment's status cannot go back")
	// ErrNoPerson refuses an intent whose cashier is not an active member of the staff of a
	// journal that has staff, or whose approver is not an active manager.
	ErrNoPerson = errors.New("needs a person on the staff")
	// ErrText refuses free text a printer or a terminal would act on (CheckText).
	ErrText = errors.New("the text is not printable")
)

// RuleError is a write the journal refused because it would break a rule.
type RuleError struct {
	Err        error  // one of the Err* rules above
	SaleSysSN  string // the sale concerned
	ReversalID uint64 // the reversal concerned, when there is one
	Remaining  int64  // for ErrOverRefund: what may still be refunded
	Existing   *Reversal
	Detail     string
}

func (e *RuleError) Error() string {
	msg := e.Err.Error()
	if e.SaleSysSN != "" {
		msg = fmt.Sprintf("sale %s: %s", e.SaleSysSN, msg)
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

func (e *RuleError) Unwrap() error { return e.Err }
