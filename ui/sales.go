package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/text/width"

	"qfpos/storage"
	"qfpos/ui/catalog"
)

// salesScreen is the start screen: recent sales, newest first, with find-as-you-type.
type salesScreen struct {
	d       *Deps
	keys    keyMap
	list    rowList
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
	s.list = newRowList(d.Styles, s.keys)
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
	s.list.setHeight(max(h-3, 3))
	s.list.setColumns(s.columns())
	s.list.setRows(s.rows())
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
	if s.width >= 100 {
		cols[1].width, cols[2].width, cols[3].width = 13, 14, 7
		cols[4].width = min(12+(s.width-100)/3, 26)
	}
	return fill(cols, s.width, column{title: t(catalog.ColStatus)})
}

func (s *salesScreen) rows() [][]string {
	rows := make([][]string, len(s.sales))
	for i, v := range s.sales {
		rows[i] = s.row(v)
	}
	return rows
}

// row is one sale's cells: time, amount, pay method, the end of syssn, [order no.,] status.
func (s *salesScreen) row(v storage.SaleView) []string {
	cols := s.list.cols
	order := v.OutTradeNo
	if len(order) > cols[4].width {
		order = short(order, cols[4].width-1)
	}
	return []string{
		v.Time.In(s.d.Terminal.Location).Format("01-02 15:04"),
		amount(v.Amount, v.Currency),
		payName(v.PayType),
		short(v.SysSN, cols[3].width-1),
		order,
		s.d.saleStatus(v),
	}
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
	if !m.append {
		s.list.setCursor(0)
	}
	s.list.setRows(s.rows())
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
			s.list.lines[i] = s.list.layout(s.row(m.view))
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

// navigation reports whether a key moves the selection (j and k are letters while finding).
func (s *salesScreen) navigation(k tea.KeyMsg) bool {
	if s.finding && (k.String() == "j" || k.String() == "k") {
		return false
	}
	return key.Matches(k, s.keys.Up, s.keys.Down, s.keys.PageUp, s.keys.PageDown)
}

// maybeMore pages older sales in when the cursor nears the end of what is loaded.
func (s *salesScreen) maybeMore() tea.Cmd {
	if s.finding || s.loading || s.next.IsZero() || s.list.index() < len(s.sales)-5 {
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
		body = s.list.View()
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, truncate(find, s.width), body)
}

// refreshKeys enables the keys that apply now.
func (s *salesScreen) refreshKeys() {
	v, ok := s.selected()
	s.keys.Refund.SetEnabled(ok && s.d.Desk.Rules().For(v).Refund)
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
