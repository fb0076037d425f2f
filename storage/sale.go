package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/qfpay/money"
	"qfpos/qfpay/respcd"
)

// TxDtmLayout is QFPay's time layout (txdtm, sysdtm).
const TxDtmLayout = "2006-01-02 15:04:05"

// Source says how a sale reached the journal.
type Source string

// Sale sources.
const (
	SourceRecorded Source = "recorded" // qfpos sales add, by the POS that took the payment
	SourceImported Source = "imported" // qfpos sales import
	SourceSynced   Source = "synced"   // pulled from QFPay's query
)

// PaymentStatus is what QFPay said of the payment itself.
type PaymentStatus string

// Payment statuses, from the payment's respcd.
const (
	PaymentPaid       PaymentStatus = "paid"       // 0000
	PaymentProcessing PaymentStatus = "processing" // 1143, 1145, ...: not (yet) paid
	PaymentFailed     PaymentStatus = "failed"     // anything else
)

// Sale is one payment as the journal keeps it. Amount is in minor units of Currency.
type Sale struct {
	SysSN      string    `json:"syssn"`
	OutTradeNo string    `json:"out_trade_no"`
	Amount     int64     `json:"txamt"`
	Currency   string    `json:"txcurrcd"`
	PayType    string    `json:"pay_type"`
	TxDtm      string    `json:"txdtm"` // as QFPay gave it
	Time       time.Time `json:"time"`  // TxDtm read in the terminal's zone
	SysDtm     string    `json:"sysdtm,omitempty"`
	RespCD     string    `json:"respcd"`
	UDID       string    `json:"udid,omitempty"`
	Cashier    string    `json:"cashier,omitempty"`
	GoodsName  string    `json:"goods_name,omitempty"`
	Source     Source    `json:"source"`
	//lint:ignore U1000 empty, but for the test of a field added later (extra.go)
	saleExtra
}

// Status interprets RespCD.
func (s Sale) Status() PaymentStatus { return statusOf(s.RespCD) }

func statusOf(code string) PaymentStatus {
	switch respcd.Lookup(code, "").Class {
	case respcd.FinalOK:
		return PaymentPaid
	case respcd.Pending:
		return PaymentProcessing
	}
	return PaymentFailed
}

// rank orders payment statuses: a payment moves from processing to failed or paid, never back.
func (p PaymentStatus) rank() int {
	switch p {
	case PaymentPaid:
		return 2
	case PaymentFailed:
		return 1
	}
	return 0
}

// Validate checks a sale before it is written; the error names the field.
func (s Sale) Validate() error {
	if err := checkID("syssn", s.SysSN, true); err != nil {
		return err
	}
	if err := checkID("out_trade_no", s.OutTradeNo, false); err != nil {
		return err
	}
	if s.Amount < 1 || s.Amount > 99_999_999_999 {
		return fmt.Errorf("txamt %d is out of range (1 to 99999999999 minor units)", s.Amount)
	}
	if _, err := money.Lookup(s.Currency); err != nil {
		return err
	}
	if !digits(s.PayType, 6) {
		return fmt.Errorf("pay_type %q is not a 6-digit QFPay pay type", s.PayType)
	}
	if !digits(s.RespCD, 4) {
		return fmt.Errorf("respcd %q is not a 4-digit QFPay code", s.RespCD)
	}
	if _, err := time.Parse(TxDtmLayout, s.TxDtm); err != nil {
		return fmt.Errorf("txdtm %q is not YYYY-MM-DD hh:mm:ss", s.TxDtm)
	}
	if err := checkID("udid", s.UDID, false); err != nil {
		return err
	}
	if len(s.UDID) > 40 {
		return fmt.Errorf("udid is longer than 40 characters")
	}
	for _, f := range [][2]string{{"goods_name", s.GoodsName}, {"cashier", s.Cashier}} {
		if err := CheckText(f[1]); err != nil {
			return fmt.Errorf("%s %q %w", f[0], EscapeText(f[1]), err)
		}
	}
	switch s.Source {
	case SourceRecorded, SourceImported, SourceSynced:
	default:
		return fmt.Errorf("source %q is not recorded, imported or synced", s.Source)
	}
	return nil
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkID(field, v string, required bool) error {
	if v == "" {
		if required {
			return fmt.Errorf("%s is empty", field)
		}
		return nil
	}
	if len(v) > 128 {
		return fmt.Errorf("%s is longer than 128 characters", field)
	}
	for i := range len(v) {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-|*", c) >= 0) {
			return fmt.Errorf("%s %q has the character %q; only letters, digits and _ - | * are allowed", field, v, c)
		}
	}
	return nil
}

