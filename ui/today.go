package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/qfpay/money"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// todayScreen is the manager's review of a day's refunds and cancels: unknown and failed first,
// filters, totals with breakdowns, the timeline of one, a re-check, and the whole-store view.
type todayScreen struct {
	printing bool   // p was pressed: the next key picks the slip\'s language
	closing  bool   // Z was pressed: y closes the day, any other key does not
	locks    string // staff locked after wrong PINs, for the manager
	d        *Deps
	keys     todayKeys
	day      time.Time
	store    bool
	report   report.Report
	shown    []report.ReportRow // after the filters
	sums     []string           // the totals lines of shown, computed when it changes
	loaded   bool
	err      error
	filters  reportFilters
	list     rowList
	opened   *storage.Reversal // the timeline being shown
	openRow  report.ReportRow
	scroll   int // the timeline's first event line shown
	notice   string
	width    int
	height   int
}

// reportFilters narrow the rows; "" is all.
type reportFilters struct {
	state, kind, payMethod, cashier string
}

type reportMsg struct {
	day   time.Time
	store bool
	rep   report.Report
	err   error
}

type timelineMsg struct {
	r   storage.Reversal
	err error
}

func newTodayScreen(d *Deps) *todayScreen {
	s := &todayScreen{d: d, keys: newTodayKeys(d.t)}
	s.list = newRowList(d.Styles, s.keys.navKeys)
	s.SetSize(80, 16)
	s.refreshKeys()
	return s
}

// printedMsg is a slip sent to the printer, from the review's timeline or from the status pane.
type printedMsg struct {
	id    uint64
	pane  bool
	where string // where the slip can be found, when it is a file
	err   error
}

func printSlip(f func(uint64, string) (string, error), id uint64, lang string, pane bool) tea.Cmd {
	return func() tea.Msg {
		where, err := f(id, lang)
		return printedMsg{id: id, pane: pane, where: where, err: err}
	}
}

// printedText says that a slip printed, and where it is when it is a file.
func (d *Deps) printedText(msg printedMsg) string {
	if msg.where != "" {
		return d.t(catalog.SlipPrintedTo, msg.where)
	}
	return d.t(catalog.SlipPrinted)
}

// slipLanguages are the keys that pick the slip's language after p.
var slipLanguages = map[string]string{"1": "en", "2": "zh-Hant", "3": "zh-Hans", "enter": ""}

// closedMsg is a day closed from the review.
type closedMsg struct {
	dc  storage.DayClose
	err error
}

func closeDay(f func(time.Time, string) (storage.DayClose, error), day time.Time, by string) tea.Cmd {
	return func() tea.Msg {
		dc, err := f(day, by)
		return closedMsg{dc: dc, err: err}
	}
}

func loadReport(r Reports, day time.Time, store bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		rep, err := r.Report(ctx, day, store)
		return reportMsg{day: day, store: store, rep: rep, err: err}
	}
}

func loadTimeline(j Journal, id uint64) tea.Cmd {
	return func() tea.Msg {
		r, err := j.Reversal(id)
		return timelineMsg{r: r, err: err}
	}
}

func recheck(d Desk, id uint64) tea.Cmd {
	return func() tea.Msg {
		_ = d.Recheck(id)
		return nil
	}
}

// open shows the day that contains t.
func (s *todayScreen) open(t time.Time) tea.Cmd {
	s.day, s.loaded, s.opened, s.notice = t.In(s.d.Terminal.Location), false, nil, ""
	if s.d.Staff != nil {
		return tea.Batch(loadReport(s.d.Reports, s.day, s.store), loadStaffLocks(s.d.Staff, s.d.Now(), s.d.Terminal.Location))
	}
	return loadReport(s.d.Reports, s.day, s.store)
}

func (s *todayScreen) Typing() bool { return false }

