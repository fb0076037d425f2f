// Package qfpaytest is a stateful QFPay OpenAPI sandbox: an http.Handler that signs, refunds,
// reverses, closes and queries like the reference describes, with scripted outcomes and injected
// faults. Every qfpos test and `qfpos demo` talk to it; it never touches a real QFPay host.
package qfpaytest

import (
	"cmp"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/paytype"
)

// Merchant is one set of credentials the sandbox accepts.
type Merchant struct {
	AppCode string `json:"app_code"`
	Key     string `json:"client_key"`
	MchID   string `json:"mchid,omitempty"`
}

// Txn is one record: a payment, a refund, or a cancel (reversal or close).
type Txn struct {
	AppCode    string    `json:"app_code"`
	SysSN      string    `json:"syssn"`
	OutTradeNo string    `json:"out_trade_no,omitempty"`
	OrigSysSN  string    `json:"origssn,omitempty"`
	OrderType  string    `json:"order_type"`         // payment, refund, close
	Endpoint   string    `json:"endpoint,omitempty"` // refund, reversal, close
	PayType    string    `json:"pay_type"`
	Currency   string    `json:"txcurrcd"`
	Amount     int64     `json:"txamt"`
	TxDtm      string    `json:"txdtm"`
	SysTime    time.Time `json:"sys_time"`
	RespCD     string    `json:"respcd"`
	ErrMsg     string    `json:"errmsg,omitempty"`
	Cancel     string    `json:"cancel"`
	UDID       string    `json:"udid,omitempty"`
	GoodsName  string    `json:"goods_name,omitempty"`

	// Pending refunds settle to SettleTo when SettleAt passes or after QueriesLeft more queries.
	SettleTo    string    `json:"settle_to,omitempty"`
	SettleAt    time.Time `json:"settle_at,omitzero"`
	QueriesLeft int       `json:"queries_left,omitempty"`
	NeverSettle bool      `json:"never_settle,omitempty"`
	Hidden      int       `json:"hidden,omitempty"` // query results that will still leave it out
	// FirstReply is the body of the first answer, replayed for a reused out_trade_no.
	FirstReply []byte `json:"first_reply,omitempty"`
}

// Pending reports whether the record is still processing.
func (t *Txn) Pending() bool { return t.SettleTo != "" }

// Settle controls how accepted refunds complete. With Delay and Queries both zero a refund
// completes at once (0000 in the reply).
type Settle struct {
	PendingCode string        // answered while processing: 1143 (default) or 1145
	Delay       time.Duration // settle this long after acceptance...
	Jitter      time.Duration // ...plus a random extra up to Jitter
	Queries     int           // ...or after this many queries that return the record
}

// Duplicate controls the answer to a reused out_trade_no.
type Duplicate struct {
	Code   string // 1102 (default) or 2011
	Replay bool   // answer with the first reply instead of an error
}

// Sandbox is the in-memory QFPay. Create it with New; it is an http.Handler.
type Sandbox struct {
	mu        sync.Mutex
	merchants map[string]Merchant
	txns      []*Txn
	bySysSN   map[string]*Txn
	byOTN     map[string]*Txn // app code + "\x00" + out_trade_no
	seq       uint64
	requests  []Request
	scripts   map[string]Script // "otn:"+id or "amt:"+amount
	faults    map[string][]Fault
	random    map[string]randomFaults
	hits      map[string][]time.Time // per app code, for the rate limit
	down      bool

	now             func() time.Time
	loc             *time.Location
	rng             *rand.Rand
	settle          Settle
	dup             Duplicate
	nightWindow     bool
	noPartialPay    []string
	noPartialCur    []string
	cancelEndpoints map[string]string
	ratePerMinute   int
	statePath       string
	refusals        Refusals
	refusalRng      *rand.Rand
	refundsSeen     int
	maxPageSize     int
	ignoreTxzone    bool
	sleep           func(time.Duration)
	log             *slog.Logger
}

// Option configures a Sandbox.
type Option func(*Sandbox)

