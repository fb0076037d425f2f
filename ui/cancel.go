package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// cancelScreen confirms a cancel, naming the endpoint chosen and why.
type cancelScreen struct {
	d      *Deps
	keys   formKeys
	view   storage.SaleView
	notice string
	width  int
	height int
}

func newCancelScreen(d *Deps) *cancelScreen {
	return &cancelScreen{d: d, keys: newFormKeys(d.t), width: 80, height: 16}
}

func (s *cancelScreen) open(v storage.SaleView) { s.view, s.notice = v, "" }

func (s *cancelScreen) Typing() bool     { return false }
func (s *cancelScreen) SetSize(w, h int) { s.width, s.height = w, h }

func (s *cancelScreen) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, s.keys.Send):
			return msgCmd(startMsg{req: reversal.Request{Kind: storage.KindCancel, SaleSysSN: s.view.SysSN,
				Cashier: s.d.Terminal.Cashier, Session: s.d.session}, currency: s.view.Currency})
		case key.Matches(k, s.keys.Back):
			return msgCmd(backMsg{})
		}
	}
	return nil
}

func (s *cancelScreen) View() string {
	t, st := s.d.t, s.d.Styles
	v := s.view
	field := func(label catalog.Key, value string) string { return st.Label.Render(t(label)) + " " + value }
	why := s.d.cancelHow(v)
	lines := []string{
		st.Title.Render(t(catalog.TitleCancel, v.SysSN)),
		field(catalog.ColPaidWith, s.d.pay(v.PayType)+" ("+v.PayType+")"),
		field(catalog.ColAmount, amount(v.Amount, v.Currency)),
		field(catalog.ColStatus, s.d.saleStatus(v)),
		field(catalog.FieldTerminal, s.d.Terminal.UDID),
		"",
		why,
		t(catalog.NothingCharged),
		"",
		st.Warn.Render(t(catalog.ConfirmSend)),
	}
	if s.notice != "" {
		lines = append(lines, "", st.Bad.Render("✗ "+s.notice))
	}
	var out []string
	for _, l := range lines {
		out = append(out, strings.Split(wrap(l, s.width), "\n")...)
	}
	return strings.Join(out, "\n")
}

// cancelHow says which endpoint cancels a sale and why: its pay type's, or close first when QFPay
// lists none.
func (d *Deps) cancelHow(v storage.SaleView) string {
	ep, listed := d.Desk.Rules().Route(v.PayType)
	if !listed {
		return d.t(catalog.CancelUnlisted, d.pay(v.PayType))
	}
	how := map[string]catalog.Key{"reversal": catalog.CancelByReversal, "close": catalog.CancelByClose}[ep]
	return d.t(how, d.pay(v.PayType))
}

func (s *cancelScreen) ShortHelp() []key.Binding  { return []key.Binding{s.keys.Send, s.keys.Back} }
func (s *cancelScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