// A sale is stored as JSON (journals before schema 8), as salePointer and the sequence number of
// the audit event that recorded it (schema 8), or as a saleRef (schema 9): the trail keeps the
// sale, once; the sales bucket keeps what a search compares.
const (
	salePointer = 0x02
	saleRefForm = 0x04
)

// tailLen is how many trailing bytes of a sale's syssn and out_trade_no its saleRef keeps.
const tailLen = 8

// saleRef is a sale's value in the sales bucket from schema 9: the audit event that holds the
// sale, and the fields a search by amount or trailing digits compares, so that it reads the
// window's values without decoding a sale.
type saleRef struct {
	audit     uint64 // the audit event's sequence number
	amount    int64
	syssnTail []byte // the last tailLen bytes (or all) of the syssn
	otnTail   []byte // the same of the out_trade_no
}

// kept is the part of a number a saleRef keeps: its last tailLen bytes.
func kept(s string) string { return s[max(0, len(s)-tailLen):] }

func newSaleRef(audit uint64, s Sale) []byte {
	v := binary.AppendUvarint([]byte{saleRefForm}, audit)
	v = binary.AppendVarint(v, s.Amount)
	st, ot := kept(s.SysSN), kept(s.OutTradeNo)
	v = append(append(v, byte(len(st))), st...)
	return append(append(v, byte(len(ot))), ot...)
}

// parseSaleRef reads a saleRef; ok is false for the other forms and for damaged values.
func parseSaleRef(v []byte) (r saleRef, ok bool) {
	if len(v) == 0 || v[0] != saleRefForm {
		return r, false
	}
	v = v[1:]
	seq, n := binary.Uvarint(v)
	if n <= 0 {
		return r, false
	}
	v = v[n:]
	amount, n := binary.Varint(v)
	if n <= 0 {
		return r, false
	}
	v = v[n:]
	r.audit, r.amount = seq, amount
	for _, dst := range []*[]byte{&r.syssnTail, &r.otnTail} {
		if len(v) == 0 || int(v[0]) > tailLen || len(v) < 1+int(v[0]) {
			return r, false
		}
		*dst, v = v[1:1+v[0]], v[1+v[0]:]
	}
	return r, len(v) == 0
}

// saleRefOf is the search fields of sale s, as its saleRef keeps them.
func saleRefOf(s Sale) saleRef {
	return saleRef{amount: s.Amount, syssnTail: []byte(kept(s.SysSN)), otnTail: []byte(kept(s.OutTradeNo))}
}

// fingerprint is a 64-bit hash of the ref's search fields (seeded for this process): two refs
// that agree have the same; Verify compares a million of them without keeping their fields.
func (r saleRef) fingerprint() uint64 {
	var buf [8 + 2*(1+tailLen)]byte
	b := binary.BigEndian.AppendUint64(buf[:0], uint64(r.amount))
	for _, t := range [][]byte{r.syssnTail, r.otnTail} {
		b = append(append(b, byte(len(t))), t...)
	}
	return maphash.Bytes(refSeed, b)
}

var refSeed = maphash.MakeSeed()

// agrees says whether the ref's search fields are the sale's.
func (r saleRef) agrees(s Sale) bool {
	return r.amount == s.Amount && string(r.syssnTail) == kept(s.SysSN) && string(r.otnTail) == kept(s.OutTradeNo)
}

