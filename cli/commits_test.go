package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"qfpos/qfpay/qfpaytest"
)

// commitsOf is the journal's bbolt transaction id: it grows by one with each commit.
func commitsOf(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id uint64
	_ = db.View(func(tx *bbolt.Tx) error { id = uint64(tx.ID()); return nil })
	return id
}

// refundCases: QFPay answers "processing" once and then a query says done; or its first answer
// is final. A refund may make at most these commits (each two fdatasync in bbolt: the pages,
// then the meta page).
var refundCases = []struct {
	name    string
	settle  qfpaytest.Settle
	commits uint64
}{{"processing once", qfpaytest.Settle{Queries: 1}, 3}, {"final at once", qfpaytest.Settle{}, 2}}

// TestRefundCommitsThroughTheCommand counts the journal's commits of `qfpos refund` end to end —
// the sale read at QFPay before sending, the intent, the replies, the outcome — on the command's
// own code path (a terminal whose configuration the journal has seen).
func TestRefundCommitsThroughTheCommand(t *testing.T) {
	for _, c := range refundCases {
		t.Run(c.name, func(t *testing.T) {
			h := newHeadless(t, "")
			h.sb.SetSettle(c.settle)
			journal := h.dir + "/journal.db"
			runCmd(t, "pending", "--config", h.cfg) // the journal sees this configuration once
			before := commitsOf(t, journal)
			code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1")
			if code != 0 || !strings.Contains(out, "succeeded") {
				t.Fatalf("%d %q %q", code, out, errOut)
			}
			if n := commitsOf(t, journal) - before; n != c.commits {
				t.Errorf("%d commits, want %d", n, c.commits)
			}
		})
	}
}

// TestRefundSyncsOfTheBinary counts, with strace, the fdatasync calls on the journal of the built
// qfpos running a refund against the sandbox.
func TestRefundSyncsOfTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	bin := builtQfpos(t)
	for _, c := range refundCases {
		t.Run(c.name, func(t *testing.T) {
			h := newHeadless(t, "")
			h.sb.SetSettle(c.settle)
			runCmd(t, "pending", "--config", h.cfg)
			trace := h.dir + "/strace.txt"
			cmd := exec.Command(strace, "-f", "-y", "-e", "trace=fsync,fdatasync,sync_file_range", "-o", trace,
				bin, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Skipf("strace cannot trace here (%v): %s", err, out)
			}
			b, err := os.ReadFile(trace)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(b), "journal.db>"); n != int(2*c.commits) {
				t.Errorf("%d syncs of the journal, want %d:\n%s", n, 2*c.commits, b)
			}
		})
	}
}