func (s *todayScreen) SetSize(w, h int) {
	if w == s.width && h == s.height {
		return
	}
	resized := w != s.width
	s.width, s.height = w, h
	s.sums = s.totals()
	s.list.setHeight(s.listHeight())
	if resized {
		s.list.setColumns(s.columns())
		s.list.setRows(s.rows())
	}
}

// listHeight is what the title, the filters, the notice and the totals leave for the rows.
func (s *todayScreen) listHeight() int {
	h := s.height - 4 - len(s.sums)
	if s.locks != "" {
		h--
	}
	if s.report.Closed != nil {
		h--
	}
	if s.notice != "" {
		h -= lipgloss.Height(wrap(s.notice, s.width)) - 1 // one line is counted in the 4
	}
	return max(h, 3)
}

func (s *todayScreen) columns() []column {
	t := s.d.t
	if s.width < 80 { // the state in full; the pay method takes what is left
		return fill([]column{{title: t(catalog.ColTime), width: 8}, {title: t(catalog.ColKind), width: 6},
			{title: t(catalog.ColAmount), width: 12, right: true}, {title: t(catalog.ColState), width: 17}},
			s.width, column{title: t(catalog.ColPaidWith)})
	}
	cols := []column{
		{title: t(catalog.ColTime), width: 8}, {title: t(catalog.ColKind), width: 6},
		{title: t(catalog.ColAmount), width: 13, right: true}, {title: t(catalog.ColPaidWith), width: 12},
		{title: t(catalog.ColState), width: 17}, {title: t(catalog.ColCashier), width: 8},
	}
	if s.width >= 120 {
		cols = slices.Insert(cols, 2, column{title: t(catalog.ColEndpoint), width: 8})
		cols = append(cols, column{title: t(catalog.ColApprover), width: 8}, column{title: t(catalog.FieldTerminal), width: 8},
			column{title: t(catalog.FieldRef), width: 11})
	}
	return fill(cols, s.width, column{title: t(catalog.FieldReason)})
}

func (s *todayScreen) rows() [][]string {
	rows := make([][]string, len(s.shown))
	wide, narrow := len(s.list.cols) > 7, len(s.list.cols) == 5
	for i, r := range s.shown {
		tm := "--:--:--"
		if !r.Time.IsZero() {
			tm = r.Time.In(s.d.Terminal.Location).Format("15:04:05")
		}
		state := s.d.stateWord(storage.Reversal{State: storage.State(r.State)})
		if !r.Journaled {
			state += " *"
		}
		if r.AfterClose { // first, so that a narrow column keeps it
			state = "+" + state
		}
		row := []string{tm, s.d.kind(storage.Kind(r.Kind))}
		if narrow {
			rows[i] = append(row, amount(r.Amount, r.Currency), state, s.d.Printer.PayMethodNamed(r.PayMethod))
			continue
		}
		if wide {
			row = append(row, r.Endpoint)
		}
		row = append(row, amount(r.Amount, r.Currency), s.d.Printer.PayMethodNamed(r.PayMethod), state, storage.EscapeText(r.Cashier))
		if wide {
			row = append(row, storage.EscapeText(r.Approver), r.UDID, short(r.QFPaySysSN, 10))
		}
		rows[i] = append(row, storage.EscapeText(s.d.Printer.Reason(r.Reason, r.ReasonText))) // text from before control characters were refused
	}
	return rows
}

// applyFilters recomputes the shown rows, keeping the cursor on the same operation when the
// list re-sorts.
func (s *todayScreen) applyFilters() {
	var keep report.ReportRow
	if i := s.list.index(); i >= 0 && i < len(s.shown) {
		keep = s.shown[i]
	}
	f := s.filters
	s.shown = s.shown[:0]
	for _, r := range s.report.Rows {
		if (f.state == "" || stateGroup(r.State) == f.state) && (f.kind == "" || r.Kind == f.kind) &&
			(f.payMethod == "" || r.PayMethod == f.payMethod) && (f.cashier == "" || r.Cashier == f.cashier) {
			s.shown = append(s.shown, r)
		}
	}
	s.sums = s.totals()
	s.list.setHeight(s.listHeight())
	s.list.setRows(s.rows())
	for i, r := range s.shown {
		if sameOperation(r, keep) {
			s.list.setCursor(i)
			break
		}
	}
}