func decodeSale(tx *bolt.Tx, v []byte) (Sale, error) {
	if len(v) > 0 && v[0] == saleRefForm {
		r, ok := parseSaleRef(v)
		if !ok {
			return Sale{}, fmt.Errorf("undecodable sale index entry: %w", ErrDamaged)
		}
		s, err := decodeStoredSale(tx, append([]byte{salePointer}, idKey(r.audit)...))
		if err == nil && !r.agrees(s) {
			err = fmt.Errorf("the sale's amount or numbers differ from those of audit event %d: %w", r.audit, ErrDamaged)
		}
		return s, err
	}
	return decodeStoredSale(tx, v)
}

// decodeStoredSale reads a pointer to an audit event or a JSON sale.
func decodeStoredSale(tx *bolt.Tx, v []byte) (Sale, error) {
	var s Sale
	if len(v) == 9 && v[0] == salePointer {
		var ev []byte
		if b := tx.Bucket(bAudit); b != nil {
			ev = b.Get(v[1:])
		}
		e, sale, err := decodeAuditForm(v[1:], ev, "", time.UTC)
		if err != nil || e.Kind != AuditKindSale {
			return s, fmt.Errorf("the audit event %d that holds a sale is missing or damaged: %w", binary.BigEndian.Uint64(v[1:]), ErrDamaged)
		}
		if sale != nil {
			return *sale, nil
		}
		v = e.Record
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return s, fmt.Errorf("undecodable sale: %v: %w", err, ErrDamaged)
	}
	return s, nil
}

// PutResult says what PutSale did.
type PutResult int

// PutSale results.
const (
	SaleAdded PutResult = iota + 1
	SaleUpdated
	SaleUnchanged
)

// ParseTxDtm reads a txdtm in the QFPay zone, where QFPay's times are written.
func (j *Journal) ParseTxDtm(s string) (time.Time, error) {
	t, err := time.ParseInLocation(TxDtmLayout, s, j.qfpay)
	if err != nil {
		return t, fmt.Errorf("txdtm %q is not YYYY-MM-DD hh:mm:ss", s)
	}
	return t, nil
}

// PutSale adds a sale, or updates the sale with the same syssn (never a duplicate).
func (j *Journal) PutSale(s Sale) (PutResult, error) {
	var res PutResult
	err := j.update(func(tx *bolt.Tx) error {
		var err error
		res, err = j.putSaleTx(tx, s)
		return err
	})
	return res, err
}

// PutSales writes many sales in one transaction and returns one result per sale. A sale that
// breaks a rule is reported in errs (by index) and skipped; the others are written.
func (j *Journal) PutSales(sales []Sale) (results []PutResult, errs map[int]error, err error) {
	results = make([]PutResult, len(sales))
	errs = map[int]error{}
	err = j.update(func(tx *bolt.Tx) error {
		w := newBatchIndexes(tx)
		for i, s := range sales {
			r, err := j.putSale(w, s)
			var re *RuleError
			switch {
			case errors.As(err, &re), errors.Is(err, errInvalidSale):
				errs[i] = err
			case err != nil:
				return err
			}
			results[i] = r
		}
		return w.flush()
	})
	return results, errs, err
}

// indexes writes a transaction's entries in the sales' index buckets: at once (one sale), or for
// a batch gathered and written in key order at the end. bbolt inserts a key into a page by
// shifting the keys after it, so a batch of random keys (numbers that do not count up) costs copying that
// grows with the batch; in order it costs almost nothing.
type indexes struct {
	tx      *bolt.Tx
	batch   bool
	pending map[string][]kv          // bucket → entries not yet written
	lookup  map[string]map[string]kv // sales_syssn, sales_otn: pending entries by key
}

type kv struct{ k, v []byte }

func newIndexes(tx *bolt.Tx) *indexes { return &indexes{tx: tx} }

func newBatchIndexes(tx *bolt.Tx) *indexes {
	return &indexes{tx: tx, batch: true, pending: map[string][]kv{},
		lookup: map[string]map[string]kv{string(bSalesSysSN): {}, string(bSalesOTN): {}}}
}

