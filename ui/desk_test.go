package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"golang.org/x/text/language"

	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// Issue 13: a desk a cashier can trust at a glance.

// TestKeyBurstsAreSingleKeys: a scanner (or a paste) sends the digits of a reference and Enter in
// one write; the digits are typed and Enter opens that sale, not the top one.
func TestKeyBurstsAreSingleKeys(t *testing.T) {
	for _, paste := range []bool{false, true} {
		a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
		send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("01003"), Paste: paste})
		if a.sales.find.Value() != "01003" || len(a.sales.sales) != 1 {
			t.Fatalf("paste=%v: find %q, %d sales", paste, a.sales.find.Value(), len(a.sales.sales))
		}
		keys(a, "enter")
		if a.active() != a.sale || !strings.HasSuffix(a.sale.syssn, "01003") {
			t.Fatalf("paste=%v: enter opened %q", paste, a.sale.syssn)
		}
	}
	// Enter arriving while the search still runs opens what the search finds.
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1004")}) // its search has not come back
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if a.active() != a.sales || cmd != nil {
		t.Fatal("enter opened a sale before the search came back")
	}
	send(a, searchSales(a.d.Journal, a.sales.tag, "1004", a.d.Terminal.Currency, 7, a.d.Printer)())
	if a.active() != a.sale || !strings.HasSuffix(a.sale.syssn, "1004") {
		t.Fatalf("opened %q", a.sale.syssn)
	}
}

// TestOneKeyMapPerScreen: while a field has focus the letters are typed and the help shows only
// the keys that are not; the find line gives up focus on the arrows and on return from a sale.
func TestOneKeyMapPerScreen(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 140, 30)
	if h := a.helpView(); !strings.Contains(h, "q quit") || !strings.Contains(h, "? help") || !strings.Contains(h, "r refund") {
		t.Fatalf("help without a field: %s", h)
	}
	keys(a, "/", "x", "?", "q", "t", "r")
	if a.asking || a.active() != a.sales || a.sales.find.Value() != "x?qtr" {
		t.Fatalf("typed into the find line: %q (asking %v)", a.sales.find.Value(), a.asking)
	}
	for _, gone := range []string{"quit", "help", "refund", "today", "find by pay method"} {
		if h := a.helpView(); strings.Contains(h, gone) {
			t.Errorf("help while typing shows %q: %s", gone, h)
		}
	}
	keys(a, "esc", "1", "down") // a find, then an arrow: the focus goes, the results stay
	if a.sales.finding || a.sales.find.Value() != "1" {
		t.Fatalf("after down: finding %v, %q", a.sales.finding, a.sales.find.Value())
	}
	keys(a, "1", "enter") // a digit starts a new find; enter opens; esc comes back unfocused
	keys(a, "esc")
	if a.active() != a.sales || a.sales.finding {
		t.Fatalf("after returning from the sale: finding %v", a.sales.finding)
	}
	keys(a, "t")
	if a.active() != a.today {
		t.Fatal("t was typed instead of opening the review")
	}
	a.help.ShowAll = true
	if h := a.helpView(); strings.Contains(h, "k up") || !strings.Contains(h, "kind filter") {
		t.Fatalf("review help: %s", h)
	}
	// In the refund form only enter, tab, ←/→ and esc show.
	a = newTestApp(sampleJournal(), &fakeDesk{}, 140, 30)
	keys(a, "r")
	if h := a.helpView(); strings.Contains(h, "quit") || strings.Contains(h, "help") || !strings.Contains(h, "enter continue") {
		t.Fatalf("refund form help: %s", h)
	}
}

// TestCustomReasonReplacesThePreset: typing a reason of one's own replaces the preset.
func TestCustomReasonReplacesThePreset(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 100, 30)
	keys(a, "r", "tab")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Torn box")})
	if got := a.refund.reason.Value(); got != "Torn box" {
		t.Fatalf("reason %q", got)
	}
	keys(a, "right") // not a preset: ←/→ move the cursor, they do not replace it
	if got := a.refund.reason.Value(); got != "Torn box" {
		t.Fatalf("reason after → %q", got)
	}
}

