package ui

import (
	"errors"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// refundScreen is the refund form: amount (prefilled with what is left, checked as you type),
// a reason, then a confirmation of exactly what will be sent.
type refundScreen struct {
	approval     *signinScreen // a manager approves a refund over a limit
	approvalRule string
	d            *Deps
	keys         formKeys
	view         storage.SaleView
	currency     money.Currency
	amount       textinput.Model
	reason       textinput.Model // a reason's words as shown (←/→ fill in the store's), or the cashier's own
	codes        []string        // the store's reason codes
	reasons      []string        // their words, in the same order
	reasonIdx    int             // the one ←/→ last showed (-1: none yet)
	reasonWrong  string          // why Continue did not go on: no reason, or "other" without words
	focus        int             // 0 amount, 1 reason
	confirming   bool
	minor        int64
	problem      string            // why the amount cannot be sent, "" when it can
	notice       string            // a refusal from the desk
	checked      string            // what reading the sale at QFPay found ("" while it runs)
	possible     reversal.Possible // what the desk's rules allow for the sale
	edited       bool              // the cashier changed the amount
	width        int
	height       int
}

func newRefundScreen(d *Deps) *refundScreen {
	s := &refundScreen{d: d, keys: newFormKeys(d.t), width: 80, height: 16}
	s.codes, s.reasons = d.reasonCodes(), presetReasons(d)
	s.amount = textinput.New()
	s.amount.Prompt = ""
	s.amount.CharLimit = 20
	s.reason = textinput.New()
	s.reason.Prompt = ""
	s.reason.CharLimit = 120
	s.amount.Cursor.SetMode(cursor.CursorStatic)
	s.reason.Cursor.SetMode(cursor.CursorStatic)
	return s
}

// open prepares the form for a sale and reads the sale at QFPay, so that refunds made at other
// tills count in the default and the limit.
func (s *refundScreen) open(v storage.SaleView) tea.Cmd {
	s.view, s.confirming, s.notice, s.reasonIdx, s.reasonWrong = v, false, "", -1, ""
	s.checked, s.edited = "", false
	s.codes, s.reasons = s.d.reasonCodes(), presetReasons(s.d) // the language may have changed
	c, err := money.Lookup(v.Currency)
	if err != nil {
		c = s.d.Terminal.Currency
	}
	s.currency = c
	s.setDefault()
	s.reason.SetValue("") // a reason is the cashier's choice: none is chosen for them
	s.validate()
	focus := s.setFocus(0)
	s.refreshKeys()
	return tea.Batch(focus, refreshSale(s.d.Desk, v.SysSN))
}

// setFocus moves the focus to the amount (0) or the reason (1). A card sale refunded on its own
// day must be refunded in full: its amount takes no edits, so the focus stays on the reason.
func (s *refundScreen) setFocus(f int) tea.Cmd {
	if s.possible.FullOnly {
		f = 1
	}
	s.focus = f
	if f == 0 {
		s.reason.Blur()
		return s.amount.Focus()
	}
	s.amount.Blur()
	return s.reason.Focus()
}

// setDefault fills the amount with what the rules start a refund with.
func (s *refundScreen) setDefault() {
	s.possible = s.d.Desk.Rules().For(s.view)
	s.amount.SetValue(money.Format(s.possible.Default(s.view), s.currency))
	s.amount.CursorEnd()
}

// refreshed takes what QFPay's records say of the sale: the limit (and, if the cashier has not
// typed, the default) follow the true remaining amount; if QFPay could not be reached the form
// says the limit is this terminal's figure.
func (s *refundScreen) refreshed(m refreshedMsg) {
	if m.syssn != s.view.SysSN {
		return
	}
	s.checked = s.d.checkedAtQFPay(m.view, m.err)
	if m.err == nil {
		s.view, s.possible = m.view, s.d.Desk.Rules().For(m.view)
		if !s.edited {
			s.setDefault()
		}
	}
	s.validate()
	s.refreshKeys()
}

// checkedAtQFPay says what reading a sale at QFPay found (Desk.Refresh's view and error): the
// refunds made at other tills, none, or that the limit is this terminal's figure.
func (d *Deps) checkedAtQFPay(v storage.SaleView, err error) string {
	switch {
	case err != nil && !errors.Is(err, reversal.ErrNotAtQFPay):
		return d.t(catalog.LocalFigure)
	case err == nil && v.Elsewhere > 0:
		return d.t(catalog.CheckedQFPay, amount(v.Elsewhere, v.Currency))
	}
	return d.t(catalog.CheckedNothing)
}

func (s *refundScreen) Typing() bool { return !s.confirming || s.approval != nil }

// askApproval turns the confirmation into a manager's approval: their id and PIN.
func (s *refundScreen) askApproval(rule string) {
	f := newSigninScreen(s.d)
	f.title = catalog.ApprovalTitle
	f.submit = func(id, pin string) tea.Cmd {
		req := s.request() // the lifecycle checks the manager's id and PIN itself
		req.Approval = &storage.Credential{ID: id, PIN: pin}
		return msgCmd(startMsg{req: req, currency: s.view.Currency})
	}
	f.SetSize(s.width, s.height)
	s.approval, s.approvalRule = f, rule
}
func (s *refundScreen) SetSize(w, h int) { s.width, s.height = w, h }

// validate checks the amount as typed (checkAmount).
func (s *refundScreen) validate() {
	s.minor, s.problem = s.d.checkAmount(s.view, s.possible, s.currency, s.amount.Value())
}

// checkAmount checks an amount as typed for a refund of v: its format and the currency's exponent
// (saying why, in the command line's words), then the desk's rules (more than zero, within what is
// left, the whole sale for a card sale of today). problem is "" when it can be sent.
func (d *Deps) checkAmount(v storage.SaleView, p reversal.Possible, cur money.Currency, text string) (minor int64, problem string) {
	minor, err := money.Parse(text, cur)
	if err != nil {
		return minor, d.t(catalog.BadAmount, err, money.Example(cur))
	}
	var re *storage.RuleError
	switch err := p.CheckRefund(v, minor); {
	case err == nil:
		return minor, ""
	case errors.Is(err, reversal.ErrNotPositive):
		return minor, d.t(catalog.NotPositive)
	case errors.Is(err, reversal.ErrFullAmountToday):
		return minor, d.t(catalog.FullOnly, amount(v.Amount, v.Currency))
	case errors.As(err, &re):
		return minor, d.t(catalog.TooMuch, amount(re.Remaining, v.Currency))
	default:
		return minor, d.startError(err, v.Currency)
	}
}

func (s *refundScreen) refreshKeys() {
	s.keys.Continue.SetEnabled(!s.confirming && s.problem == "")
	s.keys.Send.SetEnabled(s.confirming)
	s.keys.NextField.SetEnabled(!s.confirming && !s.possible.FullOnly)
	s.keys.PrevField.SetEnabled(!s.confirming && !s.possible.FullOnly)
	s.keys.ReasonPrev.SetEnabled(!s.confirming && s.focus == 1)
	s.keys.ReasonNext.SetEnabled(!s.confirming && s.focus == 1)
}

func (s *refundScreen) Update(msg tea.Msg) tea.Cmd {
	defer s.refreshKeys()
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if s.approval != nil {
		if k.Type == tea.KeyEsc {
			s.approval = nil // back to the confirmation
			return nil
		}
		return s.approval.Update(k)
	}
	if s.confirming {
		switch {
		case key.Matches(k, s.keys.Send):
			return msgCmd(startMsg{req: s.request(), currency: s.view.Currency})
		case key.Matches(k, s.keys.Back):
			s.confirming = false
		}
		return nil
	}
	switch {
	case key.Matches(k, s.keys.Back):
		return msgCmd(backMsg{})
	case key.Matches(k, s.keys.Continue):
		if s.problem != "" {
			return nil
		}
		if _, _, wrong := s.chosenReason(); wrong != "" {
			s.reasonWrong = wrong
			return s.setFocus(1)
		}
		s.confirming, s.notice = true, ""
		return nil
	case key.Matches(k, s.keys.NextField, s.keys.PrevField):
		return s.setFocus(1 - s.focus)
	case s.focus == 1 && key.Matches(k, s.keys.ReasonPrev, s.keys.ReasonNext) && s.presetReason():
		switch {
		case s.reasonIdx < 0 && key.Matches(k, s.keys.ReasonPrev):
			s.reasonIdx = len(s.reasons) - 1
		case key.Matches(k, s.keys.ReasonPrev):
			s.reasonIdx = (s.reasonIdx + len(s.reasons) - 1) % len(s.reasons)
		default:
			s.reasonIdx = (s.reasonIdx + 1) % len(s.reasons)
		}
		s.reason.SetValue(s.reasons[s.reasonIdx])
		s.reason.CursorEnd()
		s.reasonWrong = ""
		return nil
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		before := s.amount.Value()
		s.amount, cmd = s.amount.Update(k)
		s.edited = s.edited || s.amount.Value() != before
		s.validate()
		return cmd
	}
	if k.Type == tea.KeyRunes && s.presetReason() {
		s.reason.SetValue("") // typing a reason of one's own replaces the preset
	}
	s.reason, cmd = s.reason.Update(k)
	s.reasonWrong = ""
	return cmd
}

// chosenReason is the store's code and the cashier's words for what the reason field holds
// (chooseReason).
func (s *refundScreen) chosenReason() (code, words, wrong string) {
	return s.d.chooseReason(s.codes, s.reasons, s.reason.Value())
}

// chooseReason is the store's code and the cashier's words for a reason as given: one of the
// store's reasons in the cashier's words (reasons, in the order of codes), or words of the
// cashier's own (the store's "other"). wrong says what to do when it is neither: choose one, or
// type words for "other".
func (d *Deps) chooseReason(codes, reasons []string, given string) (code, words, wrong string) {
	v := strings.TrimSpace(given)
	other := slices.IndexFunc(codes, func(c string) bool { return strings.EqualFold(c, reversal.ReasonOther) })
	switch i := slices.Index(reasons, v); {
	case v == "":
		return "", "", d.t(catalog.ReasonNeeded)
	case i >= 0 && i == other:
		return "", "", d.t(catalog.ReasonWords)
	case i >= 0:
		return codes[i], "", ""
	case other < 0:
		return "", "", d.t(catalog.ReasonNotListed)
	}
	return codes[other], v, ""
}

// presetReason reports whether the reason field holds one of the presets (then ←/→ cycle).
func (s *refundScreen) presetReason() bool {
	return s.reason.Value() == "" || slices.Contains(s.reasons, s.reason.Value())
}

// reasonText is the chosen reason in the cashier's words.
func (s *refundScreen) reasonText() string {
	code, words, _ := s.chosenReason()
	return s.d.Printer.Reason(code, words)
}

func (s *refundScreen) request() reversal.Request {
	code, words, _ := s.chosenReason()
	return reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.view.SysSN, Amount: s.minor,
		Reason: code, ReasonText: words, Cashier: s.d.Terminal.Cashier, Session: s.d.session}
}

