package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/qfpay/money"
)

// Kind is what a reversal does to a sale.
type Kind string

// Reversal kinds.
const (
	KindRefund Kind = "refund" // give back (part of) a paid sale
	KindCancel Kind = "cancel" // void a sale that did not complete (reversal or close)
)

// State is where a reversal is in its life: pending → sent → processing → succeeded | failed |
// unknown. Unknown is parked, not finished: it is still checked and may still succeed or fail.
type State string

// Reversal states.
const (
	StatePending    State = "pending"    // intent journaled, not sent yet
	StateSent       State = "sent"       // a request left; no answer yet
	StateProcessing State = "processing" // QFPay accepted it or the outcome is being settled by query
	StateSucceeded  State = "succeeded"
	StateFailed     State = "failed"
	StateUnknown    State = "unknown" // still not known after the polling window; re-checked later
)

// Finished reports whether the state is final (it can never change again).
func (s State) Finished() bool { return s == StateSucceeded || s == StateFailed }

func (s State) valid() bool {
	switch s {
	case StatePending, StateSent, StateProcessing, StateSucceeded, StateFailed, StateUnknown:
		return true
	}
	return false
}

// Reversal is one refund or cancel. Every resend uses the same OutTradeNo, Amount and TxDtm.
type Reversal struct {
	ID         uint64    `json:"id"`
	Kind       Kind      `json:"kind"`
	Endpoint   string    `json:"endpoint"`     // refund, reversal or close
	OutTradeNo string    `json:"out_trade_no"` // the refund's own id; for a cancel, qfpos's tracking id
	SaleSysSN  string    `json:"sale_syssn"`
	Amount     int64     `json:"amount"`
	Currency   string    `json:"currency"`
	TxDtm      string    `json:"txdtm"` // sent as txdtm: the refund's request time, or the sale's txdtm for a cancel
	State      State     `json:"state"`
	Attempts   int       `json:"attempts"`           // requests sent (the first send and every resend)
	LastSent   time.Time `json:"last_sent,omitzero"` // when the last request left
	SysSN      string    `json:"syssn,omitempty"`    // QFPay's id for this refund or cancel
	RespCD     string    `json:"respcd,omitempty"`
	RespErr    string    `json:"resperr,omitempty"`
	Reason     string    `json:"reason,omitempty"`      // the store's reason code ([refunds] reasons), or older free text
	ReasonText string    `json:"reason_text,omitempty"` // the cashier's words ("other" needs them)
	Cashier    string    `json:"cashier,omitempty"`
	Approver   string    `json:"approver,omitempty"`
	UDID       string    `json:"udid,omitempty"`
	// Zone is the terminal's time zone when it was created (an IANA name, else an offset such as
	// "+08:00"): a slip printed later, from any configuration, shows its times there.
	Zone      string    `json:"zone,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	Finished  time.Time `json:"finished,omitzero"`
	NextCheck time.Time `json:"next_check,omitzero"`
	Answered  bool      `json:"answered,omitempty"` // QFPay answered a request with a respcd: a cancel is never sent again
	Unsigned  bool      `json:"unsigned,omitempty"` // a reply arrived without a valid signature

	// Trail is where its events are, in order: the sequence numbers of the audit events that hold
	// them (schema 10). Events written before are in the events bucket and come first.
	Trail []uint64 `json:"trail,omitempty"`

	//lint:ignore U1000 empty, but for the test of a field added later (extra.go)
	reversalExtra

	Events []Event `json:"-"` // filled by Reversal and ReversalByOutTradeNo
}

// EventType names what happened.
type EventType string

// Event types.
const (
	EventIntent EventType = "intent" // the operation was journaled
	EventSent   EventType = "sent"   // a request left (first send)
	EventResend EventType = "resend" // the identical request left again
	EventReply  EventType = "reply"  // QFPay answered the write (or did not)
	EventQuery  EventType = "query"  // a query result
	EventState  EventType = "state"  // a state change without a request
	EventNote   EventType = "note"   // anything else worth keeping
)

// Event is one entry of a reversal's append-only history.
type Event struct {
	At        time.Time `json:"at"`
	Type      EventType `json:"type"`
	State     State     `json:"state,omitempty"` // the state after the event
	Code      string    `json:"code,omitempty"`  // respcd, when QFPay gave one
	Message   string    `json:"message,omitempty"`
	Attempt   int       `json:"attempt,omitempty"`
	Signature string    `json:"signature,omitempty"` // response signature check: verified, absent, mismatch
	NextCheck time.Time `json:"next_check,omitzero"`
	// Audit is the code of the audit event that holds this event (its hash's first 8 hex digits
	// and its number, as a slip prints it), when it is read from the trail; never stored.
	Audit string `json:"-"`
}

func decodeReversal(v []byte) (Reversal, error) {
	var r Reversal
	if v == nil {
		return r, fmt.Errorf("a reversal index points nowhere: %w", ErrDamaged)
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("undecodable reversal (%v): %w", err, ErrDamaged)
	}
	return r, nil
}

// Intent is a refund or cancel about to be sent.
type Intent struct {
	Kind       Kind
	Endpoint   string
	OutTradeNo string
	SaleSysSN  string
	Amount     int64
	TxDtm      string
	Reason     string
	ReasonText string
	Cashier    string
	Approver   string
	UDID       string
	Note       string // what the terminal knew when it decided (kept in the intent event)
	// Remote, when set, is QFPay's record of the sale read just before: CreateAndSend journals it
	// in the intent's commit, and the journal's rules see it.
	Remote *RemoteUpdate
}

// Create journals an intent as a pending reversal, enforcing every rule in the same
// transaction: the sale exists; nothing else is unfinished for it; a refund is for a paid sale
// and within what is left; a cancel is for a sale that did not complete, for its whole amount;
// the out_trade_no is unused by any sale or reversal.
func (j *Journal) Create(in Intent) (Reversal, error) {
	var r Reversal
	err := j.update(func(tx *bolt.Tx) error {
		var err error
		r, err = createTx(tx, in, j.now(), j.loc)
		return err
	})
	return r, err
}

// CreateAndSend journals an intent, as Create does, and in the same commit the change that says
// its request is leaving (state sent, the first attempt): one commit before the request goes, so
// the intent and its out_trade_no are on disk before anything leaves the terminal.
func (j *Journal) CreateAndSend(in Intent, sent Change) (Reversal, error) {
	var r Reversal
	err := j.update(func(tx *bolt.Tx) error {
		now := j.now()
		if in.Remote != nil {
			if _, err := j.updateRemoteTx(tx, in.SaleSysSN, *in.Remote); err != nil {
				return err
			}
		}
		created, err := createTx(tx, in, now, j.loc)
		if err != nil {
			return err
		}
		r, err = transitionTx(tx, created.ID, sent, now)
		return err
	})
	return r, err
}

func createTx(tx *bolt.Tx, in Intent, now time.Time, loc *time.Location) (Reversal, error) {
	s, ok, err := saleTx(tx, in.SaleSysSN)
	if err != nil {
		return Reversal{}, err
	}
	if !ok {
		return Reversal{}, &RuleError{Err: ErrNotFound, SaleSysSN: in.SaleSysSN}
	}
	v, err := viewTx(tx, s)
	if err != nil {
		return Reversal{}, err
	}
	if err := checkIntent(tx, v, in); err != nil {
		return Reversal{}, err
	}
	id, err := tx.Bucket(bReversals).NextSequence()
	if err != nil {
		return Reversal{}, err
	}
	r := Reversal{ID: id, Kind: in.Kind, Endpoint: in.Endpoint, OutTradeNo: in.OutTradeNo, SaleSysSN: s.SysSN,
		Amount: in.Amount, Currency: s.Currency, TxDtm: in.TxDtm, State: StatePending, Reason: in.Reason,
		ReasonText: in.ReasonText, Cashier: in.Cashier, Approver: in.Approver, UDID: in.UDID, Zone: ZoneName(loc, now),
		Created: now, Updated: now}
	for _, kv := range []struct {
		b    []byte
		k, v []byte
	}{
		{bReversalsSale, saleReversalKey(s.SysSN, id), nil},
		{bReversalsDay, timeKey(now, id), nil},
		{bReversalsOpen, idKey(id), nil},
		{bReversalsOTN, []byte(in.OutTradeNo), idKey(id)},
	} {
		if err := tx.Bucket(kv.b).Put(kv.k, kv.v); err != nil {
			return Reversal{}, err
		}
	}
	msg := fmt.Sprintf("%s of %s via %s", in.Kind, money.TextCode(in.Amount, s.Currency), in.Endpoint)
	if in.Note != "" {
		msg += "; " + in.Note
	}
	if r, err = appendEvent(tx, r, Event{At: now, Type: EventIntent, State: StatePending, Message: msg}); err != nil {
		return r, err
	}
	return r, putReversal(tx, r)
}

// checkPeople: with staff, every operation is an active person's, and an approver an active
// manager's; without staff there is nobody to approve.
func checkPeople(tx *bolt.Tx, in Intent) error {
	if !staffedTx(tx) {
		if in.Approver != "" {
			return fmt.Errorf("approver %s: the journal has no staff", in.Approver)
		}
		return nil
	}
	active := func(id, what string, manager bool) error {
		r, err := staffTx(tx, id)
		switch {
		case id == "":
			return fmt.Errorf("no %s", what)
		case err != nil:
			return fmt.Errorf("%s %w", what, err)
		case r.Disabled:
			return fmt.Errorf("%s %s is disabled", what, id)
		case manager && r.Role != RoleManager:
			return fmt.Errorf("%s %s is not a manager", what, id)
		}
		return nil
	}
	if err := active(in.Cashier, "cashier", false); err != nil {
		return err
	}
	if in.Approver != "" {
		return active(in.Approver, "approver", true)
	}
	return nil
}

func checkIntent(tx *bolt.Tx, v SaleView, in Intent) error {
	rule := func(err error, detail string) error {
		return &RuleError{Err: err, SaleSysSN: v.SysSN, Detail: detail}
	}
	if v.Open != nil {
		open := *v.Open
		return &RuleError{Err: ErrInFlight, SaleSysSN: v.SysSN, ReversalID: open.ID, Existing: &open}
	}
	if err := checkID("out_trade_no", in.OutTradeNo, true); err != nil {
		return rule(ErrDuplicate, err.Error())
	}
	for _, f := range [][2]string{{"reason", in.Reason}, {"reason_text", in.ReasonText}, {"cashier", in.Cashier}, {"approver", in.Approver}} {
		if err := CheckText(f[1]); err != nil {
			return rule(ErrText, fmt.Sprintf("%s %s", f[0], err))
		}
	}
	if err := checkPeople(tx, in); err != nil {
		return rule(ErrNoPerson, err.Error())
	}
	if tx.Bucket(bReversalsOTN).Get([]byte(in.OutTradeNo)) != nil || tx.Bucket(bSalesOTN).Get([]byte(in.OutTradeNo)) != nil {
		return rule(ErrDuplicate, "out_trade_no "+in.OutTradeNo)
	}
	switch in.Kind {
	case KindRefund:
		if in.Endpoint != "refund" {
			return rule(ErrBadState, "a refund goes to the refund endpoint")
		}
		if v.Cancelled {
			return rule(ErrCancelled, "")
		}
		if v.Status() != PaymentPaid {
			return rule(ErrNotPaid, "")
		}
		if in.Amount <= 0 {
			return rule(ErrAmount, "it must be more than zero")
		}
		if in.Amount > v.Remaining() {
			return &RuleError{Err: ErrOverRefund, SaleSysSN: v.SysSN, Remaining: v.Remaining()}
		}
	case KindCancel:
		if in.Endpoint != "reversal" && in.Endpoint != "close" {
			return rule(ErrBadState, "a cancel goes to the reversal or close endpoint")
		}
		if v.Cancelled {
			return rule(ErrCancelled, "")
		}
		if v.Status() == PaymentPaid {
			return rule(ErrCompleted, "")
		}
		if in.Amount != v.Amount {
			return rule(ErrAmount, "a cancel is for the whole sale")
		}
	default:
		return rule(ErrBadState, fmt.Sprintf("unknown kind %q", in.Kind))
	}
	return nil
}

func putReversal(tx *bolt.Tx, r Reversal) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bReversals).Put(idKey(r.ID), v)
}

// appendEvent appends an event of reversal r (as it stands after the event) to the audit trail,
// which holds a reversal's history from schema 10, and returns r with the event's place in its
// Trail: the caller writes r. (The events bucket keeps the events written before schema 10.)
func appendEvent(tx *bolt.Tx, r Reversal, e Event) (Reversal, error) {
	snapshot := r
	snapshot.Trail = nil // where the history is kept is not part of it (and would grow each record)
	at, err := appendAuditSeq(tx, e.At, AuditKindEvent, strconv.FormatUint(r.ID, 10), auditedEvent{Reversal: snapshot, Event: e})
	if err != nil {
		return r, err
	}
	r.Trail = append(slices.Clip(r.Trail), at)
	return r, nil
}

// Change is one step of a reversal's life, written with its event in one transaction. Empty
// fields keep their values.
type Change struct {
	State     State
	Endpoint  string // a cancel's one fallback to the other endpoint
	SysSN     string
	RespCD    string
	RespErr   string
	Attempt   bool      // a request is being sent: count it
	Answered  bool      // QFPay answered a request with a respcd (kept once set)
	Unsigned  bool      // the reply had no valid signature (kept once set)
	NextCheck time.Time // replaces the next planned check (zero: none planned)
	Event     Event     // appended; At, State and NextCheck are filled in
}

// Transition applies a change. A finished reversal never changes (ErrFinal), and nothing goes
// back to pending.
func (j *Journal) Transition(id uint64, c Change) (Reversal, error) {
	var r Reversal
	err := j.update(func(tx *bolt.Tx) error {
		var err error
		r, err = transitionTx(tx, id, c, j.now())
		return err
	})
	return r, err
}

func transitionTx(tx *bolt.Tx, id uint64, c Change, now time.Time) (Reversal, error) {
	r, err := reversalTx(tx, id)
	if err != nil {
		return r, err
	}
	if r.State.Finished() {
		return r, &RuleError{Err: ErrFinal, SaleSysSN: r.SaleSysSN, ReversalID: id, Detail: string(r.State)}
	}
	if c.State != "" {
		if !c.State.valid() || (c.State == StatePending && r.State != StatePending) {
			return r, &RuleError{Err: ErrBadState, SaleSysSN: r.SaleSysSN, ReversalID: id, Detail: fmt.Sprintf("%s to %q", r.State, c.State)}
		}
		r.State = c.State
	}
	if c.Endpoint != "" {
		if r.Kind != KindCancel || (c.Endpoint != "reversal" && c.Endpoint != "close") {
			return r, &RuleError{Err: ErrBadState, SaleSysSN: r.SaleSysSN, ReversalID: id, Detail: "only a cancel may switch between reversal and close"}
		}
		r.Endpoint = c.Endpoint
	}
	if c.SysSN != "" {
		r.SysSN = c.SysSN
	}
	if c.RespCD != "" {
		r.RespCD, r.RespErr = c.RespCD, c.RespErr
	}
	if c.Attempt {
		r.Attempts++
		r.LastSent = now
	}
	r.Answered = r.Answered || c.Answered
	r.Unsigned = r.Unsigned || c.Unsigned
	r.Updated, r.NextCheck = now, c.NextCheck
	if r.State.Finished() {
		r.Finished, r.NextCheck = now, time.Time{}
		if err := tx.Bucket(bReversalsOpen).Delete(idKey(id)); err != nil {
			return r, err
		}
	}
	e := c.Event
	if e.Type == "" {
		e.Type = EventState
	}
	e.At, e.State, e.NextCheck = now, r.State, r.NextCheck
	if c.Attempt && e.Attempt == 0 {
		e.Attempt = r.Attempts
	}
	if r, err = appendEvent(tx, r, e); err != nil {
		return r, err
	}
	return r, putReversal(tx, r)
}

// Note appends an event to a reversal without changing its state (finished ones too: the history
// is append-only).
func (j *Journal) Note(id uint64, e Event) error {
	return j.update(func(tx *bolt.Tx) error {
		r, err := reversalTx(tx, id)
		if err != nil {
			return err
		}
		if e.Type == "" {
			e.Type = EventNote
		}
		e.At, e.State = j.now(), r.State
		if r, err = appendEvent(tx, r, e); err != nil {
			return err
		}
		return putReversal(tx, r)
	})
}

func reversalTx(tx *bolt.Tx, id uint64) (Reversal, error) {
	v := tx.Bucket(bReversals).Get(idKey(id))
	if v == nil {
		return Reversal{}, &RuleError{Err: ErrNotFound, ReversalID: id, Detail: fmt.Sprintf("reversal %d", id)}
	}
	return decodeReversal(v)
}

// eventsTx reads reversal r's history: the events bucket's (before schema 10), then the audit
// events of its Trail.
func eventsTx(tx *bolt.Tx, r Reversal) ([]Event, error) {
	var out []Event
	id := r.ID
	prefix := idKey(id)
	c := tx.Bucket(bEvents).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("undecodable event (%v): %w", err, ErrDamaged)
		}
		out = append(out, e)
	}
	audit := tx.Bucket(bAudit)
	for _, seq := range r.Trail {
		var ae AuditEvent
		var err error
		if audit != nil {
			ae, _, err = decodeAuditForm(idKey(seq), audit.Get(idKey(seq)), "", time.UTC)
		}
		var rec auditedEvent
		if audit == nil || err != nil || ae.Kind != AuditKindEvent || ae.Subject != strconv.FormatUint(id, 10) || json.Unmarshal(ae.Record, &rec) != nil {
			return nil, fmt.Errorf("reversal %d: its event in audit event %d is missing or damaged: %w", id, seq, ErrDamaged)
		}
		rec.Event.Audit = auditCode(ae)
		out = append(out, rec.Event)
	}
	return out, nil
}

// Reversal returns a reversal with its events.
func (j *Journal) Reversal(id uint64) (Reversal, error) {
	var r Reversal
	err := j.view(func(tx *bolt.Tx) error {
		var err error
		if r, err = reversalTx(tx, id); err != nil {
			return err
		}
		r.Events, err = eventsTx(tx, r)
		return err
	})
	return r, err
}

// ReversalByOutTradeNo returns a reversal (with events) by its own out_trade_no.
func (j *Journal) ReversalByOutTradeNo(otn string) (Reversal, bool, error) {
	var id uint64
	err := j.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bReversalsOTN).Get([]byte(otn)); v != nil {
			id = keyID(v)
		}
		return nil
	})
	if err != nil || id == 0 {
		return Reversal{}, false, err
	}
	r, err := j.Reversal(id)
	return r, err == nil, err
}

// ReversalsOn returns the reversals created on the terminal's calendar day that contains t,
// oldest first (without events).
func (j *Journal) ReversalsOn(t time.Time) ([]Reversal, error) {
	t = t.In(j.loc)
	start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, j.loc)
	end := start.AddDate(0, 0, 1)
	var out []Reversal
	err := j.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bReversalsDay).Cursor()
		stop := timeKey(end, 0)
		n := 0 // counted first: a day of 10k reversals grown one by one is copied over and over
		for k, _ := c.Seek(timeKey(start, 0)); k != nil && bytes.Compare(k, stop) < 0; k, _ = c.Next() {
			n++
		}
		out = make([]Reversal, 0, n)
		revs := inOrder{c: tx.Bucket(bReversals).Cursor()}
		for k, _ := c.Seek(timeKey(start, 0)); k != nil && bytes.Compare(k, stop) < 0; k, _ = c.Next() {
			r, err := decodeReversal(revs.get(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// inOrder reads a bucket's values by key where the keys mostly come in the bucket's order (a
// day's reversals by id): the next key is a step of the cursor, not a search from the root.
type inOrder struct {
	c  *bolt.Cursor
	at []byte // the key the cursor is on, nil when unknown
}

func (r *inOrder) get(k []byte) []byte {
	if r.at != nil {
		if next, v := r.c.Next(); bytes.Equal(next, k) {
			r.at = next
			return v
		}
	}
	got, v := r.c.Seek(k)
	if !bytes.Equal(got, k) {
		r.at = nil
		return nil
	}
	r.at = got
	return v
}

// PayTypes returns the pay type of each of the sales named, read in one transaction, each sale
// once (a day's report of thousands of refunds needs nothing else of their sales).
func (j *Journal) PayTypes(syssns []string) (map[string]string, error) {
	out := make(map[string]string, len(syssns))
	err := j.view(func(tx *bolt.Tx) error {
		for _, syssn := range syssns {
			if _, done := out[syssn]; done {
				continue
			}
			s, ok, err := saleTx(tx, syssn)
			if err != nil {
				return err
			}
			if ok {
				out[syssn] = s.PayType
			}
		}
		return nil
	})
	return out, err
}

// Unfinished returns every reversal that is not succeeded or failed, oldest first (for resume).
func (j *Journal) Unfinished() ([]Reversal, error) {
	var out []Reversal
	err := j.view(func(tx *bolt.Tx) error {
		revs := tx.Bucket(bReversals)
		return tx.Bucket(bReversalsOpen).ForEach(func(k, _ []byte) error {
			r, err := decodeReversal(revs.Get(k))
			if err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// ZoneName names a time zone so that ZoneOf finds it again: its IANA name, or, for a zone
// known by no such name (the machine's own, time.Local, or a fixed offset), the offset it had at t.
func ZoneName(loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.Local
	}
	if name := loc.String(); loc != time.Local && loadable(name) {
		return name
	}
	return t.In(loc).Format("-07:00")
}

// zonesLoaded remembers which zone names time.LoadLocation knows.
var zonesLoaded sync.Map

func loadable(name string) bool {
	if ok, seen := zonesLoaded.Load(name); seen {
		return ok.(bool)
	}
	_, err := time.LoadLocation(name)
	ok := err == nil && name != "Local" && name != ""
	zonesLoaded.Store(name, ok)
	return ok
}

// ZoneOf returns the zone a Reversal's Zone names, or ok false when it names none (an operation
// journaled before qfpos kept it).
func ZoneOf(name string) (loc *time.Location, ok bool) {
	if name == "" {
		return nil, false
	}
	if t, err := time.Parse("-07:00", name); err == nil {
		_, off := t.Zone()
		return time.FixedZone(name, off), true
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// Operation names what was asked of QFPay: its endpoint (refund, reversal or close), else, for an
// operation journaled before it chose one, its kind (refund or cancel).
func (r Reversal) Operation() string {
	if r.Endpoint != "" {
		return r.Endpoint
	}
	return string(r.Kind)
}
