package reversal

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/respcd"
	"qfpos/storage"
)

// transition journals a change and publishes it. A journal error is logged and the operation is
// returned as it was: it stays unfinished and is picked up again.
func (d *Desk) transition(r storage.Reversal, c storage.Change, reach Reach) (storage.Reversal, bool) {
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
	d.publish(nr, e, reach)
	if nr.State.Finished() {
		d.mu.Lock()
		delete(d.slow, nr.ID)
		d.mu.Unlock()
	}
	return nr, true
}

// sending is the change that says an operation's request is leaving: state sent, one more attempt.
func sending(kind storage.Kind, amount int64, currency, endpoint string, resend bool) storage.Change {
	typ := storage.EventSent
	if resend {
		typ = storage.EventResend
	}
	return storage.Change{State: storage.StateSent, Attempt: true,
		Event: storage.Event{Type: typ, Message: fmt.Sprintf("%s %s to /trade/v1/%s", kind, money.TextCode(amount, currency), endpoint)}}
}

// send journals that a request is leaving (state sent, one more attempt), sends it — the first
// time or an identical resend — and journals what the reply means.
func (d *Desk) send(ctx context.Context, r storage.Reversal) storage.Reversal {
	if ctx.Err() != nil {
		return r
	}
	r, ok := d.transition(r, sending(r.Kind, r.Amount, r.Currency, r.Endpoint, r.Attempts > 0), ReachNone)
	if !ok {
		return r
	}
	return d.deliver(ctx, r)
}

// deliver sends the request of an operation journaled as sent and journals what the reply means.
func (d *Desk) deliver(ctx context.Context, r storage.Reversal) storage.Reversal {
	cctx, cancel := context.WithTimeout(ctx, d.p.RequestTimeout)
	reply, err := d.call(cctx, r)
	cancel()
	return d.applyReply(ctx, r, reply, qfpay.Classify(reply, err))
}

// call sends the operation's request, built only from what the journal holds, so that every
// resend is identical.
func (d *Desk) call(ctx context.Context, r storage.Reversal) (*qfpay.Reply, error) {
	if r.Kind == storage.KindRefund {
		t, err := time.ParseInLocation(storage.TxDtmLayout, r.TxDtm, d.zone)
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
	case v.Info.Code != "" && v.Outcome != qfpay.Succeeded && !v.Unverified:
		e.Message = "QFPay answered " + v.Info.Code
		if reply != nil && reply.RespErr != "" {
			e.Message += ": " + reply.RespErr
		}
	default:
		e.Message = v.Reason
	}
	return e
}

// replyReach is what a reply (or its absence) says of the way to QFPay.
func replyReach(reply *qfpay.Reply, v qfpay.Verdict) Reach {
	if reply != nil && reply.RespCD != "" || v.Info.Code != "" {
		return ReachOK
	}
	return ReachDown
}

// applyReply journals what a reply means (decision D12 as revised in 10.1): a refund's verified
// 0000 and a refusal of its first send are final; everything else is settled by query. A cancel
// is never final on its reply alone; 1260 says the customer was charged; a cancel that this
// endpoint cannot do tries the other endpoint once (D2).
func (d *Desk) applyReply(ctx context.Context, r storage.Reversal, reply *qfpay.Reply, v qfpay.Verdict) storage.Reversal {
	now := d.clock.Now()
	c := storage.Change{Event: replyEvent(reply, v), RespCD: v.Info.Code}
	reach := replyReach(reply, v)
	if reply != nil {
		c.RespErr = reply.RespErr
		c.Answered = reply.RespCD != ""
		c.Unsigned = reply.Signature != qfpay.SignatureVerified
		if reply.Signature == qfpay.SignatureVerified {
			c.SysSN = reply.SysSN // nothing from an unverified reply is kept as QFPay's (D6′)
		}
	}
	if r.Kind == storage.KindCancel {
		return d.applyCancelReply(ctx, r, c, v, reach)
	}
	resend := r.Attempts > 1
	switch v.Outcome {
	case qfpay.Succeeded:
		c.State = storage.StateSucceeded
	case qfpay.Failed:
		switch {
		case v.Reconcile:
			c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
			c.Event.Message = "refused with " + v.Info.Code + "; confirming with QFPay before calling it failed"
		case resend && v.Info.Code != "":
			// The first send may have gone through: a refusal of the identical resend is not final (D20).
			c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
			c.Event.Message = "the resend was refused with " + v.Info.Code + "; the first send may have gone through — checking with QFPay"
		default:
			c.State = storage.StateFailed
		}
	case qfpay.RetryLater:
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
		if v.Info.Code != "" {
			// QFPay refused it for now; once a query confirms nothing happened, it is failed with
			// the explanation (try again later), rather than resent behind the cashier's back.
			c.Event.Message = "refused with " + v.Info.Code + " for now; confirming with QFPay that nothing happened"
		} else {
			c.NextCheck = now.Add(max(d.p.ResendAfter, d.p.First)) // never sent: the identical request goes after a query
		}
	default: // Processing, Unknown (an unverified 0000 among them)
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
	}
	r, _ = d.transition(r, c, reach)
	if r.State == storage.StateFailed && respcd.Lookup(r.RespCD, r.RespErr).RemainderExceeded {
		// QFPay holds refunds this terminal did not count: read the sale again.
		if _, err := d.Refresh(ctx, r.SaleSysSN); err != nil {
			d.log.Warn("reading the sale at QFPay after 1272", "sale", r.SaleSysSN, "err", err)
		}
	}
	return r
}

