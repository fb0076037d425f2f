//go:build qfpos_extra_field

package storage

// The field a next release might add to Sale and Reversal (see extra.go): not omitempty, so
// that every JSON made from today's structs differs from the JSON that was written.
type (
	saleExtra struct {
		Loyalty string `json:"loyalty_card"`
	}
	reversalExtra struct {
		Till string `json:"till"`
	}
)
