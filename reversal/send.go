package reversal

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/storage"
)

// transition journals a change and publishes it. A journal error is logged and the operation is
// returned as it was: it stays unfinished and is picked up again.
func (d *Desk) transition(r storage.Reversal, c storage.Change) (storage.Reversal, bool) {
	nr, err := d.j.Transition(r.ID, c)
	if err != nil {
		d.log.Error("journal transition failed", "reversal", r.ID, "err", err)
		return r, false
	}
	e := c.Event
	e.At, e.State, e.NextCheck = nr.Updated, nr.State, nr.NextCheck
	if c.Attempt && e.Attempt == 0 {
		e.Attempt = nr.Attempts
	}
	d.publish(nr, e)
	if nr.State.Finished() {
		d.mu.Lock()
		delete(d.slow, nr.ID)
		d.mu.Unlock()
	}
	return nr, true
}

// send journals that a request is leaving (state sent, one more attempt), sends it — the first
// time or an identical resend — and journals what the reply means.
func (d *Desk) send(ctx context.Context, r storage.Reversal) storage.Reversal {
	if ctx.Err() != nil {
		return r
	}
	typ := storage.EventSent
	if r.Attempts > 0 {
		typ = storage.EventResend
	}
	r, ok := d.transition(r, storage.Change{State: storage.StateSent, Attempt: true,
		Event: storage.Event{Type: typ, Message: fmt.Sprintf("%s %d %s to /trade/v1/%s", r.Kind, r.Amount, r.Currency, r.Endpoint)}})
	if !ok {
		return r
	}
	cctx, cancel := context.WithTimeout(ctx, d.p.RequestTimeout)
	reply, err := d.call(cctx, r)
	cancel()
	return d.applyReply(ctx, r, reply, qfpay.Classify(reply, err))
}

// call sends the operation's request, built only from what the journal holds, so that every
// resend is identical.
func (d *Desk) call(ctx context.Context, r storage.Reversal) (*qfpay.Reply, error) {
	if r.Kind == storage.KindRefund {
		t, err := time.ParseInLocation(storage.TxDtmLayout, r.TxDtm, d.j.Location())
		if err != nil {
			return nil, &qfpay.ValidationError{Field: "txdtm", Reason: "in the journal is not valid"}
		}
		return d.gw.Refund(ctx, qfpay.RefundRequest{SysSN: r.SaleSysSN, OutTradeNo: r.OutTradeNo, Amount: r.Amount, Time: t})
	}
	v, ok, err := d.j.Sale(r.SaleSysSN)
	if err != nil || !ok {
		return nil, &qfpay.ValidationError{Field: "syssn", Reason: "of the sale is not in the journal"}
	}
	req := qfpay.CancelRequest{SysSN: v.SysSN, OutTradeNo: v.OutTradeNo, Amount: r.Amount, TxDtm: r.TxDtm}
	if r.Endpoint == "close" {
		return d.gw.Close(ctx, req)
	}
	return d.gw.Reverse(ctx, req)
}

func replyEvent(reply *qfpay.Reply, v qfpay.Verdict) storage.Event {
	e := storage.Event{Type: storage.EventReply, Code: v.Info.Code}
	if reply != nil {
		e.Signature = reply.Signature.String()
	}
	switch {
	case v.Info.Code != "" && v.Outcome != qfpay.Succeeded:
		e.Message = v.Info.Explanation + " " + v.Info.Next
	default:
		e.Message = v.Reason
	}
	return e
}

// applyReply journals what a reply means (decision D12): succeeded and failed are final;
// processing, unknown and try-later are settled by query; a cancel that this endpoint cannot do
// tries the other endpoint once (D2).
func (d *Desk) applyReply(ctx context.Context, r storage.Reversal, reply *qfpay.Reply, v qfpay.Verdict) storage.Reversal {
	now := d.clock.Now()
	c := storage.Change{Event: replyEvent(reply, v), RespCD: v.Info.Code}
	if reply != nil {
		c.SysSN, c.RespErr = reply.SysSN, reply.RespErr
	}
	if r.Kind == storage.KindCancel && v.CannotCancel && !d.fellBack(r) {
		r, ok := d.transition(r, storage.Change{Endpoint: otherEndpoint(r.Endpoint), RespCD: c.RespCD, RespErr: c.RespErr,
			Event: storage.Event{Type: storage.EventNote, Code: c.Event.Code,
				Message: fmt.Sprintf("/trade/v1/%s cannot cancel this order; trying /trade/v1/%s", r.Endpoint, otherEndpoint(r.Endpoint))}})
		if !ok {
			return r
		}
		return d.send(ctx, r)
	}
	switch v.Outcome {
	case qfpay.Succeeded:
		c.State = storage.StateSucceeded
	case qfpay.Failed:
		if v.Reconcile {
			c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
			c.Event.Message = "refused with " + v.Info.Code + "; confirming with QFPay before calling it failed"
		} else {
			c.State = storage.StateFailed
		}
	case qfpay.RetryLater:
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
		if v.Info.Code != "" {
			// QFPay refused it for now; once a query confirms nothing happened, it is failed with
			// the explanation (try again later), rather than resent behind the cashier's back.
			c.Event.Message = "refused with " + v.Info.Code + " (" + v.Info.Explanation + "); confirming with QFPay"
		} else {
			c.NextCheck = now.Add(max(d.p.ResendAfter, d.p.First)) // never sent: the identical request goes after a query
		}
	default: // Processing, Unknown
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
	}
	r, _ = d.transition(r, c)
	return r
}

// fellBack reports whether a cancel already switched to its second endpoint.
func (d *Desk) fellBack(r storage.Reversal) bool {
	v, ok, err := d.j.Sale(r.SaleSysSN)
	if err != nil || !ok {
		return true
	}
	return r.Endpoint != d.cancelEndpoint(v.PayType)
}
