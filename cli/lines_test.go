package cli

import (
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
