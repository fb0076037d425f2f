package ui

import (
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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
	list   rowList
	width  int
	height int
}

func newTodayScreen(d *Deps) *todayScreen {
	s := &todayScreen{d: d, keys: defaultKeyMap(d.t)}
	s.list = newRowList(d.Styles, s.keys)
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
	s.list.setHeight(max(h-3, 3))
	t := s.d.t
	s.list.setColumns([]column{
		{title: t(catalog.ColTime), width: 8}, {title: t(catalog.ColKind), width: 8},
		{title: t(catalog.ColAmount), width: 14, right: true}, {title: t(catalog.ColState), width: 13},
		{title: t(catalog.ColCashier), width: 10}, {title: t(catalog.FieldReason), width: max(w-53-8, 6)},
	})
	s.list.setRows(s.rows())
}

func (s *todayScreen) rows() [][]string {
	rows := make([][]string, len(s.rs))
	for i, r := range s.rs {
		rows[i] = []string{r.Created.In(s.d.Terminal.Location).Format("15:04:05"), s.d.kind(r.Kind),
			amount(r.Amount, r.Currency), s.d.stateWord(r), r.Cashier, r.Reason}
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
		s.list.setRows(s.rows())
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
			s.list.move(msg)
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
	return title + "\n" + truncate(strings.Join(s.totals(), " · "), s.width) + "\n" + s.list.View()
}

func (s *todayScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.PrevDay, s.keys.NextDay, s.keys.Back}
}

func (s *todayScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
