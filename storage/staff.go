package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"
)

// Staff are the people who may work the desk (schema 6): cashiers and managers, each with a PIN
// kept only as a bcrypt hash. A journal without staff works with the configured cashier.

// Roles.
const (
	RoleCashier = "cashier"
	RoleManager = "manager"
)

// Lockout: this many wrong PINs in a row lock a person for LockoutFor.
const (
	MaxWrongPINs = 5
	LockoutFor   = 15 * time.Minute
)

// Staff errors.
var (
	ErrStaffExists   = errors.New("already on the staff")
	ErrNoSuchStaff   = errors.New("not on the staff")
	ErrStaffDisabled = errors.New("disabled")
	ErrWrongPIN      = errors.New("wrong PIN")
	ErrLockedOut     = errors.New("locked after too many wrong PINs")
	ErrNotManager    = errors.New("not a manager")
	// ErrNeedsManager refuses a change of the staff or the limits made without a manager's id and
	// PIN; ErrFirstIsManager a journal's first person who is not a manager; ErrLastManager
	// disabling the last manager who could still sign in.
	ErrNeedsManager   = errors.New("needs a manager's id and PIN")
	ErrFirstIsManager = errors.New("the first person on the staff must be a manager")
	ErrLastManager    = errors.New("is the last active manager")
)

// Credential is a person's id and the PIN they typed. It prints as the id alone, so that a PIN
// never reaches a log line or an error.
type Credential struct {
	ID  string
	PIN string
}

func (c Credential) String() string             { return c.ID }
func (c Credential) LogValue() slog.Value       { return slog.StringValue(c.ID) }
func (c Credential) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.ID) }

// Session is a person signed in at the desk: only SignIn makes one that SessionPerson accepts
// (its proof is unexported), so a screen can carry who is signed in without keeping a PIN, and the
// lifecycle can trust it.
type Session struct {
	Person
	proof *sessionProof
}

type sessionProof struct {
	j  *Journal
	id string
}

// kFirstManager (meta) names the manager added without a credential to a journal that had none:
// that happens once.
var kFirstManager = []byte("first_manager")

