package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/text/width"

	"qfpos/qfpay/money"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// salesScreen is the start screen: recent sales, newest first, with find-as-you-type.
type salesScreen struct {
	d       *Deps
	keys    salesKeys
	list    rowList
	find    textinput.Model
	finding bool // the find field has focus
	sales   []storage.SaleView
	next    storage.Cursor
	loading bool
	err     error
	tag     int    // drops results of older searches
	openNow bool   // enter came while a search was running: open its best match when it arrives
	keep    string // the sale the cursor stays on when the list is read again (refresh)
	width   int
	height  int
}

func newSalesScreen(d *Deps) *salesScreen {
	s := &salesScreen{d: d, keys: newSalesKeys(d.t), loading: true}
	s.find = textinput.New()
	s.find.Prompt = ""
	s.find.CharLimit = 40
	s.find.Cursor.SetMode(cursor.CursorStatic) // a blinking cursor would wake the desk twice a second
	s.list = newRowList(d.Styles, s.keys.navKeys)
	s.SetSize(80, 16)
	return s
}

// Init loads the first page.
func (s *salesScreen) Init() tea.Cmd {
	return loadRecent(s.d.Journal, s.tag, storage.Cursor{}, s.d.Terminal.RecentDays, false)
}

func (s *salesScreen) Typing() bool { return s.finding }

func (s *salesScreen) SetSize(w, h int) {
	if w == s.width && h == s.height {
		return
	}
	resized := w != s.width
	s.width, s.height = w, h
	s.list.setHeight(max(h-2-s.findLines(), 3))
	if resized { // the cells depend on the columns' widths (the ends of long ids, short statuses)
		s.list.setColumns(s.columns())
		s.list.setRows(s.rows(s.sales))
	}
}

// findLines is how many lines the find prompt takes at this width (it wraps, never cut).
func (s *salesScreen) findLines() int {
	return strings.Count(wrap(s.d.t(catalog.FindPrompt), s.width), "\n") + 1
}

// columns fit the table to the width; wider terminals show more of the names and ids.
func (s *salesScreen) columns() []column {
	t := s.d.t
	cols := []column{
		{title: t(catalog.ColTime), width: 11},
		{title: t(catalog.ColAmount), width: 12, right: true},
		{title: t(catalog.ColPaidWith), width: 10},
		{title: t(catalog.ColSysSN), width: 6},
		{title: t(catalog.ColOrder), width: 8},
	}
	switch {
	case s.width >= 100:
		cols[1].width, cols[2].width, cols[3].width = 13, 14, 7
		cols[4].width = min(12+(s.width-100)/3, 26)
	case s.width < 70: // the order number gives way first
		cols = cols[:4]
	}
	return fill(cols, s.width, column{title: t(catalog.ColStatus)})
}

func (s *salesScreen) rows(vs []storage.SaleView) [][]string {
	rows := make([][]string, len(vs))
	for i, v := range vs {
		rows[i] = s.row(v)
	}
	return rows
}

// row is one sale's cells: time, amount, pay method, the end of syssn, [order no.,] status.
func (s *salesScreen) row(v storage.SaleView) []string {
	cols := s.list.cols
	cells := []string{
		v.Time.In(s.d.Terminal.Location).Format("01-02 15:04"),
		amount(v.Amount, v.Currency),
		s.d.pay(v.PayType),
		short(v.SysSN, cols[3].width-1),
	}
	if len(cols) > 5 {
		order := v.OutTradeNo
		if len(order) > cols[4].width {
			order = short(order, cols[4].width-1)
		}
		cells = append(cells, order)
	}
	status := s.d.saleStatus(v)
	if v.State() == storage.SaleStatePartlyRefunded && len(status) > cols[len(cols)-1].width {
		status = s.d.t(catalog.StatePartlyShort, money.Text(v.Remaining(), v.Currency)) // what is left matters most
	}
	return append(cells, status)
}

func (s *salesScreen) selected() (storage.SaleView, bool) {
	i := s.list.index()
	if i < 0 || i >= len(s.sales) {
		return storage.SaleView{}, false
	}
	return s.sales[i], true
}