func (w *indexes) put(bucket, k, v []byte) error {
	if !w.batch {
		return w.tx.Bucket(bucket).Put(k, v)
	}
	e := kv{k, v}
	w.pending[string(bucket)] = append(w.pending[string(bucket)], e)
	if m := w.lookup[string(bucket)]; m != nil {
		m[string(k)] = e
	}
	return nil
}

// pendingIn says whether a key of sales_syssn or sales_otn waits to be written.
func (w *indexes) pendingIn(bucket, k []byte) bool {
	if !w.batch {
		return false
	}
	_, ok := w.lookup[string(bucket)][string(k)]
	return ok
}

// flush writes what is pending, each bucket in key order.
func (w *indexes) flush() error {
	for name, entries := range w.pending {
		slices.SortFunc(entries, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
		b := w.tx.Bucket([]byte(name))
		for _, e := range entries {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
		}
		delete(w.pending, name)
	}
	for _, m := range w.lookup {
		clear(m)
	}
	return nil
}

var errInvalidSale = errors.New("invalid sale")

// appendFill is the fill of pages split in buckets whose keys are mostly appended (time keys).
const appendFill = 0.95

func (j *Journal) putSaleTx(tx *bolt.Tx, s Sale) (PutResult, error) {
	return j.putSale(newIndexes(tx), s)
}

func (j *Journal) putSale(w *indexes, s Sale) (PutResult, error) {
	tx := w.tx
	if err := s.Validate(); err != nil {
		return 0, fmt.Errorf("%w: %w", errInvalidSale, err)
	}
	s.Currency = strings.ToUpper(s.Currency)
	t, err := j.ParseTxDtm(s.TxDtm)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errInvalidSale, err)
	}
	s.Time = t
	sales, bySysSN, byOTN, byPayType := tx.Bucket(bSales), tx.Bucket(bSalesSysSN), tx.Bucket(bSalesOTN), tx.Bucket(bSalesPayType)
	// Sales arrive mostly in time order: their keys (each pay type's, and syssns and most
	// out_trade_nos, which begin with a date or count up) are appended, so full pages instead of
	// bbolt's half-full splits keep the file about half the size.
	for _, b := range []*bolt.Bucket{sales, bySysSN, byOTN, byPayType} {
		b.FillPercent = appendFill
	}
	if w.pendingIn(bSalesOTN, []byte(s.OutTradeNo)) || w.pendingIn(bSalesSysSN, []byte(s.SysSN)) {
		// A sale met earlier in this batch: write the batch's entries first, then read as usual.
		if err := w.flush(); err != nil {
			return 0, err
		}
	}
	if s.OutTradeNo != "" {
		if k := byOTN.Get([]byte(s.OutTradeNo)); k != nil {
			other, err := decodeSale(tx, sales.Get(k))
			if err != nil {
				return 0, err
			}
			if other.SysSN != s.SysSN {
				return 0, &RuleError{Err: ErrDuplicate, SaleSysSN: s.SysSN,
					Detail: fmt.Sprintf("out_trade_no %s already belongs to sale %s", s.OutTradeNo, other.SysSN)}
			}
		}
	}
	res := SaleAdded
	if oldKey := bySysSN.Get([]byte(s.SysSN)); oldKey != nil {
		oldKey = bytes.Clone(oldKey)
		old, err := decodeSale(tx, sales.Get(oldKey))
		if err != nil {
			return 0, err
		}
		if sameSale(old, s) {
			return SaleUnchanged, nil
		}
		if s.Status().rank() < old.Status().rank() {
			return 0, &RuleError{Err: ErrBackwards, SaleSysSN: s.SysSN,
				Detail: fmt.Sprintf("QFPay's status of a payment only moves forward: it is %s (%s), not %s", old.Status(), old.RespCD, s.RespCD)}
		}
		if (old.Amount != s.Amount || old.Currency != s.Currency) && hasReversals(tx, s.SysSN) {
			return 0, &RuleError{Err: ErrHasReversals, SaleSysSN: s.SysSN,
				Detail: "its amount or currency cannot change: it has refunds or cancels"}
		}
		if err := sales.Delete(oldKey); err != nil {
			return 0, err
		}
		j.search.record(tx, saleChange{entry: entryFor(oldKey, Sale{}), del: true})
		if err := byPayType.Delete(payTypeKey(old.PayType, oldKey)); err != nil {
			return 0, err
		}
		if old.OutTradeNo != "" {
			if err := byOTN.Delete([]byte(old.OutTradeNo)); err != nil {
				return 0, err
			}
		}
		res = SaleUpdated
	}
	seq, err := sales.NextSequence()
	if err != nil {
		return 0, err
	}
	key := timeKey(s.Time, seq)
	at, err := appendAuditSeq(tx, j.now(), AuditKindSale, s.SysSN, s)
	if err != nil {
		return 0, err
	}
	v := newSaleRef(at, s) // the trail holds the sale
	if at == 0 {
		if v, err = json.Marshal(s); err != nil { // a journal still being migrated has no trail
			return 0, err
		}
	}
	if err := sales.Put(key, v); err != nil {
		return 0, err
	}
	j.search.record(tx, saleChange{entry: entryFor(key, s)})
	if err := w.put(bSalesSysSN, []byte(s.SysSN), key); err != nil {
		return 0, err
	}
	if s.OutTradeNo != "" {
		if err := w.put(bSalesOTN, []byte(s.OutTradeNo), key); err != nil {
			return 0, err
		}
	}
	return res, w.put(bSalesPayType, payTypeKey(s.PayType, key), nil)
}

