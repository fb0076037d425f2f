package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// saleScreen shows one sale, what can be done with it and why, and its refunds and cancels.
type saleScreen struct {
	d       *Deps
	keys    saleKeys
	syssn   string
	view    storage.SaleView
	loaded  bool
	err     error
	width   int
	height  int
	actions saleActions
}

// saleActions is what the cashier may do with a sale, with one line of reason each.
type saleActions struct {
	refund, cancel bool
	lines          []string
}

func newSaleScreen(d *Deps) *saleScreen {
	return &saleScreen{d: d, keys: newSaleKeys(d.t), width: 80, height: 16}
}

// open resets the screen for a sale and loads it.
func (s *saleScreen) open(syssn string) tea.Cmd {
	s.syssn, s.loaded, s.err, s.actions = syssn, false, nil, saleActions{}
	s.refreshKeys()
	return loadSale(s.d.Journal, syssn)
}

func (s *saleScreen) Typing() bool     { return false }
func (s *saleScreen) SetSize(w, h int) { s.width, s.height = w, h }

func (s *saleScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case languageMsg: // the reasons' lines in the new language
		if s.loaded && s.err == nil {
			s.actions = s.d.actionsFor(s.view)
		}
	case saleMsg:
		if msg.view.SysSN != s.syssn && msg.err == nil {
			return nil
		}
		s.loaded, s.err, s.view = true, msg.err, msg.view
		if msg.err == nil && !msg.ok {
			s.err = fmt.Errorf("sale %s is not in the journal", s.syssn)
		}
		s.actions = s.d.actionsFor(s.view)
		s.refreshKeys()
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, s.keys.Back):
			return msgCmd(backMsg{})
		case key.Matches(msg, s.keys.Refund) && s.actions.refund:
			return msgCmd(openRefundMsg{view: s.view})
		case key.Matches(msg, s.keys.Cancel) && s.actions.cancel:
			return msgCmd(openCancelMsg{view: s.view})
		}
	}
	return nil
}

func (s *saleScreen) refreshKeys() {
	s.keys.Refund.SetEnabled(s.actions.refund)
	s.keys.Cancel.SetEnabled(s.actions.cancel)
}

// actionsFor says what can be done with a sale (the desk's rules decide) and why, one line each.
func (d *Deps) actionsFor(v storage.SaleView) saleActions {
	p := d.Desk.Rules().For(v)
	a := saleActions{refund: p.Refund, cancel: p.Cancel}
	add := func(k catalog.Key, args ...any) { a.lines = append(a.lines, d.t(k, args...)) }
	switch p.Why {
	case reversal.OutcomeIsOpen:
		add(catalog.UnknownFor(string(v.Open.Kind)))
	case reversal.InFlight:
		if v.Open.Kind == storage.KindCancel {
			add(catalog.CancelBusy)
		} else {
			add(catalog.RefundBusy)
		}
	case reversal.Cancelled:
		add(catalog.AlreadyCancel)
	case reversal.Cancellable:
		add(catalog.CanCancel, d.pay(v.PayType))
		if !p.Listed {
			add(catalog.CancelUnlisted, d.pay(v.PayType))
		}
		add(catalog.UnpaidNoRefund)
	case reversal.PaymentFailed:
		add(catalog.PaymentFailed)
	case reversal.NothingLeft:
		add(catalog.NothingLeft)
	default:
		add(catalog.CanRefund, amount(p.Left, v.Currency))
		if p.FullOnly {
			add(catalog.CardToday)
		}
		add(catalog.PaidNoCancel)
	}
	return a
}

