package ui_test

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"golang.org/x/text/language"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal/reversaltest"
	"qfpos/ui"
	"qfpos/ui/catalog"
	"qfpos/ui/demo"
)

var start = time.Date(2026, 11, 21, 15, 0, 0, 0, qfpaytest.HongKong)

// startDemo runs the demo on a virtual clock; the screens use a fixed clock so that what they
// show does not depend on when the test runs.
func startDemo(t *testing.T, calm bool) (*demo.Demo, *teatest.TestModel) {
	t.Helper()
	return startDemoWith(t, calm, nil)
}

// startDemoWith is startDemo with the desk's dependencies changed first.
func startDemoWith(t *testing.T, calm bool, change func(*ui.Deps, *demo.Demo)) (*demo.Demo, *teatest.TestModel) {
	t.Helper()
	clock := reversaltest.NewClock(start)
	settle := qfpaytest.Settle{Queries: 1}
	d, err := demo.Start(demo.Options{JournalPath: t.TempDir() + "/journal.db", Clock: clock, Settle: &settle, Calm: calm})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	deps := ui.Deps{Journal: d.Journal, Desk: d.Desk, Terminal: d.Terminal(), Reports: d.Reports(), Now: func() time.Time { return start },
		Printer: catalog.New(language.English), Styles: ui.NewStyles(r), Staff: d.Journal}
	if change != nil {
		change(&deps, d)
	}
	tm := teatest.NewTestModel(t, ui.New(deps), teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() { _ = tm.Quit() })
	if deps.Staff != nil && deps.Logins == nil { // the demo's cashier signs in: the desk's first screen
		tm.Type("amy")
		press(tm, tea.KeyTab)
		tm.Type("1234")
		press(tm, tea.KeyEnter)
	}
	return d, tm
}

// waitFor reads the program's output until every text has appeared (output read here is
// consumed: wait for things that show together in one call).
func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, text := range texts {
			if !bytes.Contains(b, []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func press(tm *teatest.TestModel, keys ...tea.KeyType) {
	for _, k := range keys {
		tm.Send(tea.KeyMsg{Type: k})
	}
}

// finalView quits and returns the last screen with QFPay's generated ids and the countdown of a
// parked operation masked.
func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	view := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	view = regexp.MustCompile(`\d{26}`).ReplaceAllString(view, "<syssn>")
	view = regexp.MustCompile(`…\d{6}`).ReplaceAllString(view, "…<ref>")
	// The lifecycle's virtual clock runs ahead through the re-checks of a parked operation.
	view = regexp.MustCompile(`next check in [\d:]+.*`).ReplaceAllString(view, "next check in <t> …")
	return []byte(view)
}

// TestFlowPartialRefund: demo data → open the newest sale → refund part of it → the status pane
// shows it succeeded.
func TestFlowPartialRefund(t *testing.T) {
	d, tm := startDemo(t, true)
	waitFor(t, tm, "WeChat Pay")
	press(tm, tea.KeyEnter)
	waitFor(t, tm, "Refund: up to 88.00 HKD can be refunded.")
	tm.Type("r")
	waitFor(t, tm, "Refund sale "+d.Featured.SysSN)
	press(tm, tea.KeyCtrlU)
	tm.Type("10")
	press(tm, tea.KeyTab, tea.KeyRight, tea.KeyEnter) // the first of the store's reasons
	waitFor(t, tm, "Send this refund?", "Damaged item")
	press(tm, tea.KeyEnter)
	waitFor(t, tm, "Succeeded", "part refunded, 78.00 left")
	v, _, _ := d.Journal.Sale(d.Featured.SysSN)
	if v.Refunded != 1000 || v.Remaining() != 7800 {
		t.Fatalf("journal after the flow: refunded %d, left %d", v.Refunded, v.Remaining())
	}
	golden.RequireEqual(t, finalView(t, tm))
}

// TestFlowOutcomeUnknown: the refund stays processing at QFPay; the pane says so and tells the
// cashier not to refund again.
func TestFlowOutcomeUnknown(t *testing.T) {
	d, tm := startDemo(t, true)
	d.Sandbox.ScriptAmount(500, qfpaytest.Script{NeverSettle: true})
	waitFor(t, tm, "WeChat Pay")
	tm.Type("r")
	waitFor(t, tm, "Refund sale")
	press(tm, tea.KeyCtrlU)
	tm.Type("5")
	press(tm, tea.KeyTab)
	tm.Type("left it on the bus") // words of the cashier's own: the store's "other"
	press(tm, tea.KeyEnter, tea.KeyEnter)
	waitFor(t, tm, "Outcome unknown — still checking. Do not refund again.", "refund in progress")
	if open, _ := d.Journal.Unfinished(); len(open) != 1 || !strings.HasPrefix(open[0].OutTradeNo, "RF") ||
		open[0].Reason != "other" || open[0].ReasonText != "left it on the bus" {
		t.Fatalf("unfinished: %+v", open)
	}
	golden.RequireEqual(t, finalView(t, tm))
}

// TestFlowDemoSignIn: the demo seeds a cashier and a manager; its desk starts locked and the
// sign-in shows their ids and PINs, with which the cashier signs in.
func TestFlowDemoSignIn(t *testing.T) {
	_, tm := startDemoWith(t, true, func(deps *ui.Deps, d *demo.Demo) {
		deps.Staff, deps.Logins = d.Journal, demo.Logins
		deps.Terminal.Cashier = ""
	})
	waitFor(t, tm, "Sign in", "Demo cashier: id amy, PIN 1234", "Demo manager: id mgr, PIN 5678")
	tm.Type("amy")
	press(tm, tea.KeyTab)
	tm.Type("1234")
	press(tm, tea.KeyEnter)
	waitFor(t, tm, "Cashier amy", "Recent sales")
}
