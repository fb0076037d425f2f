package ui

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

type screenID int

const (
	salesID screenID = iota
	saleID
	refundID
	cancelID
	todayID
)

// The smallest window the desk lays itself out in; below it, it asks for a larger one.
const (
	minWidth  = 60
	minHeight = 20
)

// notice is a flash message. One about an operation clears when that operation's state changes;
// any other clears when the cashier moves to another screen.
type notice struct {
	text  string
	about uint64 // the operation it describes, 0 for none
}

// App is the root model: it routes messages and lays the screens out.
type App struct {
	d       *Deps
	keys    globalKeys
	help    help.Model
	sales   *salesScreen
	sale    *saleScreen
	refund  *refundScreen
	cancel  *cancelScreen
	today   *todayScreen
	status  *statusPane
	stack   []screenID
	updates <-chan reversal.Update
	stop    func()
	now     time.Time
	reach   reversal.Reach // what the header says of the way to QFPay
	// downs counts the requests in a row that got no answer: one lost reply that the next query
	// settles does not turn the header to "unreachable"; two do.
	downs    int
	unsigned bool // a reply from QFPay came without a valid signature
	notice   notice
	asking   bool   // asking whether to quit with operations in flight
	printing uint64 // p was pressed on the status pane: the next key picks this operation's slip language
	spinning bool   // a spinner frame is scheduled (only while something is in flight)
	// seen is the journal's version the sales list was read at; salesStale: it has changed since
	// (a sale the POS added), and the list is read again as soon as the cashier is not typing.
	seen         uint64
	salesStale   bool
	preloaded    bool // the first reads came before the program started
	signin       *signinScreen
	locked       bool      // the sign-in covers every screen
	lastKey      time.Time // for [terminal] lock_after
	auditProblem string    // the audit trail did not verify at start: shown until the desk closes
	afterPreload []tea.Cmd // what their results asked for, started by Init
	quitting     int       // operations in flight when the cashier quit
	width        int
	height       int
	body         int // lines left for the active screen, computed by layout
}

// New builds the program's model. It does nothing slow: the first reads run from Init.
func New(d Deps) *App {
	dp := &d
	if dp.Tick == nil {
		dp.Tick = tea.Tick
	}
	a := &App{
		d: dp, keys: newGlobalKeys(dp.t), help: help.New(),
		sales: newSalesScreen(dp), sale: newSaleScreen(dp), refund: newRefundScreen(dp),
		cancel: newCancelScreen(dp), today: newTodayScreen(dp), status: newStatusPane(dp),
		stack: []screenID{salesID}, now: d.Now(), width: 80, height: 24, signin: newSigninScreen(dp),
	}
	a.help.Styles.ShortKey = dp.Styles.Header
	a.help.Styles.ShortDesc = dp.Styles.Muted
	a.help.Styles.FullKey = dp.Styles.Header
	a.help.Styles.FullDesc = dp.Styles.Muted
	// With staff the desk is locked from its first frame until the count of the staff says it
	// has none (a count that cannot be read keeps it locked).
	a.locked = dp.Staff != nil
	var notices []string
	if dp.LimitsDiffer {
		notices = append(notices, dp.t(catalog.LimitsDiffer))
	}
	if dp.SlipEncoding != "" {
		notices = append(notices, dp.t(catalog.SlipEncodingUTF8, dp.SlipEncoding))
	}
	if len(notices) > 0 {
		a.notice = notice{text: strings.Join(notices, " ")}
	}
	a.updates, a.stop = d.Desk.Subscribe()
	a.settle()
	return a
}

// firstReads are the reads the desk shows first (the first page of sales, what is in flight),
// done before the program starts so that they overlap the question about the background.
func firstReads(d Deps) []tea.Msg {
	msgs := []tea.Msg{loadRecent(d.Journal, 0, storage.Cursor{}, d.Terminal.RecentDays, false)(), loadUnfinished(d.Journal)()}
	if d.Staff != nil {
		msgs = append(msgs, countStaff(d.Staff)()) // the first frame is already the sign-in
	}
	return msgs
}

// preload takes the first reads' results; Init then does not read them again, and starts what
// they asked for (the spinner, when something is in flight).
func (a *App) preload(msgs ...tea.Msg) {
	for _, m := range msgs {
		_, cmd := a.Update(m)
		a.afterPreload = append(a.afterPreload, cmd)
	}
	a.preloaded = len(msgs) > 0
}