// TestTooSmallAsksForMore: below 60×20 the desk asks for a larger window.
func TestTooSmallAsksForMore(t *testing.T) {
	a := newTestApp(sampleJournal(), &fakeDesk{}, 50, 15)
	if v := a.View(); !strings.Contains(v, "Enlarge the window to at least 60×20.") {
		t.Fatalf("%q", v)
	}
	send(a, tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := a.View(); strings.Contains(v, "Enlarge") || !strings.Contains(v, "Recent sales") {
		t.Fatalf("%q", v)
	}
}

// TestQuitWithWorkInFlight: the question's (y/n) has a line of its own; after quitting the
// desk knows how many operations were in flight (qfpos prints it after the screen closes).
func TestQuitWithWorkInFlight(t *testing.T) {
	j := sampleJournal()
	j.reversals = []storage.Reversal{{ID: 1, Kind: storage.KindRefund, Amount: 100, Currency: "HKD", State: storage.StateProcessing,
		SaleSysSN: "20261121000100020000001001", Created: fixedAt}}
	a := newTestApp(j, &fakeDesk{}, 80, 24)
	keys(a, "q")
	lines := strings.Split(a.View(), "\n")
	if !a.asking || strings.TrimSpace(lines[len(lines)-1]) != "Quit? (y/n)" {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
	_, cmd := a.Update(keyMsg("y"))
	if cmd == nil || a.InFlight() != 1 {
		t.Fatalf("quit: %v, in flight %d", cmd, a.InFlight())
	}
}

// TestNoticesClearWhenTheirStateChanges: "Refund of X started." goes when that refund moves on.
func TestNoticesClearWhenTheirStateChanges(t *testing.T) {
	r := storage.Reversal{ID: 7, Kind: storage.KindRefund, Amount: 1000, Currency: "HKD", State: storage.StateSent,
		SaleSysSN: "20261121000100020000001004", Created: fixedAt, Updated: fixedAt}
	a := newTestApp(sampleJournal(), &fakeDesk{result: r}, 100, 30)
	keys(a, "down", "down", "down", "r", "ctrl+u", "1", "0", "tab", "right", "enter", "enter")
	if !strings.Contains(a.View(), "Refund of 10.00 HKD started.") {
		t.Fatalf("no notice:\n%s", a.View())
	}
	other := r
	other.ID = 8
	send(a, updateMsg(reversal.Update{Reversal: other}))
	if !strings.Contains(a.View(), "started.") {
		t.Fatal("another operation's update cleared the notice")
	}
	r.State, r.Updated = storage.StateProcessing, fixedAt.Add(time.Second)
	send(a, updateMsg(reversal.Update{Reversal: r}))
	if strings.Contains(a.View(), "started.") {
		t.Fatalf("the notice outlived its state:\n%s", a.View())
	}
}

// TestTimelineScrollsAndFollows: the events scroll under a head that stays, and a new event of
// the operation shows without leaving the screen.
func TestTimelineScrollsAndFollows(t *testing.T) {
	j := managerJournal()
	for i := range 30 {
		j.reversals[2].Events = append(j.reversals[2].Events, storage.Event{At: fixedAt.Add(time.Duration(i) * time.Second),
			Type: storage.EventQuery, State: storage.StateUnknown, Message: "check " + strconv.Itoa(i)})
	}
	a := newTestApp(j, &fakeDesk{}, 100, 24)
	keys(a, "t", "enter")
	v := a.View()
	if !strings.Contains(v, "Refund 7.00 HKD — RF_3") || !strings.Contains(v, "journaled") || strings.Contains(v, "check 29") {
		t.Fatalf("top of the timeline:\n%s", v)
	}
	keys(a, "pgdown", "pgdown", "pgdown", "pgdown")
	v = a.View()
	if !strings.Contains(v, "Refund 7.00 HKD — RF_3") || !strings.Contains(v, "check 29") || strings.Contains(v, "journaled") {
		t.Fatalf("scrolled:\n%s", v)
	}
	keys(a, "up")
	if !strings.Contains(a.View(), "Refund 7.00 HKD — RF_3") {
		t.Fatal("the head scrolled away")
	}
	j.mu.Lock()
	j.reversals[2].Events = append(j.reversals[2].Events, storage.Event{At: fixedAt.Add(time.Minute), Type: storage.EventQuery,
		State: storage.StateSucceeded, Code: "0000", Message: "QFPay confirms it is done"})
	j.reversals[2].State = storage.StateSucceeded
	j.mu.Unlock()
	send(a, updateMsg(reversal.Update{Reversal: j.reversals[2]}))
	keys(a, "pgdown", "pgdown")
	if v := a.View(); !strings.Contains(v, "QFPay confirms it is done") || !strings.Contains(v, "✓ Succeeded") {
		t.Fatalf("live update:\n%s", v)
	}
}

// TestContrast: every foreground on its background reaches 4.5:1 in both the light and the dark
// variant (WCAG AA).
func TestContrast(t *testing.T) {
	st := reflectStyles(NewStyles(lipgloss.NewRenderer(nil, termenv.WithProfile(termenv.TrueColor))))
	for _, dark := range []bool{false, true} {
		bg := "#ffffff"
		if dark {
			bg = "#000000"
		}
		for name, s := range st {
			fg, back := colorOf(s.GetForeground(), dark), colorOf(s.GetBackground(), dark)
			if back == "" {
				back = bg
			}
			if fg == "" {
				continue
			}
			if r := contrast(fg, back); r < 4.5 {
				t.Errorf("%s (dark %v): %s on %s is %.2f:1", name, dark, fg, back, r)
			}
		}
	}
}

func colorOf(c lipgloss.TerminalColor, dark bool) string {
	switch c := c.(type) {
	case lipgloss.Color:
		return string(c)
	case lipgloss.AdaptiveColor:
		if dark {
			return c.Dark
		}
		return c.Light
	}
	return ""
}

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func reflectStyles(s Styles) map[string]lipgloss.Style {
	return map[string]lipgloss.Style{"Header": s.Header, "Badge": s.Badge, "BadgeLive": s.BadgeLive, "BadgeDemo": s.BadgeDemo,
		"Title": s.Title, "Muted": s.Muted, "Selected": s.Selected, "OK": s.OK, "Bad": s.Bad, "Warn": s.Warn, "Pane": s.Pane,
		"Label": s.Label, "Input": s.Input}
}

// TestIdleIsIdle: with nothing in flight, 60 seconds bring at most 60 messages (the clock), no
// spinner; with something in flight the spinner turns, and stops when it ends.
func TestIdleIsIdle(t *testing.T) {
	var scheduled []time.Duration
	d := testDeps(sampleJournal(), &fakeDesk{})
	var pending []tea.Msg
	d.Tick = func(after time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		scheduled = append(scheduled, after)
		pending = append(pending, fn(fixedAt))
		return nil
	}
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	init := a.Init()
	_ = init // the first reads and the first clock tick
	send(a, a.sales.Init()())
	send(a, loadUnfinished(d.Journal)())
	messages := 0
	var clock time.Duration
	for clock < time.Minute && len(pending) > 0 {
		msg := pending[0]
		pending = pending[1:]
		after := scheduled[0]
		scheduled = scheduled[1:]
		clock += after
		messages++
		send(a, msg)
	}
	if messages > 60 {
		t.Fatalf("%d messages in a minute with nothing in flight", messages)
	}
	if clock < time.Minute {
		t.Fatalf("the clock stopped after %v", clock)
	}
	if a.spinning {
		t.Fatal("the spinner turns with nothing in flight")
	}
	r := storage.Reversal{ID: 1, Kind: storage.KindRefund, Amount: 100, Currency: "HKD", State: storage.StateSent, Created: fixedAt, Updated: fixedAt}
	send(a, updateMsg(reversal.Update{Reversal: r}))
	if !a.spinning {
		t.Fatal("no spinner while a refund is in flight")
	}
	r.State, r.Updated, r.Finished = storage.StateSucceeded, fixedAt.Add(time.Second), fixedAt.Add(time.Second)
	send(a, updateMsg(reversal.Update{Reversal: r}))
	send(a, spinMsg{})
	if a.spinning {
		t.Fatal("the spinner turns on after the refund ended")
	}
}

// TestViewChangesNothing: drawing any screen, any number of times, leaves the model as it was.
func TestViewChangesNothing(t *testing.T) {
	a := newTestApp(managerJournal(), &fakeDesk{}, 80, 24)
	snapshot := func() string {
		return fmt.Sprintf("%+v|%+v|%+v|%+v|%+v|%+v|%+v|%+v", *a, *a.sales, *a.sale, *a.refund, *a.cancel, *a.today, *a.status, a.help)
	}
	for _, step := range [][]string{nil, {"/", "w"}, {"esc", "enter"}, {"r"}, {"esc", "esc", "t"}, {"enter"}, {"pgdown"}} {
		keys(a, step...)
		before := snapshot()
		first := a.View()
		if second := a.View(); second != first {
			t.Fatalf("after %v two draws differ", step)
		}
		if after := snapshot(); after != before {
			t.Fatalf("after %v View changed the model:\n%s\n%s", step, before, after)
		}
	}
}

// TestReviewCursorStaysOnItsOperation: when an update re-sorts the review, the cursor stays on
// the operation it was on, not on the row number.
func TestReviewCursorStaysOnItsOperation(t *testing.T) {
	j := managerJournal()
	a := newTestApp(j, &fakeDesk{}, 120, 40)
	keys(a, "t", "down", "down")
	at := a.today.shown[a.today.list.index()]
	if at.ID == 3 {
		t.Fatal("the test needs the cursor off the unknown refund")
	}
	j.mu.Lock()
	j.reversals[2].State, j.reversals[2].Finished = storage.StateSucceeded, fixedAt // the unknown one, first, is settled
	r := j.reversals[2]
	j.mu.Unlock()
	send(a, updateMsg(reversal.Update{Reversal: r}))
	if now := a.today.shown[a.today.list.index()]; now.ID != at.ID || a.today.shown[0].ID == 3 {
		t.Fatalf("cursor on %d (was %d); first row %d", now.ID, at.ID, a.today.shown[0].ID)
	}
}

// TestSalesFromThePOSAppear: a sale the POS adds (through this process) shows at the next tick
// of the clock, with the cursor still on the sale it was on; while the cashier types a search
// the list is left alone until they stop.
func TestSalesFromThePOSAppear(t *testing.T) {
	j := sampleJournal()
	a := newTestApp(j, &fakeDesk{}, 100, 30)
	keys(a, "down", "down") // on …1003
	send(a, tickMsg(fixedAt))
	j.add(view("20261121000100020000001009", 990, "800208", "0000", fixedAt, 0))
	send(a, tickMsg(fixedAt.Add(time.Second)))
	if v := a.View(); !strings.Contains(v, "…001009") {
		t.Fatalf("the new sale is not listed:\n%s", v)
	}
	if s, _ := a.sales.selected(); !strings.HasSuffix(s.SysSN, "1003") {
		t.Fatalf("the cursor moved to %s", s.SysSN)
	}
	keys(a, "/", "w") // typing a search: the list waits
	j.add(view("20261121000100020000001010", 770, "800208", "0000", fixedAt, 0))
	send(a, tickMsg(fixedAt.Add(2*time.Second)))
	if strings.Contains(a.View(), "…001010") || a.sales.find.Value() != "w" {
		t.Fatalf("the list changed under the cashier's search:\n%s", a.View())
	}
	keys(a, "ctrl+u", "esc") // the search is given up: the next tick reads again
	send(a, tickMsg(fixedAt.Add(3*time.Second)))
	if !strings.Contains(a.View(), "…001010") {
		t.Fatalf("the new sale is not listed after the search:\n%s", a.View())
	}
}

// TestBackgroundIsDecidedOnce: the configuration, else COLORFGBG, else one question to the
// terminal.
func TestBackgroundIsDecidedOnce(t *testing.T) {
	for _, c := range []struct {
		configured, colorfgbg string
		answer, want, asked   bool
	}{
		{"dark", "0;15", false, true, false},
		{"light", "", true, false, false},
		{"", "15;0", false, true, false},
		{"", "0;default;15", true, false, false},
		{"", "12;8", false, true, false},
		{"", "", true, true, true},
		{"", "garbage", false, false, true},
		{"auto", "7;99", true, true, true},
	} {
		asked := 0
		got := darkBackground(c.configured, c.colorfgbg, func() bool { asked++; return c.answer })
		if got != c.want || (asked == 1) != c.asked || asked > 1 {
			t.Errorf("%+v: dark %v, asked %d times", c, got, asked)
		}
	}
}

func TestParseBackgroundReply(t *testing.T) {
	for reply, want := range map[string][2]bool{
		"\x1b]11;rgb:0000/0000/0000\x07\x1b[12;1R":  {true, true},
		"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[1;1R": {false, true},
		"\x1b]11;rgb:fd/f6/e3\x07":                  {false, true}, // solarized light, two digits
		"\x1b]11;rgb:2828/2c2c/3434\x07":            {true, true},
		"\x1b[24;80R":                               {false, false}, // no OSC 11 support
		"\x1b]11;rgb:zz/00/00\x07":                  {false, false},
		"\x1b]11;rgb:ffff/ffff\x07":                 {false, false},
		"\x1b]11;rgb:ffff/ffff/ffff":                {false, false}, // cut short
	} {
		dark, found := parseBackgroundReply([]byte(reply))
		if dark != want[0] || found != want[1] {
			t.Errorf("%q: dark %v found %v, want %v", reply, dark, found, want)
		}
	}
}

// TestPreloadedFirstReads: the first page and what is in flight, read while the terminal is asked
// about its background, show at once; Init does not read them again and starts the spinner when
// something is in flight.
func TestPreloadedFirstReads(t *testing.T) {
	j := sampleJournal()
	j.reversals = []storage.Reversal{{ID: 1, Kind: storage.KindRefund, Amount: 100, Currency: "HKD", State: storage.StateProcessing,
		SaleSysSN: "20261121000100020000001001", Created: fixedAt}}
	d := testDeps(j, &fakeDesk{})
	d.Tick = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return fn(fixedAt) }
	}
	a := New(d)
	a.preload(firstReads(d)...)
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if v := a.View(); !strings.Contains(v, "…001003") || !strings.Contains(v, "Refund 1.00 HKD") {
		t.Fatalf("not preloaded:\n%s", v)
	}
	j.mu.Lock()
	j.sales = nil // a second read would empty the list
	j.mu.Unlock()
	var spun bool
	runOneLevel(a, a.Init(), func(m tea.Msg) bool { _, isSpin := m.(spinMsg); spun = spun || isSpin; return !isSpin })
	if !spun {
		t.Error("the spinner did not start for the operation in flight")
	}
	if !strings.Contains(a.View(), "…001003") {
		t.Fatalf("Init read the sales again:\n%s", a.View())
	}
}

