package qfpay

import (
	"strings"
	"time"
)

// Class is what a QFPay response code means for a refund or cancel that received it.
type Class int

const (
	// ClassFinalOK: the operation is done.
	ClassFinalOK Class = iota + 1
	// ClassPending: accepted and still processing; poll with query.
	ClassPending
	// ClassUnknown: the operation may or may not have happened; query before anything else.
	ClassUnknown
	// ClassRetryLater: refused for a passing reason; the identical request may be sent again later.
	ClassRetryLater
	// ClassFinal: refused for good.
	ClassFinal
)

// CodeInfo is one row of the response-code table.
type CodeInfo struct {
	Code  string
	Class Class
	// Reconcile marks a final refusal that hints an earlier attempt may already have succeeded
	// (for example "already refunded"): confirm with a query before calling it failed.
	Reconcile bool
	// CannotCancel marks an answer that means "this order cannot be cancelled through this
	// endpoint": a cancel may try the other endpoint.
	CannotCancel bool
	// Text names the cashier's words for the answer in the message catalog: the code itself,
	// "1265-night" for the night-window meaning of 1265, or "unknown" for a code qfpos does not
	// know. qfpay only classifies; the words live in the catalog.
	Text string
}

// Night window wording that QFPay puts in resperr for 1265 (English or Chinese).
var nightWindowHints = []string{"23:30", "00:30", "night", "夜"}

// codeTable holds every response code qfpos knows, from the reference's section 4 (plus the
// 2017-era codes a client must still tolerate). Keep it the one place codes are classified.
var codeTable = map[string]CodeInfo{
	"0000": {Class: ClassFinalOK},
	"1100": {Class: ClassRetryLater},
	"1101": {Class: ClassFinal, Reconcile: true},
	"1102": {Class: ClassUnknown},
	"1103": {Class: ClassFinal},
	"1104": {Class: ClassFinal, CannotCancel: true},
	"1105": {Class: ClassFinal},
	"1106": {Class: ClassFinal},
	"1107": {Class: ClassFinal},
	"1108": {Class: ClassFinal},
	"1118": {Class: ClassFinal},
	"1124": {Class: ClassFinal},
	"1125": {Class: ClassFinal, Reconcile: true},
	"1136": {Class: ClassFinal},
	"1142": {Class: ClassFinal, Reconcile: true},
	"1143": {Class: ClassPending},
	"1145": {Class: ClassPending},
	"1147": {Class: ClassFinal},
	"1150": {Class: ClassFinal, CannotCancel: true},
	"1155": {Class: ClassFinal, CannotCancel: true},
	"1161": {Class: ClassPending},
	"1181": {Class: ClassFinal},
	"1201": {Class: ClassFinal},
	"1202": {Class: ClassFinal},
	"1203": {Class: ClassFinal},
	"1204": {Class: ClassFinal},
	"1205": {Class: ClassRetryLater},
	"1212": {Class: ClassFinal},
	"1241": {Class: ClassFinal},
	"1242": {Class: ClassFinal},
	"1243": {Class: ClassFinal},
	"1250": {Class: ClassFinal},
	"1251": {Class: ClassRetryLater},
	"1252": {Class: ClassRetryLater},
	"1254": {Class: ClassRetryLater},
	"1260": {Class: ClassFinal},
	"1261": {Class: ClassFinal},
	"1262": {Class: ClassFinal, Reconcile: true},
	"1263": {Class: ClassFinal, Reconcile: true},
	"1264": {Class: ClassFinal, Reconcile: true},
	"1265": {Class: ClassFinal},
	"1266": {Class: ClassFinal},
	"1267": {Class: ClassFinal},
	"1268": {Class: ClassFinal},
	"1269": {Class: ClassRetryLater},
	"1270": {Class: ClassFinal},
	"1271": {Class: ClassFinal},
	"1272": {Class: ClassFinal},
	"1294": {Class: ClassFinal},
	"1295": {Class: ClassPending},
	"1296": {Class: ClassUnknown},
	"1297": {Class: ClassRetryLater, CannotCancel: true},
	"1298": {Class: ClassPending},
	"2004": {Class: ClassFinal},
	"2005": {Class: ClassFinal},
	"2006": {Class: ClassFinal},
	"2007": {Class: ClassFinal},
	"2009": {Class: ClassRetryLater},
	"2010": {Class: ClassRetryLater},
	"2011": {Class: ClassUnknown},
	"2999": {Class: ClassPending},
}

// The night-window meaning of 1265 (decisions D9 and D9′): both meanings are always shown.
var code1265Night = CodeInfo{Code: "1265", Class: ClassRetryLater, Text: "1265-night"}

// unknownCode describes a code that is not in the table: QFPay documents "anything else failed",
// but an unexplained code on a money-moving request is confirmed by query first.
var unknownCode = CodeInfo{Class: ClassFinal, Reconcile: true, Text: "unknown"}

// LookupCode returns the table row for a response code. resperr tells the two meanings of 1265
// apart (decision D9). A code that is not in the table gets a conservative default.
func LookupCode(code, resperr string) CodeInfo { return LookupCodeAt(code, resperr, time.Time{}) }

// LookupCodeAt is LookupCode for a reply that arrived at qfpayTime (QFPay's clock; zero when
// unknown): a 1265 inside 23:30–00:30 there is the night window, whatever resperr says (D9′).
func LookupCodeAt(code, resperr string, qfpayTime time.Time) CodeInfo {
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

// KnownCodes lists every code in the table, for tests and documentation.
func KnownCodes() []string {
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
