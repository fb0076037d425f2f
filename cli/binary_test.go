package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var build struct {
	once sync.Once
	bin  string
	err  error
}

// builtQfpos builds qfpos once for the package's tests and returns its path.
func builtQfpos(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.bin = filepath.Join(testDir, "bin", "qfpos")
		if out, err := exec.Command("go", "build", "-o", build.bin, "qfpos").CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// TestBuiltBinary runs the built qfpos the way a person would type it (issue 11's list).
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := builtQfpos(t)
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir+"/config", "XDG_DATA_HOME="+dir+"/data", "QFPAY_APP_CODE=", "QFPAY_CLIENT_KEY=",
			"LC_ALL=C.UTF-8")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), out.String(), errOut.String()
		case err != nil:
			t.Fatal(err)
		}
		return 0, out.String(), errOut.String()
	}
	csv := "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid\n20261121000100020000000002,POS_2,880,HKD,800101,2026-11-21 10:05:00,1143,POS-01\n"
	if err := os.WriteFile(filepath.Join(dir, "sales.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	// A flag after the positional argument.
	if code, out, errOut := run("sales", "import", "sales.csv", "--journal", "j.db"); code != 0 || out != "1 added, 0 updated, 0 unchanged, 0 refused\n" || errOut != "created journal j.db\n" {
		t.Fatalf("sales import: %d %q %q", code, out, errOut)
	}
	// A global flag before the command.
	if code, out, errOut := run("--journal", "j.db", "pending"); code != 0 || out != "no unfinished refunds or cancels\n" {
		t.Fatalf("pending: %d %q %q", code, out, errOut)
	}
	// Help on stdout, exit 0.
	for want, args := range map[string][]string{"qfpos refund --syssn": {"refund", "--help"}, "qfpos sales [command]": {"sales", "--help"},
		"qfpos sales add --syssn": {"help", "sales", "add"}, "qfpos pending": {"pending", "-h"}} {
		code, out, errOut := run(args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage:") || !strings.Contains(out, want) {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	if code, out, _ := run("help", "refund"); code != 0 || !strings.Contains(out, "qfpos refund --syssn S --reason CODE") || !strings.Contains(out, "Examples:") {
		t.Errorf("help refund: %q", out)
	}
	if code, out, _ := run("--version"); code != 0 || !strings.HasPrefix(out, "qfpos ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: %d %q", code, out)
	}
	if code, out, errOut := run("refunds"); code != ExitUsage || out != "" || errOut != "qfpos: unknown command \"refunds\" (did you mean refund?)\n" {
		t.Errorf("refunds: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run("completion", "bash"); code != 0 || !strings.Contains(out, "qfpos") {
		t.Errorf("completion: %d", code)
	}
	// The desk without a terminal says so and names the headless commands.
	if code, out, errOut := run("demo", "--journal", "demo.db"); code != ExitUsage || out != "" ||
		!strings.Contains(errOut, "needs a terminal") || !strings.Contains(errOut, "qfpos refund") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("demo without a terminal: %d %q %q", code, out, errOut)
	}
	// A demo that does not start makes nothing: no journal, no log, no folder.
	if code, _, _ := run("demo", "--journal", "missing/dir/demo.db"); code != ExitUsage {
		t.Errorf("demo in a missing folder without a terminal: %d", code)
	}
	for _, made := range []string{"demo.db", "qfpos-demo.log", "missing", "slips"} {
		if _, err := os.Stat(filepath.Join(dir, made)); !os.IsNotExist(err) {
			t.Errorf("a demo that did not start made %s", made)
		}
	}
	// In the cashier's language.
	if code, _, errOut := run("demo", "--journal", "demo2.db", "--lang", "zh-Hant"); code != ExitUsage || !strings.Contains(errOut, "收銀台畫面需要終端機") {
		t.Errorf("demo --lang zh-Hant without a terminal: %d %q", code, errOut)
	}
	// A typo in --journal does not start an empty journal.
	if code, _, errOut := run("pending", "--journal", "typo.db"); code != ExitUsage || !strings.Contains(errOut, "no journal at typo.db") {
		t.Errorf("typo: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.db")); !os.IsNotExist(err) {
		t.Error("pending created typo.db")
	}
}

// TestNothingAskedOfASilentTerminal runs the built qfpos in a pseudo-terminal that answers no
// question (script(1), with nothing on its input): a headless command writes its own output and
// nothing else — no background-colour or cursor question of Bubble Tea's start-up, which would
// otherwise wait out termenv's timeout before main. (ui/termquery; the desk asks itself, bounded.)
func TestNothingAskedOfASilentTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed")
	}
	bin := builtQfpos(t)
	dir := t.TempDir()
	for _, args := range []string{"--version", "pending --journal " + filepath.Join(dir, "none.db")} {
		cmd := exec.Command(script, "-q", "-c", bin+" "+args, "/dev/null")
		cmd.Env = append(os.Environ(), "TERM=xterm-256color", "CI=", "LC_ALL=C.UTF-8", "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
		cmd.Stdin = nil // /dev/null: the terminal never answers
		out, _ := cmd.CombinedOutput()
		if strings.Contains(string(out), "\x1b]11;?") || strings.Contains(string(out), "\x1b[6n") {
			t.Errorf("qfpos %s asked the terminal before main: %q", args, out)
		}
		if !strings.Contains(string(out), "qfpos") {
			t.Errorf("qfpos %s under script: %q", args, out)
		}
	}
}