// languageMemory records what the desk asks to remember.
type languageMemory struct {
	mu     sync.Mutex
	choice map[string]string
}

func (m *languageMemory) SetCashierLanguage(cashier, lang string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.choice[cashier] = lang
	return nil
}

// TestLanguageKey: L switches every word at once — header, rows, help, the form's presets —
// through Traditional and Simplified Chinese and back, and remembers it for the cashier; while a
// field has focus, L is typed.
func TestLanguageKey(t *testing.T) {
	mem := &languageMemory{choice: map[string]string{}}
	d := testDeps(managerJournal(), &fakeDesk{})
	d.Memory = mem
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(a, a.sales.Init()())
	keys(a, "down", "down", "down", "r") // the refund form, its preset reason
	keys(a, "esc")
	keys(a, "L")
	v := a.View()
	for _, want := range []string{"終端 POS-01", "收銀員 amy", "已付款", "說明", "最近交易"} {
		if !strings.Contains(v, want) {
			t.Errorf("zh-Hant lacks %q:\n%s", want, v)
		}
	}
	if mem.choice["amy"] != "zh-Hant" {
		t.Fatalf("remembered %v", mem.choice)
	}
	if s, _ := a.sales.selected(); !strings.HasSuffix(s.SysSN, "1004") {
		t.Fatalf("the cursor moved to %s", s.SysSN)
	}
	keys(a, "r", "tab", "right")
	if got := a.refund.reason.Value(); got != "貨品損壞" {
		t.Fatalf("preset reason %q", got)
	}
	keys(a, "esc", "t")
	if v := a.View(); !strings.Contains(v, "退款及取消") {
		t.Fatalf("review:\n%s", v)
	}
	keys(a, "esc", "L")
	if v := a.View(); !strings.Contains(v, "终端 POS-01") || mem.choice["amy"] != "zh-Hans" {
		t.Fatalf("zh-Hans (%v):\n%s", mem.choice, v)
	}
	keys(a, "L")
	if v := a.View(); !strings.Contains(v, "Terminal POS-01") || !strings.Contains(v, "paid") || mem.choice["amy"] != "en" {
		t.Fatalf("back to English (%v):\n%s", mem.choice, v)
	}
	keys(a, "/", "L")
	if a.sales.find.Value() != "L" || a.d.Printer.Language().String() != "en" {
		t.Fatalf("L while typing: find %q, language %s", a.sales.find.Value(), a.d.Printer.Language())
	}
}

