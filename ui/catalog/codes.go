package catalog

import "qfpos/qfpay/respcd"

// Operations whose words a code is explained in: a refund, a cancel through /trade/v1/reversal
// or /trade/v1/close, and a query (/trade/v1/query), which only checks.
const (
	OpRefund   = "refund"
	OpReversal = "reversal"
	OpClose    = "close"
	OpQuery    = "query"
)

// Ops lists the operations, for tests.
var Ops = []string{OpRefund, OpReversal, OpClose, OpQuery}

// group is the words an operation uses: a reversal and a close are both the cashier's cancel.
func group(op string) string {
	switch op {
	case OpReversal, OpClose, "cancel":
		return "cancel"
	case OpQuery:
		return OpQuery
	}
	return OpRefund
}

// codeWords are what a code means and what to do next.
type codeWords struct{ Explanation, Next Key }

// codeTexts are the cashier's words for every QFPay response code qfpos knows, keyed by the code
// (respcd's Text: "1265-night" for the night-window meaning of 1265, "unknown" for any other),
// then by the words' operation: "" for every operation, or "refund", "cancel" (a reversal or a
// close) and "query" where they differ. A refund's words never speak of cancelling nor a
// cancel's of refunding, except to send the cashier to the other (1261, 1260); a query's name
// neither; a final code never says to try again. qfpay classifies the codes; only the words live
// here. Translations key by "code" and "code/operation" alike (zh_hant.go, zh_hans.go).
var codeTexts = map[string]map[string]codeWords{
	"0000": {"": {"Done.", "Nothing more to do."}},
	"1100": {
		"":      {"QFPay is under maintenance.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay is under maintenance.", "qfpos asks QFPay again shortly."},
	},
	"1101": {
		"":       {"QFPay reported a processing error.", "Check the sale's status before doing anything else."},
		"cancel": {"QFPay reported a reversal error.", "Check the sale's status before doing anything else."},
	},
	"1102": {
		"refund": {"QFPay has already seen this request.", "Checking the earlier attempt. Do not refund again."},
		"cancel": {"QFPay has already seen this request.", "Checking the earlier attempt. Do not cancel again."},
		"query":  {"QFPay has already seen this request.", "Checking the earlier attempt."},
	},
	"1103": {"": {"QFPay could not read the request.", "Call support: qfpos sent a malformed request."}},
	"1104": {"": {"QFPay rejected a request parameter.", "Ask your administrator to check the terminal's QFPay settings (mchid, app code)."}},
	"1105": {"": {"This device is not activated with QFPay.", "Ask your administrator to activate the terminal."}},
	"1106": {"": {"QFPay does not recognise this device.", "Ask your administrator to check the terminal's udid."}},
	"1107": {"": {"This device is not allowed to do this.", "Ask your administrator to check the terminal's permissions."}},
	"1108": {"": {"QFPay rejected the terminal's signature.", "Ask your administrator to check the app code, client key and sign type."}},
	"1118": {"": {"QFPay's risk control blocked this.", "Contact QFPay support; do not retry."}},
	"1124": {
		"":       {"QFPay refused this for a same-day card payment.", "Contact QFPay support with the code."},
		"refund": {"A same-day card refund is a void and must be the full amount.", "Refund the full amount today, or a partial amount from tomorrow."},
	},
	"1125": {
		"":       {"QFPay says money was already returned on this sale.", "Check the sale with a manager before doing anything else."},
		"refund": {"This sale was already refunded.", "Check the sale's refunds; do not refund again."},
	},
	"1136": {"": {"QFPay cannot find or operate on this transaction.", "Check the sale's QFPay reference; contact QFPay support if it is right."}},
	"1142": {
		"refund": {"QFPay says the order is closed.", "Check the sale with a manager; do not refund again."},
		"cancel": {"The order was already closed.", "Nothing more to do: the customer was not charged for it."},
		"query":  {"The order is closed.", "Nothing more to do."},
	},
	"1143": {
		"refund": {"QFPay is still processing.", "Still checking. Do not refund again."},
		"cancel": {"QFPay is still processing.", "Still checking. Do not cancel again."},
		"query":  {"QFPay is still processing.", "Still checking."},
	},
	"1145": {
		"refund": {"QFPay is still processing.", "Still checking. Do not refund again."},
		"cancel": {"QFPay is still processing.", "Still checking. Do not cancel again."},
		"query":  {"QFPay is still processing.", "Still checking."},
	},
	"1147": {"": {"WeChat Pay reported an error.", "Contact QFPay support with the code before doing it again."}},
	"1150": {
		"":       {"QFPay refused: this account's T0 settlement does not allow it.", "Contact QFPay support with the code."},
		"cancel": {"This account cannot cancel orders (T0 settlement).", "Leave the unpaid order to expire: nothing was charged."},
	},
	"1155": {
		"refund": {"QFPay denied this refund.", "Contact QFPay support before doing anything else."},
		"cancel": {"QFPay denied this cancel.", "Contact QFPay support before doing anything else."},
		"query":  {"QFPay denied the request.", "Contact QFPay support."},
	},
	"1161": {
		"refund": {"The result is not known yet.", "Still checking. Do not refund again."},
		"cancel": {"The result is not known yet.", "Still checking. Do not cancel again."},
		"query":  {"The result is not known yet.", "Still checking."},
	},
	"1181": {
		"":       {"The order has expired.", "Nothing more to do: the order can no longer be paid."},
		"refund": {"QFPay says the order has expired.", "Nothing was charged for it, so there is nothing to give back."},
	},
	"1201": {"": {"QFPay answered with a payment's error: the customer's balance is insufficient.", "Contact QFPay support with the code."}},
	"1202": {"": {"QFPay answered with a payment's error: the payment code is wrong or expired.", "Contact QFPay support with the code."}},
	"1203": {"": {"QFPay reports a problem with the merchant account.", "Contact QFPay support."}},
	"1204": {"": {"The bank reported an error.", "Contact QFPay support with the code before doing it again."}},
	"1205": {
		"":      {"QFPay could not do it right now.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay could not answer right now.", "qfpos asks QFPay again shortly."},
	},
	"1212": {"": {"QFPay answered with a payment's error: a UnionPay overseas code is needed.", "Contact QFPay support with the code."}},
	"1241": {"": {"QFPay cannot find this store.", "Ask your administrator to check the store's QFPay account."}},
	"1242": {"": {"This store is not set up correctly at QFPay.", "Contact QFPay support."}},
	"1243": {"": {"This store is disabled at QFPay.", "Contact QFPay support."}},
	"1250": {"": {"QFPay does not allow this transaction.", "Contact QFPay support."}},
	"1251": {
		"":      {"QFPay is fixing this store's set-up.", "Try again later; contact QFPay support if it persists."},
		"query": {"QFPay is fixing this store's set-up.", "qfpos asks QFPay again shortly."},
	},
	"1252": {
		"":      {"QFPay had a system error.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay had a system error.", "qfpos asks QFPay again shortly."},
	},
	"1254": {
		"":      {"QFPay is resolving a problem.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay is resolving a problem.", "qfpos asks QFPay again shortly."},
	},
	"1260": {
		"":       {"QFPay says the sale is paid.", "Check the sale with a manager before doing anything else."},
		"cancel": {"The customer was charged — refund it instead.", "A paid sale cannot be cancelled: refund it (r)."},
		"query":  {"The sale is paid.", "Nothing more to do."},
	},
	"1261": {
		"":       {"The order was not paid.", "Nothing was charged."},
		"refund": {"The order was not paid.", "Nothing was charged, so there is nothing to refund; cancel it instead."},
	},
	"1262": {
		"":       {"QFPay says money was already returned on this order.", "Check the sale with a manager before doing anything else."},
		"refund": {"The order was already refunded.", "Check the sale's refunds; do not refund again."},
	},
	"1263": {
		"":       {"QFPay says the order is void.", "Nothing was charged, so nothing is left to give back."},
		"cancel": {"The order was already cancelled.", "Nothing more to do."},
		"query":  {"The order is void.", "Nothing more to do."},
	},
	"1264": {
		"":       {"The order is already closed.", "Check the sale with a manager before doing anything else."},
		"refund": {"The order is already closed.", "Check the sale's refunds; do not refund again."},
	},
	"1265": {
		"refund": {"QFPay refuses this refund: its refund period is over or it was a special promotion (QFPay also refuses refunds between 23:30 and 00:30).", "Settle with the customer another way; contact QFPay support if unsure."},
		"cancel": {"QFPay refuses to cancel this order: its period is over or it was a special promotion.", "Settle with the customer another way; contact QFPay support if unsure."},
		"query":  {"QFPay refuses this request: the order's period is over.", "Contact QFPay support if unsure."},
	},
	"1266": {
		"":       {"QFPay says the amount is wrong.", "Check the sale's amount; contact QFPay support if it is right."},
		"refund": {"QFPay says the amount is wrong.", "Check the amount; start a new refund with the right one."},
	},
	"1267": {"": {"The order details do not match QFPay's.", "Check the sale's details; contact QFPay support if they are right."}},
	"1268": {"": {"QFPay cannot find the original sale.", "Check the sale's QFPay reference (syssn) and the QFPay environment."}},
	"1269": {
		"":       {"QFPay's balance for today is not enough.", "Try again later today or tomorrow."},
		"refund": {"Today's takings are not enough to pay this refund.", "Try again later today or tomorrow."},
		"query":  {"QFPay's balance for today is not enough.", "qfpos asks QFPay again shortly."},
	},
	"1270": {
		"":       {"QFPay does not allow this in this currency.", "Contact QFPay support with the code."},
		"refund": {"This currency does not allow partial refunds.", "Refund the full amount instead."},
	},
	"1271": {
		"":       {"QFPay does not allow this for this payment method.", "Contact QFPay support with the code."},
		"refund": {"This payment method does not allow partial refunds.", "Refund the full amount instead."},
	},
	"1272": {
		"":       {"QFPay holds other operations on this sale (maybe at another till).", "Check the sale with a manager before doing anything else."},
		"refund": {"QFPay has already refunded part of this sale (maybe at another till).", "Check what is left to refund and refund less."},
	},
	"1294": {"": {"The bank blocked this for compliance.", "Contact QFPay support; do not retry."}},
	"1295": {
		"refund": {"The network is slow; QFPay is waiting.", "Still checking. Do not refund again."},
		"cancel": {"The network is slow; QFPay is waiting.", "Still checking. Do not cancel again."},
		"query":  {"The network is slow; QFPay is waiting.", "Still checking."},
	},
	"1296": {
		"refund": {"The network is slow; the outcome is not known yet.", "Checking with QFPay. Do not refund again."},
		"cancel": {"The network is slow; the outcome is not known yet.", "Checking with QFPay. Do not cancel again."},
		"query":  {"The network is slow; the outcome is not known yet.", "Checking with QFPay."},
	},
	"1297": {
		"refund": {"The bank is busy.", "Nothing was refunded: try again in a few minutes."},
		"cancel": {"The bank is busy, or this order cannot be cancelled this way.", "Nothing was cancelled: try again in a few minutes."},
		"query":  {"The bank is busy.", "qfpos asks QFPay again shortly."},
	},
	"1298": {
		"refund": {"The network is slow; it may already have gone through.", "Still checking. Do not refund again."},
		"cancel": {"The network is slow; it may already have gone through.", "Still checking. Do not cancel again."},
		"query":  {"The network is slow; it may already have gone through.", "Still checking."},
	},
	"2004": {"": {"QFPay answered with a payment's error: the customer's balance is insufficient.", "Contact QFPay support with the code."}},
	"2005": {"": {"QFPay answered with a payment's error: the payment code is wrong or expired.", "Contact QFPay support with the code."}},
	"2006": {"": {"QFPay answered with a payment's error: the QR code is not valid.", "Contact QFPay support with the code."}},
	"2007": {"": {"The customer closed the payment.", "Nothing was charged."}},
	"2009": {
		"":      {"QFPay could not reach the payment channel.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay could not reach the payment channel.", "qfpos asks QFPay again shortly."},
	},
	"2010": {
		"":      {"QFPay could not reach the payment channel.", "Nothing was done: try again in a few minutes."},
		"query": {"QFPay could not reach the payment channel.", "qfpos asks QFPay again shortly."},
	},
	"2011": {
		"refund": {"QFPay has already seen this request's number.", "Checking the earlier attempt. Do not refund again."},
		"cancel": {"QFPay has already seen this request's number.", "Checking the earlier attempt. Do not cancel again."},
		"query":  {"QFPay has already seen this request's number.", "Checking the earlier attempt."},
	},
	"2999": {
		"refund": {"The payment channel is still processing.", "Still checking. Do not refund again."},
		"cancel": {"The payment channel is still processing.", "Still checking. Do not cancel again."},
		"query":  {"The payment channel is still processing.", "Still checking."},
	},
	"1265-night": {
		"refund": {"QFPay refuses refunds between 23:30 and 00:30 (or the refund period of this sale is over).", "Try again after 00:30; if QFPay refuses again, settle with the customer another way."},
		"cancel": {"QFPay refuses this between 23:30 and 00:30 (or the order's period is over).", "Try again after 00:30; if QFPay refuses again, settle with the customer another way."},
		"query":  {"QFPay refuses requests between 23:30 and 00:30.", "qfpos asks QFPay again after 00:30."},
	},
	"unknown": {"": {"QFPay refused it with an unfamiliar code.", "Checking the sale's status; contact QFPay support with the code if it stays failed."}},
}

// wordsFor returns a code's words for an operation (refund, reversal, close or query).
func wordsFor(op, code, resperr string) codeWords {
	byOp := codeTexts[respcd.Lookup(code, resperr).Text]
	if w, ok := byOp[group(op)]; ok {
		return w
	}
	return byOp[""]
}
