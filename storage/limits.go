package storage

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The approval limits a terminal enforces live in the journal, not in the configuration file:
// they are taken from the configuration the first time a journal is opened with one (AdoptLimits),
// and afterwards change only with a manager's id and PIN (SetLimits). Both are on the audit trail,
// which also holds a digest of the stored record, so an edit of the file is found.

// Limits say when a refund needs a manager's approval ([refunds]); zero values mean "never for
// that rule".
type Limits struct {
	Currency     string        `json:"currency"`                         // of the amounts below
	ApprovalOver int64         `json:"approval_over,omitempty"`          // one refund above this (minor units)
	CashierDaily int64         `json:"cashier_daily_limit,omitempty"`    // a cashier's refunds of the day above this
	MaxSaleAge   time.Duration `json:"max_sale_age,omitempty"`           // refunding a sale older than this
	OtherCashier bool          `json:"approval_other_cashier,omitempty"` // refunding another cashier's sale
}

// kLimits (meta) holds the journal's Limits as JSON.
var kLimits = []byte("limits")

// AuditKindLimits is a change of the approval limits: who made it and the limits after it.
const AuditKindLimits = "limits"

// limitsChange is the record of AuditKindLimits.
type limitsChange struct {
	Action string `json:"action"`
	By     string `json:"by,omitempty"`
	Limits Limits `json:"limits"`
	Stored string `json:"stored"` // SHA-256 of the stored record
}

// Limits returns the journal's approval limits; ok is false for a journal that has none yet.
func (j *Journal) Limits() (l Limits, ok bool, err error) {
	err = j.view(func(tx *bolt.Tx) error {
		l, ok, err = limitsTx(tx)
		return err
	})
	return l, ok, err
}

func limitsTx(tx *bolt.Tx) (Limits, bool, error) {
	var l Limits
	v := tx.Bucket(bMeta).Get(kLimits)
	if v == nil {
		return l, false, nil
	}
	if err := json.Unmarshal(v, &l); err != nil {
		return l, false, fmt.Errorf("the approval limits: %w", ErrDamaged)
	}
	return l, true, nil
}

// AdoptLimits gives a journal that has no limits yet the configured ones (the first start) and
// returns the journal's limits, which are the ones enforced whatever the configuration says.
func (j *Journal) AdoptLimits(configured Limits) (Limits, error) {
	if l, ok, err := j.Limits(); ok || err != nil {
		return l, err
	}
	var l Limits
	err := j.update(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if l, ok, err = limitsTx(tx); ok || err != nil {
			return err
		}
		l = configured
		return putLimits(tx, l, "taken from the configuration", "", j.now())
	})
	return l, err
}

// SetLimits changes the journal's limits: by must be a manager's id and PIN (a wrong PIN is
// counted as at the desk). Unchanged limits write nothing.
func (j *Journal) SetLimits(by Credential, l Limits) error {
	return j.change(func(tx *bolt.Tx, now time.Time) (error, error) {
		if refused, err := authorize(tx, by, true, now); refused != nil || err != nil {
			return refused, err
		}
		if old, ok, err := limitsTx(tx); err != nil || ok && old == l {
			return nil, err
		}
		return nil, putLimits(tx, l, "changed", by.ID, now)
	})
}

func putLimits(tx *bolt.Tx, l Limits, action, by string, now time.Time) error {
	v, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bMeta).Put(kLimits, v); err != nil {
		return err
	}
	return appendAudit(tx, now, AuditKindLimits, "limits", limitsChange{Action: action, By: by, Limits: l, Stored: digest(v)})
}
