package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"qfpos/cli/relay"
	"strings"
	"testing"
)

// TestLineModeDirectAndThroughServe: with TERM=dumb, qfpos runs the desk as line prompts on a
// journal nobody holds; with qfpos serve holding the journal, qfpos --accessible runs inside it
// (the caller's lines carried by the socket) and refunds through its lifecycle. Each session's
// output holds no escape sequence.
func TestLineModeDirectAndThroughServe(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"].SysSN
	t.Setenv("TERM", "dumb")
	t.Setenv("LANG", "en_US.UTF-8")
	var code int
	var out, errOut string
	withStdin(t, paid[len(paid)-6:]+"\nr\n10\n1\ny\nquit\n", func() { code, out, errOut = runCmd(t, "--config", h.cfg) })
	if code != 0 || !strings.Contains(out, "Refund 10.00 HKD: succeeded") || strings.Contains(out, "\x1b") {
		t.Fatalf("direct: %d\n%s\n%s", code, out, errOut)
	}
	startServe(t, h.cfg)
	t.Setenv("TERM", "xterm")
	withStdin(t, paid[len(paid)-6:]+"\nrefund\n5\n2\nyes\npending\nquit\n", func() {
		code, out, errOut = runCmd(t, "--accessible", "--config", h.cfg)
	})
	if code != 0 || !strings.Contains(out, "Refund 5.00 HKD: succeeded") || !strings.Contains(out, "No refunds or cancels are unfinished.") ||
		strings.Contains(out, "\x1b") {
		t.Fatalf("through qfpos serve: %d\n%s\n%s", code, out, errOut)
	}
	// The journal is serve's: the second refund is there when serve has stopped.
	t.Setenv("TERM", "dumb")
	withStdin(t, "", func() { code, out, errOut = runCmd(t, "sales", "list", "--format", "json", "--config", h.cfg) })
	if code != 0 || !strings.Contains(out, `"refunded": 1500`) {
		t.Fatalf("sales list: %d %s %s", code, out, errOut)
	}
}

// TestLineModeIsChosen: the line mode runs with --accessible, TERM=dumb, ACCESSIBLE set (not 0 or
// false) or [terminal] accessible = true, and --accessible=false overrides them; otherwise the
// desk, which without a terminal says so and exits 2.
func TestLineModeIsChosen(t *testing.T) {
	h := newHeadless(t, "")
	cfg, err := os.ReadFile(h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	accessibleCfg := filepath.Join(t.TempDir(), "qfpos.toml")
	if err := os.WriteFile(accessibleCfg, bytes.Replace(cfg, []byte("[terminal]\n"), []byte("[terminal]\naccessible = true\n"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LANG", "en_US.UTF-8")
	for _, c := range []struct {
		term, accessible, cfg string
		flag, off, lines      bool
	}{
		{term: "xterm", cfg: h.cfg},
		{term: "dumb", cfg: h.cfg, lines: true},
		{term: "xterm", accessible: "1", cfg: h.cfg, lines: true},
		{term: "xterm", accessible: "false", cfg: h.cfg},
		{term: "xterm", cfg: accessibleCfg, lines: true},
		{term: "xterm", cfg: h.cfg, flag: true, lines: true},
		{term: "dumb", cfg: accessibleCfg, off: true}, // --accessible=false decides
	} {
		t.Setenv("TERM", c.term)
		t.Setenv("ACCESSIBLE", c.accessible)
		args := []string{"--config", c.cfg}
		if c.flag {
			args = append(args, "--accessible")
		}
		if c.off {
			args = append(args, "--accessible=false")
		}
		var code int
		var out, errOut string
		withStdin(t, "quit\n", func() { code, out, errOut = runCmd(t, args...) })
		got := strings.Contains(out, "qfpos line mode: terminal POS-09")
		if got != c.lines || c.lines && code != 0 || !c.lines && (code != ExitUsage || !strings.Contains(errOut, "needs a terminal")) {
			t.Errorf("%+v: line mode %v, exit %d\n%s\n%s", c, got, code, out, errOut)
		}
	}
}

// TestOwnerRunsOnlyTheLineMode: a journal's owner runs qfpos --accessible=true for a caller; a
// caller without the line mode does not hand the desk over (the journal is held), and an owner
// asked for the desk itself refuses with the line of every command it does not run.
func TestOwnerRunsOnlyTheLineMode(t *testing.T) {
	h := newHeadless(t, "")
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("TERM", "xterm")
	t.Setenv("ACCESSIBLE", "")
	startServe(t, h.cfg)
	var code int
	var out, errOut string
	withStdin(t, "quit\n", func() { code, out, errOut = runCmd(t, "--accessible=true", "--config", h.cfg) })
	if code != 0 || !strings.Contains(out, "qfpos line mode") {
		t.Errorf("--accessible=true: exit %d\n%s\n%s", code, out, errOut)
	}
	withStdin(t, "quit\n", func() { code, out, errOut = runCmd(t, "--accessible=false", "--config", h.cfg) })
	if code != ExitFailed || !strings.Contains(errOut, "is held by qfpos serve") {
		t.Errorf("--accessible=false: exit %d\n%s\n%s", code, out, errOut)
	}
	conn, err := relay.Dial(h.dir + "/journal.db")
	if err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	code, err = conn.Run(context.Background(), []string{"--accessible=false", "--config", h.cfg}, &o, &e)
	if err != nil || code != ExitUsage || !strings.Contains(e.String(), "does not run through") {
		t.Errorf("the desk asked of the owner: exit %d, %v\n%s\n%s", code, err, o.String(), e.String())
	}
}