// TestTruncateKeepsWideCharactersWhole: a cut never splits a two-cell character, and wrapping
// Chinese text (which has no spaces) still keeps every line within the width.
func TestTruncateKeepsWideCharactersWhole(t *testing.T) {
	for w := 3; w <= 12; w++ {
		got := truncate("菠蘿包 ×2, 港式奶茶", w)
		if n := ansi.StringWidth(got); n > w || strings.ContainsRune(got, utf8.RuneError) {
			t.Errorf("width %d: %q is %d cells", w, got, n)
		}
	}
	for _, line := range strings.Split(wrap("結果未明 — 仍在查詢，切勿重複退款。QFPay 已為此交易退了部分款項（可能在其他收銀台）。", 17), "\n") {
		if n := ansi.StringWidth(line); n > 17 || strings.ContainsRune(line, utf8.RuneError) {
			t.Errorf("wrapped line %q is %d cells", line, n)
		}
	}
}

// TestFindByChinesePayMethod: the find line matches a pay method's name in the cashier's language.
func TestFindByChinesePayMethod(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Printer = catalog.New(language.TraditionalChinese)
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(a, a.sales.Init()())
	keys(a, "/")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("支付寶")})
	if len(a.sales.sales) != 2 { // Alipay QR and Alipay
		t.Fatalf("%d sales for 支付寶:\n%s", len(a.sales.sales), a.View())
	}
	for _, v := range a.sales.sales {
		if !strings.HasPrefix(v.PayType, "8001") {
			t.Fatalf("found %s", v.PayType)
		}
	}
}

// brokenTrail is an audit trail that does not verify at event 42.
type brokenTrail struct{}

func (brokenTrail) VerifyAuditTail(uint64) (storage.AuditResult, error) {
	return storage.AuditResult{Events: 41, BrokenAt: 42, Problem: "its content does not match its hash"}, nil
}

// TestAuditBanner: a trail that does not verify at start is said on every screen until the desk
// closes, within the window.
func TestAuditBanner(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Audit = brokenTrail{}
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	runOneLevel(a, a.Init(), func(tea.Msg) bool { return true })
	keys(a, "enter", "esc", "t")
	v := a.View()
	if !strings.Contains(v, "The audit trail does not verify at event 42") {
		t.Fatalf("no banner:\n%s", v)
	}
	fits(t, v, 80, 24)
}

// runOneLevel runs a command (batches opened) and gives the app each message deliver accepts,
// without running what those return (the clock's next tick is not followed).
func runOneLevel(a *App, cmd tea.Cmd, deliver func(tea.Msg) bool) {
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range m {
			runOneLevel(a, c, deliver)
		}
	case nil:
	default:
		if deliver(m) {
			a.Update(m)
		}
	}
}

