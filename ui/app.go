package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/reversal"
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

// App is the root model: it routes messages and lays the screens out.
type App struct {
	d        *Deps
	keys     keyMap
	help     help.Model
	sales    *salesScreen
	sale     *saleScreen
	refund   *refundScreen
	cancel   *cancelScreen
	today    *todayScreen
	status   *statusPane
	stack    []screenID
	updates  <-chan reversal.Update
	stop     func()
	now      time.Time
	reach    reversal.Reach // what the last request to QFPay found
	unsigned bool           // a reply from QFPay came without a valid signature
	notice   string
	asking   bool // asking whether to quit with operations in flight
	width    int
	height   int
}

// New builds the program's model. It does nothing slow: the first reads run from Init.
func New(d Deps) *App {
	dp := &d
	a := &App{
		d: dp, keys: defaultKeyMap(dp.t), help: help.New(),
		sales: newSalesScreen(dp), sale: newSaleScreen(dp), refund: newRefundScreen(dp),
		cancel: newCancelScreen(dp), today: newTodayScreen(dp), status: newStatusPane(dp),
		stack: []screenID{salesID}, now: d.Now(), width: 80, height: 24,
	}
	a.help.Styles.ShortKey = dp.Styles.Header
	a.help.Styles.ShortDesc = dp.Styles.Muted
	a.help.Styles.FullKey = dp.Styles.Header
	a.help.Styles.FullDesc = dp.Styles.Muted
	a.updates, a.stop = d.Desk.Subscribe()
	a.layout()
	return a
}

// Init starts the first reads, the update stream, the clock, the spinner, and the sales sync
// when it is configured.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.sales.Init(), loadUnfinished(a.d.Journal), waitForUpdate(a.updates), tick(), a.status.spinner.Tick}
	if a.d.Sync != nil {
		cmds = append(cmds, syncSales(a.d.Sync))
	}
	return tea.Batch(cmds...)
}

// onSynced says how the start-up sync went and shows the new sales.
func (a *App) onSynced(m syncedMsg) tea.Cmd {
	if m.err != nil {
		a.notice = a.d.t(catalog.SyncFailed, m.err)
		a.layout()
		return nil
	}
	a.notice = a.d.t(catalog.SyncedSales, m.res.Added)
	a.layout()
	if a.sales.finding {
		return nil
	}
	return a.sales.searchCmd()
}

// Close ends the subscription to the lifecycle.
func (a *App) Close() { a.stop() }

func (a *App) active() screen {
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
	a.notice = ""
}

// Update routes: global keys, then sizes to every screen, then results of async work to their
// owners whatever is showing, then the rest to the active screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if cmd, handled := a.globalKey(msg); handled {
			return a, cmd
		}
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case salesMsg:
		return a, a.sales.Update(msg)
	case saleMsg:
		a.sales.Update(msg)
		return a, a.sale.Update(msg)
	case reportMsg, timelineMsg:
		return a, a.today.Update(msg)
	case syncedMsg:
		return a, a.onSynced(msg)
	case refreshedMsg:
		a.refund.refreshed(msg)
		if msg.err == nil {
			return a, loadSale(a.d.Journal, msg.syssn)
		}
		return a, nil
	case unfinishedMsg:
		a.status.load(msg.rs)
		for _, r := range msg.rs {
			a.unsigned = a.unsigned || r.Unsigned
		}
		a.layout()
		return a, nil
	case updateMsg:
		return a, a.onUpdate(msg)
	case updatesClosedMsg:
		return a, nil
	case startedMsg:
		return a, a.onStarted(msg)
	case tickMsg:
		a.now = a.d.Now()
		a.status.prune(a.now)
		a.layout()
		return a, tick()
	case spinner.TickMsg:
		return a, a.status.spin(msg)
	case openSaleMsg:
		a.push(saleID)
		return a, a.sale.open(msg.syssn)
	case openRefundMsg:
		a.push(refundID)
		return a, a.refund.open(msg.view)
	case openCancelMsg:
		a.push(cancelID)
		a.cancel.open(msg.view)
		return a, nil
	case openTodayMsg:
		a.push(todayID)
		return a, a.today.open(a.d.Now())
	case backMsg:
		if len(a.stack) > 1 {
			a.stack = a.stack[:len(a.stack)-1]
		}
		a.notice = ""
		if a.stack[len(a.stack)-1] == saleID {
			return a, loadSale(a.d.Journal, a.sale.syssn)
		}
		return a, nil
	case startMsg:
		return a, start(a.d.Desk, msg.req, msg.currency)
	}
	return a, a.active().Update(msg)
}

func (a *App) globalKey(k tea.KeyMsg) (tea.Cmd, bool) {
	if a.asking {
		switch {
		case key.Matches(k, a.keys.Yes), key.Matches(k, a.keys.ForceQuit):
			return tea.Quit, true
		case key.Matches(k, a.keys.No):
			a.asking = false
		}
		return nil, true
	}
	typing := a.active().Typing()
	switch {
	case key.Matches(k, a.keys.ForceQuit), !typing && key.Matches(k, a.keys.Quit):
		if a.status.inFlight() > 0 {
			a.asking = true
			return nil, true
		}
		return tea.Quit, true
	case !typing && key.Matches(k, a.keys.Help):
		a.help.ShowAll = !a.help.ShowAll
		a.layout()
		return nil, true
	case !typing && key.Matches(k, a.keys.Dismiss) && a.status.finishedCount() > 0:
		a.status.dismiss()
		a.layout()
		return nil, true
	}
	return nil, false
}