// sameOperation reports whether two rows are one refund or cancel.
func sameOperation(a, b report.ReportRow) bool {
	if a.ID != 0 || b.ID != 0 {
		return a.ID == b.ID
	}
	return a.QFPaySysSN != "" && a.QFPaySysSN == b.QFPaySysSN
}

// stateGroup folds the unfinished states together for the filter.
func stateGroup(state string) string {
	switch state {
	case string(storage.StateSucceeded), string(storage.StateFailed), string(storage.StateUnknown):
		return state
	}
	return "in-progress"
}

// cycle moves a filter to the next value present in the report ("" is all).
func (s *todayScreen) cycle(current string, value func(report.ReportRow) string) string {
	values := []string{""}
	for _, r := range s.report.Rows {
		if v := value(r); !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	slices.Sort(values[1:])
	i := slices.Index(values, current)
	return values[(i+1)%len(values)]
}

func (s *todayScreen) Update(msg tea.Msg) tea.Cmd {
	defer s.refreshKeys()
	switch msg := msg.(type) {
	case printedMsg:
		if msg.err != nil {
			s.notice = s.d.t(catalog.PrinterDown)
		} else {
			s.notice = s.d.printedText(msg)
		}
	case closedMsg:
		if msg.err != nil {
			s.notice = s.d.t(catalog.CloseFailed, msg.err)
			s.list.setHeight(s.listHeight())
			return nil
		}
		s.notice = s.d.t(catalog.DayClosedAs, msg.dc.Day, msg.dc.Number)
		s.list.setHeight(s.listHeight())
		return loadReport(s.d.Reports, s.day, s.store) // the day shows as closed
	case staffLocksMsg:
		s.locks = ""
		if len(msg.locked) > 0 {
			s.locks = s.d.t(catalog.StaffLocked, s.d.Printer.Join(msg.locked))
		}
		s.list.setHeight(s.listHeight())
	case reportMsg:
		if !sameDate(msg.day, s.day) || msg.store != s.store {
			return nil
		}
		s.loaded, s.err, s.report = true, msg.err, msg.rep
		if !s.closing { // the question stays until it is answered
			s.notice = msg.rep.NoticeIn(ReportLang(s.d.Printer))
		}
		s.applyFilters()
	case timelineMsg:
		if msg.err == nil {
			s.opened = &msg.r
		}
	case updateMsg:
		if sameDate(msg.Reversal.Created.In(s.d.Terminal.Location), s.day) {
			cmds := []tea.Cmd{loadReport(s.d.Reports, s.day, s.store)}
			if s.opened != nil && s.opened.ID == msg.Reversal.ID {
				cmds = append(cmds, loadTimeline(s.d.Journal, msg.Reversal.ID))
			}
			return tea.Batch(cmds...)
		}
	case tea.KeyMsg:
		if s.closing { // the answer to "Close this day?"
			s.closing, s.notice = false, ""
			s.list.setHeight(s.listHeight())
			if msg.String() == "y" {
				return closeDay(s.d.CloseDay, s.day, s.d.Terminal.Cashier)
			}
			return nil
		}
		if s.opened != nil || s.openRow.QFPaySysSN != "" && s.openRow.ID == 0 {
			return s.timelineKey(msg)
		}
		return s.listKey(msg)
	}
	return nil
}

func (s *todayScreen) listKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, s.keys.Back):
		return msgCmd(backMsg{})
	case key.Matches(k, s.keys.CloseDay):
		s.askClose()
	case key.Matches(k, s.keys.PrevDay):
		return s.open(s.day.AddDate(0, 0, -1))
	case key.Matches(k, s.keys.NextDay):
		return s.open(s.day.AddDate(0, 0, 1))
	case key.Matches(k, s.keys.State):
		s.filters.state = s.cycle(s.filters.state, func(r report.ReportRow) string { return stateGroup(r.State) })
		s.applyFilters()
	case key.Matches(k, s.keys.Kind):
		s.filters.kind = s.cycle(s.filters.kind, func(r report.ReportRow) string { return r.Kind })
		s.applyFilters()
	case key.Matches(k, s.keys.Pay):
		s.filters.payMethod = s.cycle(s.filters.payMethod, func(r report.ReportRow) string { return r.PayMethod })
		s.applyFilters()
	case key.Matches(k, s.keys.Cashier):
		s.filters.cashier = s.cycle(s.filters.cashier, func(r report.ReportRow) string { return r.Cashier })
		s.applyFilters()
	case key.Matches(k, s.keys.Store):
		s.store = !s.store
		return s.open(s.day)
	case key.Matches(k, s.keys.Open):
		i := s.list.index()
		if i < 0 {
			return nil
		}
		s.openRow, s.scroll = s.shown[i], 0
		if s.openRow.ID == 0 {
			return nil
		}
		return loadTimeline(s.d.Journal, s.openRow.ID)
	default:
		s.list.move(k)
	}
	return nil
}