// TestApprovalRefusedOnTheDesk: a refund over a limit is refused with the rule, nothing sent.
func TestApprovalRefusedOnTheDesk(t *testing.T) {
	desk := &fakeDesk{err: &reversal.ApprovalError{Rule: "a refund above 50.00 HKD"}}
	a := newTestApp(sampleJournal(), desk, 100, 30)
	keys(a, "r", "tab", "right", "enter", "enter")
	if v := a.View(); !strings.Contains(v, "This refund needs a manager's approval (a refund above 50.00 HKD)") {
		t.Fatalf("%s", v)
	}
}

// fakeStaff is a staff of one cashier, amy, PIN 1234; five wrong PINs lock her.
type fakeStaff struct {
	mu     sync.Mutex
	wrong  int
	none   bool
	signed []string // sign-outs: "id why"
}

func (f *fakeStaff) SignOut(id, why string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signed = append(f.signed, id+" "+why)
	return nil
}

func (f *fakeStaff) Staff() ([]storage.Person, error) {
	if f.none {
		return nil, nil
	}
	return []storage.Person{{ID: "amy", Role: storage.RoleCashier}}, nil
}

func (f *fakeStaff) SignIn(id, pin string) (storage.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case id != "amy":
		return storage.Session{}, &storage.StaffError{ID: id, Err: storage.ErrNoSuchStaff}
	case f.wrong >= 2:
		return storage.Session{}, &storage.StaffError{ID: id, Err: storage.ErrLockedOut, Until: fixedAt.Add(15 * time.Minute)}
	case pin != "1234":
		f.wrong++
		return storage.Session{}, &storage.StaffError{ID: id, Err: storage.ErrWrongPIN}
	}
	return storage.Session{Person: storage.Person{ID: "amy", Role: storage.RoleCashier}}, nil
}

// TestSignIn: with staff the desk starts locked; a cashier signs in with id and PIN and the
// operations are theirs; Ctrl+L and lock_after lock it again; wrong PINs and a lock are said.
func TestSignIn(t *testing.T) {
	staff := &fakeStaff{}
	now := fixedAt
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Staff, d.LockAfter = staff, 5*time.Minute
	d.Terminal.Cashier = "" // the configured cashier does not count with staff
	d.Now = func() time.Time { return now }
	a := New(d)
	a.preload(firstReads(d)...)
	send(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := a.View(); !strings.Contains(v, "Sign in") || !strings.Contains(v, "Staff id") || strings.Contains(v, "Recent sales") {
		t.Fatalf("not locked at start:\n%s", v)
	}
	keys(a, "r", "q") // letters are typed, not commands
	if a.active() != a.signin || a.signin.id.Value() != "rq" {
		t.Fatalf("typed %q", a.signin.id.Value())
	}
	keys(a, "ctrl+u")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("amy")})
	keys(a, "enter", "9", "9", "9", "9", "enter")
	if v := a.View(); !strings.Contains(v, "Wrong PIN for amy.") || strings.Contains(v, "9999") {
		t.Fatalf("wrong PIN:\n%s", v)
	}
	keys(a, "1", "2", "3", "4", "enter")
	if a.locked || a.d.Terminal.Cashier != "amy" || !strings.Contains(a.View(), "Cashier amy") {
		t.Fatalf("signed in: locked %v, cashier %q", a.locked, a.d.Terminal.Cashier)
	}
	a.printing = 42 // a slip's language was being asked
	keys(a, "ctrl+l")
	if !a.locked || a.d.Terminal.Cashier != "" || a.signin.id.Value() != "" || a.printing != 0 {
		t.Fatal("ctrl+l did not lock, or left a question open")
	}
	signInAs(a, "amy", "1234")
	now = now.Add(4 * time.Minute)
	send(a, tickMsg(now))
	if a.locked {
		t.Fatal("locked before lock_after")
	}
	now = now.Add(2 * time.Minute)
	send(a, tickMsg(now))
	if !a.locked {
		t.Fatal("not locked after lock_after without a key")
	}
	if got := strings.Join(staff.signed, ", "); got != "amy locked, amy idle" {
		t.Fatalf("sign-outs on the trail: %q", got)
	}
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("amy")})
	keys(a, "enter", "0", "0", "0", "0", "enter", "0", "0", "0", "0", "enter")
	if v := a.View(); !strings.Contains(v, "amy is locked until 15:15 after too many wrong PINs") {
		t.Fatalf("locked out:\n%s", v)
	}
	fits(t, a.View(), 80, 24)
	// A journal without staff: the desk opens as before.
	staff.none = true
	b := New(d)
	b.preload(firstReads(d)...)
	if b.locked {
		t.Fatal("locked without staff")
	}
}

// TestApprovalRefusalInTheCashiersWords: the lifecycle's refusal of an approval (wrong PIN, not a
// manager) and of a request without a signed-in person are said in the cashier's language.
func TestApprovalRefusalInTheCashiersWords(t *testing.T) {
	p := catalog.New(language.TraditionalChinese)
	err := &reversal.ApprovalError{Rule: "a refund above 50.00 HKD", Refused: &storage.StaffError{ID: "mgr", Err: storage.ErrWrongPIN}}
	if got := RefusalText(p, err, "HKD"); !strings.Contains(got, p.T(catalog.SignInWrong, "mgr")) {
		t.Fatalf("%q", got)
	}
	if got := RefusalText(p, fmt.Errorf("%w: x", reversal.ErrNotSignedIn), "HKD"); got != p.T(catalog.ErrNotSignedIn) {
		t.Fatalf("%q", got)
	}
}

// TestLimitsDifferSaid: a desk whose configuration's limits differ from the journal's says so at
// start, in the cashier's language.
func TestLimitsDifferSaid(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.LimitsDiffer = true
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := a.View(); !strings.Contains(v, "approval limits differ from the journal's") {
		t.Fatalf("%s", v)
	}
}