// onUpdate takes a lifecycle update: the status pane, the header's reachability, and a fresh
// read of the sale so that lists and the sale screen show its new state.
func (a *App) onUpdate(u updateMsg) tea.Cmd {
	a.status.apply(reversal.Update(u), a.now)
	if u.Reach != reversal.ReachNone {
		a.reach = u.Reach
	}
	a.unsigned = a.unsigned || u.Reversal.Unsigned
	a.layout()
	return tea.Batch(waitForUpdate(a.updates), loadSale(a.d.Journal, u.Reversal.SaleSysSN), a.today.Update(u))
}

// onStarted shows a refusal where the cashier is, or goes back to the sales list: the status
// pane follows the operation while the cashier keeps working.
func (a *App) onStarted(m startedMsg) tea.Cmd {
	if m.err != nil {
		line := a.d.startError(m.err, m.currency)
		a.refund.notice, a.cancel.notice = line, line
		a.notice = line
		return nil
	}
	a.status.apply(reversal.Update{Reversal: m.r}, a.now)
	a.stack = []screenID{salesID}
	a.notice = a.d.t(catalog.Started, a.d.kind(m.r.Kind), amount(m.r.Amount, m.r.Currency))
	a.layout()
	return loadSale(a.d.Journal, m.r.SaleSysSN)
}

// layout gives every screen the height left by the header, the status pane and the help.
func (a *App) layout() {
	a.help.Width = a.width
	a.status.width = a.width
	body := a.height - 2 - a.status.height() - lipgloss.Height(a.helpView())
	if a.notice != "" {
		body--
	}
	body = max(body, 3)
	for _, s := range []screen{a.sales, a.sale, a.refund, a.cancel, a.today} {
		s.SetSize(a.width, body)
	}
}

func (a *App) helpView() string {
	s := a.active()
	short := append(s.ShortHelp(), a.keys.Dismiss, a.keys.Help, a.keys.Quit)
	a.keys.Dismiss.SetEnabled(a.status.finishedCount() > 0)
	if a.help.ShowAll {
		full := append(s.FullHelp(), []key.Binding{a.keys.Dismiss, a.keys.Help, a.keys.Quit})
		return a.help.FullHelpView(full)
	}
	return a.help.ShortHelpView(short)
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
	var reach string
	switch a.reach {
	case reversal.ReachOK:
		reach = st.OK.Render("● " + t(catalog.QFPayOK))
	case reversal.ReachDown:
		reach = st.Bad.Render("✗ " + t(catalog.QFPayDown))
	default:
		reach = st.Muted.Render("○ " + t(catalog.QFPayNotYet))
	}
	if a.unsigned {
		reach = st.Warn.Render("⚠ "+t(catalog.UnsignedReplies)) + "  " + reach
	}
	parts := []string{badge, t(catalog.HeaderTerminal, a.d.Terminal.UDID), cashier}
	if a.width >= 100 {
		parts = append([]string{st.Header.Render("qfpos")}, parts...)
	}
	left := strings.Join(parts, "  ")
	right := reach + "  " + a.now.In(a.d.Terminal.Location).Format("15:04:05")
	gap := a.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 2 {
		left = truncate(left, max(a.width-lipgloss.Width(right)-2, 10))
		gap = max(a.width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	}
	return truncate(left+strings.Repeat(" ", gap)+right, a.width)
}

// View draws the header, the active screen, the status pane and the help bar. Before the first
// WindowSizeMsg it assumes 80×24.
func (a *App) View() string {
	parts := []string{a.header(), ""}
	body := a.active().View()
	help := a.helpView()
	bodyHeight := a.height - 2 - a.status.height() - lipgloss.Height(help)
	if a.notice != "" {
		bodyHeight--
	}
	lines := strings.Split(body, "\n")
	for len(lines) < bodyHeight {
		lines = append(lines, "")
	}
	if bodyHeight > 0 && len(lines) > bodyHeight {
		lines = lines[:bodyHeight]
	}
	parts = append(parts, strings.Join(lines, "\n"))
	if pane := a.status.View(a.now); pane != "" {
		parts = append(parts, pane)
	}
	if a.notice != "" {
		parts = append(parts, truncate(a.d.Styles.Warn.Render(a.notice), a.width))
	}
	if a.asking {
		parts = append(parts, truncate(a.d.Styles.Warn.Render(a.d.t(catalog.QuitInFlight, a.status.inFlight())), a.width))
	} else {
		parts = append(parts, help)
	}
	lines = strings.Split(strings.Join(parts, "\n"), "\n")
	for i, l := range lines {
		lines[i] = truncate(l, a.width)
	}
	return strings.Join(lines, "\n")
}
