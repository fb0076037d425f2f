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
	// Explanation and Next are cashier-facing English text; they are also the message-catalog
	// keys under which translations are registered.
	Explanation string
	Next        string
}

// Night window wording that QFPay puts in resperr for 1265 (English or Chinese).
var nightWindowHints = []string{"23:30", "00:30", "night", "夜"}

// codeTable holds every response code qfpos knows, from the reference's section 4 (plus the
// 2017-era codes a client must still tolerate). Keep it the one place codes are explained.
var codeTable = map[string]CodeInfo{
	"0000": {Class: ClassFinalOK, Explanation: "Done.", Next: "Nothing more to do."},
	"1100": {Class: ClassRetryLater, Explanation: "QFPay is under maintenance.", Next: "Try again in a few minutes; nothing was charged or refunded."},
	"1101": {Class: ClassFinal, Reconcile: true, Explanation: "QFPay reported a reversal error.", Next: "Check the sale's status before doing anything else."},
	"1102": {Class: ClassUnknown, Explanation: "QFPay has already seen this request.", Next: "Checking the earlier attempt. Do not refund again."},
	"1103": {Class: ClassFinal, Explanation: "QFPay could not read the request.", Next: "Call support: qfpos sent a malformed request."},
	"1104": {Class: ClassFinal, CannotCancel: true, Explanation: "QFPay rejected a request parameter.", Next: "Ask your administrator to check the terminal's QFPay settings (mchid, app code)."},
	"1105": {Class: ClassFinal, Explanation: "This device is not activated with QFPay.", Next: "Ask your administrator to activate the terminal."},
	"1106": {Class: ClassFinal, Explanation: "QFPay does not recognise this device.", Next: "Ask your administrator to check the terminal's udid."},
	"1107": {Class: ClassFinal, Explanation: "This device is not allowed to do this.", Next: "Ask your administrator to check the terminal's permissions."},
	"1108": {Class: ClassFinal, Explanation: "QFPay rejected the terminal's signature.", Next: "Ask your administrator to check the app code, client key and sign type."},
	"1118": {Class: ClassFinal, Explanation: "QFPay's risk control blocked this.", Next: "Contact QFPay support; do not retry."},
	"1124": {Class: ClassFinal, Explanation: "A same-day card refund is a void and must be the full amount.", Next: "Refund the full amount today, or a partial amount from tomorrow."},
	"1125": {Class: ClassFinal, Reconcile: true, Explanation: "This sale was already refunded.", Next: "Check the sale's refunds; do not refund again."},
	"1136": {Class: ClassFinal, Explanation: "QFPay cannot find or operate on this transaction.", Next: "Check the sale's reference and try again, or contact QFPay support."},
	"1142": {Class: ClassFinal, Reconcile: true, Explanation: "The order is already closed.", Next: "Nothing more to do: the customer was not charged for it."},
	"1143": {Class: ClassPending, Explanation: "QFPay is still processing.", Next: "Still checking. Do not refund again."},
	"1145": {Class: ClassPending, Explanation: "QFPay is still processing.", Next: "Still checking. Do not refund again."},
	"1147": {Class: ClassFinal, Explanation: "WeChat Pay reported an error.", Next: "Contact QFPay support with the code before doing it again."},
	"1150": {Class: ClassFinal, CannotCancel: true, Explanation: "This account cannot cancel orders (T0 settlement).", Next: "Refund the sale instead once it is paid."},
	"1155": {Class: ClassFinal, CannotCancel: true, Explanation: "QFPay denied the refund or cancel.", Next: "Contact QFPay support before trying again."},
	"1161": {Class: ClassPending, Explanation: "The result is not known yet.", Next: "Still checking. Do not refund again."},
	"1181": {Class: ClassFinal, Explanation: "The order has expired.", Next: "Nothing to cancel: the order can no longer be paid."},
	"1201": {Class: ClassFinal, Explanation: "The customer's balance is insufficient.", Next: "Ask for another payment method."},
	"1202": {Class: ClassFinal, Explanation: "The payment code is wrong or expired.", Next: "Ask the customer to refresh the code."},
	"1203": {Class: ClassFinal, Explanation: "QFPay reports a problem with the merchant account.", Next: "Contact QFPay support."},
	"1204": {Class: ClassFinal, Explanation: "The bank reported an error.", Next: "Contact QFPay support with the code before doing it again."},
	"1205": {Class: ClassRetryLater, Explanation: "QFPay could not do it right now.", Next: "Try again in a few minutes."},
	"1212": {Class: ClassFinal, Explanation: "The customer must use a UnionPay overseas code.", Next: "Ask for another payment method."},
	"1241": {Class: ClassFinal, Explanation: "QFPay cannot find this store.", Next: "Ask your administrator to check the store's QFPay account."},
	"1242": {Class: ClassFinal, Explanation: "This store is not set up correctly at QFPay.", Next: "Contact QFPay support."},
	"1243": {Class: ClassFinal, Explanation: "This store is disabled at QFPay.", Next: "Contact QFPay support."},
	"1250": {Class: ClassFinal, Explanation: "QFPay does not allow this transaction.", Next: "Contact QFPay support."},
	"1251": {Class: ClassRetryLater, Explanation: "QFPay is fixing this store's set-up.", Next: "Try again later; contact QFPay support if it persists."},
	"1252": {Class: ClassRetryLater, Explanation: "QFPay had a system error.", Next: "Try again in a few minutes."},
	"1254": {Class: ClassRetryLater, Explanation: "QFPay is resolving a problem.", Next: "Try again in a few minutes."},
	"1260": {Class: ClassFinal, Explanation: "The customer was charged — refund it instead.", Next: "A paid sale cannot be cancelled: refund it (r)."},
	"1261": {Class: ClassFinal, Explanation: "The order was not paid.", Next: "Nothing was charged, so there is nothing to refund; cancel it instead."},
	"1262": {Class: ClassFinal, Reconcile: true, Explanation: "The order was already refunded.", Next: "Check the sale's refunds; do not refund again."},
	"1263": {Class: ClassFinal, Reconcile: true, Explanation: "The order was already cancelled.", Next: "Nothing more to do."},
	"1264": {Class: ClassFinal, Reconcile: true, Explanation: "The order is already closed.", Next: "Check the sale's refunds; do not refund again."},
	"1265": {Class: ClassFinal, Explanation: "QFPay refuses this refund: its refund period is over or it was a special promotion (QFPay also refuses refunds between 23:30 and 00:30).", Next: "Settle with the customer another way; contact QFPay support if unsure."},
	"1266": {Class: ClassFinal, Explanation: "QFPay says the amount is wrong.", Next: "Check the amount and try again."},
	"1267": {Class: ClassFinal, Explanation: "The order details do not match QFPay's.", Next: "Check the sale and try again."},
	"1268": {Class: ClassFinal, Explanation: "QFPay cannot find the original sale.", Next: "Check the sale's reference (syssn) and the QFPay environment."},
	"1269": {Class: ClassRetryLater, Explanation: "Today's takings are not enough to pay this refund.", Next: "Try again later today or tomorrow."},
	"1270": {Class: ClassFinal, Explanation: "This currency does not allow partial refunds.", Next: "Refund the full amount instead."},
	"1271": {Class: ClassFinal, Explanation: "This payment method does not allow partial refunds.", Next: "Refund the full amount instead."},
	"1272": {Class: ClassFinal, Explanation: "QFPay has already refunded part of this sale (maybe at another till).", Next: "Check what is left to refund and refund less."},
	"1294": {Class: ClassFinal, Explanation: "The bank blocked this for compliance.", Next: "Contact QFPay support; do not retry."},
	"1295": {Class: ClassPending, Explanation: "The network is slow; QFPay is waiting.", Next: "Still checking. Do not refund again."},
	"1296": {Class: ClassUnknown, Explanation: "The network is slow; the outcome is not known yet.", Next: "Checking with QFPay. Do not refund again."},
	"1297": {Class: ClassRetryLater, CannotCancel: true, Explanation: "The bank is busy, or this order cannot be cancelled this way.", Next: "Try again in a few minutes."},
	"1298": {Class: ClassPending, Explanation: "The network is slow; it may already have gone through.", Next: "Still checking. Do not refund again."},
	"2004": {Class: ClassFinal, Explanation: "The customer's balance is insufficient.", Next: "Ask for another payment method."},
	"2005": {Class: ClassFinal, Explanation: "The customer's code is wrong or expired.", Next: "Ask the customer to refresh the code."},
	"2006": {Class: ClassFinal, Explanation: "The QR code is not valid.", Next: "Ask the customer to refresh the code."},
	"2007": {Class: ClassFinal, Explanation: "The customer closed the payment.", Next: "Nothing was charged."},
	"2009": {Class: ClassRetryLater, Explanation: "QFPay could not reach the payment channel.", Next: "Try again in a few minutes."},
	"2010": {Class: ClassRetryLater, Explanation: "QFPay could not reach the payment channel.", Next: "Try again in a few minutes."},
	"2011": {Class: ClassUnknown, Explanation: "QFPay has already seen this reference.", Next: "Checking the earlier attempt. Do not refund again."},
	"2999": {Class: ClassPending, Explanation: "The payment channel is still processing.", Next: "Still checking. Do not refund again."},
}

// The night-window meaning of 1265 (decisions D9 and D9′): both meanings are always shown.
var code1265Night = CodeInfo{
	Code: "1265", Class: ClassRetryLater,
	Explanation: "QFPay refuses refunds between 23:30 and 00:30 (or the refund period of this sale is over).",
	Next:        "Try again after 00:30; if QFPay refuses again, settle with the customer another way.",
}

// unknownCode describes a code that is not in the table: QFPay documents "anything else failed",
// but an unexplained code on a money-moving request is confirmed by query first.
var unknownCode = CodeInfo{
	Class: ClassFinal, Reconcile: true,
	Explanation: "QFPay refused it with an unfamiliar code.",
	Next:        "Checking the sale's status; contact QFPay support with the code if it stays failed.",
}

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