// TestSlipEncodingSaid: a desk whose Chinese slips would reach the printer as UTF-8 says which
// encoding to set, in the cashier's language, beside a limits notice.
func TestSlipEncodingSaid(t *testing.T) {
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.LimitsDiffer, d.SlipEncoding = true, "big5"
	d.Printer = catalog.New(language.TraditionalChinese)
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 120, Height: 30})
	v := a.View()
	for _, want := range []string{`encoding = "big5"`, "批核上限"} {
		if !strings.Contains(strings.ReplaceAll(v, "\n", ""), want) {
			t.Errorf("%q not said:\n%s", want, v)
		}
	}
}

// TestLockDropsForms: Ctrl+L and the idle lock drop whatever was half filled (a refund form, its
// approval, a search): the next person starts at the sales list.
func TestLockDropsForms(t *testing.T) {
	now := fixedAt
	d := testDeps(sampleJournal(), &approvalDesk{})
	d.Staff, d.LockAfter = &fakeStaff{}, 5*time.Minute
	d.Now = func() time.Time { return now }
	a := New(d)
	a.preload(firstReads(d)...)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, lock := range []func(){
		func() { keys(a, "ctrl+l") },
		func() { now = now.Add(6 * time.Minute); send(a, tickMsg(now)) },
	} {
		if a.locked {
			signInAs(a, "amy", "1234")
		}
		keys(a, "r", "ctrl+u", "7") // a refund form, half typed
		if a.active() != a.refund {
			t.Fatalf("no refund form:\n%s", a.View())
		}
		lock()
		signInAs(a, "amy", "1234")
		if v := a.View(); a.active() != a.sales || strings.Contains(v, "Refund sale") || !strings.Contains(v, "Recent sales") {
			t.Fatalf("after the lock:\n%s", v)
		}
		keys(a, "r", "tab", "right", "enter", "enter") // over 50.00: the manager's approval is asked
		if a.refund.approval == nil {
			t.Fatal("no approval asked")
		}
		lock()
		signInAs(a, "amy", "1234")
		if a.active() != a.sales || a.refund.approval != nil {
			t.Fatal("the approval outlived the lock")
		}
		keys(a, "4", "2") // a search, half typed
		lock()
		if !a.locked {
			t.Fatal("not locked")
		}
		signInAs(a, "amy", "1234")
		if a.sales.finding || a.sales.find.Value() != "" {
			t.Fatalf("the search outlived the lock: %q", a.sales.find.Value())
		}
	}
}

// approvalDesk refuses refunds over 50.00 without a manager's approval (boss, PIN 5678), as the
// lifecycle does, and records what it starts.
type approvalDesk struct {
	fakeDesk
	started []reversal.Request
}

func (d *approvalDesk) Start(_ context.Context, req reversal.Request) (storage.Reversal, error) {
	const rule = "a refund above 50.00 HKD"
	if req.Amount > 5000 {
		switch by := req.Approval; {
		case by == nil:
			return storage.Reversal{}, &reversal.ApprovalError{Rule: rule}
		case by.ID == "amy":
			return storage.Reversal{}, &reversal.ApprovalError{Rule: rule, Refused: &storage.StaffError{ID: by.ID, Err: storage.ErrNotManager}}
		case by.ID != "boss" || by.PIN != "5678":
			return storage.Reversal{}, &reversal.ApprovalError{Rule: rule, Refused: &storage.StaffError{ID: by.ID, Err: storage.ErrWrongPIN}}
		}
	}
	d.started = append(d.started, req)
	return storage.Reversal{ID: 9, Kind: storage.KindRefund, Amount: req.Amount, Currency: "HKD", State: storage.StateSent,
		SaleSysSN: req.SaleSysSN, Created: fixedAt, Approver: req.Approval.ID}, nil
}

// TestApprovalOnTheDesk: a refund over a limit asks, on the confirmation, for a manager's id and
// PIN; a cashier's or a wrong PIN is refused; the manager's sends it with the approver.
func TestApprovalOnTheDesk(t *testing.T) {
	desk := &approvalDesk{}
	d := testDeps(sampleJournal(), desk)
	d.Staff = &fakeStaff{}
	d.Tour = &Tour{Cashier: "amy", Manager: "boss", ApprovalOver: 5000, Currency: "HKD", Slips: "/demo/slips"}
	a := New(d)
	a.preload(firstReads(d)...)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	// The demo's sign-in suggests its tour; a manager's approval does not.
	for _, want := range []string{"Try:", "• as amy, refund more than 50.00 HKD: the desk asks for boss's approval on the\n  spot",
		"• p prints the customer's slip as a file into /demo/slips", "• ctrl+l signs out; as boss, t opens the day's review and Z closes the day"} {
		if v := a.View(); !strings.Contains(v, want) {
			t.Fatalf("the sign-in lacks %q:\n%s", want, v)
		}
	}
	signInAs(a, "amy", "1234")
	keys(a, "r", "tab", "right", "enter", "enter") // 88.00, over 50.00
	if v := a.View(); !strings.Contains(v, "This refund needs a manager's approval (a refund above 50.00 HKD)") || len(desk.started) != 0 || strings.Contains(v, "Try:") {
		t.Fatalf("no approval asked, or the tour on it:\n%s", v)
	}
	signInAs(a, "amy", "1234")
	if v := a.View(); !strings.Contains(v, "amy is not a manager.") || len(desk.started) != 0 {
		t.Fatalf("a cashier approved:\n%s", v)
	}
	keys(a, "shift+tab", "ctrl+u")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("boss")})
	keys(a, "tab")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("5678")})
	keys(a, "enter")
	if len(desk.started) != 1 || desk.started[0].Approval.ID != "boss" || desk.started[0].Session.ID != "amy" {
		t.Fatalf("started %+v", desk.started)
	}
}

// lockedStaff has bo locked after wrong PINs.
type lockedStaff struct{ fakeStaff }

func (l *lockedStaff) Staff() ([]storage.Person, error) {
	return []storage.Person{{ID: "amy", Role: storage.RoleCashier}, {ID: "bo", Role: storage.RoleCashier, LockedUntil: fixedAt.Add(15 * time.Minute)}}, nil
}

