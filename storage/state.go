package storage

// SaleState is the one word that sums up a sale for lists: what was paid and what was reversed.
type SaleState string

// Sale states. The values are stable: CSV and JSON output use them.
const (
	SaleStatePaid           SaleState = "paid"
	SaleStateUnpaid         SaleState = "unpaid" // not (yet) paid: a cancel may close it
	SaleStateFailed         SaleState = "failed" // the payment failed
	SaleStatePartlyRefunded SaleState = "partly-refunded"
	SaleStateRefunded       SaleState = "refunded"
	SaleStateCancelled      SaleState = "cancelled"
	SaleStateInProgress     SaleState = "in-progress" // a refund or cancel is unfinished
)

// State sums the sale up.
func (v SaleView) State() SaleState {
	switch {
	case v.Open != nil:
		return SaleStateInProgress
	case v.Cancelled:
		return SaleStateCancelled
	case v.Status() == PaymentProcessing:
		return SaleStateUnpaid
	case v.Status() == PaymentFailed:
		return SaleStateFailed
	case v.Refunded >= v.Amount:
		return SaleStateRefunded
	case v.Refunded > 0:
		return SaleStatePartlyRefunded
	}
	return SaleStatePaid
}
