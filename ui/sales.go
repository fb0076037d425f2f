package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/storage"
	"qfpos/ui/catalog"
)

// salesScreen is the start screen: recent sales, newest first, with find-as-you-type.
type salesScreen struct {
	d       *Deps
	keys    keyMap
	table   table.Model
	find    textinput.Model
	finding bool // the find field has focus
	sales   []storage.SaleView
	next    storage.Cursor
	loading bool
	err     error
	tag     int // drops results of older searches
	width   int
	height  int
}

func newSalesScreen(d *Deps) *salesScreen {
	s := &salesScreen{d: d, keys: defaultKeyMap(d.t), loading: true}
	s.find = textinput.New()
	s.find.Prompt = ""
	s.find.CharLimit = 40
	st := table.DefaultStyles()
	st.Header = d.Styles.Muted.Bold(true).Padding(0, 1)
	st.Cell = d.Styles.Pane.Padding(0, 1)
	st.Selected = d.Styles.Selected
	s.table = table.New(table.WithFocused(true), table.WithStyles(st))
	s.SetSize(80, 16)
	return s
}

// Init loads the first page.
func (s *salesScreen) Init() tea.Cmd {
	return loadRecent(s.d.Journal, s.tag, storage.Cursor{}, s.d.Terminal.RecentDays, false)
}

func (s *salesScreen) Typing() bool { return s.finding }

func (s *salesScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.table.SetWidth(w)
	s.table.SetHeight(max(h-2, 3))
	cursor := s.table.Cursor()
	s.table.SetRows(nil) // the number of columns may change: rows must match them
	s.table.SetColumns(s.columns())
	s.table.SetRows(s.rows())
	s.table.SetCursor(max(cursor, 0))
}

// columns fit the table to the width: the order number only when there is room for it.
func (s *salesScreen) columns() []table.Column {
	t := s.d.t
	cols := []table.Column{
		{Title: t(catalog.ColTime), Width: 11},
		{Title: t(catalog.ColAmount), Width: 13},
		{Title: t(catalog.ColPaidWith), Width: 12},
		{Title: t(catalog.ColSysSN), Width: 7},
	}
	if s.width >= 100 {
		cols[2].Width = 14
		cols = append(cols, table.Column{Title: t(catalog.ColOrder), Width: min(12+(s.width-100)/3, 26)})
	}
	used := 0
	for _, c := range cols {
		used += c.Width + 2
	}
	return append(cols, table.Column{Title: t(catalog.ColStatus), Width: max(s.width-used-2, 6)})
}

func (s *salesScreen) rows() []table.Row {
	rows := make([]table.Row, len(s.sales))
	cols := s.table.Columns()
	for i, v := range s.sales {
		row := table.Row{
			v.Time.In(s.d.Terminal.Location).Format("01-02 15:04"),
			lipgloss.PlaceHorizontal(cols[1].Width, lipgloss.Right, amount(v.Amount, v.Currency)),
			payName(v.PayType),
			short(v.SysSN, 6),
		}
		if len(cols) == 6 {
			order := v.OutTradeNo
			if len(order) > cols[4].Width {
				order = short(order, cols[4].Width-1)
			}
			row = append(row, order)
		}
		rows[i] = append(row, s.d.saleStatus(v))
	}
	return rows
}

func (s *salesScreen) selected() (storage.SaleView, bool) {
	i := s.table.Cursor()
	if i < 0 || i >= len(s.sales) {
		return storage.SaleView{}, false
	}
	return s.sales[i], true
}

// searchCmd starts a search for what is in the find field, or reloads recent sales.
func (s *salesScreen) searchCmd() tea.Cmd {
	s.tag++
	s.loading = true
	q := strings.TrimSpace(s.find.Value())
	if q == "" {
		return loadRecent(s.d.Journal, s.tag, storage.Cursor{}, s.d.Terminal.RecentDays, false)
	}
	return searchSales(s.d.Journal, s.tag, q, s.d.Terminal.Currency, s.d.Terminal.RecentDays)
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
	if m.append {
		s.sales = append(s.sales, m.sales...)
	} else {
		s.sales = m.sales
	}
	s.next = m.next
	s.table.SetRows(s.rows())
	if !m.append || s.table.Cursor() < 0 {
		s.table.SetCursor(0) // after SetRows: with no rows the table clamps the cursor to -1
	}
	return nil
}