// TestReviewShowsLockedStaff: the manager's review names who is locked after wrong PINs.
func TestReviewShowsLockedStaff(t *testing.T) {
	d := testDeps(managerJournal(), &fakeDesk{})
	d.Staff = &lockedStaff{}
	a := New(d)
	a.preload(firstReads(d)...)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	signInAs(a, "amy", "1234")
	keys(a, "t")
	v := a.View()
	if !strings.Contains(v, "Locked after wrong PINs (until): bo 15:15") {
		t.Fatalf("%s", v)
	}
	fits(t, v, 100, 30)
}

// signInAs types an id and a PIN into the sign-in (or approval) form and sends them.
func signInAs(a *App, id, pin string) {
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(id)})
	keys(a, "tab")
	send(a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(pin)})
	keys(a, "enter")
}

// TestCloseDayFromTheReview: Z in the review first shows what the close records (counts and
// totals) and asks; only y closes the day (a manager's work: a signed-in cashier does not see it).
// A closed day says by which close, when and by whom whenever it is reviewed, and marks what
// changed after the close.
func TestCloseDayFromTheReview(t *testing.T) {
	var closed []string
	j := managerJournal()
	d := testDeps(j, &fakeDesk{})
	d.CloseDay = func(day time.Time, by string) (storage.DayClose, error) {
		closed = append(closed, day.Format("2006-01-02")+" by "+by)
		if len(closed) > 1 {
			return storage.DayClose{}, errors.New("day 2026-11-21 is already closed as close #3")
		}
		j.mu.Lock()
		j.closed = map[string]report.Closed{day.Format("2006-01-02"): {Number: 3, At: fixedAt.Add(-45 * time.Minute), By: by}}
		j.mu.Unlock()
		return storage.DayClose{Number: 3, Day: day.Format("2006-01-02")}, nil
	}
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	keys(a, "t", "Z")
	v := a.View()
	if len(closed) != 0 || !strings.Contains(v, "Close 2026-11-21? 4 refunds and cancels: HKD — refunded 1 (10.00)") ||
		!strings.Contains(v, "y close the day · any other key not now") {
		t.Fatalf("Z closed without asking, or did not say what: %v\n%s", closed, v)
	}
	fits(t, v, 80, 24)
	keys(a, "n")
	if v := a.View(); len(closed) != 0 || strings.Contains(v, "Close 2026-11-21?") {
		t.Fatalf("n closed the day: %v\n%s", closed, v)
	}
	keys(a, "Z", "y")
	if v := a.View(); len(closed) != 1 || closed[0] != "2026-11-21 by amy" || !strings.Contains(v, "Closed as #3 at 14:15 by amy. + marks what changed after the close.") {
		t.Fatalf("%v\n%s", closed, v)
	}
	if v := a.View(); !strings.Contains(v, "+? Outcome unkno") || !strings.Contains(v, "+✗ Failed") || strings.Contains(v, "+✓ Succeeded") {
		t.Fatalf("what changed after the close is not marked:\n%s", v)
	}
	keys(a, "Z")
	if v := a.View(); len(closed) != 1 || !strings.Contains(v, "This day is already closed (#3).") {
		t.Fatalf("%s", v)
	}
	// Reviewed again later, it still says so.
	keys(a, "left", "right")
	if v := a.View(); !strings.Contains(v, "Closed as #3 at 14:15 by amy.") {
		t.Fatalf("%s", v)
	}
	j.mu.Lock()
	delete(j.closed, "2026-11-21") // as if the close were gone: the journal still refuses
	j.mu.Unlock()
	keys(a, "left", "right", "Z", "y")
	if v := a.View(); !strings.Contains(v, "Could not close the day: day 2026-11-21 is already closed") {
		t.Fatalf("%s", v)
	}
	// With staff, a cashier cannot.
	d2 := testDeps(managerJournal(), &fakeDesk{})
	d2.CloseDay, d2.Staff = d.CloseDay, &fakeStaff{}
	b := New(d2)
	b.preload(firstReads(d2)...)
	send(b, tea.WindowSizeMsg{Width: 100, Height: 30})
	signInAs(b, "amy", "1234")
	keys(b, "t", "Z")
	if len(closed) != 2 || strings.Contains(b.helpView(), "close the day") {
		t.Fatalf("a cashier closed the day: %v", closed)
	}
}

// TestPrintFromTheTimeline: p on an operation's timeline prints its slip; a printer that cannot
// be reached is said, and p prints again.
func TestPrintFromTheTimeline(t *testing.T) {
	var printed []uint64
	var langs []string
	down := true
	d := testDeps(managerJournal(), &fakeDesk{})
	d.PrintSlip = func(id uint64, lang string) (string, error) {
		printed, langs = append(printed, id), append(langs, lang)
		if down {
			return "", errors.New("dial tcp: connection refused")
		}
		return "", nil
	}
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	keys(a, "t", "enter", "p")
	if v := a.View(); len(printed) != 0 || !strings.Contains(v, "Print the slip in: 1 English · 2 繁體中文 · 3 简体中文") {
		t.Fatalf("no language asked: %v\n%s", printed, v)
	}
	keys(a, "enter") // the usual language
	if v := a.View(); len(printed) != 1 || langs[0] != "" || !strings.Contains(v, "Printer not reachable — press p to print again.") {
		t.Fatalf("%v\n%s", printed, v)
	}
	down = false
	keys(a, "p", "2") // for a customer who reads Traditional Chinese
	if v := a.View(); len(printed) != 2 || printed[1] != printed[0] || langs[1] != "zh-Hant" || !strings.Contains(v, "Slip printed.") {
		t.Fatalf("%v %v\n%s", printed, langs, v)
	}
	keys(a, "p", "esc") // not now: nothing printed, the timeline stays
	if len(printed) != 2 || a.today.opened == nil {
		t.Fatalf("esc printed or closed: %v", printed)
	}
}

