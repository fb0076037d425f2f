package qfpay

import (
	"context"
	"errors"
	"net/http"

	"qfpos/qfpay/respcd"
)

// Outcome is what a caller should do after a refund, reversal or close call.
type Outcome int

const (
	// Succeeded: the operation is done.
	Succeeded Outcome = iota + 1
	// Processing: QFPay accepted it and is still working; poll with query.
	Processing
	// Unknown: it may or may not have happened; query before anything else, never resend blindly.
	Unknown
	// Failed: refused for good (Verdict.Info says why and what to do).
	Failed
	// RetryLater: refused for a passing reason, or never sent; the identical request may be sent
	// again later.
	RetryLater
)

func (o Outcome) String() string {
	switch o {
	case Succeeded:
		return "succeeded"
	case Processing:
		return "processing"
	case Unknown:
		return "unknown"
	case Failed:
		return "failed"
	case RetryLater:
		return "retry-later"
	}
	return "invalid"
}

// Verdict is the classification of one reply.
type Verdict struct {
	Outcome Outcome
	// Info is the code table row when QFPay answered with a respcd (Info.Code is then set).
	Info respcd.Info
	// Reconcile: a final refusal that hints an earlier attempt may have succeeded; confirm by query.
	Reconcile bool
	// CannotCancel: for reversal/close, this endpoint cannot cancel the order; try the other once.
	CannotCancel bool
	// Unverified: the reply said 0000 but its signature is missing or wrong, so the success is
	// only a claim; Outcome is Unknown and one query decides (decision D6′).
	Unverified bool
	// Reason is a short technical description for logs and the event trail.
	Reason string
}

// Classify turns the result of Refund, Reverse or Close into what to do next (decision D12 and
// the code table). It is the only place this decision is made.
func Classify(reply *Reply, err error) Verdict {
	if err != nil {
		return classifyError(err)
	}
	if reply == nil {
		return Verdict{Outcome: Unknown, Reason: "no reply"}
	}
	info := respcd.LookupAt(reply.RespCD, reply.RespErr, reply.QFPayTime)
	v := verdictFor(info)
	if v.Outcome == Succeeded && reply.Endpoint == EndpointClose && reply.SysSN == "" {
		// JP §2.5: a close reply without its own syssn means the order could not be closed.
		return Verdict{Outcome: Failed, Info: info, CannotCancel: true, Reason: "close reply has no syssn"}
	}
	if v.Outcome == Succeeded && reply.Signature != SignatureVerified {
		v.Outcome, v.Unverified = Unknown, true
		v.Reason = "0000 in a reply whose signature is " + reply.Signature.String() + "; confirming by query"
	}
	return v
}

func verdictFor(info respcd.Info) Verdict {
	v := Verdict{Info: info, Reconcile: info.Reconcile, CannotCancel: info.CannotCancel, Reason: "respcd " + info.Code}
	switch info.Class {
	case respcd.FinalOK:
		v.Outcome = Succeeded
	case respcd.Pending:
		v.Outcome = Processing
	case respcd.Unknown:
		v.Outcome = Unknown
	case respcd.RetryLater:
		v.Outcome = RetryLater
	default:
		v.Outcome = Failed
	}
	return v
}

func classifyError(err error) Verdict {
	var (
		ve *ValidationError
		te *TransportError
		ae *APIError
		de *DecodeError
		re *RedirectError
	)
	switch {
	case errors.As(err, &re):
		return Verdict{Outcome: Unknown, Reason: re.Error()}
	case errors.As(err, &ve):
		return Verdict{Outcome: Failed, Reason: "not sent: " + ve.Error()}
	case errors.Is(err, ErrSignatureMismatch):
		return Verdict{Outcome: Unknown, Reason: "response signature mismatch"}
	case errors.As(err, &te):
		if te.Sent {
			return Verdict{Outcome: Unknown, Reason: "no reply after sending: " + te.Err.Error()}
		}
		return Verdict{Outcome: RetryLater, Reason: "not sent: " + te.Err.Error()}
	case errors.As(err, &de):
		return Verdict{Outcome: Unknown, Reason: "unreadable reply: " + de.Err.Error()}
	case errors.As(err, &ae):
		if ae.RespCD == "" {
			return Verdict{Outcome: Unknown, Reason: "HTTP " + http.StatusText(ae.HTTPStatus)}
		}
		info := respcd.LookupAt(ae.RespCD, ae.RespErr, ae.QFPayTime)
		if ae.HTTPStatus != http.StatusOK && ae.HTTPStatus >= 500 || ae.HTTPStatus == http.StatusTooManyRequests {
			return Verdict{Outcome: Unknown, Info: info, Reason: "HTTP " + http.StatusText(ae.HTTPStatus)}
		}
		return verdictFor(info)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Verdict{Outcome: Unknown, Reason: err.Error()}
	}
	return Verdict{Outcome: Unknown, Reason: err.Error()}
}
