package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The audit trail (schema 5): every sale written, every event of a refund or cancel and every
// record of QFPay's kept is also appended, in the same transaction, to the audit bucket as an
// AuditEvent whose hash chains it to the one before. An event is never rewritten; changing,
// removing or reordering one breaks the chain at that sequence number, which VerifyAudit names.

// AuditEvent is one entry of the journal's hash-chained audit trail.
type AuditEvent struct {
	Seq     uint64          `json:"seq"`     // gap-free from 1
	At      time.Time       `json:"at"`      // when the change was journaled
	Kind    string          `json:"kind"`    // "sale", "event", "qfpay_record"
	Subject string          `json:"subject"` // a sale's syssn, or a refund or cancel's id
	Record  json.RawMessage `json:"record"`  // what was written
	Prev    string          `json:"prev"`    // the previous event's hash, hex ("" for the first)
	Hash    string          `json:"hash"`    // see hashOf
	// Stored are the bytes the journal keeps of an event of schema 11, which its hash covers:
	// Hash = SHA-256(Prev's bytes ‖ Seq as 8 bytes big-endian ‖ Stored). Empty for older events,
	// whose hash covers the JSON of seq, at (RFC 3339, UTC), kind, subject, record and prev.
	Stored []byte `json:"stored,omitempty"`
}

// Audit event kinds.
const (
	AuditKindSale     = "sale"         // a sale added or changed: the sale as written
	AuditKindEvent    = "event"        // a refund or cancel's event, with the operation as it stood after it
	AuditKindRecord   = "qfpay_record" // what QFPay's records say of a sale (its cancel flag, its refunds)
	AuditKindStaff    = "staff"        // a person added, disabled, a PIN changed, a sign-in, a wrong PIN, a lockout
	AuditKindDayClose = "day_close"    // a day closed: its report and the trail's head at that moment
	AuditKindConfig   = "config"       // a process started with settings other than the last ones seen
	AuditKindSchema   = "schema"       // the journal migrated from an older layout: from and to
)

// auditedEvent is the record of an AuditKindEvent.
type auditedEvent struct {
	Reversal Reversal `json:"reversal"`
	Event    Event    `json:"event"`
}

var (
	bAudit     = []byte("audit")
	kAuditHead = []byte("audit_head") // meta: seq (8) and hash (32) of the last event
)

// auditBody is what the hash of an event before schema 11 covers, in a fixed order: everything
// but the hash (legacy: frozen).
type auditBody struct {
	Seq     uint64          `json:"seq"`
	At      string          `json:"at"`
	Kind    string          `json:"kind"`
	Subject string          `json:"subject"`
	Record  json.RawMessage `json:"record"`
	Prev    string          `json:"prev"`
}

