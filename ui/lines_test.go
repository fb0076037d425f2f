package ui_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/text/language"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/catalog"
	"qfpos/ui/demo"
)

// transcript is what a terminal shows of a line-mode session: what the session writes, and each
// answer as it is typed after its prompt (a PIN not shown).
type transcript struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (t *transcript) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.Write(p)
}

func (t *transcript) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

// typist types one answer each time the session reads a line, and the terminal echoes it.
type typist struct {
	mu      sync.Mutex
	answers []string
	shown   *transcript
	hidden  bool // the echo is off: a PIN is being typed
	pins    int  // answers typed with the echo off
}

func (k *typist) next() (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.answers) == 0 {
		return "", false
	}
	a := k.answers[0]
	k.answers = k.answers[1:]
	return a, true
}

func (k *typist) Read(p []byte) (int, error) {
	a, ok := k.next()
	if !ok {
		return 0, io.EOF
	}
	k.mu.Lock()
	hidden := k.hidden
	if hidden {
		k.pins++
	}
	k.mu.Unlock()
	if !hidden {
		_, _ = k.shown.Write([]byte(a + "\n"))
	}
	return copy(p, a+"\n"), nil
}

// echo is the terminal's echo turned off and on around a PIN.
func (k *typist) echo(on bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.hidden = !on
}

