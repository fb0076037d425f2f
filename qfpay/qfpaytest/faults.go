package qfpaytest

import (
	"fmt"
	"time"
)

// FaultKind is a way the gateway misbehaves.
type FaultKind int

const (
	// FaultLatency delays the answer by Fault.Latency, then answers normally.
	FaultLatency FaultKind = iota + 1
	// FaultLostReply handles the request (a write is committed), then drops the connection.
	FaultLostReply
	// FaultBadGateway answers HTTP 502 with an HTML body without handling the request.
	FaultBadGateway
	// FaultTruncated handles the request, then sends only half of the JSON body.
	FaultTruncated
	// FaultTooMany answers HTTP 429 without handling the request.
	FaultTooMany
	// FaultBadSignature handles the request and signs the reply with the wrong key.
	FaultBadSignature
	// FaultSlowReply handles the request (a write is committed), then waits Fault.Latency
	// before replying: a client with a shorter timeout gives up on a write that happened.
	FaultSlowReply
	// FaultUnsigned handles the request and replies without X-QF-SIGN.
	FaultUnsigned
	// FaultForgedSuccess is a man in the middle: the request never reaches QFPay and the reply is
	// an unsigned {"respcd":"0000","syssn":"FORGED…"}.
	FaultForgedSuccess
	// FaultRedirect answers 307 to Fault.Location without handling the request.
	FaultRedirect
)

func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "latency"
	case FaultLostReply:
		return "lost-reply"
	case FaultBadGateway:
		return "bad-gateway"
	case FaultTruncated:
		return "truncated"
	case FaultTooMany:
		return "too-many"
	case FaultBadSignature:
		return "bad-signature"
	case FaultSlowReply:
		return "slow-reply"
	case FaultUnsigned:
		return "unsigned"
	case FaultForgedSuccess:
		return "forged-success"
	case FaultRedirect:
		return "redirect"
	}
	return fmt.Sprintf("fault(%d)", int(k))
}

// Fault is one injected misbehaviour.
type Fault struct {
	Kind     FaultKind
	Latency  time.Duration // for FaultLatency and FaultSlowReply
	Location string        // for FaultRedirect
}

type randomFaults struct {
	rate  float64
	kinds []Fault
}

// InjectFaults queues faults for the next requests to an endpoint ("refund", "reversal",
// "close", "query"), one fault per request, in order.
func (s *Sandbox) InjectFaults(endpoint string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[endpoint] = append(s.faults[endpoint], faults...)
}

// RandomFaults makes each request to the endpoint misbehave with probability rate, picking one
// of the given faults (the sandbox seed makes it repeatable). Rate 0 turns it off.
func (s *Sandbox) RandomFaults(endpoint string, rate float64, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rate <= 0 || len(faults) == 0 {
		delete(s.random, endpoint)
		return
	}
	s.random[endpoint] = randomFaults{rate: rate, kinds: faults}
}

// nextFaultLocked pops the next scripted fault for the endpoint, or draws a random one.
func (s *Sandbox) nextFaultLocked(endpoint string) (Fault, bool) {
	if q := s.faults[endpoint]; len(q) > 0 {
		s.faults[endpoint] = q[1:]
		return q[0], true
	}
	if r, ok := s.random[endpoint]; ok && s.rng.Float64() < r.rate {
		return r.kinds[s.rng.IntN(len(r.kinds))], true
	}
	return Fault{}, false
}

// Script is a scripted outcome for one refund or cancel, matched by out_trade_no or amount.
type Script struct {
	// RespCD answers at once with this code and records nothing (e.g. 1297, or 1265 with RespErr).
	// On a cancel it is answered before any rule is checked, so any code can be scripted.
	RespCD  string
	RespErr string
	// SettleTo is the final code of an accepted refund (default 0000); a failure code makes it fail.
	SettleTo string
	// Settle overrides the sandbox's settle timing for this operation when non-zero.
	Settle Settle
	// NeverSettle keeps the operation processing forever.
	NeverSettle bool
	// OmitSysSN leaves the reply's own syssn out (a close that did not happen, JP §2.5).
	OmitSysSN bool
	// Hollow answers a cancel with 0000 and a syssn of its own but changes nothing: the sale
	// stays as it was (paid, or open). Both reversal pages warn that a 0000 is not proof.
	Hollow bool
	// HiddenQueries keeps an accepted refund out of the next N query results, as if QFPay's
	// records lagged behind its writes.
	HiddenQueries int
	// Times limits how many operations the script applies to (0: every one).
	Times int
	// Skip lets the first Skip matching requests through untouched (e.g. script only a resend).
	Skip int
}

// ScriptOutTradeNo scripts the outcome of the refund with this out_trade_no (or the cancel of the
// sale with this out_trade_no).
func (s *Sandbox) ScriptOutTradeNo(otn string, sc Script) { s.setScript("otn:"+otn, sc) }

// ScriptAmount scripts the outcome of refunds and cancels of this amount (minor units).
func (s *Sandbox) ScriptAmount(amount int64, sc Script) {
	s.setScript(fmt.Sprintf("amt:%d", amount), sc)
}

func (s *Sandbox) setScript(k string, sc Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[k] = sc
}

// scriptLocked finds (and consumes one use of) the script for an operation.
func (s *Sandbox) scriptLocked(otn string, amount int64) (Script, bool) {
	for _, k := range []string{"otn:" + otn, fmt.Sprintf("amt:%d", amount)} {
		sc, ok := s.scripts[k]
		if !ok {
			continue
		}
		if sc.Skip > 0 {
			sc.Skip--
			s.scripts[k] = sc
			continue
		}
		if sc.Times > 0 {
			sc.Times--
			if sc.Times == 0 {
				delete(s.scripts, k)
			} else {
				s.scripts[k] = sc
			}
		}
		return sc, true
	}
	return Script{}, false
}