// legacyHash is the hash of the events written before schema 11: SHA-256(previous hash ‖ the
// JSON of auditBody, a frozen struct: it must never change).
func legacyHash(e AuditEvent) (string, error) {
	prev, err := hex.DecodeString(e.Prev)
	if err != nil {
		return "", fmt.Errorf("previous hash %q is not hex", e.Prev)
	}
	body, err := json.Marshal(auditBody{Seq: e.Seq, At: e.At.UTC().Format(time.RFC3339Nano), Kind: e.Kind,
		Subject: e.Subject, Record: e.Record, Prev: e.Prev})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// appendAudit chains one event to the trail inside the transaction that makes the change.
func appendAudit(tx *bolt.Tx, at time.Time, kind, subject string, record any) error {
	_, err := appendAuditSeq(tx, at, kind, subject, record)
	return err
}

// appendAuditSeq is appendAudit returning the event's sequence number. A new event is stored in
// one of the forms of schema 11 (auditStored, or auditSaleStored for a sale) and its hash covers
// the bytes stored (storedHash).
func appendAuditSeq(tx *bolt.Tx, at time.Time, kind, subject string, record any) (uint64, error) {
	b, meta := tx.Bucket(bAudit), tx.Bucket(bMeta)
	var seq uint64
	var prev string
	if head := meta.Get(kAuditHead); len(head) == 8+sha256.Size {
		seq = binary.BigEndian.Uint64(head[:8])
		prev = hex.EncodeToString(head[8:])
	}
	seq++
	var body []byte
	if s, ok := record.(Sale); ok && kind == AuditKindSale && subject == s.SysSN {
		body = appendSale(append([]byte{auditSaleStored}, binary.AppendVarint(nil, at.UnixNano())...), s)
	} else {
		raw, err := json.Marshal(record)
		if err != nil {
			return 0, err
		}
		body = appendParts(append([]byte{auditStored}, binary.AppendVarint(nil, at.UnixNano())...), kind, subject, string(raw))
	}
	hash, err := storedHash(prev, seq, body)
	if err != nil {
		return 0, err
	}
	b.FillPercent = appendFill // sequence keys are appended
	if err := b.Put(idKey(seq), append(body, hash...)); err != nil {
		return 0, err
	}
	return seq, meta.Put(kAuditHead, append(binary.BigEndian.AppendUint64(nil, seq), hash...))
}

// How an audit event is stored. The key is its sequence number; the previous hash is the event
// before's: neither is stored again. Every form but the first ends with the event's hash (32
// bytes). The hash of an event of schema 11 covers exactly the bytes stored before it, so reading
// or verifying it never depends on the shape of a Go struct; the forms of earlier schemas are read
// by the legacy decoders below and never written again.
const (
	// auditStored (schema 11): the format byte, the time (Unix nanoseconds, varint), the kind, the
	// subject and the record (JSON), each a uvarint length and its bytes. Hash: storedHash.
	auditStored = 0x05
	// auditSaleStored (schema 11): the format byte, the time, and the sale in binary (salecodec.go);
	// kind "sale", subject its syssn. Hash: storedHash.
	auditSaleStored = 0x06
	// auditCompact (legacy, schema 8–10): auditStored's layout; hash: legacyHash.
	auditCompact = 0x01
	// auditSale (legacy, schema 8–10): auditSaleStored's layout; hash: legacyHash over the sale's
	// JSON as schema 10 wrote it (saleV10). Events written before schema 8 are JSON, starting
	// with '{' (legacy too; hash: legacyHash).
)

// storedHash is SHA-256(previous hash ‖ sequence number (8 bytes, big-endian) ‖ the bytes stored
// before the hash): the hash of every event of schema 11.
func storedHash(prev string, seq uint64, body []byte) ([]byte, error) {
	p, err := hex.DecodeString(prev)
	if err != nil {
		return nil, fmt.Errorf("previous hash %q is not hex", prev)
	}
	h := sha256.New()
	h.Write(p)
	h.Write(binary.BigEndian.AppendUint64(nil, seq))
	h.Write(body)
	return h.Sum(nil), nil
}

// hashOf recomputes an event's hash the way its form was hashed.
func hashOf(e AuditEvent) (string, error) {
	if e.Stored == nil {
		return legacyHash(e)
	}
	h, err := storedHash(e.Prev, e.Seq, e.Stored)
	return hex.EncodeToString(h), err
}

func appendParts(v []byte, parts ...string) []byte {
	for _, part := range parts {
		v = binary.AppendUvarint(v, uint64(len(part)))
		v = append(v, part...)
	}
	return v
}

// decodeAudit reads the event stored under key k; prev is the hash of the event before it ("" for
// the first), which is not stored again. The time comes back in loc. A sale's record is its JSON
// (for a legacy sale event, the JSON its hash covers; for one of schema 11, for reading only).
func decodeAudit(k, v []byte, prev string, loc *time.Location) (AuditEvent, error) {
	e, sale, err := decodeAuditForm(k, v, prev, loc)
	if err == nil && sale != nil && e.Record == nil {
		e.Record, err = json.Marshal(*sale)
	}
	return e, err
}

// decodeAuditForm is decodeAudit without making a sale's JSON for reading: a sale comes back as
// the sale (e.Record is then nil for a schema-11 sale event).
func decodeAuditForm(k, v []byte, prev string, loc *time.Location) (AuditEvent, *Sale, error) {
	var e AuditEvent
	if len(v) > 0 && v[0] == '{' { // legacy: written before schema 8
		err := json.Unmarshal(v, &e)
		return e, nil, err
	}
	if len(k) != 8 || len(v) < 1+sha256.Size {
		return e, nil, errors.New("not an audit event")
	}
	form := v[0]
	if form != auditStored && form != auditSaleStored && form != auditCompact && form != auditSale {
		return e, nil, errors.New("not an audit event")
	}
	e.Seq, e.Prev = binary.BigEndian.Uint64(k), prev
	body := v[:len(v)-sha256.Size]
	e.Hash = hex.EncodeToString(v[len(v)-sha256.Size:])
	if form == auditStored || form == auditSaleStored {
		e.Stored = bytes.Clone(body)
	}
	rest := body[1:]
	nanos, n := binary.Varint(rest)
	if n <= 0 {
		return e, nil, errors.New("an audit event's time is damaged")
	}
	e.At, rest = time.Unix(0, nanos).In(loc), rest[n:]
	if form == auditSale || form == auditSaleStored {
		s, err := readSale(rest)
		if err != nil {
			return e, nil, err
		}
		e.Kind, e.Subject = AuditKindSale, s.SysSN
		if form == auditSale {
			e.Record, err = legacySaleJSON(s) // what its hash covers
		}
		return e, &s, err
	}
	parts := make([][]byte, 3)
	for i := range parts {
		l, n := binary.Uvarint(rest)
		if n <= 0 || uint64(len(rest)-n) < l {
			return e, nil, errors.New("an audit event's length is damaged")
		}
		parts[i], rest = rest[n:n+int(l)], rest[n+int(l):]
	}
	if len(rest) != 0 {
		return e, nil, errors.New("an audit event has bytes after its record")
	}
	e.Kind, e.Subject, e.Record = string(parts[0]), string(parts[1]), json.RawMessage(bytes.Clone(parts[2]))
	return e, nil, nil
}

// auditHashAt is the hash of the event stored under seq ("" for none).
func auditHashAt(b *bolt.Bucket, seq uint64, loc *time.Location) (string, error) {
	if seq == 0 {
		return "", nil
	}
	e, _, err := decodeAuditForm(idKey(seq), b.Get(idKey(seq)), "", loc)
	return e.Hash, err
}

// AuditResult is what VerifyAudit found.
type AuditResult struct {
	Events uint64 // events that verified
	Head   string // the last good event's hash
	// BrokenAt is the first sequence number that does not verify (0: the chain is whole), and
	// Problem says what is wrong there.
	BrokenAt uint64
	Problem  string
}

// OK reports whether the whole chain verified.
func (r AuditResult) OK() bool { return r.BrokenAt == 0 }

func (r AuditResult) String() string {
	if r.OK() {
		return fmt.Sprintf("ok: %d events, head %s", r.Events, r.Head)
	}
	return fmt.Sprintf("broken at event %d: %s (%d events before it verify)", r.BrokenAt, r.Problem, r.Events)
}

// VerifyAudit walks the audit trail from its first event: sequence numbers without gaps, each
// event's previous hash the one before it, each hash recomputed, and the head kept in meta the
// last event.
func (j *Journal) VerifyAudit() (AuditResult, error) { return j.verifyAudit(0) }

// VerifyAuditTail is VerifyAudit over the last n events only (the desk's check at start), taking
// the event before them as given.
func (j *Journal) VerifyAuditTail(n uint64) (AuditResult, error) { return j.verifyAudit(n) }

// verifyAudit walks the trail (its last tail events; 0: all of it); a trail that does not verify
// is damage, and the journal's verdict says so.
func (j *Journal) verifyAudit(tail uint64) (AuditResult, error) {
	var res AuditResult
	err := j.view(func(tx *bolt.Tx) error {
		if tail == 0 { // a walk of the whole trail follows the page tree first (pagetree.go)
			defer releasing(tx)()
			if err := checkPageTree(j.path, uint64(tx.ID())); err != nil {
				res.BrokenAt, res.Problem = 1, err.Error()
				return nil
			}
		}
		res = j.verifyAuditTx(tx, tail)
		return nil
	})
	if err == nil && !res.OK() {
		j.markDamaged(fmt.Sprintf("the audit trail %s", res))
	}
	return res, err
}

func (j *Journal) verifyAuditTx(tx *bolt.Tx, tail uint64) AuditResult {
	return j.verifyAuditWith(tx, tail, nil)
}

// verifyAuditWith is verifyAuditTx calling onSale with each sale the trail holds, in order, as
// the walk reads it (Verify compares the sales bucket's references with them).
func (j *Journal) verifyAuditWith(tx *bolt.Tx, tail uint64, onSale func(seq uint64, s *Sale)) AuditResult {
	var res AuditResult
	b := tx.Bucket(bAudit)
	if b == nil {
		return res
	}
	broken := func(seq uint64, format string, args ...any) AuditResult {
		res.BrokenAt, res.Problem = seq, fmt.Sprintf(format, args...)
		return res
	}
	want, prev := uint64(1), ""
	if head := tx.Bucket(bMeta).Get(kAuditHead); tail > 0 && len(head) == 8+sha256.Size {
		if last := binary.BigEndian.Uint64(head[:8]); last > tail {
			want = last - tail + 1
			h, err := auditHashAt(b, want-1, j.loc)
			if err != nil {
				return broken(want-1, "unreadable: %v", err)
			}
			prev, res.Events = h, want-1
		}
	}
	// The events of schema 11 are verified over their bytes as stored, with the hashes as bytes:
	// a walk of a million events allocates nothing per event but a sale's fields.
	prevRaw, ok := hex.DecodeString(prev)
	if ok != nil {
		return broken(want-1, "unreadable: its hash is not hex")
	}
	var last []byte // the last event's hash, as stored
	h := sha256.New()
	c := b.Cursor()
	for k, v := c.Seek(idKey(want)); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return broken(want, "a key that is not a sequence number")
		}
		if seq := binary.BigEndian.Uint64(k); seq != want {
			return broken(want, "event %d is missing (the next one is %d)", want, seq)
		}
		sale, hash, problem := verifyEvent(h, k, v, prevRaw, want, j.loc)
		if problem != "" {
			return broken(want, "%s", problem)
		}
		if sale != nil && onSale != nil {
			onSale(want, sale)
		}
		prevRaw, last = hash, hash
		res.Events = want
		want++
	}
	if last != nil {
		res.Head = hex.EncodeToString(last)
	} else if res.Events > 0 {
		res.Head = prev
	}
	head := tx.Bucket(bMeta).Get(kAuditHead)
	switch {
	case res.Events == 0 && head == nil:
	case len(head) != 8+sha256.Size:
		return broken(want, "the trail's head record is missing")
	case binary.BigEndian.Uint64(head[:8]) != res.Events || !bytes.Equal(head[8:], mustHex(res.Head)):
		return broken(binary.BigEndian.Uint64(head[:8]), "the trail ends at event %d but its head says %d", res.Events, binary.BigEndian.Uint64(head[:8]))
	}
	return res
}