// lineDemo is the demo on a virtual clock with the line mode's dependencies, and the sales a
// session needs: one above the approval limit and one unpaid.
func lineDemo(t *testing.T, lang language.Tag) (*demo.Demo, ui.Deps, storage.SaleView, storage.SaleView) {
	t.Helper()
	clock := reversaltest.NewClock(start)
	settle := qfpaytest.Settle{Queries: 1}
	d, err := demo.Start(demo.Options{JournalPath: t.TempDir() + "/journal.db", Clock: clock, Settle: &settle, Calm: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	deps := ui.Deps{Journal: d.Journal, Desk: d.Desk, Terminal: d.Terminal(), Reports: d.Reports(), Now: func() time.Time { return start },
		Printer: catalog.New(lang), Staff: d.Journal, Memory: d.Journal, Audit: d.Journal, Logins: demo.Logins,
		PrintSlip: func(id uint64, lang string) (string, error) { return "slips/slip-" + lang + ".txt", nil }}
	deps.Terminal.Cashier = ""
	page, err := d.Journal.RecentSales(storage.Cursor{}, 100, 7)
	if err != nil {
		t.Fatal(err)
	}
	var big, unpaid storage.SaleView
	for _, v := range page.Sales {
		p := d.Desk.Rules().For(v)
		switch {
		case big.SysSN == "" && p.Refund && !p.FullOnly && v.Remaining() > demo.Limits.ApprovalOver:
			big = v
		case unpaid.SysSN == "" && p.Cancel:
			unpaid = v
		}
	}
	if big.SysSN == "" || unpaid.SysSN == "" {
		t.Fatalf("the demo has no sale above the limit (%q) or none unpaid (%q)", big.SysSN, unpaid.SysSN)
	}
	return d, deps, big, unpaid
}

// runLines runs a session to its end with the answers typed, and returns what the terminal shows.
func runLines(t *testing.T, deps ui.Deps, answers ...string) (string, ui.Result) {
	t.Helper()
	shown := &transcript{}
	k := &typist{answers: answers, shown: shown}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := ui.RunLines(ctx, deps, ui.LineIO{In: k, Out: shown, Echo: k.echo})
	if err != nil {
		t.Fatal(err)
	}
	if k.pins != strings.Count(strings.Join(answers, "\n"), "5678")+strings.Count(strings.Join(answers, "\n"), "1234") {
		t.Errorf("%d PINs typed with the echo off", k.pins)
	}
	return shown.String(), res
}

// TestLineModeWholeFlow drives the whole desk through the line mode in each language: sign in,
// find a sale by its last digits and refund part of it, follow it to the end; find one above the
// approval limit by its amount, refund it with a manager's approval; cancel an unpaid sale;
// pending; today's review with one operation's steps; print a slip; lock and sign in again; quit.
// The transcript is compared with a golden file, and holds no escape sequence at all.
func TestLineModeWholeFlow(t *testing.T) {
	for _, c := range []struct {
		name   string
		lang   language.Tag
		refund string // the word typed for "refund"
	}{{"en", language.English, "refund"}, {"zh-Hant", language.TraditionalChinese, "退款"}, {"zh-Hans", language.SimplifiedChinese, "退款"}} {
		t.Run(c.name, func(t *testing.T) {
			d, deps, big, unpaid := lineDemo(t, c.lang)
			tail := func(v storage.SaleView) string { return v.SysSN[len(v.SysSN)-6:] }
			out, res := runLines(t, deps,
				"amy", "1234", // sign in
				"help",
				tail(storage.SaleView{Sale: d.Featured}), "r", "10", "1", "y", // a part of the featured sale
				tail(big), c.refund, "", "the customer changed plans", "y", "mgr", "5678", // above the limit: approved
				tail(unpaid), "c", "y", // cancel the unpaid order
				"pending",
				"today", "1", "",
				"print", "2",
				"language",
				"lock", "mgr", "5678",
				"quit")
			if strings.Contains(out, "\x1b") {
				t.Errorf("the transcript holds an escape sequence:\n%q", out)
			}
			if res.InFlight != 0 {
				t.Errorf("%d in flight at the end", res.InFlight)
			}
			v, _, _ := d.Journal.Sale(d.Featured.SysSN)
			if v.Refunded != 1000 {
				t.Errorf("the featured sale refunded %d, want 1000", v.Refunded)
			}
			b, _, _ := d.Journal.Sale(big.SysSN)
			if len(b.Reversals) != 1 || b.Reversals[0].Approver != "mgr" || b.Reversals[0].State != storage.StateSucceeded ||
				b.Reversals[0].ReasonText != "the customer changed plans" {
				t.Errorf("the sale above the limit: %+v", b.Reversals)
			}
			u, _, _ := d.Journal.Sale(unpaid.SysSN)
			if !u.Cancelled {
				t.Errorf("the unpaid sale was not cancelled: %+v", u.Reversals)
			}
			// The random part of an out_trade_no, and the audit hashes that cover it, differ by run.
			out = regexp.MustCompile(`_[0-9a-f]{16}\b`).ReplaceAllString(out, "_<random>")
			out = regexp.MustCompile(`\b[0-9a-f]{8} #`).ReplaceAllString(out, "<hash> #")
			golden.RequireEqual(t, []byte(out))
		})
	}
}

// TestLineModeLocksWhenIdle: with staff, [terminal] lock_after without an answer signs the cashier
// out (on the trail) and asks for the next person's id; what is typed then answers that.
func TestLineModeLocksWhenIdle(t *testing.T) {
	d, deps, _, _ := lineDemo(t, language.English)
	deps.LockAfter = 5 * time.Minute
	r, w := io.Pipe()
	shown := &transcript{}
	var timers int
	after := func(time.Duration) <-chan time.Time {
		timers++
		if timers != 1 { // the first prompt after the sign-in waits too long
			return nil
		}
		fired := make(chan time.Time, 1)
		fired <- start
		return fired
	}
	done := make(chan error, 1)
	go func() {
		_, err := ui.RunLines(context.Background(), deps, ui.LineIO{In: r, Out: shown, After: after})
		done <- err
	}()
	_, _ = io.WriteString(w, "amy\n1234\n")
	waitShown(t, shown, "Signed out after 5m0s without use.")
	_, _ = io.WriteString(w, "mgr\n5678\nquit\n")
	_ = w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := shown.String()
	if !strings.Contains(out, "Signed in: mgr, manager.") {
		t.Fatalf("the next person did not sign in:\n%s", out)
	}
	var idle bool
	if err := d.Journal.AuditEvents(0, func(e storage.AuditEvent) error {
		idle = idle || strings.Contains(string(e.Record), "idle") && strings.Contains(e.Subject+string(e.Record), "amy")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !idle {
		t.Error("the trail does not say amy was signed out for being idle")
	}
}

// TestLineModeOutcomeUnknown: a refund QFPay never settles is followed until it is parked as
// unknown; the line says so with the bell and tells the cashier not to refund again; quit asks
// first, and the operation is left in flight. Run inside another qfpos (GoesOn), quit does not ask:
// it says the operation goes on. A reference typed in groups, as read out, finds its sale.
func TestLineModeOutcomeUnknown(t *testing.T) {
	for _, goesOn := range []bool{false, true} {
		d, deps, _, _ := lineDemo(t, language.English)
		deps.GoesOn = goesOn
		d.Sandbox.ScriptAmount(500, qfpaytest.Script{NeverSettle: true})
		answers := []string{"amy", "1234", grouped(d.Featured.SysSN), "r", "5", "1", "y", "quit", "n", "quit", "y"}
		want := []string{"\aOutcome unknown — still checking. Do not refund again.",
			"1 refund(s) or cancel(s) still in flight. They resume next time qfpos starts.\nQuit anyway? (y/n): n\n"}
		if goesOn {
			answers = answers[:8]
			want[1] = "quit\n1 refund(s) or cancel(s) of this session are still in flight: they go on, and qfpos pending lists them.\n"
		}
		out, res := runLines(t, deps, answers...)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("goes on %v: %q not in:\n%s", goesOn, w, out)
			}
		}
		if res.InFlight != 1 {
			t.Errorf("goes on %v: %d in flight, want 1", goesOn, res.InFlight)
		}
		if open, _ := d.Journal.Unfinished(); len(open) != 1 || open[0].State != storage.StateUnknown {
			t.Errorf("goes on %v: unfinished: %+v", goesOn, open)
		}
	}
}

// grouped writes digits in groups of four, as the line mode says a reference.
func grouped(s string) string {
	var parts []string
	for len(s) > 4 {
		parts, s = append(parts, s[:4]), s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// closedStream is a lifecycle whose update stream has ended (its loop stopped).
type closedStream struct{ ui.Desk }

func (closedStream) Subscribe() (<-chan reversal.Update, func()) {
	ch := make(chan reversal.Update)
	close(ch)
	return ch, func() {}
}

// TestLineModeWithoutUpdates: when the lifecycle's updates have ended, a refund is said as Start
// left it and the session goes on to its next prompt instead of waiting for updates that never come.
func TestLineModeWithoutUpdates(t *testing.T) {
	d, deps, _, _ := lineDemo(t, language.English)
	deps.Desk = closedStream{deps.Desk}
	out, _ := runLines(t, deps, "amy", "1234", grouped(d.Featured.SysSN), "r", "5", "1", "y", "pending", "quit", "y")
	if !strings.Contains(out, "Refund of 5.00 HKD started.\nRefund 5.00 HKD: ") || !strings.Contains(out, "(help lists them): pending\n") {
		t.Fatalf("the session did not go on:\n%s", out)
	}
}

// TestLineModeSyncsAtStart: with [journal] sync_on_start, the line mode pulls the sales from
// QFPay in the background, as the desk does, and says how it went at a prompt.
func TestLineModeSyncsAtStart(t *testing.T) {
	_, deps, _, _ := lineDemo(t, language.English)
	release := make(chan struct{})
	deps.Sync = func(context.Context) (report.SyncResult, error) {
		<-release // the sync ends while the cashier is at the staff id's prompt
		return report.SyncResult{Added: 3}, nil
	}
	r, w := io.Pipe()
	shown := &transcript{}
	done := make(chan error, 1)
	go func() {
		_, err := ui.RunLines(context.Background(), deps, ui.LineIO{In: r, Out: shown})
		done <- err
	}()
	waitShown(t, shown, "Staff id: ")
	close(release)
	waitShown(t, shown, "Synced 3 new sales from QFPay.\nStaff id: ")
	_, _ = io.WriteString(w, "amy\n1234\nquit\n")
	_ = w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// waitShown waits until the transcript holds text (a session's next line is written by another
// goroutine).
func waitShown(t *testing.T, shown *transcript, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(shown.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not shown:\n%s", text, shown.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
