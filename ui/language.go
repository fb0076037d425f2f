package ui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"qfpos/ui/catalog"
)

// LanguageMemory remembers the language each cashier chose in the desk (the journal).
type LanguageMemory interface {
	SetCashierLanguage(cashier, lang string) error
}

// nextLanguage switches every word on the screen to the catalog's next language at once (a
// cashier hands the screen to a colleague) and remembers the choice for the terminal's cashier.
func (a *App) nextLanguage() tea.Cmd {
	i := slices.Index(catalog.Languages, a.d.Printer.Language())
	next := catalog.Languages[(i+1)%len(catalog.Languages)]
	a.d.Printer = catalog.New(next)
	a.relanguage()
	mem, cashier := a.d.Memory, a.d.Terminal.Cashier
	if mem == nil || cashier == "" {
		return nil
	}
	return func() tea.Msg {
		_ = mem.SetCashierLanguage(cashier, next.String()) // a choice not kept is chosen again next time
		return nil
	}
}

// relanguage rebuilds what holds words: the key maps (their help), the rows laid out, the
// refund form's preset reasons.
func (a *App) relanguage() {
	a.keys = newGlobalKeys(a.d.t)
	a.sales.relanguage()
	a.sale.keys = newSaleKeys(a.d.t)
	a.sale.Update(languageMsg{})
	a.sale.refreshKeys()
	a.refund.relanguage()
	a.cancel.keys = newFormKeys(a.d.t)
	a.today.relanguage()
	a.signin.relanguage()
}

func (s *salesScreen) relanguage() {
	s.keys = newSalesKeys(s.d.t)
	i := s.list.index()
	s.list.setColumns(s.columns())
	s.list.setRows(s.rows(s.sales))
	s.list.setCursor(i)
	s.refreshKeys()
}

func (s *refundScreen) relanguage() {
	s.keys = newFormKeys(s.d.t)
	old := s.reasons
	s.reasons = presetReasons(s.d)
	if i := slices.Index(old, s.reason.Value()); i >= 0 {
		s.reason.SetValue(s.reasons[i]) // a preset stays the same preset; the cashier's own words stay
	}
	s.refreshKeys()
}

func (s *todayScreen) relanguage() {
	s.keys = newTodayKeys(s.d.t)
	s.list.keys = s.keys.navKeys
	s.list.setColumns(s.columns())
	s.applyFilters()
	s.refreshKeys()
}

// presetReasons are the refund form's reasons, in the printer's language.
func presetReasons(d *Deps) []string {
	var out []string
	for _, c := range d.reasonCodes() {
		out = append(out, d.Printer.Reason(c, ""))
	}
	return out
}