func sameSale(a, b Sale) bool {
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b
}

func hasReversals(tx *bolt.Tx, syssn string) bool {
	prefix := append([]byte(syssn), 0)
	k, _ := tx.Bucket(bReversalsSale).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// saleTx loads a sale by syssn inside a transaction.
func saleTx(tx *bolt.Tx, syssn string) (Sale, bool, error) {
	k := tx.Bucket(bSalesSysSN).Get([]byte(syssn))
	if k == nil {
		return Sale{}, false, nil
	}
	s, err := decodeSale(tx, tx.Bucket(bSales).Get(k))
	return s, err == nil, err
}

// SaleView is a sale with what has happened to it, here and (as far as QFPay's records were
// read) at other tills.
type SaleView struct {
	Sale
	Reversals []Reversal // oldest first, without events
	Refunded  int64      // succeeded refunds, this journal's and those made elsewhere
	Reserved  int64      // refunds not yet finished (pending, sent, processing, unknown), here or elsewhere
	Elsewhere int64      // the part of Refunded made at other tills or in QFPay's portal
	Cancelled bool       // a cancel succeeded, here or (QFPay's flag says) elsewhere
	Open      *Reversal  // the unfinished reversal, if any
	QFPay     Remote     // what QFPay's records say of the sale
}

// Remaining is what may still be refunded.
func (v SaleView) Remaining() int64 {
	if v.Cancelled || v.Status() != PaymentPaid || v.reversedAtQFPay() {
		return 0
	}
	return max(v.Amount-v.Refunded-v.Reserved, 0)
}

// reversedAtQFPay: QFPay's flag says the paid sale was refunded in full (3), or reversed or closed
// (1, 2) with no refund records that say otherwise.
func (v SaleView) reversedAtQFPay() bool {
	switch v.QFPay.Cancel {
	case CancelRefunded:
		return true
	case CancelReversed, CancelClosed:
		return v.Refunded+v.Reserved == 0
	}
	return false
}

func viewTx(tx *bolt.Tx, s Sale) (SaleView, error) {
	remote, err := remoteTx(tx, s.SysSN)
	if err != nil {
		return SaleView{Sale: s}, err
	}
	var reversals []Reversal
	prefix := append([]byte(s.SysSN), 0)
	c := tx.Bucket(bReversalsSale).Cursor()
	revs := tx.Bucket(bReversals)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r, err := decodeReversal(revs.Get(k[len(prefix):]))
		if err != nil {
			return SaleView{Sale: s}, err
		}
		reversals = append(reversals, r)
	}
	return viewOf(s, remote, reversals), nil
}

