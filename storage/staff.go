package storage

import (
	"encoding/json"
	"errors"
	"fmt"
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
)

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

// AddStaff adds a person with a role and a PIN.
func (j *Journal) AddStaff(id, role, pin string) error {
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
	return j.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bStaff)
		if b.Get([]byte(id)) != nil {
			return &StaffError{ID: id, Err: ErrStaffExists}
		}
		return putStaff(tx, staffRecord{Person: Person{ID: id, Role: role, Added: j.now()}, PINHash: h}, "added", j.now())
	})
}

// putStaff writes a person and chains what changed (never the hash) to the audit trail.
func putStaff(tx *bolt.Tx, r staffRecord, action string, now time.Time) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bStaff).Put([]byte(r.ID), v); err != nil {
		return err
	}
	return appendAudit(tx, now, AuditKindStaff, r.ID, struct {
		Action string `json:"action"`
		Person
	}{action, r.Person})
}

func staffTx(tx *bolt.Tx, id string) (staffRecord, error) {
	var r staffRecord
	v := tx.Bucket(bStaff).Get([]byte(id))
	if v == nil {
		return r, &StaffError{ID: id, Err: ErrNoSuchStaff}
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("staff %s: %w", id, err)
	}
	return r, nil
}

// Staff lists the staff, by id.
func (j *Journal) Staff() ([]Person, error) {
	var out []Person
	err := j.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bStaff).ForEach(func(k, v []byte) error {
			var r staffRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("staff %s: %w", k, err)
			}
			out = append(out, r.Person)
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// DisableStaff stops a person from signing in or approving (their history stays).
func (j *Journal) DisableStaff(id string) error {
	return j.update(func(tx *bolt.Tx) error {
		r, err := staffTx(tx, id)
		if err != nil {
			return err
		}
		r.Disabled = true
		return putStaff(tx, r, "disabled", j.now())
	})
}

// SetPIN changes a person's PIN (and lifts a lockout).
func (j *Journal) SetPIN(id, pin string) error {
	if err := CheckPIN(pin); err != nil {
		return err
	}
	h, err := hashPIN(pin)
	if err != nil {
		return err
	}
	return j.update(func(tx *bolt.Tx) error {
		r, err := staffTx(tx, id)
		if err != nil {
			return err
		}
		r.PINHash, r.WrongPINs, r.LockedUntil = h, 0, time.Time{}
		return putStaff(tx, r, "pin changed", j.now())
	})
}

// SignIn checks a person's PIN. A wrong one is counted (and journaled); the fifth in a row locks
// the person for LockoutFor. A disabled or locked person is refused whatever the PIN.
func (j *Journal) SignIn(id, pin string) (Person, error) {
	return j.checkPIN(id, pin, "signed in", false)
}

// Approve is SignIn for a manager approving a refund: the person must be a manager. The trail
// records the approval (the refund's intent then names the approver).
func (j *Journal) Approve(id, pin string) (Person, error) {
	return j.checkPIN(id, pin, "approved", true)
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
func (j *Journal) checkPIN(id, pin, action string, manager bool) (Person, error) {
	var p Person
	var refused error
	err := j.update(func(tx *bolt.Tx) error {
		now := j.now()
		r, err := staffTx(tx, id)
		if err != nil {
			return err
		}
		p = r.Person
		switch {
		case r.Disabled:
			refused = &StaffError{ID: id, Err: ErrStaffDisabled}
			return nil
		case now.Before(r.LockedUntil):
			refused = &StaffError{ID: id, Err: ErrLockedOut, Until: r.LockedUntil}
			return nil
		}
		if bcrypt.CompareHashAndPassword(r.PINHash, []byte(pin)) != nil {
			r.WrongPINs++
			what := "wrong PIN"
			refused = &StaffError{ID: id, Err: ErrWrongPIN}
			if r.WrongPINs >= MaxWrongPINs {
				r.WrongPINs, r.LockedUntil = 0, now.Add(LockoutFor)
				what = "locked out"
				refused = &StaffError{ID: id, Err: ErrLockedOut, Until: r.LockedUntil}
			}
			p = r.Person
			return putStaff(tx, r, what, now)
		}
		if manager && r.Role != RoleManager {
			refused = &StaffError{ID: id, Err: ErrNotManager}
			action = "approval refused: not a manager"
		}
		if r.WrongPINs == 0 && r.LockedUntil.IsZero() {
			return appendAudit(tx, now, AuditKindStaff, id, struct {
				Action string `json:"action"`
			}{action})
		}
		r.WrongPINs, r.LockedUntil = 0, time.Time{}
		p = r.Person
		return putStaff(tx, r, action, now)
	})
	if err != nil {
		return p, err
	}
	return p, refused
}