func (s *saleScreen) View() string {
	t, st := s.d.t, s.d.Styles
	title := st.Title.Render(t(catalog.TitleSale, s.syssn))
	switch {
	case s.err != nil:
		return lipgloss.JoinVertical(lipgloss.Left, title, st.Bad.Render(t(catalog.JournalError, s.err)))
	case !s.loaded:
		return lipgloss.JoinVertical(lipgloss.Left, title, st.Muted.Render(t(catalog.Loading)))
	}
	lines := []string{title}
	for _, f := range s.d.saleFields(s.view) {
		lines = append(lines, st.Label.Render(t(f.label))+" "+f.value)
	}
	lines = append(lines, "")
	for _, l := range s.actions.lines {
		style := st.Pane
		if !s.actions.refund && !s.actions.cancel {
			style = st.Warn
		}
		for _, line := range strings.Split(hang("• ", l, s.width), "\n") { // a wrapped line stays under its text
			lines = append(lines, style.Render(line))
		}
	}
	lines = append(lines, "", st.Muted.Render(t(catalog.History)))
	history := s.d.saleHistory(s.view)
	if len(history) == 0 {
		lines = append(lines, st.Muted.Render(t(catalog.HistoryNone)))
	}
	for _, h := range history {
		lines = append(lines, h.line)
		if h.ref != "" {
			lines = append(lines, "  "+t(catalog.StatusRef, h.ref))
		}
	}
	for i, l := range lines {
		lines[i] = truncate(l, s.width)
	}
	if len(lines) > s.height {
		lines = lines[:s.height]
	}
	return strings.Join(lines, "\n")
}

// saleField is one line of a sale's details: a label and its value.
type saleField struct {
	label catalog.Key
	value string
}

// saleFields are a sale's details as the sale screen and the line mode show them.
func (d *Deps) saleFields(v storage.SaleView) []saleField {
	fields := []saleField{
		{catalog.ColAmount, amount(v.Amount, v.Currency)},
		{catalog.ColPaidWith, fmt.Sprintf("%s (%s)", d.pay(v.PayType), v.PayType)},
		{catalog.ColTime, v.Time.In(d.Terminal.Location).Format("2006-01-02 15:04:05")},
		{catalog.ColOrder, v.OutTradeNo},
	}
	if v.GoodsName != "" {
		fields = append(fields, saleField{catalog.FieldGoods, storage.EscapeText(v.GoodsName)})
	}
	if v.Cashier != "" {
		fields = append(fields, saleField{catalog.FieldSoldBy, storage.EscapeText(v.Cashier)})
	}
	fields = append(fields, saleField{catalog.ColStatus, d.saleStatus(v)})
	if v.Refunded > 0 {
		refunded := amount(v.Refunded, v.Currency)
		if v.Elsewhere > 0 {
			refunded += " " + d.t(catalog.OfWhichElsewhere, amount(v.Elsewhere, v.Currency))
		}
		fields = append(fields, saleField{catalog.FieldRefunded, refunded})
	}
	if v.Status() == storage.PaymentPaid && !v.Cancelled {
		fields = append(fields, saleField{catalog.FieldLeft, amount(v.Remaining(), v.Currency)})
	}
	return fields
}

// historyLine is one refund or cancel of a sale, and its QFPay reference ("" when it has none).
type historyLine struct {
	line, ref string
}

// saleHistory is a sale's refunds and cancels: those made at other tills or in QFPay's portal
// (where and when, as QFPay holds them), then this journal's.
func (d *Deps) saleHistory(v storage.SaleView) []historyLine {
	var out []historyLine
	for _, rr := range v.RefundsElsewhere() {
		where := d.t(catalog.ElsewherePortal)
		if rr.UDID != "" {
			where = d.t(catalog.ElsewhereTill, storage.EscapeText(rr.UDID))
		}
		when := "?"
		if at, err := time.ParseInLocation(time.DateTime, rr.SysDtm, d.qfpayZone()); err == nil {
			when = at.In(d.Terminal.Location).Format("01-02 15:04")
		}
		out = append(out, historyLine{d.t(catalog.HistoryElsewhere, when, d.kind(storage.KindRefund), amount(rr.Amount, v.Currency), where), rr.SysSN})
	}
	for _, r := range v.Reversals {
		row := d.t(catalog.HistoryRow, r.Created.In(d.Terminal.Location).Format("01-02 15:04"),
			d.kind(r.Kind), amount(r.Amount, r.Currency), d.stateWord(r))
		if r.Reason != "" || r.ReasonText != "" {
			row += " · " + d.reason(r)
		}
		out = append(out, historyLine{row, r.SysSN})
	}
	return out
}

func (s *saleScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Refund, s.keys.Cancel, s.keys.Back}
}

func (s *saleScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