// searchCmd starts a search for what is in the find field, or reloads recent sales.
func (s *salesScreen) searchCmd() tea.Cmd {
	s.tag++
	s.keep = ""
	s.loading = true
	q := strings.TrimSpace(s.find.Value())
	if q == "" {
		return loadRecent(s.d.Journal, s.tag, storage.Cursor{}, s.d.Terminal.RecentDays, false)
	}
	return searchSales(s.d.Journal, s.tag, q, s.d.Terminal.Currency, s.d.Terminal.RecentDays, s.d.Printer)
}

// reload reads the first page again (new sales from the POS, say), unless the cashier is typing.
func (s *salesScreen) reload() tea.Cmd {
	if s.finding {
		return nil
	}
	return s.searchCmd()
}

// refresh is reload that keeps the cursor on the sale it was on.
func (s *salesScreen) refresh() tea.Cmd {
	cmd := s.reload()
	if cmd != nil {
		s.keep = ""
		if v, ok := s.selected(); ok {
			s.keep = v.SysSN
		}
	}
	return cmd
}

func (s *salesScreen) Update(msg tea.Msg) tea.Cmd {
	defer s.refreshKeys()
	switch msg := msg.(type) {
	case salesMsg:
		return s.loaded(msg)
	case saleMsg:
		s.patch(msg)
	case tea.KeyMsg:
		return s.key(msg)
	}
	return nil
}

func (s *salesScreen) loaded(m salesMsg) tea.Cmd {
	if m.tag != s.tag {
		return nil
	}
	s.loading, s.err = false, m.err
	if m.err != nil {
		return nil
	}
	s.next = m.next
	if m.append {
		s.sales = append(s.sales, m.sales...)
		s.list.appendRows(s.rows(m.sales))
		return nil
	}
	s.sales = m.sales
	s.list.setRows(s.rows(m.sales))
	s.list.setCursor(0)
	for i, v := range s.sales {
		if s.keep != "" && v.SysSN == s.keep {
			s.list.setCursor(i)
		}
	}
	s.keep = ""
	if s.openNow {
		s.openNow = false
		if i := s.bestMatch(); i >= 0 {
			return msgCmd(openSaleMsg{syssn: s.sales[i].SysSN})
		}
	}
	return nil
}

// bestMatch is the sale a scanned reference names: the one whose syssn or out_trade_no is what
// was typed, else the first result.
func (s *salesScreen) bestMatch() int {
	q := strings.TrimSpace(s.find.Value())
	for i, v := range s.sales {
		if v.SysSN == q || v.OutTradeNo == q {
			return i
		}
	}
	if len(s.sales) > 0 {
		return 0
	}
	return -1
}

// patch replaces a sale whose state changed.
func (s *salesScreen) patch(m saleMsg) {
	if !m.ok {
		return
	}
	for i := range s.sales {
		if s.sales[i].SysSN == m.view.SysSN {
			s.sales[i] = m.view
			s.list.setRow(i, s.row(m.view))
			return
		}
	}
}

// blur takes the focus from the find line (its results stay): commands work again.
func (s *salesScreen) blur() {
	s.finding = false
	s.find.Blur()
	s.refreshKeys()
}

func (s *salesScreen) key(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, s.keys.Clear) && (s.finding || s.find.Value() != ""):
		s.blur()
		s.find.SetValue("")
		return s.searchCmd()
	case key.Matches(k, s.keys.Open):
		if s.finding && s.loading {
			s.openNow = true // a scanner's enter: open what the scan finds
			return nil
		}
		if v, ok := s.selected(); ok {
			return msgCmd(openSaleMsg{syssn: v.SysSN})
		}
		return nil
	case key.Matches(k, s.keys.Up, s.keys.Down, s.keys.PageUp, s.keys.PageDown):
		s.blur()
		s.list.move(k)
		return s.maybeMore()
	case s.finding:
		before := s.find.Value()
		var cmd tea.Cmd
		s.find, cmd = s.find.Update(k)
		if s.find.Value() != before {
			return tea.Batch(cmd, s.searchCmd())
		}
		return cmd
	case key.Matches(k, s.keys.Digits) || startsAmount(k):
		s.finding = true
		s.find.Focus()
		s.find.SetValue(k.String())
		s.find.CursorEnd()
		return s.searchCmd()
	case key.Matches(k, s.keys.Find):
		s.finding = true
		s.find.SetValue("")
		return s.find.Focus()
	case key.Matches(k, s.keys.Refund):
		if v, ok := s.selected(); ok && s.d.Desk.Rules().For(v).Refund {
			return msgCmd(openRefundMsg{view: v})
		}
	case key.Matches(k, s.keys.Today):
		return msgCmd(openTodayMsg{})
	}
	return nil
}