// Init starts the first reads (unless they were preloaded), the update stream, the clock, and the
// sales sync when it is configured. The spinner starts only when something is in flight.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{waitForUpdate(a.updates), a.clockTick(), prepareSearch(a.d.Journal, a.d.Terminal.RecentDays)}
	if !a.preloaded {
		cmds = append(cmds, a.sales.Init(), loadUnfinished(a.d.Journal))
	}
	if a.d.Audit != nil {
		cmds = append(cmds, checkAudit(a.d.Audit))
	}
	if a.d.Unprinted != nil {
		cmds = append(cmds, waitUnprinted(a.d.Unprinted))
	}
	if a.d.Staff != nil && !a.preloaded {
		cmds = append(cmds, countStaff(a.d.Staff))
	}
	cmds = append(cmds, a.afterPreload...)
	if a.d.Sync != nil {
		cmds = append(cmds, syncSales(a.d.Sync))
	}
	return tea.Batch(cmds...)
}

// InFlight is how many operations were in flight when the cashier quit (for a line after the
// screen closes).
func (a *App) InFlight() int { return a.quitting }

// Close ends the subscription to the lifecycle.
func (a *App) Close() { a.stop() }

func (a *App) active() screen {
	if a.locked {
		return a.signin
	}
	switch a.stack[len(a.stack)-1] {
	case saleID:
		return a.sale
	case refundID:
		return a.refund
	case cancelID:
		return a.cancel
	case todayID:
		return a.today
	}
	return a.sales
}

func (a *App) push(id screenID) {
	a.stack = append(a.stack, id)
	a.notice = notice{}
}

// Update routes: key bursts split into single keys, then global keys, then sizes, then results
// of async work to their owners whatever is showing, then the rest to the active screen. After
// every message the keys and the layout are settled once; View only draws.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.route(msg)
	a.settle()
	return a, cmd
}

func (a *App) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		a.lastKey = a.d.Now()
		if msg.Type == tea.KeyRunes && msg.Paste {
			msg.Paste = false // a pasted character is the same key typed
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
			return a.burst(msg)
		}
		if cmd, handled := a.globalKey(msg); handled {
			return cmd
		}
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return nil
	case salesMsg:
		return a.sales.Update(msg)
	case saleMsg:
		a.sales.Update(msg)
		return a.sale.Update(msg)
	case printedMsg:
		if msg.pane {
			a.notice = notice{text: a.d.printedText(msg), about: msg.id}
			if msg.err != nil {
				a.notice.text, a.status.retry = a.d.t(catalog.PrinterDown), msg.id
			} else if a.status.retry == msg.id {
				a.status.retry = 0
			}
			return nil
		}
		if msg.err == nil && a.status.retry == msg.id {
			a.status.retry = 0 // printed from the review's timeline
		}
		return a.today.Update(msg)
	case unprintedMsg:
		a.notice, a.status.retry = notice{text: a.d.t(catalog.PrinterDown), about: uint64(msg)}, uint64(msg)
		return waitUnprinted(a.d.Unprinted)
	case reportMsg, timelineMsg, staffLocksMsg, closedMsg:
		return a.today.Update(msg)
	case syncedMsg:
		return a.onSynced(msg)
	case refreshedMsg:
		a.refund.refreshed(msg)
		if msg.err == nil {
			return loadSale(a.d.Journal, msg.syssn)
		}
		return nil
	case unfinishedMsg:
		a.status.load(msg.rs)
		for _, r := range msg.rs {
			a.unsigned = a.unsigned || r.Unsigned
		}
		return a.spin()
	case updateMsg:
		return a.onUpdate(msg)
	case updatesClosedMsg:
		return nil
	case startedMsg:
		return a.onStarted(msg)
	case tickMsg:
		a.now = a.d.Now()
		a.status.prune(a.now)
		return tea.Batch(a.clockTick(), a.refreshSales(), checkJournal(a.d.Journal, a.seen), a.lockIfIdle(a.now))
	case staffMsg:
		a.d.staffed = msg.n > 0 || msg.err != nil // a staff list that cannot be read keeps the desk locked
		if a.d.staffed && !a.locked {
			return a.lock("")
		}
		a.locked = a.d.staffed // locked from the first frame: what was typed since stays
		return nil
	case signedInMsg:
		if msg.err != nil {
			a.signin.refused(msg.err)
			return nil
		}
		a.locked, a.d.Terminal.Cashier, a.d.role, a.d.session, a.lastKey = false, msg.s.ID, msg.s.Role, msg.s, a.d.Now()
		return nil
	case auditMsg:
		if !msg.res.OK() {
			a.auditProblem = a.d.t(catalog.AuditBroken, msg.res.BrokenAt)
		}
		return nil
	case journalChangedMsg:
		a.seen, a.salesStale = msg.version, true
		return a.refreshSales()
	case spinMsg:
		return a.onSpin()
	case openSaleMsg:
		a.sales.blur()
		a.push(saleID)
		return a.sale.open(msg.syssn)
	case openRefundMsg:
		a.sales.blur()
		a.push(refundID)
		return a.refund.open(msg.view)
	case openCancelMsg:
		a.push(cancelID)
		a.cancel.open(msg.view)
		return nil
	case openTodayMsg:
		a.push(todayID)
		return a.today.open(a.d.Now())
	case backMsg:
		if len(a.stack) > 1 {
			a.stack = a.stack[:len(a.stack)-1]
		}
		a.notice = notice{}
		switch a.stack[len(a.stack)-1] {
		case saleID:
			return loadSale(a.d.Journal, a.sale.syssn)
		case salesID:
			a.sales.blur()
		}
		return nil
	case startMsg:
		return start(a.d.Desk, msg.req, msg.currency)
	}
	return a.active().Update(msg)
}

