// Package respcd is QFPay's response codes and what each means: for a refund, a reversal or a
// close (final or not, settle by query, try the other cancel endpoint, refund instead, read the
// sale again), for a query's record, and for a payment's status. It is the one table of them:
// the client, the lifecycle and the journal read its flags and hard-code no code numbers.
package respcd

import (
	"strings"
	"time"
)

// Class is what a QFPay response code means for a refund or cancel that received it, and for a
// query's record or a payment: FinalOK paid or done, Pending still processing.
type Class int

const (
	// FinalOK: the operation is done.
	FinalOK Class = iota + 1
	// Pending: accepted and still processing; poll with query.
	Pending
	// Unknown: the operation may or may not have happened; query before anything else.
	Unknown
	// RetryLater: refused for a passing reason; the identical request may be sent again later.
	RetryLater
	// Final: refused for good.
	Final
)

// OK is QFPay's code for success: an operation done, a payment paid.
const OK = "0000"

// SalePaidCode is the code that says a sale was paid (the one row with SalePaid): a cancel that a
// query finds paid ends with it, as if QFPay had answered it.
const SalePaidCode = "1260"

// Info is one row of the response-code table.
type Info struct {
	Code  string
	Class Class
	// Reconcile marks a final refusal that hints an earlier attempt may already have succeeded
	// (for example "already refunded"): confirm with a query before calling it failed.
	Reconcile bool
	// CannotCancel marks an answer that means "this order cannot be cancelled through this
	// endpoint": a cancel may try the other endpoint.
	CannotCancel bool
	// CancelDone marks a cancel's answer that says the order is (already) cancelled, closed or
	// expired. None is proof: a query of the sale confirms it.
	CancelDone bool
	// SalePaid marks a cancel's answer that says the sale was paid: the customer was charged, and
	// the cashier refunds it instead.
	SalePaid bool
	// NotPaid marks a refund's answer that says the sale was never paid: nothing was charged, so
	// nothing is refunded, and the cashier cancels the order instead.
	NotPaid bool
	// RemainderExceeded marks a refund's answer that QFPay holds refunds this terminal did not
	// count (made at another till): the sale is read again.
	RemainderExceeded bool
	// Text names the cashier's words for the answer in the message catalog: the code itself,
	// "1265-night" for the night-window meaning of 1265, or "unknown" for a code qfpos does not
	// know. qfpay only classifies; the words live in the catalog.
	Text string
}

// Night window wording that QFPay puts in resperr for 1265 (English or Chinese).
var nightWindowHints = []string{"23:30", "00:30", "night", "夜"}

// codeTable holds every response code qfpos knows, from the reference's section 4 (plus the
// 2017-era codes a client must still tolerate). Keep it the one place codes are classified.
var codeTable = map[string]Info{
	"0000": {Class: FinalOK, CancelDone: true},
	"1100": {Class: RetryLater},
	"1101": {Class: Final, Reconcile: true},
	"1102": {Class: Unknown},
	"1103": {Class: Final},
	"1104": {Class: Final, CannotCancel: true},
	"1105": {Class: Final},
	"1106": {Class: Final},
	"1107": {Class: Final},
	"1108": {Class: Final},
	"1118": {Class: Final},
	"1124": {Class: Final},
	"1125": {Class: Final, Reconcile: true},
	"1136": {Class: Final},
	"1142": {Class: Final, Reconcile: true, CancelDone: true},
	"1143": {Class: Pending},
	"1145": {Class: Pending},
	"1147": {Class: Final},
	"1150": {Class: Final, CannotCancel: true},
	"1155": {Class: Final, CannotCancel: true},
	"1161": {Class: Pending},
	"1181": {Class: Final, CancelDone: true},
	"1201": {Class: Final},
	"1202": {Class: Final},
	"1203": {Class: Final},
	"1204": {Class: Final},
	"1205": {Class: RetryLater},
	"1212": {Class: Final},
	"1241": {Class: Final},
	"1242": {Class: Final},
	"1243": {Class: Final},
	"1250": {Class: Final},
	"1251": {Class: RetryLater},
	"1252": {Class: RetryLater},
	"1254": {Class: RetryLater},
	"1260": {Class: Final, SalePaid: true},
	"1261": {Class: Final, NotPaid: true},
	"1262": {Class: Final, Reconcile: true},
	"1263": {Class: Final, Reconcile: true, CancelDone: true},
	"1264": {Class: Final, Reconcile: true},
	"1265": {Class: Final},
	"1266": {Class: Final},
	"1267": {Class: Final},
	"1268": {Class: Final},
	"1269": {Class: RetryLater},
	"1270": {Class: Final},
	"1271": {Class: Final},
	"1272": {Class: Final, RemainderExceeded: true},
	"1294": {Class: Final},
	"1295": {Class: Pending},
	"1296": {Class: Unknown},
	"1297": {Class: RetryLater, CannotCancel: true},
	"1298": {Class: Pending},
	"2004": {Class: Final},
	"2005": {Class: Final},
	"2006": {Class: Final},
	"2007": {Class: Final},
	"2009": {Class: RetryLater},
	"2010": {Class: RetryLater},
	"2011": {Class: Unknown},
	"2999": {Class: Pending},
}

// The night-window meaning of 1265 (decisions D9 and D9′): both meanings are always shown.
var code1265Night = Info{Code: "1265", Class: RetryLater, Text: "1265-night"}

// unknownCode describes a code that is not in the table: QFPay documents "anything else failed",
// but an unexplained code on a money-moving request is confirmed by query first.
var unknownCode = Info{Class: Final, Reconcile: true, Text: "unknown"}

// Lookup returns the table row for a response code. resperr tells the two meanings of 1265
// apart (decision D9). A code that is not in the table gets a conservative default.
func Lookup(code, resperr string) Info { return LookupAt(code, resperr, time.Time{}) }

// LookupAt is Lookup for a reply that arrived at qfpayTime (QFPay's clock; zero when
// unknown): a 1265 inside 23:30–00:30 there is the night window, whatever resperr says (D9′).
func LookupAt(code, resperr string, qfpayTime time.Time) Info {
	if code == "1265" && (mentionsNightWindow(resperr) || InNightWindow(qfpayTime)) {
		return code1265Night
	}
	info, ok := codeTable[code]
	if !ok {
		info = unknownCode
	} else {
		info.Text = code
	}
	info.Code = code
	return info
}

// Known lists every code in the table, for tests and documentation.
func Known() []string {
	out := make([]string, 0, len(codeTable))
	for c := range codeTable {
		out = append(out, c)
	}
	return out
}

// InNightWindow reports whether t (on QFPay's clock) falls between 23:30 and 00:30, when QFPay
// refuses refunds. The zero time is never in it.
func InNightWindow(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	hm := t.Hour()*60 + t.Minute()
	return hm >= 23*60+30 || hm < 30
}

func mentionsNightWindow(resperr string) bool {
	lower := strings.ToLower(resperr)
	for _, h := range nightWindowHints {
		if strings.Contains(lower, h) {
			return true
		}
	}
	return false
}
