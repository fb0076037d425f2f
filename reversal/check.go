package reversal

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/respcd"
	"qfpos/storage"
)

// found is what QFPay's query knows of one operation: its own record (refunds) or the sale's
// record (cancels).
type found struct {
	rec qfpay.Record
	ok  bool
}

// check queries every operation in rs with as few calls as possible and journals the results.
func (d *Desk) check(ctx context.Context, rs []storage.Reversal) {
	results, err := d.lookup(ctx, rs)
	for _, r := range rs {
		if err != nil {
			d.queryFailed(r, err)
			continue
		}
		d.applyQuery(ctx, r, results[r.ID])
	}
}

// refundWindow is where QFPay's record of a refund surely lies: from a day before it was
// journaled to a day after its last send (D10′), never past the next hour.
func refundWindow(r storage.Reversal, now time.Time) (time.Time, time.Time) {
	last := r.Created
	if r.LastSent.After(last) {
		last = r.LastSent
	}
	return r.Created.Add(-24 * time.Hour), minTime(last.Add(24*time.Hour), now.Add(time.Hour))
}

// lookup finds each operation's record (D10′): a refund by its own syssn once a verified reply
// gave it (no window needed), else by its out_trade_no within refundWindow, one query per QFPay
// calendar month touched; a cancel through the sale's record by syssn. Ids go in batches that
// fit the query's fields.
func (d *Desk) lookup(ctx context.Context, rs []storage.Reversal) (map[uint64]found, error) {
	out := map[uint64]found{}
	now := d.clock.Now()
	type window struct {
		start, end time.Time
		otns       []string
	}
	months := map[string]*window{}
	var bySysSNIDs, sales []string
	for _, r := range rs {
		switch {
		case r.Kind == storage.KindCancel:
			sales = append(sales, r.SaleSysSN)
		case r.SysSN != "":
			bySysSNIDs = append(bySysSNIDs, r.SysSN)
		default:
			from, to := refundWindow(r, now)
			for _, w := range qfpay.MonthWindows(from, to, d.zone) {
				key := w[0].Format("2006-01")
				if m := months[key]; m != nil {
					m.start, m.end = minTime(m.start, w[0]), maxTime(m.end, w[1])
					m.otns = append(m.otns, r.OutTradeNo)
				} else {
					months[key] = &window{start: w[0], end: w[1], otns: []string{r.OutTradeNo}}
				}
			}
		}
	}
	byOTN, bySysSN, bySale := map[string]qfpay.Record{}, map[string]qfpay.Record{}, map[string]qfpay.Record{}
	for _, w := range months {
		for _, ids := range qfpay.BatchIDs(w.otns) {
			if err := d.query(ctx, qfpay.QueryRequest{OutTradeNos: ids, Start: w.start, End: w.end}, func(rec qfpay.Record) {
				if rec.OrderType == "" || rec.OrderType == "refund" {
					byOTN[rec.OutTradeNo] = rec
				}
			}); err != nil {
				return nil, err
			}
		}
	}
	for _, ids := range qfpay.BatchIDs(bySysSNIDs) {
		if err := d.query(ctx, qfpay.QueryRequest{SysSNs: ids}, func(rec qfpay.Record) { bySysSN[rec.SysSN] = rec }); err != nil {
			return nil, err
		}
	}
	for _, ids := range qfpay.BatchIDs(sales) {
		if err := d.query(ctx, qfpay.QueryRequest{SysSNs: ids}, func(rec qfpay.Record) {
			if rec.OrderType == "" || rec.OrderType == "payment" {
				bySale[rec.SysSN] = rec
			}
		}); err != nil {
			return nil, err
		}
	}
	for _, r := range rs {
		var rec qfpay.Record
		var ok bool
		switch {
		case r.Kind == storage.KindCancel:
			rec, ok = bySale[r.SaleSysSN]
		case r.SysSN != "":
			rec, ok = bySysSN[r.SysSN]
		default:
			rec, ok = byOTN[r.OutTradeNo]
		}
		out[r.ID] = found{rec, ok}
	}
	return out, nil
}

