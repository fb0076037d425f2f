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
	// SaleStateRefundedElsewhere: QFPay's record says the paid sale was refunded in full or
	// reversed, and this terminal holds no refund of it (made at another till or in QFPay's portal).
	SaleStateRefundedElsewhere SaleState = "refunded-elsewhere"
	SaleStateInProgress        SaleState = "in-progress" // a refund or cancel is unfinished
)

// State sums the sale up. It is the one owner of what a sale is, from the same facts as
// Remaining (what is left to refund): the sales list, the sale screen, the reports and the
// lifecycle's rules (reversal.Rules) all read these two.
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
	case v.reversedAtQFPay() && v.Refunded == 0:
		return SaleStateRefundedElsewhere
	case v.Remaining() == 0 && v.Reserved == 0:
		return SaleStateRefunded
	case v.Refunded > 0:
		return SaleStatePartlyRefunded
	}
	return SaleStatePaid
}
