// Package qfpay is a client for the parts of the QFPay OpenAPI (/trade/v1) that a refund desk
// needs: refund, reversal, close and query, with request signing, lenient reply decoding, response
// signature checks and one classification of every reply into what the caller should do next.
//
// The package knows nothing of the journal or the screen. Its cashier-facing explanations
// (see Explain) are English source strings that double as message-catalog keys, so that callers
// can translate them with golang.org/x/text/message.
package qfpay
