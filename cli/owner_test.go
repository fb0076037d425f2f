package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"qfpos/cli/relay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/storage"
)

// startServe runs qfpos serve on a configuration until the test ends, and waits until it serves.
func startServe(t testing.TB, cfg string) (stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, []string{"serve", "--config", cfg}, io.Discard, &errOut) }()
	waitFor(t, &errOut, "other qfpos commands run through")
	var code int
	stopped := false
	stop = func() (int, string) {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code, errOut.String()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// run is one command's stdout, stderr and exit status.
type run struct {
	code        int
	out, errOut string
}

func runIn(t *testing.T, dir string, args ...string) run {
	t.Helper()
	t.Chdir(dir)
	code, out, errOut := runCmd(t, args...)
	return run{code, out, errOut}
}

// TestForwardedCommandsMatchDirect runs every command that works through the owner twice: once
// directly on a journal nobody holds, once on a twin journal held by qfpos serve. Before anything
// changes, the same journal gives byte-identical output either way. Then the twins go through the
// same commands; what necessarily differs between two setups (their directories, the sandboxes'
// ports, the clock and the audit hashes that cover it, the random part of out_trade_no) is
// masked, and the rest must be identical.
func TestForwardedCommandsMatchDirect(t *testing.T) {
	paid := time.Now().Add(-26 * time.Hour).Truncate(time.Second)
	direct := newHeadlessAt(t, "", 7, paid)
	held := newHeadlessAt(t, "", 7, paid)
	if direct.sales["paid"].SysSN != held.sales["paid"].SysSN {
		t.Fatal("the twin sandboxes differ")
	}
	work := map[string]string{direct.cfg: t.TempDir(), held.cfg: t.TempDir()} // each one's working directory
	for _, dir := range work {
		csv := "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd\n" +
			"20261121000100020000000002,POS_2,880,HKD,800101,2026-11-21 10:05:00,0000\n" +
			"20261121000100020000000003,POS_3,-5,HKD,800101,2026-11-21 10:06:00,0000\n"
		if err := os.WriteFile(filepath.Join(dir, "sales.csv"), []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	readOnly := [][]string{{"pending"}, {"pending", "--json"}, {"pending", "--lang", "zh-Hant"}, {"sales", "list"}, {"sales", "list", "--format", "json"},
		{"report", "--date", "today"}, {"journal", "check"}, {"sales", "import", "missing.csv"}, {"refund", "--reason", "damaged", "--syssn", "nope"},
		{"audit", "verify"}, {"audit", "export", "--format", "json"}}

	// The same journal, unheld and then held: byte for byte.
	before := map[string]run{}
	for _, args := range readOnly {
		before[strings.Join(args, " ")] = runIn(t, work[held.cfg], append(args, "--config", held.cfg)...)
	}
	stop := startServe(t, held.cfg)
	for _, args := range readOnly {
		got := runIn(t, work[held.cfg], append(args, "--config", held.cfg)...)
		if want := before[strings.Join(args, " ")]; got != want {
			t.Errorf("%v through the owner:\n got %+v\nwant %+v", args, got, want)
		}
	}

	// The twins, step by step.
	mask := func(h headless, s string) string {
		s = strings.ReplaceAll(s, work[h.cfg], "WORK")
		s = strings.ReplaceAll(s, h.dir, "DIR")
		s = strings.ReplaceAll(s, h.url, "URL")
		s = regexp.MustCompile(`([A-Z]+)\d{14}_[0-9a-f]{16}`).ReplaceAllString(s, "${1}_OTN")
		s = regexp.MustCompile(`\d{4}-\d\d-\d\d`).ReplaceAllString(s, "DATE")
		s = regexp.MustCompile(`\d\d:\d\d:\d\d`).ReplaceAllString(s, "TIME")
		s = regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(s, "HASH") // the audit trail's: it hashes the times
		return s
	}
	steps := [][]string{
		{"sales", "add", "--syssn", "20261121000100020000000009", "--amount", "12.50", "--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00"},
		{"sales", "import", "sales.csv"},
		{"refund", "--syssn", direct.sales["paid"].SysSN, "--amount", "12.50", "--reason", "damaged"},
		{"refund", "--reason", "damaged", "--syssn", direct.sales["paid"].SysSN, "--amount", "1.234"},
		{"refund", "--reason", "damaged", "--syssn", direct.sales["paid"].SysSN, "--amount", "99"},
		{"refund", "--reason", "damaged", "--syssn", direct.sales["paid"].SysSN, "--amount", "2", "--lang", "zh-Hans"},
		{"cancel", "--syssn", direct.sales["unpaid"].SysSN, "--json"},
		{"pending"},
		{"resume", "--wait", "5s"},
		{"sales", "list"},
		{"report", "--date", "today"},
		{"report", "--date", "today", "--format", "csv", "--out", "day.csv"},
		{"report", "--date", "today", "--out", "no/such/dir/day.txt"},
		{"reconcile", "--date", "today"},
		{"sales", "sync", "--since", "48h"},
		{"journal", "backup", "copy.db"},
		{"journal", "backup", filepath.Join(held.dir, "journal.db")},
		{"journal", "check"},
		{"audit", "verify"},
	}
	for _, args := range steps {
		d := runIn(t, work[direct.cfg], append(args, "--config", direct.cfg)...)
		h := runIn(t, work[held.cfg], append(args, "--config", held.cfg)...)
		if len(args) == 3 && strings.HasSuffix(args[2], "journal.db") {
			d = runIn(t, work[direct.cfg], append([]string{"journal", "backup", filepath.Join(direct.dir, "journal.db")}, "--config", direct.cfg)...)
		}
		dm := run{d.code, mask(direct, d.out), mask(direct, d.errOut)}
		hm := run{h.code, mask(held, h.out), mask(held, h.errOut)}
		if dm != hm {
			t.Errorf("%v:\n direct %+v\nthrough %+v", args, dm, hm)
		}
	}
	for _, name := range []string{"day.csv", "copy.db"} {
		d, errD := os.ReadFile(filepath.Join(work[direct.cfg], name))
		h, errH := os.ReadFile(filepath.Join(work[held.cfg], name))
		if errD != nil || errH != nil || len(h) == 0 {
			t.Errorf("%s: %v %v", name, errD, errH)
		}
		if name == "day.csv" && mask(direct, string(d)) != mask(held, string(h)) {
			t.Errorf("day.csv differs:\n%s\n%s", d, h)
		}
		if st, err := os.Stat(filepath.Join(work[held.cfg], name)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if code, errOut := stop(); code != 0 || !strings.Contains(errOut, "qfpos serve: stopped; 0 refund(s) or cancel(s) in flight") {
		t.Fatalf("serve: %d %q", code, errOut)
	}
	// Every command ran in the owner (its log says so), none by waiting for the journal's lock;
	// only the import of a missing file ended before it needed the journal.
	logText, _ := os.ReadFile(filepath.Join(held.dir, "qfpos.log"))
	if n := strings.Count(string(logText), "ran a command for another qfpos"); n != len(readOnly)+len(steps)-1 {
		t.Errorf("the owner ran %d commands, not %d", n, len(readOnly)+len(steps)-1)
	}
	if _, err := os.Lstat(relay.SocketPath(filepath.Join(held.dir, "journal.db"))); !os.IsNotExist(err) {
		t.Fatal("serve left its socket")
	}
}

// TestInterruptedCallerLeavesTheOperationToTheOwner: Ctrl+C in a forwarded refund ends the
// caller's wait (exit 3, "will resume"); the owner goes on and settles it.
func TestInterruptedCallerLeavesTheOperationToTheOwner(t *testing.T) {
	h := newHeadless(t, "")
	h.sb.ScriptAmount(100, qfpaytest.Script{NeverSettle: true, Times: 1})
	startServe(t, h.cfg)
	interruptRefund(t, h)
	// The interrupt may have cut the first send short; then the owner sends it again after a
	// query. Settle the refund once QFPay has it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, processing := h.sb.Refunded(h.sales["paid"].SysSN); processing > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refund never reached QFPay")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.sb.SettleStuck()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, out, _ := runCmd(t, "pending", "--config", h.cfg)
		if code == 0 && strings.Contains(out, "no unfinished") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the owner did not settle the refund: %q", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOwnersSayWhoHoldsTheJournal: the desk (or another serve) does not start on a journal that
// qfpos serve holds; it says who holds it and how to stop it. A command that does not run through
// an owner is refused by it.
func TestOwnersSayWhoHoldsTheJournal(t *testing.T) {
	h := newHeadless(t, "")
	startServe(t, h.cfg)
	for _, args := range [][]string{{"--config", h.cfg}, {"serve", "--config", h.cfg}} {
		code, _, errOut := runCmd(t, args...)
		want := fmt.Sprintf("is held by qfpos serve (pid %d): stop it first (systemctl stop qfpos, or kill %d)", os.Getpid(), os.Getpid())
		if code != ExitFailed || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	c, err := relay.Dial(filepath.Join(h.dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	if code, err := c.Run(context.Background(), []string{"demo"}, io.Discard, &errOut); err != nil || code != ExitUsage ||
		!strings.Contains(errOut.String(), "does not run through") {
		t.Fatalf("demo through the owner: %d %v %q", code, err, errOut.String())
	}
}

// TestForwardedSalesAddIsOneCommit: a sale the POS adds through the owner costs the journal one
// write transaction, as it does directly.
func TestForwardedSalesAddIsOneCommit(t *testing.T) {
	h := newHeadless(t, "")
	a := newApp(context.Background(), io.Discard, io.Discard, os.Getenv)
	a.configFlag = h.cfg
	held, err := a.hold(ownerServe)
	if err != nil || held.serveErr != nil {
		t.Fatal(err, held.serveErr)
	}
	defer a.close()
	defer held.release()
	<-held.d.Ready()
	before := held.j.Version()
	code, out, errOut := runCmd(t, "sales", "add", "--config", h.cfg, "--syssn", "20261121000100020000000077", "--amount", "3.30",
		"--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00")
	if code != 0 || !strings.Contains(out, "20261121000100020000000077") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	if n := held.j.Version() - before; n != 1 {
		t.Fatalf("a forwarded sales add made %d journal commits", n)
	}
}

// BenchmarkPendingJSON: qfpos pending --json on an unheld journal (it opens the journal) and
// through an owner that holds it (a connection and a command run in the owner).
func BenchmarkPendingJSON(b *testing.B) {
	h := newHeadlessAt(b, "", 0, time.Now().Add(-26*time.Hour))
	args := []string{"pending", "--json", "--config", h.cfg}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if code := Execute(context.Background(), args, io.Discard, io.Discard); code != 0 {
				b.Fatal(code)
			}
		}
	})
	b.Run("through-owner", func(b *testing.B) {
		startServe(b, h.cfg)
		for b.Loop() {
			if code := Execute(context.Background(), args, io.Discard, io.Discard); code != 0 {
				b.Fatal(code)
			}
		}
	})
}

// TestUntrustedSocketIsNeverUsed: a socket with wider permissions than 0600 is not used; with the
// journal held, the command says so in one line and changes nothing.
func TestUntrustedSocketIsNeverUsed(t *testing.T) {
	h := newHeadless(t, "")
	startServe(t, h.cfg)
	sock := relay.SocketPath(filepath.Join(h.dir, "journal.db"))
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "sales", "add", "--config", h.cfg, "--syssn", "20261121000100020000000078", "--amount", "1",
		"--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00")
	if code != ExitFailed || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, "is in use, and socket "+sock+" has mode 0666 (want 0600): not trusted") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	os.Chmod(sock, 0o600)
	if code, out, _ := runCmd(t, "sales", "list", "--config", h.cfg); code != 0 || strings.Contains(out, "0000000078") {
		t.Fatalf("the refused sale was added: %q", out)
	}
}

// TestServeSyncsAndBacksUp: qfpos serve runs sync_on_start (a payment QFPay holds for this
// terminal shows in the journal) and writes the configured backup at start; its periodic sync
// pulls what arrives later.
func TestServeSyncsAndBacksUp(t *testing.T) {
	h := newHeadless(t, "")
	tx, err := h.sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 4200, PayType: "800208",
		Time: time.Now().Add(-2 * time.Hour), UDID: "POS-09"})
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(h.cfg)
	backups := filepath.Join(h.dir, "backups")
	text = []byte(strings.Replace(string(text), "[journal]\n", fmt.Sprintf("[journal]\nsync_on_start = true\nbackup_dir = %q\n", backups), 1))
	if err := os.WriteFile(h.cfg, text, 0o600); err != nil {
		t.Fatal(err)
	}
	startServe(t, h.cfg)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, out, _ := runCmd(t, "sales", "list", "--config", h.cfg)
		if strings.Contains(out, tx.SysSN) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync_on_start did not bring %s:\n%s", tx.SysSN, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		if entries, _ := os.ReadDir(backups); len(entries) == 1 && strings.HasPrefix(entries[0].Name(), "journal-") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no backup at start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSyncLoopPullsPeriodically: the periodic sync of qfpos serve pulls a payment that reaches
// QFPay after the start.
func TestSyncLoopPullsPeriodically(t *testing.T) {
	h := newHeadless(t, "")
	a, j := openApp(t, h.cfg)
	if _, err := a.gateway(j); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.syncLoop(ctx, false, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	// Well inside the periodic sync's window (an hour at least), not at its edge.
	tx, err := h.sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 4300, PayType: "800208",
		Time: time.Now().Add(-10 * time.Minute), UDID: "POS-09"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok, _ := j.Sale(tx.SysSN); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the periodic sync did not pull the new payment")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeskLanguageRemembered: the desk speaks --lang, else what the cashier last chose with L
// (kept in the journal), else [terminal] language.
func TestDeskLanguageRemembered(t *testing.T) {
	h := newHeadless(t, "")
	text, _ := os.ReadFile(h.cfg)
	text = []byte(strings.Replace(string(text), "[terminal]\n", "[terminal]\ncashier = \"陳小明\"\nlanguage = \"zh-Hans\"\n", 1))
	if err := os.WriteFile(h.cfg, text, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ flag, remembered, want string }{
		{"", "", "zh-Hans"}, {"", "zh-Hant", "zh-Hant"}, {"en", "zh-Hant", "en"},
	} {
		a, j := openApp(t, h.cfg, c.flag)
		if c.remembered != "" {
			if err := j.SetCashierLanguage("陳小明", c.remembered); err != nil {
				t.Fatal(err)
			}
		}
		p, err := a.deskPrinter(j)
		if err != nil || p.Language().String() != c.want {
			t.Errorf("%+v: %v %v", c, p.Language(), err)
		}
		a.close()
	}
}

// TestAutoPrint: with [receipt] auto_print, the owner prints a refund's slip once its outcome is
// final and marks it printed in the journal.
func TestAutoPrint(t *testing.T) {
	h := newHeadless(t, "")
	slip := filepath.Join(h.dir, "printer.bin")
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, append(text, fmt.Sprintf("[receipt]\nprinter = %q\nauto_print = true\n", "file:"+slip)...), 0o600)
	stop := startServe(t, h.cfg)
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1"); code != 0 {
		t.Fatal(errOut)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(slip); err == nil && bytes.Contains(b, []byte("REFUND (credit note)")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no slip printed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	var marked bool
	for !marked && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		_, out, _ := runCmd(t, "audit", "export", "--config", h.cfg, "--format", "json")
		marked = strings.Contains(out, slipPrinted)
	}
	stop()
	if !marked {
		t.Fatal("the slip was not marked printed")
	}
}

// TestAutoPrintUnreachable: a slip auto_print cannot print is handed to the desk (which says so)
// and is not marked printed; the operation stays as it was.
func TestAutoPrintUnreachable(t *testing.T) {
	h := newHeadless(t, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, append(text, fmt.Sprintf("[receipt]\nprinter = %q\nauto_print = true\n", "tcp://"+addr)...), 0o600)
	code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1", "--json")
	var res result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	a, j := openApp(t, h.cfg)
	before, err := j.Reversal(res.ID)
	if err != nil || before.State != storage.StateSucceeded {
		t.Fatalf("%+v %v", before, err)
	}
	updates, unprinted := make(chan reversal.Update, 1), make(chan uint64, 1)
	updates <- reversal.Update{Reversal: before}
	close(updates)
	a.autoPrint(context.Background(), j, updates, unprinted)
	select {
	case id := <-unprinted:
		if id != res.ID {
			t.Fatalf("unprinted %d, want %d", id, res.ID)
		}
	default:
		t.Fatal("the failure did not reach the desk")
	}
	after, _ := j.Reversal(res.ID)
	if after.State != before.State || len(after.Events) != len(before.Events) {
		t.Fatalf("printing changed the operation: %d events, was %d", len(after.Events), len(before.Events))
	}
}

// openApp is an app on a configuration (and a --lang, if given) with its journal open; it closes
// at the end of the test.
func openApp(t *testing.T, cfg string, lang ...string) (*app, *storage.Journal) {
	t.Helper()
	a := newApp(context.Background(), io.Discard, io.Discard, os.Getenv)
	a.configFlag = cfg
	if len(lang) > 0 {
		a.langFlag = lang[0]
	}
	t.Cleanup(a.close)
	j, err := a.journal(mustExist)
	if err != nil {
		t.Fatal(err)
	}
	return a, j
}
