package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QFPay's cancel flag on a sale's record (reference §3.5).
const (
	CancelNone           = "0"
	CancelReversed       = "1" // CPM reversed (or, in old data, refunded)
	CancelClosed         = "2" // MPM cancelled or closed
	CancelRefunded       = "3" // refunded in full
	CancelPartlyRefunded = "5"
)

// Remote is what QFPay's records say of a sale beyond the payment itself: its cancel flag and
// the refunds QFPay holds for it, some of which other tills or QFPay's portal may have made.
type Remote struct {
	Cancel  string         `json:"cancel,omitempty"`
	Refunds []RemoteRefund `json:"refunds,omitempty"`
	Checked time.Time      `json:"checked,omitzero"` // when QFPay was last asked
}

// RemoteRefund is one refund record QFPay holds for a sale.
type RemoteRefund struct {
	SysSN      string `json:"syssn"`
	OutTradeNo string `json:"out_trade_no,omitempty"`
	Amount     int64  `json:"txamt"`
	RespCD     string `json:"respcd"`
	UDID       string `json:"udid,omitempty"`
	SysDtm     string `json:"sysdtm,omitempty"`
}

// RemoteUpdate is news from QFPay about one sale. Empty fields leave what the journal knows.
type RemoteUpdate struct {
	RespCD  string         // the payment's respcd at QFPay: applied only forward (processing → paid)
	Cancel  string         // QFPay's cancel flag
	Refunds []RemoteRefund // refund records, merged by syssn
	Checked time.Time
}

func remoteTx(tx *bolt.Tx, syssn string) (Remote, error) {
	var r Remote
	b := tx.Bucket(bSalesQFPay)
	if b == nil {
		return r, nil
	}
	v := b.Get([]byte(syssn))
	if v == nil {
		return r, nil
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("undecodable QFPay record of sale %s (%v): %w", syssn, err, ErrDamaged)
	}
	return r, nil
}

// UpdateRemote records what QFPay said of a sale and returns the sale as it now stands. A
// payment status that would go backwards is ignored (QFPay's word never un-pays a sale).
func (j *Journal) UpdateRemote(syssn string, u RemoteUpdate) (SaleView, error) {
	var out SaleView
	err := j.update(func(tx *bolt.Tx) error {
		var err error
		out, err = j.updateRemoteTx(tx, syssn, u)
		return err
	})
	return out, err
}

// UpdateRemotes records what QFPay said of many sales in one transaction. Sales that are not in
// the journal are skipped; it returns how many sales it changed.
func (j *Journal) UpdateRemotes(updates map[string]RemoteUpdate) (int, error) {
	n := 0
	err := j.update(func(tx *bolt.Tx) error {
		for syssn, u := range updates {
			before, err := remoteTx(tx, syssn)
			if err != nil {
				return err
			}
			v, err := j.updateRemoteTx(tx, syssn, u)
			switch {
			case errors.Is(err, ErrNotFound):
				continue
			case err != nil:
				return err
			}
			if v.QFPay.Cancel != before.Cancel || len(v.QFPay.Refunds) != len(before.Refunds) || u.RespCD != "" {
				n++
			}
		}
		return nil
	})
	return n, err
}

// merged is what the journal keeps of a sale at QFPay once u is recorded: the cancel flag and the
// check time when given, refund records merged by syssn.
func (r Remote) merged(u RemoteUpdate) Remote {
	out := Remote{Cancel: r.Cancel, Refunds: slices.Clone(r.Refunds), Checked: r.Checked}
	if u.Cancel != "" {
		out.Cancel = u.Cancel
	}
	for _, rr := range u.Refunds {
		i := slices.IndexFunc(out.Refunds, func(x RemoteRefund) bool { return x.SysSN == rr.SysSN })
		if i < 0 {
			out.Refunds = append(out.Refunds, rr)
		} else {
			out.Refunds[i] = rr
		}
	}
	if !u.Checked.IsZero() {
		out.Checked = u.Checked
	}
	return out
}

func (j *Journal) updateRemoteTx(tx *bolt.Tx, syssn string, u RemoteUpdate) (SaleView, error) {
	s, ok, err := saleTx(tx, syssn)
	if err != nil {
		return SaleView{}, err
	}
	if !ok {
		return SaleView{}, &RuleError{Err: ErrNotFound, SaleSysSN: syssn}
	}
	if forward(s, u) {
		s.RespCD = u.RespCD
		if _, err := j.putSaleTx(tx, s); err != nil {
			return SaleView{}, err
		}
	}
	before, err := remoteTx(tx, syssn)
	if err != nil {
		return SaleView{}, err
	}
	r := before.merged(u)
	v, err := json.Marshal(r)
	if err != nil {
		return SaleView{}, err
	}
	if err := tx.Bucket(bSalesQFPay).Put([]byte(syssn), v); err != nil {
		return SaleView{}, err
	}
	if err := appendAudit(tx, j.now(), AuditKindRecord, syssn, r); err != nil {
		return SaleView{}, err
	}
	return viewTx(tx, s)
}