// TestPrintFromTheStatusPane: a succeeded or unknown operation in the status pane offers p (the
// pane says so on its line); p names the operation and asks the slip's language; a printer that
// cannot be reached is said and p prints again; a failed one, the review and a search field do
// not print.
func TestPrintFromTheStatusPane(t *testing.T) {
	var printed []uint64
	var langs []string
	down := true
	a := New(testDeps(sampleJournal(), &fakeDesk{}))
	a.d.PrintSlip = func(id uint64, lang string) (string, error) {
		printed, langs = append(printed, id), append(langs, lang)
		if down {
			return "", errors.New("dial tcp: connection refused")
		}
		return "/demo/slips/slip-2.txt", nil // a file printer says where the slip is
	}
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(a, a.sales.Init()())
	op := func(id uint64, state storage.State) storage.Reversal {
		return storage.Reversal{ID: id, Kind: storage.KindRefund, Amount: 1000 * int64(id), Currency: "HKD", State: state,
			SaleSysSN: "2026112100010002000000100" + strconv.Itoa(int(id)), Created: fixedAt, Updated: fixedAt, Finished: fixedAt}
	}
	send(a, updateMsg(reversal.Update{Reversal: op(3, storage.StateFailed)}))
	if strings.Contains(a.helpView(), "print slip") || strings.Contains(a.View(), "p print slip") {
		t.Fatalf("a failed refund offers a slip:\n%s", a.View())
	}
	keys(a, "p")
	if len(printed) != 0 || a.printing != 0 {
		t.Fatal("p printed a failed refund's slip")
	}
	send(a, updateMsg(reversal.Update{Reversal: op(1, storage.StateSucceeded)}))
	send(a, updateMsg(reversal.Update{Reversal: op(2, storage.StateUnknown)}))
	v := a.View()
	if !strings.Contains(a.helpView(), "p print slip") || !strings.Contains(v, "Refund 20.00 HKD …001002") {
		t.Fatalf("no p offered:\n%s", v)
	}
	if strings.Count(v, "elapsed · p print slip") != 1 {
		t.Fatalf("the pane does not offer p on one line:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "elapsed · p print slip") && !strings.Contains(l, "20.00 HKD") {
			t.Fatalf("the pane offers p on another line than the newest printable one: %q\n%s", l, v)
		}
	}
	keys(a, "p")
	if v := a.View(); len(printed) != 0 || !strings.Contains(v, "Slip: Refund 20.00 HKD · sale …001002.") ||
		!strings.Contains(v, "Print the slip in: 1 English") {
		t.Fatalf("p did not name the operation and ask the language:\n%s", v)
	}
	keys(a, "enter")
	if v := a.View(); len(printed) != 1 || printed[0] != 2 || langs[0] != "" || !strings.Contains(v, "Printer not reachable — press p to print again.") {
		t.Fatalf("%v\n%s", printed, v)
	}
	if a.status.ops[2].r.State != storage.StateUnknown {
		t.Fatal("a printer down changed the operation")
	}
	// Minutes pass (the slip not printed stays in the pane) and a newer refund finishes: p still
	// offers the slip that did not print.
	a.status.ops[2].finished = fixedAt
	a.status.prune(fixedAt.Add(2 * fadeAfter))
	send(a, updateMsg(reversal.Update{Reversal: op(4, storage.StateSucceeded)}))
	if a.status.printable().ID != 2 || !strings.Contains(a.View(), "Refund 20.00 HKD …001002 · Outcome unknown · 0:00 elapsed · p print slip") {
		t.Fatalf("the slip not printed is not offered first:\n%s", a.View())
	}
	down = false
	keys(a, "p", "3")
	if v := a.View(); len(printed) != 2 || printed[1] != 2 || langs[1] != "zh-Hans" || !strings.Contains(v, "Slip printed to /demo/slips/slip-2.txt") {
		t.Fatalf("%v %v\n%s", printed, langs, v)
	}
	if a.status.printable().ID != 4 {
		t.Fatalf("after printing, p offers %d, not the newest", a.status.printable().ID)
	}
	keys(a, "p", "esc") // not now
	if len(printed) != 2 || a.printing != 0 || strings.Contains(a.View(), "Print the slip in") {
		t.Fatal("esc printed or kept asking")
	}
	keys(a, "/", "p") // typed into the search
	if len(printed) != 2 || a.printing != 0 || a.sales.find.Value() != "p" {
		t.Fatalf("p while typing: %v, find %q", printed, a.sales.find.Value())
	}
	keys(a, "esc", "esc", "t", "p") // the review's own p (its pay filter)
	if len(printed) != 2 || a.printing != 0 || a.today.filters.payMethod == "" && len(a.today.report.Rows) > 0 {
		t.Fatalf("p on the review printed from the pane: %v", printed)
	}
}

// TestAutoPrintFailureOnTheDesk: a slip [receipt] auto_print could not print is said on the desk,
// and p prints that one again.
func TestAutoPrintFailureOnTheDesk(t *testing.T) {
	unprinted := make(chan uint64, 1)
	var printed []uint64
	d := testDeps(sampleJournal(), &fakeDesk{})
	d.Unprinted = unprinted
	d.PrintSlip = func(id uint64, _ string) (string, error) { printed = append(printed, id); return "", nil }
	a := New(d)
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, id := range []uint64{7, 8} {
		send(a, updateMsg(reversal.Update{Reversal: storage.Reversal{ID: id, Kind: storage.KindCancel, Amount: 4500, Currency: "HKD",
			State: storage.StateSucceeded, SaleSysSN: "20261121000100020000001002", Created: fixedAt, Updated: fixedAt, Finished: fixedAt}}))
	}
	unprinted <- 7
	close(unprinted) // the desk waits for the next one: closed, it stops waiting
	send(a, waitUnprinted(unprinted)())
	if v := a.View(); !strings.Contains(v, "Printer not reachable — press p to print again.") {
		t.Fatalf("the desk did not say the slip was not printed:\n%s", v)
	}
	keys(a, "p", "enter")
	if len(printed) != 1 || printed[0] != 7 {
		t.Fatalf("p printed %v, not the slip auto_print missed", printed)
	}
}
