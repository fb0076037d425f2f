package qfpay

import (
	"errors"
	"fmt"
	"time"
)

// APIError is a reply from QFPay (or the HTTP layer in front of it) that is not a success.
// RespCD is empty when the HTTP status alone carried the error.
type APIError struct {
	Endpoint   Endpoint
	HTTPStatus int
	RespCD     string
	RespErr    string
	RespMsg    string
	QFPayTime  time.Time // when the reply arrived, on QFPay's clock
}

func (e *APIError) Error() string {
	if e.RespCD == "" {
		return fmt.Sprintf("qfpay %s: HTTP %d", e.Endpoint, e.HTTPStatus)
	}
	msg := e.RespErr
	if msg == "" {
		msg = e.RespMsg
	}
	if msg == "" {
		return fmt.Sprintf("qfpay %s: respcd %s", e.Endpoint, e.RespCD)
	}
	return fmt.Sprintf("qfpay %s: respcd %s: %s", e.Endpoint, e.RespCD, msg)
}

// TransportError is a failure to get a reply at all. Sent reports whether the request may have
// reached QFPay (it was written, at least in part): then the outcome of a write is unknown.
type TransportError struct {
	Endpoint Endpoint
	Sent     bool
	Err      error
}

func (e *TransportError) Error() string {
	when := "before the request was sent"
	if e.Sent {
		when = "after the request was sent"
	}
	return fmt.Sprintf("qfpay %s: %s: %v", e.Endpoint, when, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// ValidationError is a request that was refused before anything was sent.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s %s", e.Field, e.Reason)
}

// ErrSignatureMismatch is reported (wrapped) when a response's X-QF-SIGN does not match and the
// client is in strict mode.
var ErrSignatureMismatch = errors.New("response signature does not match")

// DecodeError wraps ErrMalformedReply with the endpoint and HTTP status of the reply.
type DecodeError struct {
	Endpoint   Endpoint
	HTTPStatus int
	Err        error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("qfpay %s: HTTP %d: %v", e.Endpoint, e.HTTPStatus, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// RedirectError is a 3xx reply. The client never follows one (decision D22): on a write the
// outcome is unclear and is settled by query; a query fails.
type RedirectError struct {
	Endpoint   Endpoint
	HTTPStatus int
	Location   string // scheme, host and path of the target; the query part is dropped
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("qfpay %s: HTTP %d redirect to %s was not followed (check base_url)", e.Endpoint, e.HTTPStatus, e.Location)
}