// WithRemote is the sale as it stands once the journal records u, QFPay's word (the same rules as
// UpdateRemote: a payment status only goes forward, refund records merge by syssn); nothing is
// written. The lifecycle decides a refund on it and journals u with the intent, in one commit.
func (v SaleView) WithRemote(u RemoteUpdate) SaleView {
	s := v.Sale
	if forward(s, u) {
		s.RespCD = u.RespCD
	}
	return viewOf(s, v.QFPay.merged(u), slices.Clone(v.Reversals))
}

// forward says whether QFPay's respcd moves the sale's payment status forward.
func forward(s Sale, u RemoteUpdate) bool {
	return u.RespCD != "" && u.RespCD != s.RespCD && statusOf(u.RespCD).rank() > s.Status().rank()
}

// viewOf derives what a sale is from its record, QFPay's word and its reversals: the one place
// where refunded, reserved, cancelled and what was done elsewhere are counted.
func viewOf(s Sale, remote Remote, reversals []Reversal) SaleView {
	v := SaleView{Sale: s, QFPay: remote, Reversals: reversals}
	for i := range v.Reversals {
		r := &v.Reversals[i]
		switch {
		case !r.State.Finished():
			v.Open = r
			if r.Kind == KindRefund {
				v.Reserved += r.Amount
			}
		case r.State == StateSucceeded && r.Kind == KindRefund:
			v.Refunded += r.Amount
		case r.State == StateSucceeded && r.Kind == KindCancel:
			v.Cancelled = true
		}
	}
	v.countElsewhere()
	return v
}

// countElsewhere adds the refunds QFPay holds that this journal did not make, and a cancel QFPay's
// flag shows on a sale that was never paid.
func (v *SaleView) countElsewhere() {
	for _, rr := range v.RefundsElsewhere() {
		switch statusOf(rr.RespCD) {
		case PaymentPaid:
			v.Refunded += rr.Amount
			v.Elsewhere += rr.Amount
		case PaymentProcessing:
			v.Reserved += rr.Amount
		}
	}
	if v.Status() != PaymentPaid && (v.QFPay.Cancel == CancelReversed || v.QFPay.Cancel == CancelClosed || v.QFPay.Cancel == CancelRefunded) {
		v.Cancelled = true
	}
}

// RefundsElsewhere are the refunds QFPay holds for the sale that this journal did not make (at
// another till, or in QFPay's portal), done or still in progress there.
func (v SaleView) RefundsElsewhere() []RemoteRefund {
	ours := map[string]bool{}
	for _, r := range v.Reversals {
		ours[r.OutTradeNo] = true
	}
	var out []RemoteRefund
	for _, rr := range v.QFPay.Refunds {
		if st := statusOf(rr.RespCD); !ours[rr.OutTradeNo] && (st == PaymentPaid || st == PaymentProcessing) {
			out = append(out, rr)
		}
	}
	return out
}

// viewAt decodes the sale stored under key, with its reversals.
func viewAt(tx *bolt.Tx, key []byte) (SaleView, error) {
	s, err := decodeSale(tx, tx.Bucket(bSales).Get(key))
	if err != nil {
		return SaleView{}, err
	}
	return viewTx(tx, s)
}

// Sale returns a sale and its reversals by syssn; ok is false when there is none.
func (j *Journal) Sale(syssn string) (v SaleView, ok bool, err error) {
	err = j.view(func(tx *bolt.Tx) error {
		s, found, err := saleTx(tx, syssn)
		if err != nil || !found {
			return err
		}
		ok = true
		v, err = viewTx(tx, s)
		return err
	})
	return v, ok, err
}

