package reversal

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"qfpos/qfpay/money"
	"qfpos/storage"
)

// ErrNeedsApproval is wrapped by ApprovalError.
var ErrNeedsApproval = errors.New("needs a manager's approval")

// ApprovalError refuses a refund that crosses a limit: Rule says which. Refused, when set, is why
// the approval given was not accepted (a *storage.StaffError: wrong PIN, not a manager, locked,
// disabled, not on the staff); else none was given.
type ApprovalError struct {
	Rule    string
	Refused error
}

func (e *ApprovalError) Error() string {
	if e.Refused != nil {
		return fmt.Sprintf("%s %v: approval refused (%v)", e.Rule, ErrNeedsApproval, e.Refused)
	}
	return fmt.Sprintf("%s %v", e.Rule, ErrNeedsApproval)
}

// Unwrap makes errors.Is find ErrNeedsApproval and the refusal's reason (storage.ErrWrongPIN…).
func (e *ApprovalError) Unwrap() []error {
	if e.Refused != nil {
		return []error{ErrNeedsApproval, e.Refused}
	}
	return []error{ErrNeedsApproval}
}

// Limits are the store's rules for when a refund needs a manager's approval: the journal's
// (storage.Limits), on a clock, with what each cashier has refunded today.
type Limits struct {
	storage.Limits
	Now          func() time.Time
	RefundsToday func(cashier string) (int64, error) // what a cashier has refunded today (not failed)
}

// rule phrases, the one wording of each limit: NeedsApproval names the one crossed, Describe all.
func overRule(l storage.Limits) string {
	return "a refund above " + money.TextCode(l.ApprovalOver, l.Currency)
}
func dailyRule(l storage.Limits, cashier string) string {
	return fmt.Sprintf("%s's refunds today above %s", cashier, money.TextCode(l.CashierDaily, l.Currency))
}
func ageRule(l storage.Limits) string { return "a sale older than " + ageText(l.MaxSaleAge) }

// DescribeLimits says in one line when a refund needs a manager's approval.
func DescribeLimits(l storage.Limits) string {
	var parts []string
	if l.ApprovalOver > 0 {
		parts = append(parts, overRule(l))
	}
	if l.CashierDaily > 0 {
		parts = append(parts, dailyRule(l, "a cashier"))
	}
	if l.MaxSaleAge > 0 {
		parts = append(parts, ageRule(l))
	}
	if l.OtherCashier {
		parts = append(parts, "a sale of another cashier")
	}
	if len(parts) == 0 {
		return "no refund needs an approval"
	}
	return "approval for " + strings.Join(parts, ", ")
}

// NeedsApproval says which rule, if any, asks for a manager's approval of refunding amount of the
// sale by the cashier ("" when none does).
func (l Limits) NeedsApproval(v storage.SaleView, amount int64, cashier string) (string, error) {
	if l.Currency == "" || v.Currency == l.Currency {
		if l.ApprovalOver > 0 && amount > l.ApprovalOver {
			return overRule(l.Limits), nil
		}
		if l.CashierDaily > 0 && l.RefundsToday != nil {
			done, err := l.RefundsToday(cashier)
			if err != nil {
				return "", err
			}
			if done+amount > l.CashierDaily {
				return dailyRule(l.Limits, cashier), nil
			}
		}
	}
	if l.MaxSaleAge > 0 && l.Now != nil && l.Now().Sub(v.Time) > l.MaxSaleAge {
		return ageRule(l.Limits), nil
	}
	if l.OtherCashier && v.Cashier != "" && cashier != "" && v.Cashier != cashier {
		return fmt.Sprintf("a sale of another cashier (%s)", v.Cashier), nil
	}
	return "", nil
}

func ageText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// RefundsToday sums a cashier's refunds journaled today in loc that did not fail.
func RefundsToday(j *storage.Journal, now time.Time) func(cashier string) (int64, error) {
	return func(cashier string) (int64, error) {
		rs, err := j.ReversalsOn(now)
		if err != nil {
			return 0, err
		}
		var sum int64
		for _, r := range rs {
			if r.Kind == storage.KindRefund && r.Cashier == cashier && r.State != storage.StateFailed {
				sum += r.Amount
			}
		}
		return sum, nil
	}
}