func (d *Desk) query(ctx context.Context, q qfpay.QueryRequest, each func(qfpay.Record)) error {
	cctx, cancel := context.WithTimeout(ctx, d.p.RequestTimeout)
	defer cancel()
	return QueryEach(cctx, d.gw, q, each)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// nextCheck plans the next query of an operation that is still not settled, and parks it as
// unknown once the polling window is over.
func (d *Desk) nextCheck(r storage.Reversal) (storage.State, time.Time) {
	now := d.clock.Now()
	since := now.Sub(r.Created)
	if r.State == storage.StateUnknown || since >= d.p.GiveUpAfter {
		if since >= d.p.RecheckFor {
			return storage.StateUnknown, time.Time{} // checked again on the next start
		}
		return storage.StateUnknown, d.onTick(now.Add(d.p.RecheckEvery))
	}
	d.mu.Lock()
	slow := d.slow[r.ID]
	if since >= d.p.FastFor {
		d.slow[r.ID] = slow + 1
	}
	d.mu.Unlock()
	return storage.StateProcessing, d.onTick(now.Add(d.p.backoff(since, slow, d.rnd())))
}

// onTick moves a planned check to the desk's shared tick, the next multiple of the poll interval:
// the checks of every operation in flight fall on the same instants and go out together, one
// query (a few when the ids fill more than one list) a tick, however many are in flight. Only
// the first check after a send keeps its own time, so a new refund queries nothing else.
func (d *Desk) onTick(t time.Time) time.Time {
	g := d.p.Interval
	if g <= 0 {
		return t
	}
	if a := t.Truncate(g); a.Before(t) {
		return a.Add(g)
	}
	return t.Truncate(g)
}

func (d *Desk) queryFailed(r storage.Reversal, err error) {
	state, next := d.nextCheck(r)
	if r.State == storage.StateSent && state == storage.StateProcessing {
		state = storage.StateSent
	}
	d.transition(r, storage.Change{State: state, NextCheck: next,
		Event: storage.Event{Type: storage.EventQuery, Message: "query failed: " + qfpay.Classify(nil, err).Reason}}, ReachDown)
}

// applyQuery journals what the query found: final outcomes end the operation, processing keeps
// polling, and "no such operation" allows an identical resend after a safe delay — the only
// reason to resend, and never for a cancel QFPay has answered.
func (d *Desk) applyQuery(ctx context.Context, r storage.Reversal, f found) {
	now := d.clock.Now()
	ev := storage.Event{Type: storage.EventQuery}
	if r.Kind == storage.KindCancel {
		var done bool
		if f, done = d.cancelResult(r, f); done {
			return
		}
	}
	if f.ok {
		info := respcd.Lookup(f.rec.RespCD, f.rec.ErrMsg)
		ev.Code = f.rec.RespCD
		switch info.Class {
		case respcd.FinalOK:
			ev.Message = "QFPay confirms it is done"
			d.transition(r, storage.Change{State: storage.StateSucceeded, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, Event: ev}, ReachOK)
		case respcd.Pending, respcd.Unknown:
			state, next := d.nextCheck(r)
			ev.Message = "QFPay is still processing"
			d.transition(r, storage.Change{State: state, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, NextCheck: next, Event: ev}, ReachOK)
		default:
			ev.Message = "QFPay's record shows " + f.rec.RespCD
			if f.rec.ErrMsg != "" {
				ev.Message += ": " + f.rec.ErrMsg
			}
			d.transition(r, storage.Change{State: storage.StateFailed, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, RespErr: f.rec.ErrMsg, Event: ev}, ReachOK)
		}
		return
	}
	// QFPay has no such operation.
	last := respcd.Lookup(r.RespCD, r.RespErr)
	ev.Message = "QFPay has no such operation"
	refusal := r.RespCD != "" && (last.Class == respcd.Final || last.Class == respcd.RetryLater)
	sinceSend := now.Sub(r.LastSent)
	switch {
	case refusal && (r.Attempts <= 1 || sinceSend >= d.p.ResendAfter):
		// A refusal confirmed: nothing happened. A refused resend is confirmed only a safe delay
		// after it, when the first send would have shown up (D20).
		ev.Code, ev.Message = r.RespCD, "QFPay has no such operation: the refusal ("+r.RespCD+") stands"
		d.transition(r, storage.Change{State: storage.StateFailed, Event: ev}, ReachOK)
		return
	case refusal:
	case r.Kind == storage.KindCancel && r.Answered:
		ev.Message = "the sale is still open at QFPay; QFPay answered the cancel, so it is not sent again"
	case sinceSend >= d.p.ResendAfter && max(r.Attempts-1, 0) < d.p.MaxResends:
		if r, ok := d.transition(r, storage.Change{State: r.State, NextCheck: now,
			Event: storage.Event{Type: storage.EventQuery, Message: "QFPay has no such operation; sending the identical request again"}}, ReachOK); ok {
			d.send(ctx, r)
		}
		return
	}
	state, next := d.nextCheck(r)
	if state == storage.StateUnknown {
		ev.Message = "Outcome unknown — still checking. Do not " + string(r.Kind) + " again."
	}
	d.transition(r, storage.Change{State: state, NextCheck: next, Event: ev}, ReachOK)
}

// cancelResult reads a cancel's outcome from the sale's record (D17, D19) and journals what the
// record says of the sale. Cancelled (flag 1, 2 or 3) means it happened; not paid means nothing
// was charged, which settles it once QFPay answered the cancel as done; paid means the customer
// was charged: the sale is marked paid and the cancel ends (done is true then). A sale that is
// still open is "not found".
func (d *Desk) cancelResult(r storage.Reversal, f found) (found, bool) {
	if !f.ok {
		return f, false
	}
	d.noteSaleRecord(r.SaleSysSN, f.rec)
	answered := respcd.Lookup(r.RespCD, r.RespErr)
	// succeed ends the cancel as done. It keeps what QFPay answered the cancel (1142, 1263 or
	// 1181 say the order was already closed, cancelled or expired; 0000 otherwise) and QFPay's
	// reference of the cancel if it gave one: the sale's own syssn is not the cancel's.
	succeed := func(msg string) (found, bool) {
		code := respcd.OK
		if answered.CancelDone {
			code = r.RespCD
		}
		ev := storage.Event{Type: storage.EventQuery, Code: f.rec.RespCD, Message: msg}
		d.transition(r, storage.Change{State: storage.StateSucceeded, RespCD: code, Event: ev}, ReachOK)
		return found{}, true
	}
	switch f.rec.Cancel {
	case qfpay.CancelReversed, qfpay.CancelClosed, qfpay.CancelRefunded:
		return succeed(fmt.Sprintf("QFPay's record shows sale %s cancelled (flag %s): nothing was charged", r.SaleSysSN, f.rec.Cancel))
	}
	if respcd.Lookup(f.rec.RespCD, "").Class == respcd.FinalOK {
		ev := storage.Event{Type: storage.EventQuery, Code: f.rec.RespCD, Message: fmt.Sprintf("QFPay's record shows sale %s paid", r.SaleSysSN)}
		d.cancelFoundPaid(r, storage.Change{RespErr: "paid at QFPay (enquiry)", Event: ev}, ReachOK)
		return found{}, true
	}
	if answered.CancelDone {
		// QFPay answered the cancel as done and the sale was never paid.
		if answered.Class == respcd.FinalOK {
			return succeed("QFPay confirms it is done")
		}
		return succeed("QFPay confirms the order was already cancelled: nothing was charged")
	}
	return found{}, false
}

// noteSaleRecord keeps what a query of the sale showed: its cancel flag, and its status when it
// moved forward (D21).
func (d *Desk) noteSaleRecord(syssn string, rec qfpay.Record) {
	v, ok, err := d.j.Sale(syssn)
	if err != nil || !ok || (v.QFPay.Cancel == rec.Cancel && v.RespCD == rec.RespCD) {
		return
	}
	if _, err := d.j.UpdateRemote(syssn, storage.RemoteUpdate{RespCD: rec.RespCD, Cancel: rec.Cancel, Checked: d.clock.Now()}); err != nil {
		d.log.Error("recording QFPay's record of a sale", "syssn", syssn, "err", err)
	}
}
