package report

import (
	"context"
	"fmt"
	"io"
	"time"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/storage"
)

// Difference kinds.
const (
	MissingLocally    = "missing-locally"    // QFPay has this terminal's refund or cancel; the journal does not
	RefundedElsewhere = "refunded-elsewhere" // QFPay has a refund of a journal sale that this terminal did not make
	MissingAtQFPay    = "missing-at-qfpay"   // the journal has it (not failed); QFPay has no record of it
	StateDiffers      = "state-differs"
	AmountDiffers     = "amount-differs"
)

// Difference is one disagreement between the journal and QFPay that needs a person.
type Difference struct {
	Kind   string    `json:"kind"`
	Row    ReportRow `json:"row"`
	Detail string    `json:"detail"`
}

// Reconciliation is what Reconcile found and did.
type Reconciliation struct {
	Date        string             `json:"date"`
	Checked     int                `json:"checked"`
	Settled     []storage.Reversal `json:"settled"`
	Differences []Difference       `json:"differences"`
}

// Reconcile compares the journal's refunds and cancels of the day with QFPay's records. It
// settles unfinished operations (unknown, processing) from QFPay's final answer, journaling that
// it did; adds refunds of the journal's sales made elsewhere (another till, QFPay's portal) to
// those sales; and returns what remains for a person.
func Reconcile(ctx context.Context, j *storage.Journal, gw reversal.Gateway, t time.Time, udid string) (Reconciliation, error) {
	loc := j.Location()
	res := Reconciliation{Date: t.In(loc).Format("2006-01-02")}
	local, err := j.ReversalsOn(t)
	if err != nil {
		return res, err
	}
	recs, err := reversalRecords(ctx, gw, t, loc)
	if err != nil {
		return res, err
	}
	m := newMatcher(recs)
	matched := map[int]bool{}
	for _, r := range local {
		res.Checked++
		sale, _, err := j.Sale(r.SaleSysSN)
		if err != nil {
			return res, err
		}
		row := rowOf(r, sale.PayType)
		k, found := m.find(r)
		if !found {
			if r.State != storage.StateFailed && r.State != storage.StatePending {
				res.Differences = append(res.Differences, Difference{Kind: MissingAtQFPay, Row: row,
					Detail: fmt.Sprintf("the journal says %s; QFPay has no record of it", r.State)})
			}
			continue
		}
		matched[k] = true
		rec := recs[k]
		remote := recordState(rec)
		if rec.Amount != r.Amount {
			res.Differences = append(res.Differences, Difference{Kind: AmountDiffers, Row: row,
				Detail: fmt.Sprintf("journal %s, QFPay %s", money.TextCode(r.Amount, r.Currency), money.TextCode(rec.Amount, r.Currency))})
		}
		switch {
		case remote == r.State:
		case !r.State.Finished() && remote.Finished():
			settled, err := j.Transition(r.ID, storage.Change{State: remote, SysSN: rec.SysSN, RespCD: rec.RespCD, RespErr: rec.ErrMsg,
				Event: storage.Event{Type: storage.EventQuery, Code: rec.RespCD, Message: "settled by reconciliation with QFPay's records"}})
			if err != nil {
				return res, err
			}
			res.Settled = append(res.Settled, settled)
		case !r.State.Finished():
			// Still processing at QFPay too: the lifecycle keeps checking it.
		default:
			res.Differences = append(res.Differences, Difference{Kind: StateDiffers, Row: row,
				Detail: fmt.Sprintf("journal %s, QFPay %s (respcd %s)", r.State, remote, rec.RespCD)})
		}
	}
	elsewhere := map[string]storage.RemoteUpdate{}
	for i, rec := range recs {
		if matched[i] {
			continue
		}
		if rec.OrderType == "refund" {
			_, ours, err := j.Sale(rec.OrigSysSN)
			if err != nil {
				return res, err
			}
			if ours && (udid == "" || rec.UDID != udid) {
				res.Differences = append(res.Differences, Difference{Kind: RefundedElsewhere, Row: recordRow(rec, j.QFPayZone(), loc),
					Detail: fmt.Sprintf("QFPay holds refund %s of this journal's sale, made %s; added to the sale's refunds", rec.SysSN, madeAt(rec.UDID))})
			}
			if ours {
				// Whoever made it, it counts against what is left of the sale.
				u := elsewhere[rec.OrigSysSN]
				u.Refunds = append(u.Refunds, reversal.RemoteRefund(rec))
				elsewhere[rec.OrigSysSN] = u
				if udid == "" || rec.UDID != udid {
					continue
				}
			}
		}
		if udid != "" && rec.UDID != udid {
			continue
		}
		res.Differences = append(res.Differences, Difference{Kind: MissingLocally, Row: recordRow(rec, j.QFPayZone(), loc),
			Detail: "QFPay has this terminal's " + rec.OrderType + " " + rec.SysSN + "; the journal does not"})
	}
	if _, err := j.UpdateRemotes(elsewhere); err != nil {
		return res, err
	}
	return res, nil
}

// madeAt names where a refund was made, from its udid.
func madeAt(udid string) string {
	if udid == "" {
		return "in QFPay's portal or by a till without a udid"
	}
	return "by " + udid
}

// WriteReconciliation prints what was settled and what remains.
func WriteReconciliation(w io.Writer, res Reconciliation) {
	fmt.Fprintf(w, "Reconciliation of %s: %d journaled refund(s) and cancel(s) checked against QFPay\n", res.Date, res.Checked)
	for _, r := range res.Settled {
		fmt.Fprintf(w, "settled: %s %s %s is %s (from QFPay's records)\n", r.Kind, money.TextCode(r.Amount, r.Currency), r.OutTradeNo, r.State)
	}
	if len(res.Differences) == 0 {
		fmt.Fprintln(w, "everything agrees")
		return
	}
	fmt.Fprintf(w, "%d difference(s) need a person:\n", len(res.Differences))
	for _, d := range res.Differences {
		id := d.Row.OutTradeNo
		if id == "" {
			id = d.Row.QFPaySysSN
		}
		fmt.Fprintf(w, "  %-17s %s %s %s (sale %s): %s\n", d.Kind, d.Row.Kind, money.TextCode(d.Row.Amount, d.Row.Currency), id, d.Row.SaleSysSN, d.Detail)
	}
}
