package reversal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/respcd"
	"qfpos/storage"
)

// Reading a sale at QFPay before a refund.
const (
	// refreshFresh is how long a read stays fresh: a refund started within it does not ask again
	// (the refund form reads the sale when it opens).
	refreshFresh = time.Minute
	// refreshTimeout bounds the read before a refund: the cashier waits for it.
	refreshTimeout = 5 * time.Second
)

// ErrNotAtQFPay is returned by Refresh when QFPay's query has no record of the sale.
var ErrNotAtQFPay = errors.New("QFPay has no record of this sale")

// Refresh reads what QFPay's records say of a sale — its status and cancel flag, by syssn, in one
// query, and when that flag shows refunds, the refund records QFPay holds for it — journals it,
// and returns the sale as it now stands (D21): refunds made at other tills or in QFPay's portal
// then count against what is left.
func (d *Desk) Refresh(ctx context.Context, syssn string) (storage.SaleView, error) {
	v, ok, err := d.j.Sale(syssn)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, &storage.RuleError{Err: storage.ErrNotFound, SaleSysSN: syssn}
	}
	u, err := d.readAtQFPay(ctx, v)
	if err != nil {
		return v, err
	}
	return d.j.UpdateRemote(syssn, u)
}

// readAtQFPay reads QFPay's record of a sale (and its refund records when the flag shows refunds)
// as an update for the journal, which it does not write: Refresh journals it at once, a refund
// with its intent. When the refund records cannot be read, what the record said is journaled
// before the error is returned.
func (d *Desk) readAtQFPay(ctx context.Context, v storage.SaleView) (storage.RemoteUpdate, error) {
	syssn := v.SysSN
	var rec qfpay.Record
	var found bool
	if err := d.query(ctx, qfpay.QueryRequest{SysSNs: []string{syssn}}, func(r qfpay.Record) {
		if r.SysSN == syssn && (r.OrderType == "" || r.OrderType == "payment") {
			rec, found = r, true
		}
	}); err != nil {
		return storage.RemoteUpdate{}, err
	}
	if !found {
		return storage.RemoteUpdate{}, ErrNotAtQFPay
	}
	u := storage.RemoteUpdate{RespCD: rec.RespCD, Cancel: rec.Cancel, Checked: d.clock.Now()}
	if flagShowsRefunds(rec) {
		refunds, err := d.refundRecords(ctx, v)
		if err != nil {
			if _, jerr := d.j.UpdateRemote(syssn, storage.RemoteUpdate{RespCD: rec.RespCD, Cancel: rec.Cancel}); jerr != nil {
				return storage.RemoteUpdate{}, jerr
			}
			return storage.RemoteUpdate{}, err
		}
		u.Refunds = refunds
	}
	return u, nil
}

// flagShowsRefunds reports whether a paid sale's record says it was refunded in part or whole.
func flagShowsRefunds(rec qfpay.Record) bool {
	switch rec.Cancel {
	case qfpay.CancelRefunded, qfpay.CancelPartlyRefunded:
		return true
	case qfpay.CancelReversed, qfpay.CancelClosed:
		return rec.RespCD == respcd.OK
	}
	return false
}

// refundRecords pages through QFPay's records of the sale's pay type from the sale's time to now
// (one calendar month per query) and keeps the refunds of the sale.
func (d *Desk) refundRecords(ctx context.Context, v storage.SaleView) ([]storage.RemoteRefund, error) {
	var out []storage.RemoteRefund
	for _, w := range qfpay.MonthWindows(v.Time.Add(-time.Minute), d.clock.Now(), d.zone) {
		q := qfpay.QueryRequest{Start: w[0], End: w[1]}
		if qfpay.CheckPayType(v.PayType) == nil {
			q.PayTypes = []string{v.PayType}
		}
		if err := d.query(ctx, q, func(rec qfpay.Record) {
			if rec.OrderType == "refund" && rec.OrigSysSN == v.SysSN {
				out = append(out, RemoteRefund(rec))
			}
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RemoteRefund keeps a refund record of QFPay's as the journal does.
func RemoteRefund(rec qfpay.Record) storage.RemoteRefund {
	return storage.RemoteRefund{SysSN: rec.SysSN, OutTradeNo: rec.OutTradeNo, Amount: rec.Amount, RespCD: rec.RespCD,
		UDID: rec.UDID, SysDtm: rec.SysDtm}
}

// refreshBeforeRefund reads the sale at QFPay unless that was done within refreshFresh. It
// returns the sale as QFPay's record makes it and that record, which the refund's intent
// journals in its own commit (nil when nothing new was read). If QFPay cannot be reached the
// refund goes ahead on this terminal's figure; the note says which it was. Only a journal error
// stops the refund.
func (d *Desk) refreshBeforeRefund(ctx context.Context, v storage.SaleView) (storage.SaleView, string, *storage.RemoteUpdate, error) {
	if !v.QFPay.Checked.IsZero() && d.clock.Now().Sub(v.QFPay.Checked) < refreshFresh {
		return v, elsewhereNote("QFPay's record was read just before", v), nil, nil
	}
	cctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	u, err := d.readAtQFPay(cctx, v)
	switch {
	case err == nil:
		nv := v.WithRemote(u)
		return nv, elsewhereNote("QFPay's record read before sending", nv), &u, nil
	case errors.Is(err, storage.ErrDamaged):
		return v, "", nil, err
	case errors.Is(err, ErrNotAtQFPay):
		return v, "QFPay has no record of the sale yet; going ahead on this terminal's figure", nil, nil
	}
	d.log.Warn("reading the sale at QFPay before a refund", "sale", v.SysSN, "err", err)
	return v, NoteUnreachable, nil, nil
}

func elsewhereNote(prefix string, v storage.SaleView) string {
	if v.Elsewhere > 0 {
		return fmt.Sprintf("%s: %s refunded elsewhere", prefix, money.TextCode(v.Elsewhere, v.Currency))
	}
	return prefix
}

// NoteUnreachable is the intent's note when the sale could not be read at QFPay before a refund.
const NoteUnreachable = "QFPay could not be reached before sending; going ahead on this terminal's figure"
