package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func init() { // the tests check many PINs: the cheapest cost bcrypt allows
	hashPIN = func(pin string) ([]byte, error) { return bcrypt.GenerateFromPassword([]byte(pin), bcrypt.MinCost) }
}

// mgr is the first manager the staff tests add.
var mgr = Credential{ID: "陳小明", PIN: "987654"}

// withManager adds the first manager to a journal that has no staff.
func withManager(t *testing.T, j *Journal) {
	t.Helper()
	if err := j.AddStaff(Credential{}, mgr.ID, RoleManager, mgr.PIN); err != nil {
		t.Fatal(err)
	}
}

func TestStaffAndLockout(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	withManager(t, j)
	for _, c := range []struct{ id, role, pin, want string }{
		{"amy", "cashier", "1234", ""}, {"amy", "cashier", "1234", "already on the staff"},
		{"bo b", "cashier", "1234", "staff id"}, {"bo", "boss", "1234", "not cashier or manager"}, {"bo", "cashier", "12a4", "4 to 12 digits"},
		{"bo", "cashier", "123", "4 to 12 digits"},
	} {
		err := j.AddStaff(mgr, c.id, c.role, c.pin)
		if (c.want == "") != (err == nil) || err != nil && !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	people, _ := j.Staff()
	if len(people) != 2 || people[0].ID != "amy" || people[1].Role != RoleManager {
		t.Fatalf("%+v", people)
	}
	if s, err := j.SignIn("amy", "1234"); err != nil || s.ID != "amy" {
		t.Fatal(err)
	}
	if _, err := j.Approve(Credential{"amy", "1234"}); !errors.Is(err, ErrNotManager) {
		t.Fatalf("a cashier approved: %v", err)
	}
	if p, err := j.Approve(mgr); err != nil || p.Role != RoleManager {
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
	// A locked person cannot lift the lock by changing their own PIN; time or a manager lifts it.
	if err := j.SetPIN(Credential{"amy", "1234"}, "amy", "4321"); !errors.Is(err, ErrLockedOut) {
		t.Fatalf("own PIN while locked: %v", err)
	}
	clk.advance(LockoutFor + time.Second)
	if s, err := j.SignIn("amy", "1234"); err != nil || s.WrongPINs != 0 {
		t.Fatalf("after the lock: %+v %v", s, err)
	}
	if err := j.DisableStaff(mgr, "amy"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SignIn("amy", "1234"); !errors.Is(err, ErrStaffDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	if err := j.SetPIN(mgr, mgr.ID, "5555"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SignIn(mgr.ID, mgr.PIN); !errors.Is(err, ErrWrongPIN) {
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
	_ = j.AuditEvents(1, func(e AuditEvent) error {
		// The records' digests are hex: a PIN's digits may turn up inside one by chance.
		trail.Write(regexp.MustCompile(`"stored":"[0-9a-f]{64}"`).ReplaceAll(e.Record, nil))
		return nil
	})
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

// TestStaffChangesNeedAManager: who may change who may refund. Adding anyone, disabling, and
// another's PIN need an active manager's id and PIN; one's own PIN the current one; the first
// manager of a journal without staff is added once without one. A refused change changes nothing
// (a wrong PIN is still counted), and every change names who made it on the trail.
func TestStaffChangesNeedAManager(t *testing.T) {
	clk := newClock()
	j := openTest(t, clk)
	amy := Credential{"amy", "1234"}
	if err := j.AddStaff(Credential{}, "amy", RoleCashier, "1234"); !errors.Is(err, ErrFirstIsManager) {
		t.Fatalf("a first cashier: %v", err)
	}
	withManager(t, j)
	if err := j.AddStaff(Credential{}, "evil", RoleManager, "9999"); !errors.Is(err, ErrNeedsManager) {
		t.Fatalf("a second manager without a credential: %v", err)
	}
	if err := j.AddStaff(mgr, "amy", RoleCashier, amy.PIN); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		do   func() error
		want error
	}{
		"a cashier adds a manager":      {func() error { return j.AddStaff(amy, "evil", RoleManager, "9999") }, ErrNotManager},
		"a wrong manager PIN":           {func() error { return j.AddStaff(Credential{mgr.ID, "0000"}, "evil", RoleCashier, "9999") }, ErrWrongPIN},
		"nobody's credential":           {func() error { return j.AddStaff(Credential{"ghost", "1234"}, "evil", RoleCashier, "9999") }, ErrNoSuchStaff},
		"a cashier sets another's PIN":  {func() error { return j.SetPIN(amy, mgr.ID, "9999") }, ErrNotManager},
		"no credential for another PIN": {func() error { return j.SetPIN(Credential{}, mgr.ID, "9999") }, ErrNoSuchStaff},
		"own PIN, wrong current one":    {func() error { return j.SetPIN(Credential{"amy", "0000"}, "amy", "9999") }, ErrWrongPIN},
		"a cashier disables":            {func() error { return j.DisableStaff(amy, mgr.ID) }, ErrNotManager},
		"the last manager disabled":     {func() error { return j.DisableStaff(mgr, mgr.ID) }, ErrLastManager},
		"a cashier changes the limits":  {func() error { return j.SetLimits(amy, Limits{Currency: "HKD"}) }, ErrNotManager},
	} {
		before, _ := j.Staff()
		if err := c.do(); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		after, _ := j.Staff()
		for i := range after { // wrong PINs are counted; nothing else changes
			after[i].WrongPINs = before[i].WrongPINs
		}
		if !slices.Equal(before, after) {
			t.Errorf("%s changed the staff: %+v", name, after)
		}
	}
	if _, err := j.SignIn("evil", "9999"); !errors.Is(err, ErrNoSuchStaff) {
		t.Fatalf("evil was added: %v", err)
	}
	if _, err := j.SignIn(mgr.ID, "9999"); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("the manager's PIN changed: %v", err)
	}
	// One's own PIN with the current one; another's by a manager, which lifts a lock.
	if err := j.SetPIN(amy, "amy", "2468"); err != nil {
		t.Fatal(err)
	}
	amy.PIN = "2468"
	for range MaxWrongPINs {
		_, _ = j.SignIn("amy", "0000")
	}
	if err := j.SetPIN(mgr, "amy", "1357"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SignIn("amy", "1357"); err != nil {
		t.Fatalf("a manager's new PIN did not lift the lock: %v", err)
	}
	if err := j.AddStaff(mgr, "mgr2", RoleManager, "2222"); err != nil {
		t.Fatal(err)
	}
	if err := j.DisableStaff(Credential{"mgr2", "2222"}, mgr.ID); err != nil {
		t.Fatal(err)
	}
	// Once the first manager exists, no other is added without a credential, even with every
	// manager disabled.
	if err := j.AddStaff(Credential{}, "evil", RoleManager, "9999"); !errors.Is(err, ErrNeedsManager) {
		t.Fatalf("a manager without a credential: %v", err)
	}
	var got []string
	_ = j.AuditEvents(1, func(e AuditEvent) error {
		var c staffChange
		if e.Kind == AuditKindStaff && jsonInto(e.Record, &c) == nil && c.Action != "" && !slices.Contains([]string{"wrong PIN", "locked out", "wrong PINs cleared"}, c.Action) {
			got = append(got, fmt.Sprintf("%s %s by %q", c.Action, e.Subject, c.By))
		}
		return nil
	})
	want := []string{`added as the first manager 陳小明 by ""`, `added amy by "陳小明"`, `pin changed amy by ""`, `pin changed amy by "陳小明"`,
		`signed in amy by ""`, `added mgr2 by "陳小明"`, `disabled 陳小明 by "mgr2"`}
	if !slices.Equal(got, want) {
		t.Fatalf("the trail:\n%s", strings.Join(got, "\n"))
	}
}

// TestSessions: only SignIn makes a session the journal accepts; a disabled person's is refused.
func TestSessions(t *testing.T) {
	j := openTest(t, newClock())
	withManager(t, j)
	if err := j.AddStaff(mgr, "amy", RoleCashier, "1234"); err != nil {
		t.Fatal(err)
	}
	s, err := j.SignIn("amy", "1234")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := j.SessionPerson(s); err != nil || p.ID != "amy" {
		t.Fatalf("%+v %v", p, err)
	}
	forged := s
	forged.ID, forged.Role = mgr.ID, RoleManager // the visible fields are not the proof
	if p, err := j.SessionPerson(forged); err != nil || p.ID != "amy" {
		t.Fatalf("a forged session: %+v %v", p, err)
	}
	if _, err := j.SessionPerson(Session{Person: Person{ID: "amy"}}); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("a made-up session: %v", err)
	}
	other := openTest(t, newClock())
	if _, err := other.SessionPerson(s); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("another journal's session: %v", err)
	}
	if err := j.DisableStaff(mgr, "amy"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SessionPerson(s); !errors.Is(err, ErrStaffDisabled) {
		t.Fatalf("a disabled person's session: %v", err)
	}
}

// TestLimitsLiveInTheJournal: the first configuration is adopted; a later one is not; a manager
// changes them, and both are on the trail with who did it.
func TestLimitsLiveInTheJournal(t *testing.T) {
	j := openTest(t, newClock())
	first := Limits{Currency: "HKD", ApprovalOver: 500_00}
	if l, err := j.AdoptLimits(first); err != nil || l != first {
		t.Fatalf("%+v %v", l, err)
	}
	if l, err := j.AdoptLimits(Limits{Currency: "HKD"}); err != nil || l != first {
		t.Fatalf("a later configuration was obeyed: %+v %v", l, err)
	}
	if err := j.SetLimits(Credential{}, Limits{}); !errors.Is(err, ErrNoSuchStaff) {
		t.Fatalf("without a manager: %v", err)
	}
	withManager(t, j)
	next := Limits{Currency: "HKD", ApprovalOver: 100_00, MaxSaleAge: 90 * 24 * time.Hour}
	if err := j.SetLimits(mgr, next); err != nil {
		t.Fatal(err)
	}
	if l, ok, err := j.Limits(); err != nil || !ok || l != next {
		t.Fatalf("%+v %v %v", l, ok, err)
	}
	var got []string
	_ = j.AuditEvents(1, func(e AuditEvent) error {
		var c limitsChange
		if e.Kind == AuditKindLimits && jsonInto(e.Record, &c) == nil {
			got = append(got, fmt.Sprintf("%s by %q: %d", c.Action, c.By, c.Limits.ApprovalOver))
		}
		return nil
	})
	if want := []string{`taken from the configuration by "": 50000`, `changed by "陳小明": 10000`}; !slices.Equal(got, want) {
		t.Fatalf("%q", got)
	}
}

// TestStaffTrail: sign-ins, approvals (and a cashier's refused one) and sign-outs are on the
// audit trail with what happened; a sign-out of someone not on the staff records nothing.
func TestStaffTrail(t *testing.T) {
	j := openTest(t, newClock())
	withManager(t, j)
	if err := j.AddStaff(mgr, "amy", RoleCashier, "1234"); err != nil {
		t.Fatal(err)
	}
	_, _ = j.SignIn("amy", "1234")
	_, _ = j.Approve(Credential{"amy", "1234"})
	_, _ = j.Approve(mgr)
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
	want := []string{`amy {"action":"signed in"}`, `amy {"action":"approval refused: not a manager"}`, mgr.ID + ` {"action":"approved"}`,
		`amy {"action":"signed out","why":"idle"}`}
	if len(got) != 6 || !slices.Equal(got[2:], want) { // after the two "added"
		t.Fatalf("%q", got)
	}
}

func jsonInto(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