// applyCancelReply handles a cancel's reply. A 0000 and the "already cancelled" answers are
// confirmed by a query of the sale; 1260 means the customer was charged; a refusal that this
// endpoint cannot cancel the order tries the other endpoint once.
func (d *Desk) applyCancelReply(ctx context.Context, r storage.Reversal, c storage.Change, v qfpay.Verdict, reach Reach) storage.Reversal {
	now := d.clock.Now()
	code := v.Info.Code
	switch {
	case v.Info.SalePaid && !v.Unverified:
		return d.cancelFoundPaid(r, c, reach)
	case v.CannotCancel && !d.fellBack(r):
		other := otherEndpoint(r.Endpoint)
		r, ok := d.transition(r, storage.Change{Endpoint: other, RespCD: c.RespCD, RespErr: c.RespErr, Answered: c.Answered, Unsigned: c.Unsigned,
			Event: storage.Event{Type: storage.EventNote, Code: c.Event.Code, Signature: c.Event.Signature,
				Message: fmt.Sprintf("/trade/v1/%s cannot cancel this order; trying /trade/v1/%s", r.Endpoint, other)}}, reach)
		if !ok {
			return r
		}
		return d.send(ctx, r)
	case v.Info.CancelDone: // none of these answers is proof: a query of the sale confirms it (D17, D19)
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
		c.Event.Message = "QFPay answered " + code + "; confirming with an enquiry of the sale (a cancel's answer is not proof)"
	case v.Outcome == qfpay.Failed && !v.Reconcile:
		c.State = storage.StateFailed
	default: // processing, unknown, try later, a refusal to confirm: the sale's record decides
		c.State, c.NextCheck = storage.StateProcessing, now.Add(d.p.First)
		if v.Outcome == qfpay.RetryLater && code == "" {
			c.NextCheck = now.Add(max(d.p.ResendAfter, d.p.First))
		}
	}
	r, _ = d.transition(r, c, reach)
	return r
}

// cancelFoundPaid ends a cancel of a sale QFPay shows paid: the sale is marked paid and the
// cashier is told to refund it instead (D17, D19).
func (d *Desk) cancelFoundPaid(r storage.Reversal, c storage.Change, reach Reach) storage.Reversal {
	if _, err := d.j.UpdateRemote(r.SaleSysSN, storage.RemoteUpdate{RespCD: respcd.OK, Checked: d.clock.Now()}); err != nil {
		d.log.Error("recording that a sale was paid", "syssn", r.SaleSysSN, "err", err)
	}
	c.State, c.RespCD, c.NextCheck = storage.StateFailed, respcd.SalePaidCode, time.Time{}
	c.Event.Code, c.Event.Message = respcd.SalePaidCode, "the sale is paid at QFPay: the customer was charged; refund it instead"
	r, _ = d.transition(r, c, reach)
	return r
}

// fellBack reports whether a cancel already switched to its second endpoint.
func (d *Desk) fellBack(r storage.Reversal) bool {
	v, ok, err := d.j.Sale(r.SaleSysSN)
	if err != nil || !ok {
		return true
	}
	first, _ := d.Rules().Route(v.PayType)
	return r.Endpoint != first
}
