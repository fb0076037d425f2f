package ui

import (
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/storage"
	"qfpos/ui/catalog"
)

// todayScreen lists a day's refunds and cancels of this terminal with totals.
type todayScreen struct {
	d      *Deps
	keys   keyMap
	day    time.Time
	rs     []storage.Reversal
	loaded bool
	err    error
	table  table.Model
	width  int
	height int
}

func newTodayScreen(d *Deps) *todayScreen {
	st := table.DefaultStyles()
	st.Header = d.Styles.Muted.Bold(true).Padding(0, 1)
	st.Cell = d.Styles.Pane.Padding(0, 1)
	st.Selected = d.Styles.Selected
	s := &todayScreen{d: d, keys: defaultKeyMap(d.t), table: table.New(table.WithFocused(true), table.WithStyles(st))}
	s.SetSize(80, 16)
	return s
}

// open shows the day that contains t.
func (s *todayScreen) open(t time.Time) tea.Cmd {
	s.day, s.loaded = t.In(s.d.Terminal.Location), false
	return loadDay(s.d.Journal, s.day)
}

func (s *todayScreen) Typing() bool { return false }

func (s *todayScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.table.SetWidth(w)
	s.table.SetHeight(max(h-6, 3))
	t := s.d.t
	cursor := s.table.Cursor()
	s.table.SetRows(nil)
	defer s.table.SetCursor(max(cursor, 0))
	s.table.SetColumns([]table.Column{
		{Title: t(catalog.ColTime), Width: 8}, {Title: t(catalog.ColKind), Width: 8},
		{Title: t(catalog.ColAmount), Width: 14}, {Title: t(catalog.ColState), Width: 13},
		{Title: t(catalog.ColCashier), Width: 10}, {Title: t(catalog.FieldReason), Width: max(w-53-12, 8)},
	})
	s.table.SetRows(s.rows())
}

func (s *todayScreen) rows() []table.Row {
	rows := make([]table.Row, len(s.rs))
	for i, r := range s.rs {
		rows[i] = table.Row{r.Created.In(s.d.Terminal.Location).Format("15:04:05"), s.d.kind(r.Kind),
			lipgloss.PlaceHorizontal(14, lipgloss.Right, amount(r.Amount, r.Currency)), s.d.stateWord(r), r.Cashier, r.Reason}
	}
	return rows
}

func (s *todayScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case todayMsg:
		if !sameDate(msg.day, s.day) {
			return nil
		}
		s.loaded, s.err, s.rs = true, msg.err, msg.rs
		// Unknown and failed first, then newest first.
		sort.SliceStable(s.rs, func(i, j int) bool {
			ri, rj := rank(s.rs[i]), rank(s.rs[j])
			if ri != rj {
				return ri < rj
			}
			return s.rs[i].Created.After(s.rs[j].Created)
		})
		s.table.SetRows(s.rows())
	case updateMsg:
		if sameDate(msg.Reversal.Created.In(s.d.Terminal.Location), s.day) {
			return loadDay(s.d.Journal, s.day)
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, s.keys.Back):
			return msgCmd(backMsg{})
		case key.Matches(msg, s.keys.PrevDay):
			return s.open(s.day.AddDate(0, 0, -1))
		case key.Matches(msg, s.keys.NextDay):
			return s.open(s.day.AddDate(0, 0, 1))
		default:
			var cmd tea.Cmd
			s.table, cmd = s.table.Update(msg)
			return cmd
		}
	}
	return nil
}

func rank(r storage.Reversal) int {
	switch r.State {
	case storage.StateUnknown:
		return 0
	case storage.StateFailed:
		return 1
	case storage.StateSucceeded:
		return 3
	}
	return 2
}

func sameDate(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// totals sums the day per currency: refunded, cancelled, still open, failed.
func (s *todayScreen) totals() []string {
	type sum struct{ n, minor int64 }
	refunded, cancelled, open := map[string]*sum{}, map[string]*sum{}, map[string]*sum{}
	failed := 0
	add := func(m map[string]*sum, r storage.Reversal) {
		if m[r.Currency] == nil {
			m[r.Currency] = &sum{}
		}
		m[r.Currency].n++
		m[r.Currency].minor += r.Amount
	}
	for _, r := range s.rs {
		switch {
		case r.State == storage.StateSucceeded && r.Kind == storage.KindRefund:
			add(refunded, r)
		case r.State == storage.StateSucceeded:
			add(cancelled, r)
		case r.State == storage.StateFailed:
			failed++
		default:
			add(open, r)
		}
	}
	var out []string
	line := func(k catalog.Key, m map[string]*sum) {
		curs := make([]string, 0, len(m))
		for c := range m {
			curs = append(curs, c)
		}
		sort.Strings(curs)
		for _, c := range curs {
			out = append(out, s.d.t(k, m[c].n, amount(m[c].minor, c)))
		}
	}
	line(catalog.TotalRefunded, refunded)
	line(catalog.TotalCancelled, cancelled)
	line(catalog.TotalOpen, open)
	out = append(out, s.d.t(catalog.TotalFailed, failed))
	return out
}

func (s *todayScreen) View() string {
	t, st := s.d.t, s.d.Styles
	title := st.Title.Render(t(catalog.TitleToday, s.day.Format("2006-01-02")))
	switch {
	case s.err != nil:
		return title + "\n" + st.Bad.Render(t(catalog.JournalError, s.err))
	case !s.loaded:
		return title + "\n" + st.Muted.Render(t(catalog.Loading))
	case len(s.rs) == 0:
		return title + "\n" + t(catalog.TodayNone)
	}
	return title + "\n" + truncate(strings.Join(s.totals(), " · "), s.width) + "\n" + s.table.View()
}

func (s *todayScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.PrevDay, s.keys.NextDay, s.keys.Back}
}

func (s *todayScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
