//go:build !qfpos_extra_field

package storage

// saleExtra and reversalExtra are embedded in Sale and Reversal. They are empty; built with the
// tag qfpos_extra_field they hold one field more (extra_field.go), as the next release may add, so
// that TestJournalsWrittenBeforeStillVerify proves journals written before it still verify and
// read (CI runs it both ways).
type (
	//lint:ignore U1000 embedded in Sale; has a field with the tag qfpos_extra_field
	saleExtra struct{}
	//lint:ignore U1000 embedded in Reversal; has a field with the tag qfpos_extra_field
	reversalExtra struct{}
)
