package cli

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"qfpos/storage"
)

// invoke runs one qfpos command line with standard input, as a person at a shell would.
type invoke func(stdin string, args ...string) run

// inProcess runs the command in this process (Execute).
func inProcess(t *testing.T) invoke {
	return func(stdin string, args ...string) run {
		var r run
		withStdin(t, stdin, func() { r.code, r.out, r.errOut = runCmd(t, args...) })
		return r
	}
}

// binary runs the built qfpos.
func binary(t *testing.T) invoke {
	bin := builtQfpos(t)
	return func(stdin string, args ...string) run {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		code := 0
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			t.Fatal(err)
		}
		return run{code, out.String(), errOut.String()}
	}
}

// controlled is a headless terminal with a manager (mgr, 5678), a cashier (amy, 1234) and the
// journal's limit of one refund above 20.00 HKD, applied by the manager; noLimits is a copy of its
// configuration without [refunds].
func controlled(t *testing.T) (h headless, noLimits string) {
	h = newHeadless(t, "")
	do := inProcess(t)
	noLimits = filepath.Join(h.dir, "copy.toml")
	text, _ := os.ReadFile(h.cfg)
	if err := os.WriteFile(noLimits, text, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.cfg, append(text, "[refunds]\napproval_over = \"20.00\"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{"5678\n", []string{"staff", "add", "mgr", "--role", "manager", "--pin-stdin"}},
		{"5678\n1234\n", []string{"staff", "add", "amy", "--manager", "mgr", "--pin-stdin"}},
		{"5678\n", []string{"limits", "apply", "--manager", "mgr", "--pin-stdin"}},
	} {
		if r := do(c.stdin, append(c.args, "--config", h.cfg)...); r.code != 0 {
			t.Fatalf("%v: %d %q", c.args, r.code, r.errOut)
		}
	}
	return h, noLimits
}

// TestWalkaroundsAreRefused: every way around the controls that a user with a shell on the
// terminal tried (issue 25) now fails with one line naming what is missing, and nothing is sent or
// journaled: directly, through qfpos serve, and with the built binary both ways.
func TestWalkaroundsAreRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	for _, mode := range []struct {
		name    string
		binary  bool
		through bool // qfpos serve holds the journal
	}{{"direct", false, false}, {"through serve", false, true}, {"binary", true, false}, {"binary through serve", true, true}} {
		t.Run(mode.name, func(t *testing.T) {
			h, noLimits := controlled(t)
			do := inProcess(t)
			if mode.binary {
				do = binary(t)
			}
			jpath := filepath.Join(h.dir, "journal.db")
			var stop func() (int, string)
			if mode.through {
				stop = startServe(t, h.cfg)
			}
			paid := h.sales["paid"].SysSN
			refund := []string{"refund", "--syssn", paid, "--reason", "damaged", "--config", h.cfg}
			for _, c := range []struct {
				name, stdin string
				args        []string
				code        int
				says        string
			}{
				{"a manager's PIN changed without the current one", "9999\n9999\n", []string{"staff", "pin", "mgr", "--pin-stdin", "--config", h.cfg},
					ExitUsage, "wrong PIN for mgr"},
				{"echo 9999 | staff pin mgr", "9999\n", []string{"staff", "pin", "mgr", "--pin-stdin", "--config", h.cfg},
					ExitUsage, "no PIN on standard input for new PIN of mgr"},
				{"a manager made by anyone", "9999\n", []string{"staff", "add", "evil", "--role", "manager", "--pin-stdin", "--config", h.cfg},
					ExitUsage, "needs a manager's id and PIN: pass --manager ID"},
				{"a manager made by a cashier", "1234\n9999\n", []string{"staff", "add", "evil", "--role", "manager", "--manager", "amy", "--pin-stdin", "--config", h.cfg},
					ExitUsage, "amy is not a manager"},
				{"a person disabled without a manager", "", []string{"staff", "disable", "amy", "--config", h.cfg},
					ExitUsage, "disabling amy needs a manager: pass --manager ID"},
				{"the limits lowered by a cashier", "1234\n", []string{"limits", "apply", "--manager", "amy", "--pin-stdin", "--config", noLimits},
					ExitUsage, "amy is not a manager"},
				{"a refund over the limit", "1234\n", append(slices.Clone(refund), "--amount", "30", "--cashier", "amy", "--pin-stdin"),
					ExitUsage, "a refund above 20.00 HKD needs a manager's approval"},
				{"a refund over the limit with a config without limits", "1234\n", []string{"refund", "--syssn", paid, "--reason", "damaged",
					"--config", noLimits, "--amount", "30", "--cashier", "amy", "--pin-stdin"}, ExitUsage, "a refund above 20.00 HKD needs a manager's approval"},
				{"an approver named without the PIN", "1234\n0000\n", append(slices.Clone(refund), "--amount", "30", "--cashier", "amy", "--approver", "mgr", "--pin-stdin"),
					ExitUsage, "wrong PIN for mgr"},
				{"a cashier approving", "1234\n1234\n", append(slices.Clone(refund), "--amount", "30", "--cashier", "amy", "--approver", "amy", "--pin-stdin"),
					ExitUsage, "amy is not a manager"},
				{"a refund with no person", "", append(slices.Clone(refund), "--amount", "1"),
					ExitUsage, "pass --cashier ID and the PIN"},
				{"a refund as someone else", "0000\n", append(slices.Clone(refund), "--amount", "1", "--cashier", "amy", "--pin-stdin"),
					ExitUsage, "--cashier wrong PIN for amy"},
				{"--amount \"\"", "1234\n", append(slices.Clone(refund), "--amount", "", "--cashier", "amy", "--pin-stdin"),
					ExitUsage, "--amount: is empty"},
				{"a control character in the reason's words", "1234\n", append(slices.Clone(refund), "--amount", "1", "--reason-text", "x\x1bp\x07", // a drawer kick (a NUL cannot be an argument)
					"--cashier", "amy", "--pin-stdin"), ExitUsage, "--reason-text: the reason's words have a control character"},
				{"a cancel with no person", "", []string{"cancel", "--syssn", h.sales["unpaid"].SysSN, "--config", h.cfg},
					ExitUsage, "pass --cashier ID and the PIN"},
			} {
				r := do(c.stdin, c.args...)
				line := ""
				for _, l := range strings.Split(strings.TrimSpace(r.errOut), "\n") {
					if strings.Contains(l, c.says) {
						line = l
					}
				}
				if r.code != c.code || line == "" {
					t.Errorf("%s: exit %d %q (want %d, %q)", c.name, r.code, r.errOut, c.code, c.says)
				}
			}
			if mode.through {
				if code, errOut := stop(); code != 0 {
					t.Fatalf("serve: %d %s", code, errOut)
				}
			}
			if n := h.sent("refund") + h.sent("reversal") + h.sent("close"); n != 0 {
				t.Fatalf("%d refunds or cancels were sent to QFPay", n)
			}
			j, err := storage.Open(jpath, storage.Existing())
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if open, _ := j.Unfinished(); len(open) != 0 {
				t.Fatalf("journaled: %+v", open)
			}
			if l, _, _ := j.Limits(); l.ApprovalOver != 20_00 {
				t.Fatalf("the limits changed: %+v", l)
			}
			people, _ := j.Staff()
			if len(people) != 2 || people[0].ID != "amy" || people[0].Disabled || people[1].ID != "mgr" {
				t.Fatalf("the staff changed: %+v", people)
			}
			if _, err := j.Approve(storage.Credential{ID: "mgr", PIN: "5678"}); err != nil {
				t.Fatalf("the manager's PIN changed: %v", err)
			}
		})
	}
}

