package qfpaytest

import (
	"errors"
	"fmt"
)

// LedgerEntry is one refund or cancel the sandbox accepted.
type LedgerEntry struct {
	Kind       string // refund or cancel
	Endpoint   string // refund, reversal or close
	SysSN      string
	OutTradeNo string
	OrigSysSN  string
	Amount     int64
	RespCD     string // 0000 done, 1143/1145 processing, else failed
	UDID       string
}

// Ledger lists every refund and cancel the sandbox accepted, oldest first.
func (s *Sandbox) Ledger() []LedgerEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked(s.now())
	var out []LedgerEntry
	for _, t := range s.txns {
		if t.OrderType == "payment" {
			continue
		}
		kind := "refund"
		if t.OrderType == "close" {
			kind = "cancel"
		}
		out = append(out, LedgerEntry{Kind: kind, Endpoint: t.Endpoint, SysSN: t.SysSN, OutTradeNo: t.OutTradeNo,
			OrigSysSN: t.OrigSysSN, Amount: t.Amount, RespCD: t.RespCD, UDID: t.UDID})
	}
	return out
}

// Refunded returns what refunds of the sale have completed (0000) and what is still processing.
func (s *Sandbox) Refunded(origSysSN string) (done, processing int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked(s.now())
	for _, t := range s.txns {
		if t.OrderType != "refund" || t.OrigSysSN != origSysSN {
			continue
		}
		switch {
		case t.RespCD == "0000":
			done += t.Amount
		case t.Pending():
			processing += t.Amount
		}
	}
	return done, processing
}

// CheckLedger proves the money rules held: no out_trade_no used twice, no sale refunded beyond
// its amount, no sale both cancelled and refunded or cancelled twice, no refund of an unpaid sale.
func (s *Sandbox) CheckLedger() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked(s.now())
	var errs []error
	seen := map[string]bool{}
	refunded := map[string]int64{}
	cancels := map[string]int{}
	for _, t := range s.txns {
		if t.OutTradeNo != "" && t.OrderType != "close" {
			k := otnKey(t.AppCode, t.OutTradeNo)
			if seen[k] {
				errs = append(errs, fmt.Errorf("out_trade_no %s used twice", t.OutTradeNo))
			}
			seen[k] = true
		}
		switch t.OrderType {
		case "refund":
			if t.RespCD == "0000" || t.Pending() {
				refunded[t.OrigSysSN] += t.Amount
			}
		case "close":
			cancels[t.OrigSysSN]++
		}
	}
	for orig, amt := range refunded {
		sale := s.bySysSN[orig]
		if sale == nil {
			errs = append(errs, fmt.Errorf("refund of unknown sale %s", orig))
			continue
		}
		if amt > sale.Amount {
			errs = append(errs, fmt.Errorf("sale %s refunded %d of %d", orig, amt, sale.Amount))
		}
		if sale.RespCD != "0000" {
			errs = append(errs, fmt.Errorf("sale %s refunded but never paid", orig))
		}
		if cancels[orig] > 0 {
			errs = append(errs, fmt.Errorf("sale %s both refunded and cancelled", orig))
		}
	}
	for orig, n := range cancels {
		if n > 1 {
			errs = append(errs, fmt.Errorf("sale %s cancelled %d times", orig, n))
		}
	}
	return errors.Join(errs...)
}