// verifyEvent checks the event stored as v under k, seq's, following the event whose hash is prev:
// its sale when it holds one, its hash, or what is wrong with it. h is reused from one to the next.
func verifyEvent(h hash.Hash, k, v, prev []byte, seq uint64, loc *time.Location) (sale *Sale, sum []byte, problem string) {
	if len(v) >= 1+sha256.Size && (v[0] == auditStored || v[0] == auditSaleStored) {
		body, stored := v[:len(v)-sha256.Size], v[len(v)-sha256.Size:]
		sale, err := storedBody(body)
		if err != nil {
			return nil, nil, fmt.Sprintf("unreadable: %v", err)
		}
		var seqBuf [8]byte
		binary.BigEndian.PutUint64(seqBuf[:], seq)
		h.Reset()
		h.Write(prev)
		h.Write(seqBuf[:])
		h.Write(body)
		var got [sha256.Size]byte
		if !bytes.Equal(h.Sum(got[:0]), stored) {
			return nil, nil, "its content does not match its hash"
		}
		return sale, stored, ""
	}
	e, sale, err := decodeAuditForm(k, v, hex.EncodeToString(prev), loc) // a legacy form
	switch {
	case err != nil:
		return nil, nil, fmt.Sprintf("unreadable: %v", err)
	case e.Seq != seq:
		return nil, nil, fmt.Sprintf("it says it is event %d", e.Seq)
	case e.Prev != hex.EncodeToString(prev):
		return nil, nil, fmt.Sprintf("it does not follow event %d", seq-1)
	}
	if h, err := hashOf(e); err != nil || h != e.Hash {
		return nil, nil, "its content does not match its hash"
	}
	raw, err := hex.DecodeString(e.Hash)
	if err != nil {
		return nil, nil, "its hash is not hex"
	}
	return sale, raw, ""
}