// TestDamagedJournalSendsNothing: a journal that journal check found damaged refuses every
// refund afterwards, even once its clean marker is back, until a backup is restored; a zero-length
// journal is no journal.
func TestDamagedJournalSendsNothing(t *testing.T) {
	h := newHeadless(t, "")
	jpath := filepath.Join(h.dir, "journal.db")
	do := inProcess(t)
	if r := do("", "journal", "backup", filepath.Join(h.dir, "backup.db"), "--config", h.cfg); r.code != 0 {
		t.Fatal(r.errOut)
	}
	editJournal(t, jpath, func(tx *boltTx) error { return flipAuditByte(tx) })
	if err := os.WriteFile(jpath+".clean", []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := do("", "journal", "check", "--config", h.cfg); r.code != ExitFailed || !strings.Contains(r.out, "audit trail") {
		t.Fatalf("check: %d %q %q", r.code, r.out, r.errOut)
	}
	for range 2 {
		_ = os.WriteFile(jpath+".clean", []byte("999\n"), 0o600)
		r := do("", "refund", "--syssn", h.sales["paid"].SysSN, "--reason", "damaged", "--amount", "1", "--config", h.cfg)
		if r.code != ExitFailed || !strings.Contains(r.errOut, "is damaged") || strings.Count(strings.TrimSpace(r.errOut), "\n") != 0 {
			t.Fatalf("refund into a damaged journal: %d %q", r.code, r.errOut)
		}
	}
	if h.sent("refund") != 0 {
		t.Fatal("a refund was sent")
	}
	// Restored: the journal works again.
	b, _ := os.ReadFile(filepath.Join(h.dir, "backup.db"))
	if err := os.WriteFile(jpath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := do("", "refund", "--syssn", h.sales["paid"].SysSN, "--reason", "damaged", "--amount", "1", "--config", h.cfg); r.code != 0 {
		t.Fatalf("after the restore: %d %q", r.code, r.errOut)
	}
	empty := filepath.Join(h.dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := do("", "pending", "--journal", empty, "--config", h.cfg); r.code != ExitUsage || !strings.Contains(r.errOut, "no journal at") {
		t.Fatalf("pending on an empty file: %d %q %q", r.code, r.out, r.errOut)
	}
	if st, _ := os.Stat(empty); st.Size() != 0 {
		t.Fatal("the empty file was made a journal")
	}
}

type boltTx = bbolt.Tx

// editJournal changes a closed journal's file behind qfpos's back.
func editJournal(t *testing.T, path string, edit func(tx *bbolt.Tx) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(edit); err != nil {
		t.Fatal(err)
	}
}

// flipAuditByte changes one byte inside the first audit event (a sale's record).
func flipAuditByte(tx *bbolt.Tx) error {
	b := tx.Bucket([]byte("audit"))
	k, v := b.Cursor().First()
	v = bytes.Clone(v)
	v[len(v)/2] ^= 0x01
	return b.Put(k, v)
}

// TestFlippedBytesNeverTakeARefund flips one byte of a journal at 200 seeded offsets (a copy each;
// QFPOS_FLIP_SEED=N replays another run), its clean marker kept as a clean shutdown left it. On
// every copy: journal check fails wherever audit verify does, and no refund is sent into a copy
// that either check called damaged.
func TestFlippedBytesNeverTakeARefund(t *testing.T) {
	if testing.Short() {
		t.Skip("200 journals")
	}
	seed := uint64(25)
	if s := os.Getenv("QFPOS_FLIP_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("QFPOS_FLIP_SEED=%q is not a number", s)
		}
		seed = n
	}
	t.Logf("seed %d", seed)
	h := newHeadless(t, "")
	do := inProcess(t)
	paid := h.sales["paid"].SysSN
	for range 3 { // refunds, their events and QFPay's records on the trail
		if r := do("", "refund", "--syssn", paid, "--reason", "damaged", "--amount", "1", "--config", h.cfg); r.code != 0 {
			t.Fatal(r.errOut)
		}
	}
	jpath := filepath.Join(h.dir, "journal.db")
	orig, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := os.ReadFile(jpath + ".clean")
	if err != nil {
		t.Fatal(err)
	}
	refunds := func() int { return h.sent("refund") }
	rng := rand.New(rand.NewPCG(seed, 0))
	var auditCaught, checkCaught, sent int
	for i := range 200 {
		off := rng.IntN(len(orig))
		b := bytes.Clone(orig)
		b[off] ^= byte(1 + rng.IntN(255))
		copyPath := filepath.Join(h.dir, fmt.Sprintf("copy-%03d.db", i))
		if err := os.WriteFile(copyPath, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copyPath+".clean", clean, 0o600); err != nil {
			t.Fatal(err)
		}
		audit := do("", "audit", "verify", "--journal", copyPath, "--config", h.cfg)
		check := do("", "journal", "check", "--journal", copyPath, "--config", h.cfg)
		if audit.code != 0 && check.code == 0 {
			t.Errorf("offset %d: audit verify fails (%s) but journal check passes (%s)", off, strings.TrimSpace(audit.out+audit.errOut), check.out)
		}
		if audit.code != 0 {
			auditCaught++
		}
		if check.code != 0 {
			checkCaught++
		}
		_ = os.WriteFile(copyPath+".clean", clean, 0o600) // as if nobody had looked since
		before := refunds()
		r := do("", "refund", "--syssn", paid, "--reason", "damaged", "--amount", "0.01", "--config", h.cfg, "--journal", copyPath)
		if refunds() > before {
			sent++
			if audit.code != 0 || check.code != 0 {
				t.Errorf("offset %d: a refund was sent into a journal called damaged (audit %d, check %d; refund %d %q)", off, audit.code, check.code, r.code, r.errOut)
			}
		}
		os.Remove(copyPath)
	}
	t.Logf("200 flips: audit verify caught %d, journal check %d; %d refunds went into copies both found sound", auditCaught, checkCaught, sent)
	if checkCaught == 0 {
		t.Fatal("no flip was ever caught: the test is not testing")
	}
}

// TestBadConfigWritesNothing: a command stopped by a bad configuration value writes nothing to the
// audit trail (its settings are not "seen").
func TestBadConfigWritesNothing(t *testing.T) {
	h := newHeadless(t, "")
	do := inProcess(t)
	events := func() int {
		r := do("", "audit", "export", "--format", "json", "--config", h.cfg)
		return strings.Count(r.out, "\n")
	}
	before := events()
	text, _ := os.ReadFile(h.cfg)
	bad := filepath.Join(h.dir, "bad.toml")
	key := filepath.Join(h.dir, "key.pem")
	if err := os.WriteFile(key, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, extra := range []string{"[audit]\nsigning_key_file = \"" + key + "\"\n", "[receipt]\nshop_name = \"Tea\\u001bp\"\n"} {
		if err := os.WriteFile(bad, append(append([]byte(nil), text...), extra...), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"pending"}, {"refund", "--syssn", h.sales["paid"].SysSN, "--reason", "damaged"}} {
			r := do("", append(args, "--config", bad)...)
			if r.code != ExitUsage || !strings.Contains(r.errOut, "bad.toml") {
				t.Fatalf("%v with %q: %d %q", args, extra, r.code, r.errOut)
			}
		}
	}
	if after := events(); after != before {
		t.Fatalf("%d audit events before, %d after", before, after)
	}
}

// TestRefundSaysLimitsDiffer: a refund from a shell whose configuration's limits differ from the
// journal's says so, and the journal's hold.
func TestRefundSaysLimitsDiffer(t *testing.T) {
	h, noLimits := controlled(t)
	r := inProcess(t)("1234\n", "refund", "--syssn", h.sales["paid"].SysSN, "--reason", "damaged", "--amount", "1", "--cashier", "amy",
		"--pin-stdin", "--config", noLimits)
	if r.code != 0 || !strings.Contains(r.errOut, "[refunds] in the configuration differs from the journal's approval limits (approval for a refund above 20.00 HKD)") {
		t.Fatalf("%d %q", r.code, r.errOut)
	}
}

// TestDeletedDayCloseIsFound: a day close deleted from the journal behind qfpos's back is named by
// audit verify and journal check, and the day cannot be closed again.
func TestDeletedDayCloseIsFound(t *testing.T) {
	h := newHeadless(t, "")
	do := inProcess(t)
	if r := do("", "refund", "--syssn", h.sales["paid"].SysSN, "--reason", "damaged", "--amount", "1", "--config", h.cfg); r.code != 0 {
		t.Fatal(r.errOut)
	}
	day := refundDay(t, filepath.Join(h.dir, "journal.db"))
	if r := do("", "close-day", "--date", day, "--config", h.cfg); r.code != 0 {
		t.Fatal(r.errOut)
	}
	editJournal(t, filepath.Join(h.dir, "journal.db"), func(tx *bbolt.Tx) error { return tx.Bucket([]byte("day_closes")).Delete([]byte(day)) })
	if r := do("", "audit", "verify", "--config", h.cfg); r.code != ExitFailed || !strings.Contains(r.out, "close #1 of "+day+" is on the audit trail but gone from the journal") {
		t.Fatalf("audit verify: %d %q", r.code, r.out)
	}
	if r := do("", "journal", "check", "--config", h.cfg); r.code != ExitFailed || !strings.Contains(r.out, "gone from the journal") {
		t.Fatalf("journal check: %d %q", r.code, r.out)
	}
	// The verdict holds; inspected, the day still cannot be closed again (the storage test covers
	// the refusal on an undamaged journal).
	if r := do("", "close-day", "--date", day, "--config", h.cfg); r.code == 0 {
		t.Fatalf("closed again: %q", r.out)
	}
}

// sent counts the requests to one of QFPay's endpoints the sandbox has seen.
func (h headless) sent(endpoint string) int {
	n := 0
	for _, req := range h.sb.Requests() {
		if req.Endpoint == endpoint {
			n++
		}
	}
	return n
}