// SaleByOutTradeNo returns a sale by its out_trade_no.
func (j *Journal) SaleByOutTradeNo(otn string) (v SaleView, ok bool, err error) {
	err = j.view(func(tx *bolt.Tx) error {
		k := tx.Bucket(bSalesOTN).Get([]byte(otn))
		if k == nil {
			return nil
		}
		ok = true
		v, err = viewAt(tx, k)
		return err
	})
	return v, ok, err
}

// Cursor marks where a page of recent sales ended; the zero Cursor starts at the newest.
type Cursor struct{ key []byte }

// IsZero reports whether the cursor is the start.
func (c Cursor) IsZero() bool { return c.key == nil }

// SalesPage is a page of sales, newest first.
type SalesPage struct {
	Sales []SaleView
	Next  Cursor // zero when there are no more sales in the window
}

// RecentSales returns up to limit sales newer than days days ago, newest first, starting after
// the cursor. Its cost depends on limit, not on the journal's size.
func (j *Journal) RecentSales(after Cursor, limit, days int) (SalesPage, error) {
	if days <= 0 {
		days = 7
	}
	if limit <= 0 {
		limit = 50
	}
	from := j.now().AddDate(0, 0, -days)
	var page SalesPage
	err := j.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bSales).Cursor()
		var k, v []byte
		if after.IsZero() {
			k, v = c.Last()
		} else {
			c.Seek(after.key)
			k, v = c.Prev()
		}
		var lastKey []byte
		for ; k != nil; k, v = c.Prev() {
			s, err := decodeSale(tx, v)
			if err != nil {
				return err
			}
			if s.Time.Before(from) {
				return nil
			}
			if len(page.Sales) == limit {
				page.Next = Cursor{key: bytes.Clone(lastKey)}
				return nil
			}
			sv, err := viewTx(tx, s)
			if err != nil {
				return err
			}
			page.Sales = append(page.Sales, sv)
			lastKey = k
		}
		return nil
	})
	return page, err
}

// SalesByPayType returns up to limit sales newer than days days ago whose pay type match accepts,
// newest first. It reads the index of sales by pay type: its cost follows the pay types in the
// journal and limit, not the number of sales.
func (j *Journal) SalesByPayType(match func(payType string) bool, days, limit int) ([]SaleView, error) {
	if days <= 0 {
		days = 7
	}
	from := timeKey(j.now().AddDate(0, 0, -days), 0)
	var out []SaleView
	err := j.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bSalesPayType).Cursor()
		var keys [][]byte
		// Jump from one pay type to the next; walk a matching one back from its newest sale.
		for k, _ := c.First(); k != nil; {
			payType, _, _ := bytes.Cut(k, []byte{0})
			payType = bytes.Clone(payType)
			next := append(bytes.Clone(payType), 1)
			if match(string(payType)) {
				prefix := append(bytes.Clone(payType), 0)
				last, _ := c.Seek(next)
				if last == nil {
					last, _ = c.Last()
				} else {
					last, _ = c.Prev()
				}
				n := 0
				for ; last != nil && bytes.HasPrefix(last, prefix) && n < limit; last, _ = c.Prev() {
					saleKey := last[len(prefix):]
					if bytes.Compare(saleKey, from) < 0 {
						break
					}
					keys = append(keys, bytes.Clone(saleKey))
					n++
				}
			}
			k, _ = c.Seek(next)
		}
		var err error
		out, err = newestViews(tx, keys, limit)
		return err
	})
	return out, err
}

// newestViews reads the sales at keys (sale keys, any order, maybe repeated), newest first, at
// most limit.
func newestViews(tx *bolt.Tx, keys [][]byte, limit int) ([]SaleView, error) {
	slices.SortFunc(keys, func(a, b []byte) int { return bytes.Compare(b, a) })
	keys = slices.CompactFunc(keys, bytes.Equal)
	out := make([]SaleView, 0, min(limit, len(keys)))
	for _, k := range keys[:min(limit, len(keys))] {
		sv, err := viewAt(tx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, nil
}