// Person is one member of staff as the journal shows them (never their PIN's hash).
type Person struct {
	ID          string    `json:"id"`
	Role        string    `json:"role"`
	Disabled    bool      `json:"disabled,omitempty"`
	WrongPINs   int       `json:"wrong_pins,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Added       time.Time `json:"added"`
}

// staffRecord is what the staff bucket keeps.
type staffRecord struct {
	Person
	PINHash []byte `json:"pin_hash"`
}

var bStaff = []byte("staff")

// CheckStaffID refuses ids a person could not type at the desk: 1–32 letters, digits, '.', '-' or
// '_' (any script).
func CheckStaffID(id string) error {
	if id == "" || len([]rune(id)) > 32 {
		return errors.New("must be 1 to 32 characters")
	}
	for _, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return fmt.Errorf("has %q; use letters, digits, '.', '-' or '_'", r)
		}
	}
	return nil
}

// CheckPIN refuses a PIN that is not 4 to 12 digits.
func CheckPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 || strings.IndexFunc(pin, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return errors.New("a PIN is 4 to 12 digits")
	}
	return nil
}

// StaffError says which person a staff error is about.
type StaffError struct {
	ID    string
	Err   error
	Until time.Time // ErrLockedOut: when the lock ends
}

func (e *StaffError) Error() string {
	switch {
	case errors.Is(e.Err, ErrLockedOut):
		return fmt.Sprintf("%s is %v until %s", e.ID, e.Err, e.Until.Format("15:04"))
	case errors.Is(e.Err, ErrWrongPIN):
		return fmt.Sprintf("%v for %s", e.Err, e.ID)
	}
	return fmt.Sprintf("%s is %v", e.ID, e.Err)
}

func (e *StaffError) Unwrap() error { return e.Err }

// hashPIN is a PIN's bcrypt hash (variable so that tests may lower the cost).
var hashPIN = func(pin string) ([]byte, error) { return bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost) }

// staffChange is the record of a staff change on the audit trail: what happened, who did it, the
// person as they stand after it, and the SHA-256 of the person's record as stored (PIN hash
// included), so that a record changed in the file behind qfpos's back is found (VerifyStaff).
type staffChange struct {
	Action string `json:"action"`
	By     string `json:"by,omitempty"`
	Person
	Stored string `json:"stored,omitempty"`
}

// AddStaff adds a person with a role and a PIN. by must be a manager's id and PIN; the one
// exception is a journal that has never had a manager, whose first manager is added without one
// (once; the trail records it).
func (j *Journal) AddStaff(by Credential, id, role, pin string) error {
	if err := CheckStaffID(id); err != nil {
		return fmt.Errorf("staff id %q %w", id, err)
	}
	if role != RoleCashier && role != RoleManager {
		return fmt.Errorf("role %q is not cashier or manager", role)
	}
	if err := CheckPIN(pin); err != nil {
		return err
	}
	h, err := hashPIN(pin)
	if err != nil {
		return err
	}
	return j.change(func(tx *bolt.Tx, now time.Time) (error, error) {
		if tx.Bucket(bStaff).Get([]byte(id)) != nil {
			return &StaffError{ID: id, Err: ErrStaffExists}, nil
		}
		action, byID := "added", by.ID
		if by.ID == "" {
			first, err := firstManagerAllowed(tx)
			if err != nil || !first {
				return &StaffError{ID: id, Err: ErrNeedsManager}, err
			}
			if role != RoleManager {
				return &StaffError{ID: id, Err: ErrFirstIsManager}, nil
			}
			if err := tx.Bucket(bMeta).Put(kFirstManager, []byte(id)); err != nil {
				return nil, err
			}
			action, byID = "added as the first manager", ""
		} else if refused, err := authorize(tx, by, true, now); refused != nil || err != nil {
			return refused, err
		}
		return nil, putStaff(tx, staffRecord{Person: Person{ID: id, Role: role, Added: now}, PINHash: h}, action, byID, now)
	})
}

// firstManagerAllowed reports whether a manager may be added without a credential: the journal
// has no manager and never had its first one added so.
func firstManagerAllowed(tx *bolt.Tx) (bool, error) {
	if tx.Bucket(bMeta).Get(kFirstManager) != nil {
		return false, nil
	}
	managers := 0
	err := tx.Bucket(bStaff).ForEach(func(k, v []byte) error {
		r, err := decodeStaff(k, v)
		if err == nil && r.Role == RoleManager {
			managers++
		}
		return err
	})
	return managers == 0, err
}

// change runs a staff change in one write transaction: fn returns refused (a typed refusal: the
// change is not made, but what fn recorded, such as a wrong PIN, is kept) or err (nothing kept).
func (j *Journal) change(fn func(tx *bolt.Tx, now time.Time) (refused, err error)) error {
	var refused error
	err := j.update(func(tx *bolt.Tx) error {
		var err error
		refused, err = fn(tx, j.now())
		return err
	})
	if err != nil {
		return err
	}
	return refused
}

// authorize checks a credential inside a change: the person exists, may sign in, the PIN is theirs
// (a wrong one is counted and can lock them), and they are a manager when manager is set.
func authorize(tx *bolt.Tx, by Credential, manager bool, now time.Time) (refused, err error) {
	r, refused, err := checkPINTx(tx, by, now)
	if refused != nil || err != nil {
		return refused, err
	}
	if manager && r.Role != RoleManager {
		return &StaffError{ID: by.ID, Err: ErrNotManager}, nil
	}
	return nil, nil
}

// putStaff writes a person and chains what changed (never the hash, only a digest of the stored
// record) to the audit trail; by is who made the change ("" when the person did it themselves or
// for the first manager).
func putStaff(tx *bolt.Tx, r staffRecord, action, by string, now time.Time) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bStaff).Put([]byte(r.ID), v); err != nil {
		return err
	}
	return appendAudit(tx, now, AuditKindStaff, r.ID, staffChange{Action: action, By: by, Person: r.Person, Stored: digest(v)})
}

func decodeStaff(k, v []byte) (staffRecord, error) {
	var r staffRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("staff %s: %w", k, err)
	}
	return r, nil
}

func staffTx(tx *bolt.Tx, id string) (staffRecord, error) {
	v := tx.Bucket(bStaff).Get([]byte(id))
	if v == nil {
		return staffRecord{}, &StaffError{ID: id, Err: ErrNoSuchStaff}
	}
	return decodeStaff([]byte(id), v)
}

// Staff lists the staff, by id.
func (j *Journal) Staff() ([]Person, error) {
	var out []Person
	err := j.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bStaff).ForEach(func(k, v []byte) error {
			r, err := decodeStaff(k, v)
			out = append(out, r.Person)
			return err
		})
	})
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// Staffed reports whether the journal has staff: then every refund and cancel is a signed-in
// person's.
func (j *Journal) Staffed() (bool, error) {
	var staffed bool
	err := j.view(func(tx *bolt.Tx) error {
		staffed = staffedTx(tx)
		return nil
	})
	return staffed, err
}

func staffedTx(tx *bolt.Tx) bool {
	b := tx.Bucket(bStaff)
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// DisableStaff stops a person from signing in or approving (their history stays). by must be a
// manager's id and PIN; the last manager who can sign in is not disabled.
func (j *Journal) DisableStaff(by Credential, id string) error {
	return j.change(func(tx *bolt.Tx, now time.Time) (error, error) {
		if refused, err := authorize(tx, by, true, now); refused != nil || err != nil {
			return refused, err
		}
		r, err := staffTx(tx, id)
		if err != nil {
			return err, nil
		}
		if r.Role == RoleManager && !r.Disabled {
			active := 0
			if err := tx.Bucket(bStaff).ForEach(func(k, v []byte) error {
				o, err := decodeStaff(k, v)
				if err == nil && o.Role == RoleManager && !o.Disabled {
					active++
				}
				return err
			}); err != nil {
				return nil, err
			}
			if active <= 1 {
				return &StaffError{ID: id, Err: ErrLastManager}, nil
			}
		}
		r.Disabled = true
		return nil, putStaff(tx, r, "disabled", by.ID, now)
	})
}

// SetPIN changes a person's PIN. by is the person themselves with their current PIN (refused while
// they are locked), or a manager's id and PIN, which also lifts a lock.
func (j *Journal) SetPIN(by Credential, id, pin string) error {
	if err := CheckPIN(pin); err != nil {
		return err
	}
	h, err := hashPIN(pin)
	if err != nil {
		return err
	}
	return j.change(func(tx *bolt.Tx, now time.Time) (error, error) {
		if refused, err := authorize(tx, by, by.ID != id, now); refused != nil || err != nil {
			return refused, err
		}
		r, err := staffTx(tx, id)
		if err != nil {
			return err, nil
		}
		byID := by.ID
		if by.ID == id {
			byID = ""
		}
		r.PINHash, r.WrongPINs, r.LockedUntil = h, 0, time.Time{}
		return nil, putStaff(tx, r, "pin changed", byID, now)
	})
}

// SignIn checks a person's PIN. A wrong one is counted (and journaled); the fifth in a row locks
// the person for LockoutFor. A disabled or locked person is refused whatever the PIN. The session
// it returns is the proof the lifecycle asks for.
func (j *Journal) SignIn(id, pin string) (Session, error) {
	p, err := j.checkPIN(Credential{ID: id, PIN: pin}, "signed in", false)
	if err != nil {
		return Session{Person: p}, err
	}
	return Session{Person: p, proof: &sessionProof{j: j, id: p.ID}}, nil
}

// SessionPerson is the person a session was made for, as the journal holds them now: refused when
// the session was not made by this journal's SignIn, or the person has been disabled since.
func (j *Journal) SessionPerson(s Session) (Person, error) {
	if s.proof == nil || s.proof.j != j {
		return Person{}, &StaffError{ID: s.ID, Err: ErrNotSignedIn}
	}
	var p Person
	err := j.view(func(tx *bolt.Tx) error {
		r, err := staffTx(tx, s.proof.id)
		if err != nil {
			return err
		}
		if r.Disabled {
			return &StaffError{ID: r.ID, Err: ErrStaffDisabled}
		}
		p = r.Person
		return nil
	})
	return p, err
}

// ErrNotSignedIn refuses a session that SignIn did not make.
var ErrNotSignedIn = errors.New("not signed in")

// Approve checks a manager's id and PIN for approving a refund. The trail records the approval
// (the refund's intent then names the approver), or why it was refused.
func (j *Journal) Approve(by Credential) (Person, error) {
	return j.checkPIN(by, "approved", true)
}

// SignOut records on the trail that a person left the desk, and why ("locked", "idle", "desk
// closed"). An id that is not on the staff records nothing.
func (j *Journal) SignOut(id, why string) error {
	return j.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bStaff).Get([]byte(id)) == nil {
			return nil
		}
		return appendAudit(tx, j.now(), AuditKindStaff, id, struct {
			Action string `json:"action"`
			Why    string `json:"why,omitempty"`
		}{"signed out", why})
	})
}

// checkPIN checks a PIN for a sign-in or an approval (action, on the trail).
func (j *Journal) checkPIN(c Credential, action string, manager bool) (Person, error) {
	var p Person
	err := j.change(func(tx *bolt.Tx, now time.Time) (error, error) {
		r, refused, err := checkPINTx(tx, c, now)
		p = r.Person
		if refused != nil || err != nil {
			return refused, err
		}
		if manager && r.Role != RoleManager {
			refused = &StaffError{ID: c.ID, Err: ErrNotManager}
			action = "approval refused: not a manager"
		}
		return refused, appendAudit(tx, now, AuditKindStaff, c.ID, struct {
			Action string `json:"action"`
		}{action})
	})
	return p, err
}

// checkPINTx checks a credential's PIN inside a write transaction: a disabled or locked person is
// refused whatever the PIN; a wrong PIN is counted, and the MaxWrongPINs-th in a row locks; the
// right one clears the count. It returns the person as they stand after it.
func checkPINTx(tx *bolt.Tx, c Credential, now time.Time) (staffRecord, error, error) {
	r, err := staffTx(tx, c.ID)
	var se *StaffError
	if errors.As(err, &se) {
		return r, err, nil
	}
	if err != nil {
		return r, nil, err
	}
	switch {
	case r.Disabled:
		return r, &StaffError{ID: c.ID, Err: ErrStaffDisabled}, nil
	case now.Before(r.LockedUntil):
		return r, &StaffError{ID: c.ID, Err: ErrLockedOut, Until: r.LockedUntil}, nil
	}
	if bcrypt.CompareHashAndPassword(r.PINHash, []byte(c.PIN)) != nil {
		r.WrongPINs++
		what := "wrong PIN"
		var refused error = &StaffError{ID: c.ID, Err: ErrWrongPIN}
		if r.WrongPINs >= MaxWrongPINs {
			r.WrongPINs, r.LockedUntil = 0, now.Add(LockoutFor)
			what = "locked out"
			refused = &StaffError{ID: c.ID, Err: ErrLockedOut, Until: r.LockedUntil}
		}
		return r, refused, putStaff(tx, r, what, "", now)
	}
	if r.WrongPINs != 0 || !r.LockedUntil.IsZero() {
		r.WrongPINs, r.LockedUntil = 0, time.Time{}
		return r, nil, putStaff(tx, r, "wrong PINs cleared", "", now)
	}
	return r, nil, nil
}

// digest is the SHA-256 of stored bytes, hex.
func digest(v []byte) string {
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:])
}

// verifyRecordsTx checks the staff and the approval limits against the digests of their latest
// changes on the audit trail: a record edited in the file, or removed, behind qfpos's back is
// named. Records whose latest change was made before the trail kept digests are not checked.
func (j *Journal) verifyRecordsTx(tx *bolt.Tx) ([]string, error) {
	stored := func(raw []byte) string {
		var c struct {
			Stored string `json:"stored"`
		}
		_ = json.Unmarshal(raw, &c)
		return c.Stored
	}
	// A sign-in or sign-out does not change the record: the digest is the latest change's.
	latest, err := j.latestOnTrail(tx, func(raw []byte) bool { return stored(raw) != "" }, AuditKindStaff, AuditKindLimits)
	if err != nil {
		return nil, err
	}
	var problems []string
	staff := tx.Bucket(bStaff)
	if staff == nil {
		return nil, nil // a journal of schema 5 or older: no staff, no limits
	}
	_ = staff.ForEach(func(k, _ []byte) error {
		if _, ok := latest[AuditKindStaff][string(k)]; !ok {
			problems = append(problems, fmt.Sprintf("staff %s is in the journal but not on the audit trail (added behind qfpos's back)", k))
		}
		return nil
	})
	for _, id := range slices.Sorted(maps.Keys(latest[AuditKindStaff])) {
		want := stored(latest[AuditKindStaff][id])
		if want == "" {
			continue // changed last before the trail kept digests
		}
		if v := staff.Get([]byte(id)); v == nil {
			problems = append(problems, fmt.Sprintf("staff %s is on the audit trail but gone from the journal", id))
		} else if digest(v) != want {
			problems = append(problems, fmt.Sprintf("staff %s is not as the audit trail recorded it (changed behind qfpos's back)", id))
		}
	}
	raw, onTrail := latest[AuditKindLimits]["limits"]
	if v := tx.Bucket(bMeta).Get(kLimits); (v != nil || onTrail) && (v == nil || digest(v) != stored(raw)) {
		problems = append(problems, "the approval limits are not as the audit trail recorded them (changed behind qfpos's back)")
	}
	return problems, nil
}