// startsAmount reports whether a key is a full-width digit or point, as a Chinese input method
// types them: it starts a find like its ASCII form.
func startsAmount(k tea.KeyMsg) bool {
	r := []rune(width.Narrow.String(k.String()))
	return k.Type == tea.KeyRunes && len(r) == 1 && (r[0] >= '0' && r[0] <= '9' || r[0] == '.')
}

// maybeMore pages older sales in when the cursor nears the end of what is loaded.
func (s *salesScreen) maybeMore() tea.Cmd {
	if s.find.Value() != "" || s.loading || s.next.IsZero() || s.list.index() < len(s.sales)-5 {
		return nil
	}
	s.loading = true
	return loadRecent(s.d.Journal, s.tag, s.next, s.d.Terminal.RecentDays, true)
}

func (s *salesScreen) View() string {
	t, st := s.d.t, s.d.Styles
	title := st.Title.Render(t(catalog.TitleSales, s.d.Terminal.RecentDays))
	var find string
	switch {
	case s.finding:
		find = cursorGlyph + " " + t(catalog.FindingBy, s.find.View())
	case s.find.Value() != "":
		find = t(catalog.FindingBy, s.find.Value())
	default:
		find = st.Muted.Render(wrap(t(catalog.FindPrompt), s.width))
	}
	var body string
	switch {
	case s.err != nil:
		body = st.Bad.Render(t(catalog.JournalError, s.err))
	case len(s.sales) == 0 && s.loading:
		body = st.Muted.Render(t(catalog.Loading))
	case len(s.sales) == 0 && s.find.Value() != "":
		body = wrap(t(catalog.NoMatch, s.find.Value()), s.width)
	case len(s.sales) == 0:
		body = wrap(t(catalog.NoSales, s.d.Terminal.RecentDays), s.width)
	default:
		body = s.list.View()
	}
	if n := s.findLines() - strings.Count(find, "\n") - 1; n > 0 {
		find += strings.Repeat("\n", n) // the list stays where it is whether or not a search is typed
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, find, body)
}

// refreshKeys enables the keys that apply now: while the find line has focus only the keys that
// are not printable work.
func (s *salesScreen) refreshKeys() {
	v, ok := s.selected()
	s.keys.Refund.SetEnabled(!s.finding && ok && s.d.Desk.Rules().For(v).Refund)
	s.keys.Open.SetEnabled(ok || s.finding)
	s.keys.Clear.SetEnabled(s.finding || s.find.Value() != "")
	s.keys.Find.SetEnabled(!s.finding)
	s.keys.Digits.SetEnabled(!s.finding)
	s.keys.Today.SetEnabled(!s.finding)
	// j and k are letters while finding: only the arrows move then.
	if s.finding {
		s.keys.Up.SetKeys("up")
		s.keys.Down.SetKeys("down")
	} else {
		s.keys.Up.SetKeys("up", "k")
		s.keys.Down.SetKeys("down", "j")
	}
	s.list.keys = s.keys.navKeys
}

func (s *salesScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Open, s.keys.Refund, s.keys.Digits, s.keys.Find, s.keys.Clear, s.keys.Today, s.keys.Up, s.keys.Down}
}

func (s *salesScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.keys.PageUp, s.keys.PageDown}}
}