func (s *todayScreen) timelineKey(k tea.KeyMsg) tea.Cmd {
	page := max(s.height-10, 1)
	switch {
	case s.printing:
		s.printing, s.notice = false, ""
		if lang, ok := slipLanguages[k.String()]; ok && s.opened != nil {
			return printSlip(s.d.PrintSlip, s.opened.ID, lang, false)
		}
	case key.Matches(k, s.keys.Back):
		s.opened, s.openRow, s.notice, s.scroll = nil, report.ReportRow{}, "", 0
	case key.Matches(k, s.keys.Recheck) && s.opened != nil && !s.opened.State.Finished():
		s.notice = s.d.t(catalog.RecheckAsked)
		return recheck(s.d.Desk, s.opened.ID)
	case key.Matches(k, s.keys.Print) && s.opened != nil && s.d.PrintSlip != nil:
		s.printing, s.notice = true, s.d.t(catalog.SlipLanguageAsk) // the customer's language
	case key.Matches(k, s.keys.Up):
		s.scroll = max(s.scroll-1, 0)
	case key.Matches(k, s.keys.Down):
		s.scroll++
	case key.Matches(k, s.keys.PageUp):
		s.scroll = max(s.scroll-page, 0)
	case key.Matches(k, s.keys.PageDown):
		s.scroll += page
	}
	return nil
}

// refreshKeys enables the keys of the list or of the timeline, whichever shows.
func (s *todayScreen) refreshKeys() {
	timeline := s.opened != nil || s.openRow.ID == 0 && s.openRow.QFPaySysSN != ""
	for _, b := range []*key.Binding{&s.keys.Open, &s.keys.PrevDay, &s.keys.NextDay, &s.keys.State, &s.keys.Kind,
		&s.keys.Pay, &s.keys.Cashier, &s.keys.Store, &s.keys.Days, &s.keys.Filters} {
		b.SetEnabled(!timeline)
	}
	s.keys.Recheck.SetEnabled(s.opened != nil && !s.opened.State.Finished())
	s.keys.Print.SetEnabled(s.opened != nil && s.d.PrintSlip != nil)
	s.keys.CloseDay.SetEnabled(!timeline && s.d.CloseDay != nil && s.d.manager() && !s.store)
}