// WithMerchant adds a merchant (repeatable).
func WithMerchant(m Merchant) Option { return func(s *Sandbox) { s.merchants[m.AppCode] = m } }

// WithClock sets the sandbox clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Sandbox) { s.now = now } }

// WithSeed makes ids, settle jitter and random faults repeatable.
func WithSeed(seed uint64) Option {
	return func(s *Sandbox) { s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// WithSettle sets how accepted refunds complete.
func WithSettle(st Settle) Option { return func(s *Sandbox) { s.settle = st } }

// WithDuplicate sets the answer to a reused out_trade_no.
func WithDuplicate(d Duplicate) Option { return func(s *Sandbox) { s.dup = d } }

// WithNightWindow refuses refunds between 23:30 and 00:30 (sandbox zone) with 1265.
func WithNightWindow(on bool) Option { return func(s *Sandbox) { s.nightWindow = on } }

// WithNoPartialRefunds refuses partial refunds for these pay types (1271) and currencies (1270).
func WithNoPartialRefunds(payTypes, currencies []string) Option {
	return func(s *Sandbox) { s.noPartialPay, s.noPartialCur = payTypes, currencies }
}

// WithCancelEndpoints replaces the pay_type → reversal|close map.
func WithCancelEndpoints(m map[string]string) Option {
	return func(s *Sandbox) { s.cancelEndpoints = m }
}

// WithRateLimit sets the per-merchant requests per minute answered before HTTP 429 (default
// 400, QFPay's limit); 0 turns it off.
func WithRateLimit(perMinute int) Option { return func(s *Sandbox) { s.ratePerMinute = perMinute } }

// Refusals makes some refunds be refused with a real code, at random (repeatable with Seed).
type Refusals struct {
	Rate  float64  // share of refunds refused
	Codes []string // codes to refuse with, e.g. 1269, 1294
	After int      // the first After refunds are never refused
	Seed  uint64
}

// WithRefusals refuses a share of refunds at random.
func WithRefusals(r Refusals) Option {
	return func(s *Sandbox) {
		s.refusals = r
		s.refusalRng = rand.New(rand.NewPCG(r.Seed, r.Seed+1))
	}
}

// WithMaxPageSize caps query pages at n records whatever page_size asks, and reports the capped
// page_size in the reply, as a gateway may.
func WithMaxPageSize(n int) Option { return func(s *Sandbox) { s.maxPageSize = n } }

// WithIgnoreTxzone reads query windows in the sandbox zone (+0800) whatever txzone says: only
// QFPay's older pages document txzone on query.
func WithIgnoreTxzone(on bool) Option { return func(s *Sandbox) { s.ignoreTxzone = on } }

// WithStateFile keeps merchants and records in a JSON file, loaded now and saved on every change.
func WithStateFile(path string) Option { return func(s *Sandbox) { s.statePath = path } }

// WithSleep replaces time.Sleep for injected latency (tests pass a no-op or a fake).
func WithSleep(f func(time.Duration)) Option { return func(s *Sandbox) { s.sleep = f } }

// HongKong is QFPay's default zone, +0800.
var HongKong = time.FixedZone("HKT", 8*3600)

// New builds a sandbox. With WithStateFile, the file's state is loaded (a missing file is fine).
func New(opts ...Option) (*Sandbox, error) {
	s := &Sandbox{
		merchants:       map[string]Merchant{},
		bySysSN:         map[string]*Txn{},
		byOTN:           map[string]*Txn{},
		scripts:         map[string]Script{},
		faults:          map[string][]Fault{},
		random:          map[string]randomFaults{},
		hits:            map[string][]time.Time{},
		now:             time.Now,
		loc:             HongKong,
		rng:             rand.New(rand.NewPCG(1, 2)),
		settle:          Settle{PendingCode: "1143", Queries: 1},
		dup:             Duplicate{Code: "1102"},
		cancelEndpoints: paytype.DefaultCancelEndpoints(),
		ratePerMinute:   400,
		sleep:           time.Sleep,
		log:             slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(s)
	}
	if s.settle.PendingCode == "" {
		s.settle.PendingCode = "1143"
	}
	if s.dup.Code == "" {
		s.dup.Code = "1102"
	}
	if s.statePath != "" {
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// SetSettle changes how accepted refunds complete from now on.
func (s *Sandbox) SetSettle(st Settle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.PendingCode == "" {
		st.PendingCode = "1143"
	}
	s.settle = st
}

// AddMerchant registers credentials at run time.
func (s *Sandbox) AddMerchant(m Merchant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merchants[m.AppCode] = m
	s.saveLocked()
}

// Merchants lists the registered merchants.
func (s *Sandbox) Merchants() []Merchant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Merchant, 0, len(s.merchants))
	for _, m := range s.merchants {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Merchant) int { return cmp.Compare(a.AppCode, b.AppCode) })
	return out
}

// Payment describes a sale to put in the sandbox, as the POS's payment call would have left it.
type Payment struct {
	AppCode    string
	SysSN      string // generated when empty
	OutTradeNo string // generated when empty
	Amount     int64
	Currency   string // HKD when empty
	PayType    string
	Time       time.Time // txdtm and sysdtm; the sandbox clock when zero
	RespCD     string    // 0000 (paid) when empty; 1143 for an unpaid QR order
	UDID       string
	GoodsName  string
	Cancel     string // QFPay's cancel flag (0 when empty): a sale cancelled or refunded elsewhere
}

// AddPayment records a sale and returns it.
func (s *Sandbox) AddPayment(p Payment) (Txn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.merchants[p.AppCode]; !ok {
		return Txn{}, fmt.Errorf("unknown app code %q", p.AppCode)
	}
	if p.Amount <= 0 {
		return Txn{}, fmt.Errorf("amount must be positive")
	}
	t := p.Time
	if t.IsZero() {
		t = s.now()
	}
	t = t.In(s.loc)
	if p.SysSN == "" {
		p.SysSN = s.newSysSNLocked(t)
	}
	if _, dup := s.bySysSN[p.SysSN]; dup {
		return Txn{}, fmt.Errorf("syssn %s exists", p.SysSN)
	}
	if p.OutTradeNo == "" {
		p.OutTradeNo = fmt.Sprintf("POS%s%06d", t.Format("20060102150405"), s.rng.IntN(1_000_000))
	}
	if _, dup := s.byOTN[otnKey(p.AppCode, p.OutTradeNo)]; dup {
		return Txn{}, fmt.Errorf("out_trade_no %s exists", p.OutTradeNo)
	}
	if p.Currency == "" {
		p.Currency = "HKD"
	}
	if p.RespCD == "" {
		p.RespCD = "0000"
	}
	if p.Cancel == "" {
		p.Cancel = qfpay.CancelNone
	}
	tx := &Txn{
		AppCode: p.AppCode, SysSN: p.SysSN, OutTradeNo: p.OutTradeNo, OrderType: "payment",
		PayType: p.PayType, Currency: p.Currency, Amount: p.Amount, TxDtm: t.Format(txdtmLayout),
		SysTime: t, RespCD: p.RespCD, Cancel: p.Cancel, UDID: p.UDID, GoodsName: p.GoodsName,
	}
	s.insertLocked(tx)
	s.saveLocked()
	return *tx, nil
}

// Refund describes a refund made outside the terminal under test: at another till or in QFPay's
// merchant portal.
type Refund struct {
	AppCode    string
	OrigSysSN  string
	OutTradeNo string // generated when empty
	Amount     int64
	Time       time.Time // the sandbox clock when zero
	RespCD     string    // 0000 when empty; 1143 for one still processing
	UDID       string
}

// AddRefund records a refund of a paid sale as if another terminal had made it, and updates the
// sale's cancel flag. It keeps the money rules: never more than what is left.
func (s *Sandbox) AddRefund(r Refund) (Txn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	orig, ok := s.bySysSN[r.OrigSysSN]
	if !ok || orig.OrderType != "payment" || orig.AppCode != r.AppCode {
		return Txn{}, fmt.Errorf("no payment %s", r.OrigSysSN)
	}
	if orig.RespCD != "0000" || r.Amount <= 0 || s.reservedLocked(orig.SysSN)+r.Amount > orig.Amount {
		return Txn{}, fmt.Errorf("payment %s cannot be refunded %d", r.OrigSysSN, r.Amount)
	}
	t := r.Time
	if t.IsZero() {
		t = s.now()
	}
	t = t.In(s.loc)
	if r.OutTradeNo == "" {
		r.OutTradeNo = fmt.Sprintf("ELSEWHERE%s%06d", t.Format("20060102150405"), s.rng.IntN(1_000_000))
	}
	if _, dup := s.byOTN[otnKey(r.AppCode, r.OutTradeNo)]; dup {
		return Txn{}, fmt.Errorf("out_trade_no %s exists", r.OutTradeNo)
	}
	if r.RespCD == "" {
		r.RespCD = "0000"
	}
	tx := &Txn{AppCode: r.AppCode, SysSN: s.newSysSNLocked(t), OutTradeNo: r.OutTradeNo, OrigSysSN: orig.SysSN,
		OrderType: "refund", Endpoint: "refund", PayType: orig.PayType, Currency: orig.Currency, Amount: r.Amount,
		TxDtm: t.Format(txdtmLayout), SysTime: t, RespCD: r.RespCD, Cancel: qfpay.CancelNone, UDID: r.UDID}
	if r.RespCD != "0000" {
		tx.SettleTo, tx.NeverSettle = "0000", true
	}
	s.insertLocked(tx)
	s.refreshFlagLocked(orig)
	s.saveLocked()
	return *tx, nil
}

// SetPaymentStatus changes a payment's respcd (for example an unpaid QR order that gets paid).
func (s *Sandbox) SetPaymentStatus(syssn, respcd string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.bySysSN[syssn]
	if !ok || tx.OrderType != "payment" {
		return fmt.Errorf("no payment %s", syssn)
	}
	tx.RespCD = respcd
	s.saveLocked()
	return nil
}

// Txn returns a copy of the record with this syssn.
func (s *Sandbox) Txn(syssn string) (Txn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked(s.now())
	tx, ok := s.bySysSN[syssn]
	if !ok {
		return Txn{}, false
	}
	return *tx, true
}

// Txns returns copies of every record, oldest first.
func (s *Sandbox) Txns() []Txn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked(s.now())
	out := make([]Txn, len(s.txns))
	for i, t := range s.txns {
		out[i] = *t
	}
	return out
}

// SetDown makes the gateway drop every connection without handling it (true) or serve again.
func (s *Sandbox) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

const txdtmLayout = "2006-01-02 15:04:05"

func otnKey(appCode, otn string) string { return appCode + "\x00" + otn }

func (s *Sandbox) insertLocked(tx *Txn) {
	s.txns = append(s.txns, tx)
	s.bySysSN[tx.SysSN] = tx
	if tx.OutTradeNo != "" && tx.OrderType != "close" {
		s.byOTN[otnKey(tx.AppCode, tx.OutTradeNo)] = tx
	}
}

// newSysSNLocked makes a 26-digit id like QFPay's: the date, then a sequence.
func (s *Sandbox) newSysSNLocked(t time.Time) string {
	if s.seq == 0 {
		s.seq = 100000 + s.rng.Uint64N(900000)
	}
	s.seq++
	return fmt.Sprintf("%s%018d", t.In(s.loc).Format("20060102"), s.seq)
}

var _ http.Handler = (*Sandbox)(nil)

// SettleStuck completes every refund that was scripted never to settle, with 0000.
func (s *Sandbox) SettleStuck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.txns {
		if t.Pending() && t.NeverSettle {
			s.finishLocked(t)
		}
	}
	s.saveLocked()
}