func (s *refundScreen) View() string {
	t, st := s.d.t, s.d.Styles
	v := s.view
	field := func(label catalog.Key, value string) string { return st.Label.Render(t(label)) + " " + value }
	// The focused field is marked with the cursor glyph, whatever the colours.
	focused := func(label catalog.Key, on bool, value string) string {
		if on {
			return st.Label.Render(cursorGlyph+" "+t(label)) + " " + value
		}
		return field(label, value)
	}
	hint := func(text string) string { return st.Label.Render("") + " " + text }
	var lines []string
	if s.approval != nil {
		return st.Warn.Render(wrap(t(catalog.ApprovalNeeded, s.d.Printer.Rule(s.approvalRule)), s.width)) + "\n\n" + s.approval.View()
	}
	if s.confirming {
		lines = []string{
			st.Title.Render(t(catalog.TitleConfirmRefund)),
			field(catalog.ColSysSN, v.SysSN),
			field(catalog.ColPaidWith, s.d.pay(v.PayType)+" · "+amount(v.Amount, v.Currency)),
			field(catalog.ColAmount, st.Header.Render(amount(s.minor, v.Currency))),
			field(catalog.FieldTerminal, s.d.Terminal.UDID),
			field(catalog.FieldReason, s.reasonText()),
		}
		if small := s.smallHint(); small != "" {
			lines = append(lines, st.Warn.Render(small))
		}
		lines = append(lines, "", st.Warn.Render(t(catalog.ConfirmSend)))
	} else {
		lines = []string{
			st.Title.Render(t(catalog.TitleRefund, v.SysSN)),
			field(catalog.ColPaidWith, s.d.pay(v.PayType)+" · "+amount(v.Amount, v.Currency)),
			field(catalog.FieldLeft, amount(v.Remaining(), v.Currency)),
			"",
		}
		amountText := s.amount.View() + " " + v.Currency
		if s.possible.FullOnly {
			amountText = s.amount.Value() + " " + v.Currency
		}
		lines = append(lines, focused(catalog.ColAmount, s.focus == 0, amountText))
		switch {
		case s.possible.FullOnly:
			lines = append(lines, hint(st.Warn.Render(t(catalog.CardToday))))
		case s.problem != "":
			lines = append(lines, hint(st.Bad.Render("✗ "+s.problem)))
		default:
			lines = append(lines, hint(st.Muted.Render(t(catalog.AmountHint, v.Currency, amount(v.Remaining(), v.Currency)))))
			if small := s.smallHint(); small != "" {
				lines = append(lines, hint(st.Warn.Render(small)))
			}
		}
		checked := s.checked
		if checked == "" {
			checked = t(catalog.CheckingQFPay)
		}
		lines = append(lines, hint(st.Muted.Render(checked)), focused(catalog.FieldReason, s.focus == 1, s.reason.View()))
		if s.reasonWrong != "" {
			lines = append(lines, hint(st.Bad.Render("✗ "+s.reasonWrong)))
		} else {
			lines = append(lines, hint(st.Muted.Render(t(catalog.ReasonHint))))
		}
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

// smallHint warns when the amount is 2.00 or less in a 2-decimal currency: QFPay's pages advise
// amounts above 200 minor units so that its risk control does not stop them.
func (s *refundScreen) smallHint() string {
	if s.problem != "" || s.currency.Exponent != 2 || s.minor > 200 {
		return ""
	}
	return s.d.t(catalog.SmallAmount, amount(200, s.currency.Code))
}

func (s *refundScreen) ShortHelp() []key.Binding {
	if s.confirming {
		return []key.Binding{s.keys.Send, s.keys.Back}
	}
	return []key.Binding{s.keys.Continue, s.keys.NextField, s.keys.ReasonPrev, s.keys.Back}
}

func (s *refundScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