// askClose shows what closing the day would record and asks to confirm: a close is never undone.
func (s *todayScreen) askClose() {
	switch {
	case !s.loaded || s.err != nil:
		return
	case s.report.Closed != nil:
		s.notice = s.d.t(catalog.AlreadyClosed, s.report.Closed.Number)
	default:
		var sums []string
		for _, t := range report.TotalsOf(s.report.Rows) {
			sums = append(sums, s.totalsLine(t))
		}
		if len(sums) == 0 {
			sums = []string{s.d.t(catalog.TodayNone)}
		}
		s.closing = true
		s.notice = s.d.t(catalog.CloseAsk, s.day.Format("2006-01-02"), len(s.report.Rows), strings.Join(sums, "; "))
	}
	s.list.setHeight(s.listHeight())
}

// closedLine says that the shown day is closed: by which close, when and by whom.
func (s *todayScreen) closedLine() string {
	c := s.report.Closed
	if c == nil {
		return ""
	}
	by := c.By
	if by == "" {
		by = "—"
	}
	return s.d.t(catalog.ClosedLine, c.Number, c.At.In(s.d.Terminal.Location).Format("15:04"), by)
}

// totalsLine is one currency's totals.
func (s *todayScreen) totalsLine(t report.Totals) string { return s.d.totalsLine(t) }

// totalsLine is one currency's totals: refunded, cancelled, open or unknown, failed.
func (d *Deps) totalsLine(t report.Totals) string {
	a := t.All
	return d.t(catalog.TotalsLine, t.Currency, a.Refunded.Count, money.Text(a.Refunded.Amount, t.Currency),
		a.Cancelled.Count, money.Text(a.Cancelled.Amount, t.Currency), a.Open.Count, money.Text(a.Open.Amount, t.Currency),
		a.Failed.Count, money.Text(a.Failed.Amount, t.Currency))
}

// totals are one line per currency and its breakdowns.
func (s *todayScreen) totals() []string {
	var out []string
	for _, t := range report.TotalsOf(s.shown) {
		out = append(out, s.totalsLine(t))
		parts := []struct {
			k    catalog.Key
			rows []report.Breakdown
		}{{catalog.ByPayMethod, t.ByPayMethod}, {catalog.ByCashier, t.ByCashier}}
		if s.store {
			parts = append(parts, struct {
				k    catalog.Key
				rows []report.Breakdown
			}{catalog.ByTerminal, t.ByTerminal})
		}
		for _, p := range parts {
			var items []string
			for _, b := range p.rows {
				name := b.Key
				if p.k == catalog.ByPayMethod {
					name = s.d.Printer.PayMethodNamed(name)
				}
				if name == "" {
					name = "—"
				}
				var parts []string
				if n := b.Refunded.Count + b.Cancelled.Count; n > 0 {
					parts = append(parts, s.d.t(catalog.BreakdownDone, n, money.Text(b.Refunded.Amount+b.Cancelled.Amount, t.Currency)))
				}
				if b.Open.Count > 0 {
					parts = append(parts, s.d.t(catalog.BreakdownOpen, b.Open.Count, money.Text(b.Open.Amount, t.Currency)))
				}
				if b.Failed.Count > 0 {
					parts = append(parts, s.d.t(catalog.BreakdownFail, b.Failed.Count, money.Text(b.Failed.Amount, t.Currency)))
				}
				items = append(items, s.d.t(catalog.BreakdownItem, name, s.d.Printer.Join(parts)))
			}
			out = append(out, "  "+s.d.t(p.k, s.d.Printer.JoinGroups(items)))
		}
	}
	var wrapped []string
	for _, l := range out {
		wrapped = append(wrapped, strings.Split(wrapIndent(l, s.width, 4), "\n")...)
	}
	return wrapped
}

// stateFilterWord and kindFilterWord say the filters' values in the cashier's language.
func (s *todayScreen) stateFilterWord() string {
	switch s.filters.state {
	case "":
		return ""
	case "in-progress":
		return s.d.t(catalog.WordInProgress)
	}
	return s.d.stateWord(storage.Reversal{State: storage.State(s.filters.state)})
}