// storedBody checks the layout of a schema-11 event's stored bytes (body, before its hash) and
// returns its sale when it holds one; it keeps nothing else.
func storedBody(body []byte) (*Sale, error) {
	_, n := binary.Varint(body[1:])
	if n <= 0 {
		return nil, errors.New("an audit event's time is damaged")
	}
	rest := body[1+n:]
	if body[0] == auditSaleStored {
		s, err := readSale(rest)
		return &s, err
	}
	for range 3 {
		l, n := binary.Uvarint(rest)
		if n <= 0 || uint64(len(rest)-n) < l {
			return nil, errors.New("an audit event's length is damaged")
		}
		rest = rest[n+int(l):]
	}
	if len(rest) != 0 {
		return nil, errors.New("an audit event has bytes after its record")
	}
	return nil, nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// AuditEvents calls fn with every audit event from since (a sequence number) on, in order.
func (j *Journal) AuditEvents(since uint64, fn func(AuditEvent) error) error {
	return j.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		since = max(since, 1)
		if last, _ := b.Cursor().Last(); last == nil || bytes.Compare(idKey(since), last) > 0 {
			return nil // nothing from since on: a reader that asks for what is new gets nothing
		}
		prev, err := auditHashAt(b, since-1, j.loc)
		if err != nil {
			return fmt.Errorf("audit event %d: %w", since-1, err)
		}
		c := b.Cursor()
		for k, v := c.Seek(idKey(since)); k != nil; k, v = c.Next() {
			e, err := decodeAudit(k, v, prev, j.loc)
			if err != nil {
				return fmt.Errorf("audit event at %x: %w", k, err)
			}
			if err := fn(e); err != nil {
				return err
			}
			prev = e.Hash
		}
		return nil
	})
}

