package qfpay

import (
	"fmt"
	"time"
)

// Limits from QFPay's field definitions.
const (
	MaxIDLen    = 128
	MaxUDIDLen  = 40
	MaxMchIDLen = 16
	// MaxAmount is the largest txamt (Int(11)) in minor units.
	MaxAmount int64 = 99_999_999_999
	// MaxIDListLen is the documented length of query's syssn and out_trade_no fields, String(128):
	// a comma-separated list of ids must fit it (reference §3.5, decision D10′).
	MaxIDListLen = 128
)

// BatchIDs splits ids into comma-separated lists that each fit MaxIDListLen, in order. An id
// longer than the limit on its own gets a batch of its own (validation refuses it).
func BatchIDs(ids []string) [][]string {
	var out [][]string
	var cur []string
	n := 0
	for _, id := range ids {
		add := len(id)
		if len(cur) > 0 {
			add++ // the comma
		}
		if len(cur) > 0 && n+add > MaxIDListLen {
			out = append(out, cur)
			cur, n, add = nil, 0, len(id)
		}
		cur = append(cur, id)
		n += add
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func checkIDList(field string, ids []string) error {
	n := 0
	for i, id := range ids {
		if err := CheckTransactionID(field, id); err != nil {
			return err
		}
		if i > 0 {
			n++
		}
		n += len(id)
	}
	if n > MaxIDListLen {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("list is %d characters; at most %d fit the field (batch the ids)", n, MaxIDListLen)}
	}
	return nil
}

// idChar reports whether c may appear in a transaction id. Besides letters, digits, '_' and '-',
// QFPay allows '|' and '*'. Anything else ('&', '=', spaces) would change what is signed.
func idChar(c byte, extra string) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		return true
	}
	for i := 0; i < len(extra); i++ {
		if c == extra[i] {
			return true
		}
	}
	return false
}

func checkID(field, v string, maxLen int, extra string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if len(v) > maxLen {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d characters; at most %d are allowed", len(v), maxLen)}
	}
	for i := 0; i < len(v); i++ {
		if !idChar(v[i], extra) {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("contains %q; only letters, digits and _ - %s are allowed", v[i], extra)}
		}
	}
	return nil
}

// CheckTransactionID validates a syssn or out_trade_no.
func CheckTransactionID(field, v string) error { return checkID(field, v, MaxIDLen, "|*", true) }

// CheckUDID validates a terminal udid (may be empty: not sent).
func CheckUDID(v string) error { return checkID("udid", v, MaxUDIDLen, "", false) }

// CheckMchID validates a mchid (may be empty: not sent).
func CheckMchID(v string) error { return checkID("mchid", v, MaxMchIDLen, "", false) }

// CheckAmount validates an amount in minor units.
func CheckAmount(field string, v int64) error {
	if v < 1 || v > MaxAmount {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d; it must be between 1 and %d minor units", v, MaxAmount)}
	}
	return nil
}

// CheckTxDtm validates a txdtm string (YYYY-MM-DD hh:mm:ss).
func CheckTxDtm(field, v string) error {
	if v == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	if _, err := time.Parse(TxDtmLayout, v); err != nil {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %.30q; the format is YYYY-MM-DD hh:mm:ss", v)}
	}
	return nil
}

func checkDigits(field, v string, n int) error {
	if len(v) != n {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %.20q; it must be %d digits", v, n)}
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("is %.20q; it must be %d digits", v, n)}
		}
	}
	return nil
}

// CheckPayType validates a pay_type (six digits).
func CheckPayType(v string) error { return checkDigits("pay_type", v, 6) }

func (r RefundRequest) validate() error {
	if err := CheckTransactionID("syssn", r.SysSN); err != nil {
		return err
	}
	if err := CheckTransactionID("out_trade_no", r.OutTradeNo); err != nil {
		return err
	}
	return CheckAmount("txamt", r.Amount)
}

func (r CancelRequest) validate() error {
	if r.SysSN == "" && r.OutTradeNo == "" {
		return &ValidationError{Field: "syssn", Reason: "or out_trade_no of the original sale is required"}
	}
	if r.SysSN != "" {
		if err := CheckTransactionID("syssn", r.SysSN); err != nil {
			return err
		}
	}
	if r.OutTradeNo != "" {
		if err := CheckTransactionID("out_trade_no", r.OutTradeNo); err != nil {
			return err
		}
	}
	if err := CheckAmount("txamt", r.Amount); err != nil {
		return err
	}
	return CheckTxDtm("txdtm", r.TxDtm)
}

func (q QueryRequest) validate() error {
	if err := checkIDList("syssn", q.SysSNs); err != nil {
		return err
	}
	if err := checkIDList("out_trade_no", q.OutTradeNos); err != nil {
		return err
	}
	for _, pt := range q.PayTypes {
		if err := checkDigits("pay_type", pt, 6); err != nil {
			return err
		}
	}
	if q.RespCD != "" {
		if err := checkDigits("respcd", q.RespCD, 4); err != nil {
			return err
		}
	}
	if q.Start.IsZero() != q.End.IsZero() {
		return &ValidationError{Field: "start_time", Reason: "and end_time must be given together"}
	}
	if !q.Start.IsZero() {
		if q.End.Before(q.Start) {
			return &ValidationError{Field: "end_time", Reason: "is before start_time"}
		}
		if q.Start.Year() != q.End.Year() || q.Start.Month() != q.End.Month() {
			return &ValidationError{Field: "end_time", Reason: "must be in the same calendar month as start_time"}
		}
	}
	if q.Page < 0 {
		return &ValidationError{Field: "page", Reason: "must be 1 or more"}
	}
	if q.PageSize < 0 || q.PageSize > 100 {
		return &ValidationError{Field: "page_size", Reason: fmt.Sprintf("is %d; it must be between 1 and 100", q.PageSize)}
	}
	return nil
}