func (s *todayScreen) kindFilterWord() string {
	switch storage.Kind(s.filters.kind) {
	case "":
		return ""
	case storage.KindCancel:
		return s.d.t(catalog.CliCancel) // "cancel": lower case within the line
	}
	return s.d.t(catalog.HelpRefund) // "refund"
}

func (s *todayScreen) filterLine() string {
	t := s.d.t
	var parts []string
	for _, f := range []struct {
		k     catalog.Key
		value string
	}{{catalog.FilterState, s.stateFilterWord()}, {catalog.FilterKind, s.kindFilterWord()},
		{catalog.FilterPay, s.d.Printer.PayMethodNamed(s.filters.payMethod)}, {catalog.FilterCashier, s.filters.cashier}} {
		v := f.value
		if v == "" {
			v = t(catalog.FilterAll)
		}
		parts = append(parts, t(f.k, v))
	}
	scope := t(catalog.TerminalView)
	if s.store {
		scope = t(catalog.StoreView)
	}
	return scope + " · " + t(catalog.Showing, s.d.Printer.Join(parts))
}

func (s *todayScreen) View() string {
	t, st := s.d.t, s.d.Styles
	title := st.Title.Render(t(catalog.TitleToday, s.day.Format("2006-01-02")))
	var lines []string
	switch {
	case s.err != nil:
		lines = []string{title, st.Bad.Render(t(catalog.JournalError, s.err))}
	case !s.loaded:
		lines = []string{title, st.Muted.Render(t(catalog.Loading))}
	case s.opened != nil || s.openRow.ID == 0 && s.openRow.QFPaySysSN != "":
		return s.timelineView()
	default:
		lines = []string{title, st.Muted.Render(s.filterLine())}
		if c := s.closedLine(); c != "" {
			lines = append(lines, st.Warn.Render(c))
		}
		if s.locks != "" {
			lines = append(lines, st.Bad.Render(s.locks))
		}
		for _, l := range strings.Split(wrap(s.notice, s.width), "\n") {
			if l != "" {
				lines = append(lines, st.Warn.Render(l))
			}
		}
		if len(s.shown) == 0 {
			lines = append(lines, t(catalog.TodayNone))
		} else {
			lines = append(lines, s.sums...)
			lines = append(lines, strings.Split(s.list.View(), "\n")...)
			if slices.ContainsFunc(s.shown, func(r report.ReportRow) bool { return !r.Journaled }) {
				lines = append(lines, st.Muted.Render("* "+t(catalog.NotJournaled)))
			}
		}
	}
	for i, l := range lines {
		lines[i] = truncate(l, s.width)
	}
	return strings.Join(lines, "\n")
}

// timelineView shows one operation and what happened to it. Its head stays; the events scroll
// (↑↓, PgUp/PgDn) and follow the operation live.
func (s *todayScreen) timelineView() string {
	t, st := s.d.t, s.d.Styles
	row := s.openRow
	field := func(label catalog.Key, value string) string { return st.Label.Render(t(label)) + " " + value }
	head := []string{st.Title.Render(t(catalog.TimelineTitle, s.d.kind(storage.Kind(row.Kind)), amount(row.Amount, row.Currency), row.OutTradeNo)),
		field(catalog.ColSysSN, row.SaleSysSN), field(catalog.ColPaidWith, s.d.Printer.PayMethodNamed(row.PayMethod))}
	state := storage.Reversal{State: storage.State(row.State)}
	ref := row.QFPaySysSN
	if s.opened != nil {
		state, ref = *s.opened, s.opened.SysSN
	}
	head = append(head, field(catalog.ColState, s.d.stateWord(state)), field(catalog.FieldRef, ref), field(catalog.FieldTerminal, row.UDID))
	// Who did it and why: the cashier, the manager who approved it, the reason.
	if s.opened != nil {
		r := *s.opened
		if r.Cashier != "" {
			head = append(head, field(catalog.ColCashier, r.Cashier))
		}
		if r.Approver != "" {
			head = append(head, field(catalog.ColApprover, r.Approver))
		}
		if r.Reason != "" || r.ReasonText != "" {
			head = append(head, field(catalog.FieldReason, s.d.reason(r)))
		}
	}
	head = append(head, "")
	var body []string
	if s.opened == nil {
		body = append(body, st.Warn.Render(t(catalog.NoTimeline)))
	} else {
		r := *s.opened
		head = append(head, st.Muted.Render(t(catalog.EventsTitle)))
		for _, e := range r.Events {
			body = append(body, strings.Split(wrapIndent(s.d.eventLine(r, e), s.width, 10), "\n")...) // under the step, not the time
		}
		if r.State == storage.StateFailed || !r.State.Finished() {
			body = append(body, "")
			body = append(body, strings.Split(wrap(s.d.sentence(r), s.width), "\n")...)
		}
	}
	if s.notice != "" {
		body = append(body, "", st.Warn.Render(s.notice))
	}
	room := max(s.height-len(head), 1)
	first := min(s.scroll, max(len(body)-room, 0))
	body = body[first:min(first+room, len(body))]
	lines := append(head, body...)
	for i, l := range lines {
		lines[i] = truncate(l, s.width)
	}
	return strings.Join(lines, "\n")
}

