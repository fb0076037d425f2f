package storage

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func init() { // the tests check many PINs: the cheapest cost bcrypt allows
	hashPIN = func(pin string) ([]byte, error) { return bcrypt.GenerateFromPassword([]byte(pin), bcrypt.MinCost) }
}

func TestStaffAndLockout(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	for _, c := range []struct{ id, role, pin, want string }{
		{"amy", "cashier", "1234", ""}, {"陳小明", "manager", "987654", ""}, {"amy", "cashier", "1234", "already on the staff"},
		{"bo b", "cashier", "1234", "staff id"}, {"bo", "boss", "1234", "not cashier or manager"}, {"bo", "cashier", "12a4", "4 to 12 digits"},
		{"bo", "cashier", "123", "4 to 12 digits"},
	} {
		err := j.AddStaff(c.id, c.role, c.pin)
		if (c.want == "") != (err == nil) || err != nil && !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	people, _ := j.Staff()
	if len(people) != 2 || people[0].ID != "amy" || people[1].Role != RoleManager {
		t.Fatalf("%+v", people)
	}
	if _, err := j.SignIn("amy", "1234"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Approve("amy", "1234"); !errors.Is(err, ErrNotManager) {
		t.Fatalf("a cashier approved: %v", err)
	}
	if p, err := j.Approve("陳小明", "987654"); err != nil || p.Role != RoleManager {
		t.Fatalf("manager: %v", err)
	}
	// Four wrong PINs are counted; the fifth locks for 15 minutes, even with the right PIN.
	for i := range MaxWrongPINs {
		_, err := j.SignIn("amy", "0000")
		want := ErrWrongPIN
		if i == MaxWrongPINs-1 {
			want = ErrLockedOut
		}
		if !errors.Is(err, want) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	if _, err := j.SignIn("amy", "1234"); !errors.Is(err, ErrLockedOut) {
		t.Fatalf("locked: %v", err)
	}
	clk.advance(LockoutFor + time.Second)
	if p, err := j.SignIn("amy", "1234"); err != nil || p.WrongPINs != 0 {
		t.Fatalf("after the lock: %+v %v", p, err)
	}
	if err := j.DisableStaff("amy"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SignIn("amy", "1234"); !errors.Is(err, ErrStaffDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	if err := j.SetPIN("陳小明", "5555"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SignIn("陳小明", "987654"); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("old PIN: %v", err)
	}
	if _, err := j.SignIn("nobody", "1234"); !errors.Is(err, ErrNoSuchStaff) {
		t.Fatalf("nobody: %v", err)
	}
	// Every staff change is on the audit trail, and no PIN or hash is anywhere in it.
	res, err := j.VerifyAudit()
	if err != nil || !res.OK() || res.Events < 10 {
		t.Fatalf("%v %v", res, err)
	}
	var trail bytes.Buffer
	_ = j.AuditEvents(1, func(e AuditEvent) error { trail.Write(e.Record); return nil })
	for _, secret := range []string{"1234", "987654", "5555", "$2a$", "pin_hash"} {
		if bytes.Contains(trail.Bytes(), []byte(secret)) {
			t.Errorf("the audit trail holds %q", secret)
		}
	}
	raw, _ := os.ReadFile(j.Path())
	for _, pin := range []string{"987654", "5555"} {
		if bytes.Contains(raw, []byte(`"`+pin+`"`)) {
			t.Errorf("the journal file holds PIN %s in clear", pin)
		}
	}
}

// TestStaffTrail: sign-ins, approvals (and a cashier's refused one) and sign-outs are on the
// audit trail with what happened; a sign-out of someone not on the staff records nothing.
func TestStaffTrail(t *testing.T) {
	j := openTest(t, newClock())
	for _, p := range [][2]string{{"amy", RoleCashier}, {"mgr", RoleManager}} {
		if err := j.AddStaff(p[0], p[1], "1234"); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = j.SignIn("amy", "1234")
	_, _ = j.Approve("amy", "1234")
	_, _ = j.Approve("mgr", "1234")
	if err := j.SignOut("amy", "idle"); err != nil {
		t.Fatal(err)
	}
	if err := j.SignOut("ghost", "locked"); err != nil {
		t.Fatal(err)
	}
	var got []string
	_ = j.AuditEvents(0, func(e AuditEvent) error {
		if e.Kind == AuditKindStaff {
			got = append(got, e.Subject+" "+string(e.Record))
		}
		return nil
	})
	want := []string{`amy {"action":"signed in"}`, `amy {"action":"approval refused: not a manager"}`, `mgr {"action":"approved"}`,
		`amy {"action":"signed out","why":"idle"}`}
	if len(got) != 6 || !slices.Equal(got[2:], want) { // after the two "added"
		t.Fatalf("%q", got)
	}
}