// patch replaces a sale whose state changed.
func (s *salesScreen) patch(m saleMsg) {
	if !m.ok {
		return
	}
	for i := range s.sales {
		if s.sales[i].SysSN == m.view.SysSN {
			s.sales[i] = m.view
			s.table.SetRows(s.rows())
			return
		}
	}
}

func (s *salesScreen) key(k tea.KeyMsg) tea.Cmd {
	switch {
	case s.finding && key.Matches(k, s.keys.Clear):
		s.finding = false
		s.find.Blur()
		s.find.SetValue("")
		return s.searchCmd()
	case key.Matches(k, s.keys.Open):
		if v, ok := s.selected(); ok {
			return msgCmd(openSaleMsg{syssn: v.SysSN})
		}
		return nil
	case s.navigation(k):
		var cmd tea.Cmd
		s.table, cmd = s.table.Update(k)
		return tea.Batch(cmd, s.maybeMore())
	case s.finding:
		before := s.find.Value()
		var cmd tea.Cmd
		s.find, cmd = s.find.Update(k)
		if s.find.Value() != before {
			return tea.Batch(cmd, s.searchCmd())
		}
		return cmd
	case key.Matches(k, s.keys.Digits):
		s.finding = true
		s.find.Focus()
		s.find.SetValue(k.String())
		s.find.CursorEnd()
		return s.searchCmd()
	case key.Matches(k, s.keys.Find):
		s.finding = true
		return s.find.Focus()
	case key.Matches(k, s.keys.Refund):
		if v, ok := s.selected(); ok && v.Remaining() > 0 && v.Open == nil {
			return msgCmd(openRefundMsg{view: v})
		}
	case key.Matches(k, s.keys.Today):
		return msgCmd(openTodayMsg{})
	}
	return nil
}

// navigation reports whether a key moves the selection (j and k are letters while finding).
func (s *salesScreen) navigation(k tea.KeyMsg) bool {
	if s.finding && (k.String() == "j" || k.String() == "k") {
		return false
	}
	return key.Matches(k, s.keys.Up, s.keys.Down, s.keys.PageUp, s.keys.PageDown)
}

// maybeMore pages older sales in when the cursor nears the end of what is loaded.
func (s *salesScreen) maybeMore() tea.Cmd {
	if s.finding || s.loading || s.next.IsZero() || s.table.Cursor() < len(s.sales)-5 {
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
		find = t(catalog.FindingBy, s.find.View())
	default:
		find = st.Muted.Render(t(catalog.FindPrompt))
	}
	var body string
	switch {
	case s.err != nil:
		body = st.Bad.Render(t(catalog.JournalError, s.err))
	case len(s.sales) == 0 && s.loading:
		body = st.Muted.Render(t(catalog.Loading))
	case len(s.sales) == 0 && s.find.Value() != "":
		body = t(catalog.NoMatch, s.find.Value())
	case len(s.sales) == 0:
		body = t(catalog.NoSales, s.d.Terminal.RecentDays)
	default:
		body = s.table.View()
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, truncate(find, s.width), body)
}

// refreshKeys enables the keys that apply now.
func (s *salesScreen) refreshKeys() {
	v, ok := s.selected()
	s.keys.Refund.SetEnabled(ok && v.Remaining() > 0 && v.Open == nil)
	s.keys.Open.SetEnabled(ok)
	s.keys.Clear.SetEnabled(s.finding)
	s.keys.Find.SetEnabled(!s.finding)
	s.keys.Digits.SetEnabled(!s.finding)
	s.keys.Today.SetEnabled(!s.finding)
}

func (s *salesScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Open, s.keys.Refund, s.keys.Digits, s.keys.Find, s.keys.Clear, s.keys.Today}
}

func (s *salesScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.keys.PageUp, s.keys.PageDown}}
}