// burst handles a key message that carries several characters — a paste, a keyboard-wedge
// scanner, fast typing — exactly like the same keys one by one.
func (a *App) burst(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		cmds = append(cmds, a.route(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		a.settle()
	}
	return tea.Batch(cmds...)
}

func (a *App) globalKey(k tea.KeyMsg) (tea.Cmd, bool) {
	if a.asking {
		switch {
		case key.Matches(k, a.keys.Yes), key.Matches(k, a.keys.ForceQuit):
			return a.quit(), true
		case key.Matches(k, a.keys.No):
			a.asking = false
		}
		return nil, true
	}
	if a.printing != 0 && !key.Matches(k, a.keys.ForceQuit, a.keys.Lock) {
		id := a.printing
		a.printing, a.notice = 0, notice{}
		if lang, ok := slipLanguages[k.String()]; ok && a.d.PrintSlip != nil {
			return printSlip(a.d.PrintSlip, id, lang, true), true
		}
		return nil, true // esc or any other key: not now
	}
	switch {
	case key.Matches(k, a.keys.Print):
		r := a.status.printable()
		a.printing = r.ID
		a.notice = notice{text: a.d.t(catalog.SlipOf, a.d.kind(r.Kind), amount(r.Amount, r.Currency), short(r.SaleSysSN, 6)) +
			" " + a.d.t(catalog.SlipLanguageAsk)}
		return nil, true
	case key.Matches(k, a.keys.ForceQuit), key.Matches(k, a.keys.Quit):
		if a.status.inFlight() > 0 {
			a.asking = true
			return nil, true
		}
		return a.quit(), true
	case key.Matches(k, a.keys.Help):
		a.help.ShowAll = !a.help.ShowAll
		return nil, true
	case key.Matches(k, a.keys.Dismiss):
		a.status.dismiss()
		return nil, true
	case key.Matches(k, a.keys.Language):
		return a.nextLanguage(), true
	case key.Matches(k, a.keys.Lock):
		return a.lock("locked"), true
	}
	return nil, false
}

func (a *App) quit() tea.Cmd {
	a.quitting = a.status.inFlight()
	return tea.Quit
}

// refreshSales reads the sales list again if the journal changed, unless the cashier is typing a
// search (then at the next tick after they stop).
func (a *App) refreshSales() tea.Cmd {
	if !a.salesStale || a.sales.finding {
		return nil
	}
	a.salesStale = false
	return a.sales.refresh()
}

// onSynced says how the start-up sync went and shows the new sales.
func (a *App) onSynced(m syncedMsg) tea.Cmd {
	if m.err != nil {
		a.notice = notice{text: a.d.t(catalog.SyncFailed, m.err)}
		return nil
	}
	a.notice = notice{text: a.d.t(catalog.SyncedSales, m.res.Added)}
	return a.sales.reload()
}

// onUpdate takes a lifecycle update: the status pane, the header's reachability (from the
// update's typed Reach, never from its words), and a fresh read of the sale so that lists and the
// sale screen show its new state.
func (a *App) onUpdate(u updateMsg) tea.Cmd {
	a.status.apply(reversal.Update(u), a.now)
	switch u.Reach {
	case reversal.ReachOK:
		a.reach, a.downs = reversal.ReachOK, 0
	case reversal.ReachDown:
		if a.downs++; a.downs >= 2 {
			a.reach = reversal.ReachDown
		}
	}
	a.unsigned = a.unsigned || u.Reversal.Unsigned
	if a.notice.about == u.Reversal.ID {
		a.notice = notice{} // the state it described has changed
	}
	return tea.Batch(waitForUpdate(a.updates), loadSale(a.d.Journal, u.Reversal.SaleSysSN), a.today.Update(u), a.spin())
}

// onStarted shows a refusal where the cashier is, or goes back to the sales list: the status
// pane follows the operation while the cashier keeps working.
func (a *App) onStarted(m startedMsg) tea.Cmd {
	var ae *reversal.ApprovalError
	if errors.As(m.err, &ae) && a.d.staffed && a.d.Staff != nil && a.active() == a.refund {
		if ae.Refused != nil && a.refund.approval != nil {
			a.refund.approval.refused(ae.Refused) // the manager's PIN, role or lock: said in the form
			return nil
		}
		a.refund.askApproval(ae.Rule) // a manager approves it here
		return nil
	}
	a.refund.approval = nil
	if m.err != nil {
		line := a.d.startError(m.err, m.currency)
		a.refund.notice, a.cancel.notice = line, line
		a.notice = notice{text: line}
		return nil
	}
	a.status.apply(reversal.Update{Reversal: m.r}, a.now)
	a.stack = []screenID{salesID}
	a.notice = notice{text: a.d.t(catalog.Started, a.d.kind(m.r.Kind), amount(m.r.Amount, m.r.Currency)), about: m.r.ID}
	return tea.Batch(loadSale(a.d.Journal, m.r.SaleSysSN), a.spin())
}

// clockTick schedules the next second of the header's clock.
func (a *App) clockTick() tea.Cmd {
	return a.d.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// spin starts the spinner if something is in flight and it is not turning yet.
func (a *App) spin() tea.Cmd {
	if a.spinning || a.status.inFlight() == 0 {
		return nil
	}
	a.spinning = true
	return a.d.Tick(spinEvery, func(time.Time) tea.Msg { return spinMsg{} })
}

// onSpin turns the spinner a frame, and stops it once nothing is in flight.
func (a *App) onSpin() tea.Cmd {
	a.spinning = false
	if a.status.inFlight() == 0 {
		return nil
	}
	a.status.frame++
	return a.spin()
}

// settle enables the global keys that work now and lays the screens out: the height left by the
// header, the status pane, the notice and the help goes to the active screen.
func (a *App) settle() {
	typing := a.active().Typing()
	a.keys.Help.SetEnabled(!typing)
	a.keys.Quit.SetEnabled(!typing)
	a.keys.Dismiss.SetEnabled(!typing && a.status.finishedCount() > 0)
	a.keys.Language.SetEnabled(!typing)
	a.keys.Lock.SetEnabled(a.d.staffed && !a.locked)
	// p prints from the status pane wherever the active screen has no p of its own.
	a.keys.Print.SetEnabled(!typing && !a.locked && a.d.PrintSlip != nil && a.active() != a.today && a.status.printable().ID != 0)
	a.status.offer = 0
	if a.keys.Print.Enabled() {
		a.status.offer = a.status.printable().ID
	}
	a.help.Width = a.width
	a.status.width = a.width
	body := a.height - 2 - a.status.height(a.now) - lipgloss.Height(a.footer())
	if a.notice.text != "" {
		body -= lipgloss.Height(wrap(a.notice.text, a.width))
	}
	if a.auditProblem != "" {
		body -= lipgloss.Height(wrap(a.auditProblem, a.width))
	}
	a.body = max(body, 3)
	for _, s := range []screen{a.sales, a.sale, a.refund, a.cancel, a.today} {
		s.SetSize(a.width, a.body)
	}
}

// footer is the last lines: the help bar, or the question whether to quit (its (y/n) on a line
// of its own).
func (a *App) footer() string {
	if !a.asking {
		return a.helpView()
	}
	st := a.d.Styles
	return st.Warn.Render(wrap(a.d.t(catalog.QuitInFlight, a.status.inFlight()), a.width)) + "\n" + st.Warn.Render(a.d.t(catalog.QuitAsk))
}

// helpView shows the keys that work now: the global ones first, so that ? and q always fit.
func (a *App) helpView() string {
	s := a.active()
	global := []key.Binding{a.keys.Help, a.keys.Quit, a.keys.Dismiss, a.keys.Print}
	if a.help.ShowAll {
		return a.help.FullHelpView(append([][]key.Binding{append(global, a.keys.Language, a.keys.Lock)}, s.FullHelp()...))
	}
	return a.shortHelp(append(global, s.ShortHelp()...))
}

// shortHelp lays the keys that work now out on one line, or on two when one is too narrow (a key
// is never cut in half); what two lines cannot hold ends in "…", and ? lists every key.
func (a *App) shortHelp(bindings []key.Binding) string {
	whole := a.help
	whole.Width = 0
	var lines []string
	var line []key.Binding
	for i, b := range bindings {
		if !b.Enabled() {
			continue
		}
		next := append(slices.Clone(line), b)
		if len(line) > 0 && lipgloss.Width(whole.ShortHelpView(next)) > a.width {
			if len(lines) == 1 { // the second line is the last: the rest is cut there
				return lines[0] + "\n" + a.help.ShortHelpView(append(line, bindings[i:]...))
			}
			lines, next = append(lines, whole.ShortHelpView(line)), []key.Binding{b}
		}
		line = next
	}
	return strings.Join(append(lines, whole.ShortHelpView(line)), "\n")
}

func (a *App) header() string {
	t, st := a.d.t, a.d.Styles
	var badge string
	switch a.d.Terminal.Environment {
	case EnvDemo:
		badge = st.BadgeDemo.Render(t(catalog.Demo))
	case EnvSandbox:
		badge = st.Badge.Render(t(catalog.EnvSandbox))
	case EnvLiveTest:
		badge = st.Badge.Render(t(catalog.EnvLiveTest))
	case EnvProduction:
		badge = st.BadgeLive.Render(t(catalog.EnvProduction))
	default:
		badge = st.Badge.Render(t(catalog.EnvCustom, a.d.Terminal.Gateway))
	}
	cashier := t(catalog.HeaderNoCashier)
	if a.d.Terminal.Cashier != "" {
		cashier = t(catalog.HeaderCashier, a.d.Terminal.Cashier)
	}
	var sym, word string
	var style lipgloss.Style
	switch a.reach {
	case reversal.ReachOK:
		sym, word, style = "●", t(catalog.QFPayOK), st.OK
	case reversal.ReachDown:
		sym, word, style = "✗", t(catalog.QFPayDown), st.Bad
	default:
		sym, word, style = "○", t(catalog.QFPayNotYet), st.Muted
	}
	clockText := a.now.In(a.d.Terminal.Location).Format("15:04:05")
	warn := ""
	if a.unsigned {
		warn = st.Warn.Render("⚠ " + t(catalog.UnsignedReplies))
	}
	// What matters stays: the environment, the terminal, the cashier and QFPay's state in a word.
	// The decoration goes first: the program's name, then the clock, and only then the words
	// beside the symbols.
	for _, try := range []struct {
		name, words, clock bool
	}{{true, true, true}, {false, true, true}, {false, true, false}, {false, false, false}} {
		parts := []string{badge, t(catalog.HeaderTerminal, a.d.Terminal.UDID), cashier}
		if try.name {
			parts = append([]string{st.Header.Render("qfpos")}, parts...)
		}
		var right []string
		if warn != "" {
			if try.words {
				right = append(right, warn)
			} else {
				right = append(right, st.Warn.Render("⚠"))
			}
		}
		if try.words {
			right = append(right, style.Render(sym+" "+word))
		} else {
			right = append(right, style.Render(sym))
		}
		if try.clock {
			right = append(right, clockText)
		}
		left, r := strings.Join(parts, "  "), strings.Join(right, "  ")
		if gap := a.width - lipgloss.Width(left) - lipgloss.Width(r); gap >= 2 {
			return left + strings.Repeat(" ", gap) + r
		}
	}
	return truncate(strings.Join([]string{badge, t(catalog.HeaderTerminal, a.d.Terminal.UDID), cashier}, "  "), a.width)
}

// View draws the header, the active screen, the status pane, the notice and the help bar. Before
// the first WindowSizeMsg it assumes 80×24; below 60×20 it asks for a larger window.
func (a *App) View() string {
	if a.width < minWidth || a.height < minHeight {
		return wrap(a.d.t(catalog.TooSmall, minWidth, minHeight), max(a.width, 10))
	}
	parts := []string{a.header(), ""}
	lines := strings.Split(a.active().View(), "\n")
	for len(lines) < a.body {
		lines = append(lines, "")
	}
	parts = append(parts, strings.Join(lines[:min(len(lines), a.body)], "\n"))
	if pane := a.status.View(a.now); pane != "" {
		parts = append(parts, pane)
	}
	if a.notice.text != "" {
		parts = append(parts, a.d.Styles.Warn.Render(wrap(a.notice.text, a.width)))
	}
	if a.auditProblem != "" {
		parts = append(parts, a.d.Styles.Bad.Render(wrap(a.auditProblem, a.width)))
	}
	parts = append(parts, a.footer())
	out := strings.Split(strings.Join(parts, "\n"), "\n")
	for i, l := range out {
		out[i] = truncate(l, a.width)
	}
	if len(out) > a.height {
		out = out[:a.height]
	}
	return strings.Join(out, "\n")
}