// eventLine is one step of an operation's timeline: its time, the step, its attempt, QFPay's code
// and answer in the words of the operation, and the step's audit event.
func (d *Deps) eventLine(r storage.Reversal, e storage.Event) string {
	text := e.At.In(d.Terminal.Location).Format("15:04:05") + "  " + d.eventWord(e.Type)
	if e.Attempt > 0 {
		text += " · " + d.t(catalog.StatusAttempt, e.Attempt)
	}
	if e.Code != "" {
		text += " · " + e.Code
	}
	switch {
	case e.Type == storage.EventReply && e.Code != "":
		// QFPay's answer in the words of the operation (its resperr may be in any language).
		exp, _ := d.Printer.Code(r.Operation(), e.Code, "")
		text += " · " + exp
	case e.Message != "":
		text += " · " + d.Printer.EventNote(e.Message)
	}
	if e.Audit != "" { // the step's audit event, as a slip prints the last one
		text += " · " + d.t(catalog.SlipAudit) + " " + e.Audit
	}
	return text
}

func (d *Deps) eventWord(e storage.EventType) string {
	k := map[storage.EventType]catalog.Key{storage.EventIntent: catalog.EvIntent, storage.EventSent: catalog.EvSent,
		storage.EventResend: catalog.EvResend, storage.EventReply: catalog.EvReply, storage.EventQuery: catalog.EvQuery,
		storage.EventState: catalog.EvState, storage.EventNote: catalog.EvNote}[e]
	if k == "" {
		return fmt.Sprint(e)
	}
	return d.t(k)
}

func sameDate(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

func (s *todayScreen) ShortHelp() []key.Binding {
	if s.opened != nil || s.openRow.ID == 0 && s.openRow.QFPaySysSN != "" {
		return []key.Binding{s.keys.Recheck, s.keys.Print, s.keys.Up, s.keys.Down, s.keys.Back}
	}
	return []key.Binding{s.keys.Open, s.keys.Days, s.keys.Filters, s.keys.Store, s.keys.CloseDay, s.keys.Back}
}

func (s *todayScreen) FullHelp() [][]key.Binding {
	if s.opened != nil || s.openRow.ID == 0 && s.openRow.QFPaySysSN != "" {
		return [][]key.Binding{s.ShortHelp(), {s.keys.Up, s.keys.Down}}
	}
	return [][]key.Binding{{s.keys.Open, s.keys.PrevDay, s.keys.NextDay, s.keys.State, s.keys.Kind, s.keys.Pay, s.keys.Cashier, s.keys.Store, s.keys.CloseDay, s.keys.Back}, {s.keys.Up, s.keys.Down}}
}
