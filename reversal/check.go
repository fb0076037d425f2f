package reversal

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/storage"
)

// queryChunk is how many ids go into one query (QFPay pages hold 100 records).
const queryChunk = 50

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

// lookup finds each operation's record: refunds by their own out_trade_no within windows around
// their times (one query per calendar month touched, decision D10), cancels through the sale's
// record by syssn.
func (d *Desk) lookup(ctx context.Context, rs []storage.Reversal) (map[uint64]found, error) {
	out := map[uint64]found{}
	loc := d.j.Location()
	now := d.clock.Now().In(loc)
	type window struct {
		start, end time.Time
		otns       []string
	}
	months := map[string]*window{}
	var sales []string
	for _, r := range rs {
		if r.Kind == storage.KindCancel {
			sales = append(sales, r.SaleSysSN)
			continue
		}
		for _, w := range monthWindows(r.Created.Add(-10*time.Minute), now.Add(10*time.Minute), loc) {
			key := w[0].Format("2006-01")
			if m := months[key]; m != nil {
				m.start, m.end = minTime(m.start, w[0]), maxTime(m.end, w[1])
				m.otns = append(m.otns, r.OutTradeNo)
			} else {
				months[key] = &window{start: w[0], end: w[1], otns: []string{r.OutTradeNo}}
			}
		}
	}
	byOTN := map[string]qfpay.Record{}
	for _, w := range months {
		for i := 0; i < len(w.otns); i += queryChunk {
			ids := w.otns[i:min(i+queryChunk, len(w.otns))]
			if err := d.query(ctx, qfpay.QueryRequest{OutTradeNos: ids, Start: w.start, End: w.end}, func(rec qfpay.Record) {
				byOTN[rec.OutTradeNo] = rec
			}); err != nil {
				return nil, err
			}
		}
	}
	bySale := map[string]qfpay.Record{}
	for i := 0; i < len(sales); i += queryChunk {
		ids := sales[i:min(i+queryChunk, len(sales))]
		if err := d.query(ctx, qfpay.QueryRequest{SysSNs: ids}, func(rec qfpay.Record) {
			if rec.OrderType == "" || rec.OrderType == "payment" {
				bySale[rec.SysSN] = rec
			}
		}); err != nil {
			return nil, err
		}
	}
	for _, r := range rs {
		if r.Kind == storage.KindCancel {
			rec, ok := bySale[r.SaleSysSN]
			out[r.ID] = found{rec, ok}
		} else {
			rec, ok := byOTN[r.OutTradeNo]
			out[r.ID] = found{rec, ok}
		}
	}
	return out, nil
}

func (d *Desk) query(ctx context.Context, q qfpay.QueryRequest, each func(qfpay.Record)) error {
	cctx, cancel := context.WithTimeout(ctx, d.p.RequestTimeout)
	defer cancel()
	return queryEach(cctx, d.gw, q, each)
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
		return storage.StateUnknown, now.Add(d.p.RecheckEvery)
	}
	d.mu.Lock()
	slow := d.slow[r.ID]
	if since >= d.p.FastFor {
		d.slow[r.ID] = slow + 1
	}
	d.mu.Unlock()
	return storage.StateProcessing, now.Add(d.p.backoff(since, slow, d.rnd()))
}

func (d *Desk) queryFailed(r storage.Reversal, err error) {
	state, next := d.nextCheck(r)
	if r.State == storage.StateSent && state == storage.StateProcessing {
		state = storage.StateSent
	}
	d.transition(r, storage.Change{State: state, NextCheck: next,
		Event: storage.Event{Type: storage.EventQuery, Message: "query failed: " + qfpay.Classify(nil, err).Reason}})
}

// applyQuery journals what the query found: final outcomes end the operation, processing keeps
// polling, and "no such operation" allows an identical resend after a safe delay — the only
// reason to resend.
func (d *Desk) applyQuery(ctx context.Context, r storage.Reversal, f found) {
	now := d.clock.Now()
	ev := storage.Event{Type: storage.EventQuery}
	if r.Kind == storage.KindCancel {
		f = d.cancelResult(r, f)
	}
	if f.ok {
		info := qfpay.LookupCode(f.rec.RespCD, f.rec.ErrMsg)
		ev.Code = f.rec.RespCD
		switch info.Class {
		case qfpay.ClassFinalOK:
			ev.Message = "QFPay confirms it is done"
			d.transition(r, storage.Change{State: storage.StateSucceeded, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, Event: ev})
			return
		case qfpay.ClassPending, qfpay.ClassUnknown:
			state, next := d.nextCheck(r)
			ev.Message = "QFPay is still processing"
			d.transition(r, storage.Change{State: state, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, NextCheck: next, Event: ev})
			return
		default:
			ev.Message = info.Explanation + " " + info.Next
			d.transition(r, storage.Change{State: storage.StateFailed, SysSN: f.rec.SysSN, RespCD: f.rec.RespCD, RespErr: f.rec.ErrMsg, Event: ev})
			return
		}
	}
	// QFPay has no such operation.
	last := qfpay.LookupCode(r.RespCD, r.RespErr)
	ev.Message = "QFPay has no such operation"
	if r.RespCD != "" && (last.Class == qfpay.ClassFinal || last.Class == qfpay.ClassRetryLater) {
		// A refusal that had to be confirmed: confirmed, nothing happened.
		ev.Code, ev.Message = r.RespCD, last.Explanation+" "+last.Next
		d.transition(r, storage.Change{State: storage.StateFailed, Event: ev})
		return
	}
	resends := max(r.Attempts-1, 0)
	if now.Sub(r.LastSent) >= d.p.ResendAfter && resends < d.p.MaxResends {
		if r, ok := d.transition(r, storage.Change{State: r.State, NextCheck: now,
			Event: storage.Event{Type: storage.EventQuery, Message: "QFPay has no such operation; sending the identical request again"}}); ok {
			d.send(ctx, r)
		}
		return
	}
	state, next := d.nextCheck(r)
	if state == storage.StateUnknown {
		ev.Message = "Outcome unknown — still checking. Do not refund again."
	}
	d.transition(r, storage.Change{State: state, NextCheck: next, Event: ev})
}

// cancelResult reads a cancel's outcome from the sale's record: cancel flag 1 or 2 means it
// happened; a sale that is still open means it did not (as if not found); a sale paid after all
// means the cancel cannot happen.
func (d *Desk) cancelResult(r storage.Reversal, f found) found {
	if !f.ok {
		return f
	}
	switch f.rec.Cancel {
	case qfpay.CancelReversed, qfpay.CancelClosed:
		return found{rec: qfpay.Record{RespCD: "0000", SysSN: r.SysSN}, ok: true}
	}
	if f.rec.RespCD == "0000" {
		d.markPaid(r.SaleSysSN)
		return found{rec: qfpay.Record{RespCD: "1260", ErrMsg: fmt.Sprintf("sale %s was paid after all", r.SaleSysSN)}, ok: true}
	}
	return found{}
}

// markPaid records in the journal that QFPay reports the sale as paid.
func (d *Desk) markPaid(syssn string) {
	v, ok, err := d.j.Sale(syssn)
	if err != nil || !ok || v.RespCD == "0000" {
		return
	}
	v.Sale.RespCD = "0000"
	if _, err := d.j.PutSale(v.Sale); err != nil {
		d.log.Error("recording that a sale was paid", "syssn", syssn, "err", err)
	}
}