// AuditCodeOf is the latest audit event of a refund or cancel: a short code (its hash's first 8
// hex digits and its number) a slip can carry so that an auditor finds it in the trail.
func (j *Journal) AuditCodeOf(id uint64) (string, bool, error) {
	subject := strconv.FormatUint(id, 10)
	var code string
	err := j.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			e, _, err := decodeAuditForm(k, v, "", j.loc)
			if err != nil {
				return err
			}
			if e.Kind == AuditKindEvent && e.Subject == subject {
				code = auditCode(e)
				return nil
			}
		}
		return nil
	})
	return code, code != "", err
}

// auditCode is an audit event's short code: its hash's first 8 hex digits and its number.
func auditCode(e AuditEvent) string {
	return fmt.Sprintf("%s #%d", e.Hash[:min(8, len(e.Hash))], e.Seq)
}

// auditKindOf reads only the kind of a stored event (ok false: read the whole event to know).
func auditKindOf(v []byte) (string, bool) {
	if len(v) < 1+sha256.Size {
		return "", false
	}
	switch v[0] {
	case auditSale, auditSaleStored:
		return AuditKindSale, true
	case auditCompact, auditStored:
		rest := v[1 : len(v)-sha256.Size]
		if _, n := binary.Varint(rest); n > 0 {
			rest = rest[n:]
			if l, n := binary.Uvarint(rest); n > 0 && uint64(len(rest)-n) >= l {
				return string(rest[n : n+int(l)]), true
			}
		}
	}
	return "", false
}
