package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qfpos/storage"
	"qfpos/storage/storagetest"
)

// TestDamagedJournal: with junk in every data page, no command panics, each says in one line
// that the journal is damaged and to restore the latest backup, and nothing is sent.
func TestDamagedJournal(t *testing.T) {
	h := newHeadless(t, "")
	paid, unpaid := h.sales["paid"].SysSN, h.sales["unpaid"].SysSN
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "1"); code != 0 {
		t.Fatal(errOut)
	}
	jpath := configValue(t, h.cfg, "path")
	if code, out, _ := runCmd(t, "journal", "check", "--config", h.cfg); code != 0 || !strings.Contains(out, "ok: 2 sales, 1 refunds and cancels") {
		t.Fatalf("check of a sound journal: %d %q", code, out)
	}
	storagetest.Damage(t, jpath, -1, 42)
	before := len(h.sb.Requests())
	for _, args := range [][]string{
		{"sales", "list"}, {"report"}, {"refund", "--reason", "damaged", "--syssn", paid, "--amount", "1"}, {"cancel", "--syssn", unpaid},
		{"pending"}, {"resume"}, {"journal", "check"},
	} {
		code, out, errOut := runCmd(t, append(args, "--config", h.cfg)...)
		text := errOut + out
		if code != ExitFailed || !strings.Contains(text, "damaged") || strings.Contains(text, "goroutine") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d\n%s", args, code, text)
		}
		if args[0] != "journal" && !strings.Contains(errOut, "restore the latest backup") {
			t.Errorf("%v: does not say what to do: %q", args, errOut)
		}
	}
	if after := len(h.sb.Requests()); after != before {
		t.Fatalf("%d requests went out from a damaged journal", after-before)
	}
}

func TestJournalBackupAndRestore(t *testing.T) {
	h := newHeadless(t, "")
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	code, out, errOut := runCmd(t, "journal", "backup", copyPath, "--config", h.cfg)
	if code != 0 || !strings.HasPrefix(out, "wrote "+copyPath) {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	if st, err := os.Stat(copyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v", err)
	}
	// Restoring is copying it in place of the journal.
	if code, out, _ := runCmd(t, "sales", "list", "--journal", copyPath, "--config", h.cfg, "--days", "30", "--format", "csv"); code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("the backup as a journal: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, "journal", "backup", "--config", h.cfg); code != ExitUsage || !strings.Contains(errOut, "name one file") {
		t.Fatalf("no file: %d %q", code, errOut)
	}
}

// TestScheduledBackups: one at start and one per change of day, the newest backup_keep kept.
func TestScheduledBackups(t *testing.T) {
	dir := t.TempDir()
	j, err := storage.Open(filepath.Join(dir, "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	now := time.Date(2026, 11, 21, 23, 59, 0, 0, time.UTC)
	b := backups{dir: filepath.Join(dir, "backups"), keep: 3, now: func() time.Time { return now }, loc: time.UTC}
	for range 5 {
		if _, err := b.write(j); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
	}
	entries, _ := os.ReadDir(b.dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "journal-20261123-235900.db journal-20261124-235900.db journal-20261125-235900.db" {
		t.Fatalf("kept %v", names)
	}
}

// TestDemoJournalSendsNothingToQFPay: a journal made by qfpos demo can be read and given sales,
// and used with a sandbox on this machine, but nothing is sent from it to a real QFPay host.
func TestDemoJournalSendsNothingToQFPay(t *testing.T) {
	h := newHeadless(t, "")
	demoPath := filepath.Join(t.TempDir(), "demo.db")
	j, err := storage.Open(demoPath, storage.ForDemo())
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	paid := h.sales["paid"]
	add := []string{"sales", "add", "--journal", demoPath, "--syssn", paid.SysSN, "--out-trade-no", paid.OutTradeNo,
		"--amount", "50", "--pay-type", paid.PayType, "--txdtm", paid.TxDtm}
	if code, _, errOut := runCmd(t, append(add, "--config", h.cfg)...); code != 0 {
		t.Fatalf("adding a sale to a demo journal: %s", errOut)
	}
	// The headless config points at a sandbox on loopback: allowed.
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--journal", demoPath, "--syssn", paid.SysSN, "--amount", "1"); code != 0 {
		t.Fatalf("demo journal with a sandbox on this machine: %d %s", code, errOut)
	}
	real := filepath.Join(t.TempDir(), "real.toml")
	if err := os.WriteFile(real, []byte("[qfpay]\nbase_url = \"production\"\napp_code = \"A1B2\"\nclient_key = \"k\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"refund", "--reason", "damaged", "--syssn", paid.SysSN, "--amount", "1"}, {"sales", "sync"}, {"report", "--store"}} {
		code, _, errOut := runCmd(t, append(args, "--config", real, "--journal", demoPath)...)
		if code != ExitUsage || !strings.Contains(errOut, "belongs to qfpos demo: nothing is sent from it to https://openapi-hk.qfapi.com") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	if code, out, _ := runCmd(t, "pending", "--config", real, "--journal", demoPath); code != 0 || !strings.Contains(out, "no unfinished") {
		t.Fatalf("reading a demo journal: %d %q", code, out)
	}
}
