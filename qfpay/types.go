package qfpay

import "time"

// Endpoint names a QFPay write endpoint.
type Endpoint string

// The write endpoints qfpos uses, plus query.
const (
	EndpointRefund   Endpoint = "refund"
	EndpointReversal Endpoint = "reversal"
	EndpointClose    Endpoint = "close"
	EndpointQuery    Endpoint = "query"
)

// Path returns the endpoint's URL path.
func (e Endpoint) Path() string { return "/trade/v1/" + string(e) }

// TxDtmLayout is the layout of QFPay's txdtm, sysdtm, start_time and end_time.
const TxDtmLayout = "2006-01-02 15:04:05"

// RefundRequest asks to refund (part of) a paid sale. Every resend of one refund must carry the
// same OutTradeNo, Amount and Time.
type RefundRequest struct {
	SysSN      string    // the original payment's syssn
	OutTradeNo string    // this refund's own id, unique under the merchant
	Amount     int64     // minor units
	Time       time.Time // the refund's txdtm; zero means the client's clock, but a resend should pass the first send's time
}

// CancelRequest asks to reverse or close a sale that did not complete (decision D4).
type CancelRequest struct {
	SysSN      string // the original payment's syssn
	OutTradeNo string // the original payment's out_trade_no, sent when known
	Amount     int64  // the original amount, minor units
	TxDtm      string // the original payment's txdtm, exactly as QFPay gave it
}

// Reply is QFPay's answer to a refund, reversal or close.
type Reply struct {
	Endpoint       Endpoint
	HTTPStatus     int
	RespCD         string
	RespErr        string
	RespMsg        string
	SysSN          string // the new refund/reversal/close id
	OrigSysSN      string // the original payment (orig_syssn or origssn)
	OrigOutTradeNo string
	OutTradeNo     string
	Amount         int64
	Currency       string
	TxDtm          string
	SysDtm         string
	PayDtm         string
	UDID           string
	ChnlSN         string
	CardCD         string
	PayType        string
	TxStatus       string
	// Signature is what the check of the response's X-QF-SIGN found (decision D6).
	Signature SignatureStatus
	// QFPayTime is when the reply arrived, on QFPay's clock (the client's clock in the QFPay zone).
	QFPayTime time.Time
}

// QueryRequest selects records for /trade/v1/query. Ids are sent comma-separated, and each list
// must fit its field's documented length, MaxIDListLen (use BatchIDs).
type QueryRequest struct {
	SysSNs      []string
	OutTradeNos []string
	PayTypes    []string
	RespCD      string
	// Start and End bound sysdtm (local time in the client's zone); both or neither, within one
	// calendar month. Querying by OutTradeNos across months needs them.
	Start, End time.Time
	Page       int // 1-based; 0 means 1
	PageSize   int // 1..100; 0 means 100
}

// QueryPage is one page of query results.
type QueryPage struct {
	HTTPStatus int
	RespCD     string
	RespErr    string
	RespMsg    string
	Page       int
	PageSize   int
	Records    []Record
	Signature  SignatureStatus
}

// Last reports whether no page follows this one: it is empty or shorter than the page_size the
// reply reports (decision D10′), not shorter than the size asked for.
func (p *QueryPage) Last() bool { return len(p.Records) == 0 || len(p.Records) < p.PageSize }

// Record is one transaction in a query reply: a payment, a refund or a cancel.
type Record struct {
	SysSN          string
	OutTradeNo     string
	OrigSysSN      string // for refunds and cancels: the original payment
	OrigOutTradeNo string
	OrderType      string // payment, refund or close
	PayType        string
	Currency       string
	Amount         int64
	TxDtm          string
	SysDtm         string
	PayDtm         string
	RespCD         string // this transaction's status
	ErrMsg         string
	Cancel         string // 0 none; 1 CPM reversed or refunded; 2 MPM cancelled/closed; 3 refunded; 4 pre-auth done; 5 partly refunded
	UDID           string
	GoodsName      string
	ChnlSN         string
	CardCD         string
	TxStatus       string
}

// Cancel flag values on query records.
const (
	CancelNone            = "0"
	CancelReversed        = "1"
	CancelClosed          = "2"
	CancelRefunded        = "3"
	CancelPreAuthFinished = "4"
	CancelPartlyRefunded  = "5"
)
