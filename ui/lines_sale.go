package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// maxListed is how many sales a numbered list says at most.
const maxListed = 20

// find looks a sale up as the desk's find line does (a reference or its last digits, an amount, a
// pay method) and opens it: the only match at once, else one chosen from a numbered list.
func (s *lineSession) find(query string) error {
	if strings.Trim(query, "0123456789 ") == "" { // a reference typed in groups, as it is read out
		query = strings.ReplaceAll(query, " ", "")
	}
	vs, err := findSales(s.d.Journal, query, s.d.Terminal.Currency, s.d.Terminal.RecentDays, s.d.Printer)
	if err != nil {
		s.say(catalog.JournalError, err)
		return nil
	}
	if len(vs) == 0 {
		s.say(catalog.NoMatch, query)
		return nil
	}
	for _, v := range vs { // a scanned reference names one sale
		if v.SysSN == query || v.OutTradeNo == query {
			return s.openSale(v.SysSN)
		}
	}
	if len(vs) == 1 {
		s.say(catalog.LineOneMatch)
		return s.openSale(vs[0].SysSN)
	}
	return s.pick(vs)
}

// recent lists the newest sales to choose from.
func (s *lineSession) recent() error {
	page, err := s.d.Journal.RecentSales(storage.Cursor{}, maxListed, s.d.Terminal.RecentDays)
	if err != nil {
		s.say(catalog.JournalError, err)
		return nil
	}
	if len(page.Sales) == 0 {
		s.say(catalog.NoSales, s.d.Terminal.RecentDays)
		return nil
	}
	return s.pick(page.Sales)
}

// pick says sales as a numbered list and opens the one chosen.
func (s *lineSession) pick(vs []storage.SaleView) error {
	if len(vs) > maxListed {
		s.say(catalog.LineMatchesMore, len(vs), maxListed)
		vs = vs[:maxListed]
	} else {
		s.say(catalog.LineMatches, len(vs))
	}
	for i, v := range vs {
		s.say(catalog.LineSaleRow, i+1, v.Time.In(s.d.Terminal.Location).Format("01-02 15:04"), amount(v.Amount, v.Currency),
			s.d.pay(v.PayType), s.d.saleStatus(v), grouped(v.SysSN[max(len(v.SysSN)-8, 0):]))
	}
	i, err := s.choose(catalog.LineChooseSale, len(vs))
	if err != nil || i == 0 {
		return err
	}
	return s.openSale(vs[i-1].SysSN)
}

// openSale says a sale's details, what can be done with it and why, and its refunds and cancels,
// then asks what to do.
func (s *lineSession) openSale(syssn string) error {
	v, ok, err := s.d.Journal.Sale(syssn)
	switch {
	case err != nil:
		s.say(catalog.JournalError, err)
		return nil
	case !ok:
		s.say(catalog.NoMatch, syssn)
		return nil
	}
	s.say(catalog.TitleSale, grouped(v.SysSN))
	for _, f := range s.d.saleFields(v) {
		value := f.value
		if f.label == catalog.ColOrder {
			value = grouped(value)
		}
		s.say(catalog.LineField, s.d.t(f.label), value)
	}
	actions := s.d.actionsFor(v)
	for _, l := range actions.lines {
		s.write(l)
	}
	s.say(catalog.LineAsk, s.d.t(catalog.History))
	history := s.d.saleHistory(v)
	if len(history) == 0 {
		s.say(catalog.HistoryNone)
	}
	for _, h := range history {
		line := h.line
		if h.ref != "" {
			line += " · " + s.d.t(catalog.StatusRef, grouped(h.ref))
		}
		s.write(line)
	}
	var ask catalog.Key
	switch {
	case actions.refund && actions.cancel:
		ask = catalog.LineAskRefundCancel
	case actions.refund:
		ask = catalog.LineAskRefund
	case actions.cancel:
		ask = catalog.LineAskCancel
	default:
		return nil
	}
	for {
		answer, err := s.ask(false, ask)
		if err != nil {
			return err
		}
		switch {
		case answer == "" || s.is(answer, catalog.LineWordsBack):
			return nil
		case actions.refund && s.is(answer, catalog.LineWordsRefund):
			return s.refund(v)
		case actions.cancel && s.is(answer, catalog.LineWordsCancel):
			return s.cancel(v)
		}
		s.say(catalog.LineNotUnderstood, answer)
	}
}

// refund asks for the amount and the reason, says exactly what will be sent, and sends it when the
// cashier says so. What QFPay's records say of the sale (refunds at other tills) is read first.
func (s *lineSession) refund(v storage.SaleView) error {
	s.say(catalog.CheckingQFPay)
	ctx, cancel := context.WithTimeout(s.ctx, readTimeout)
	fresh, err := s.d.Desk.Refresh(ctx, v.SysSN)
	cancel()
	s.write(s.d.checkedAtQFPay(fresh, err))
	if err == nil {
		v = fresh
	}
	possible := s.d.Desk.Rules().For(v)
	if !possible.Refund {
		for _, l := range s.d.actionsFor(v).lines {
			s.write(l)
		}
		return nil
	}
	cur, err := money.Lookup(v.Currency)
	if err != nil {
		cur = s.d.Terminal.Currency
	}
	minor := possible.Default(v)
	if possible.FullOnly {
		s.say(catalog.CardToday)
		s.say(catalog.LineField, s.d.t(catalog.ColAmount), amount(minor, v.Currency))
	} else {
		def := money.Format(minor, cur)
		for {
			answer, err := s.ask(false, catalog.LineAmountAsk, cur.Code, amount(possible.Left, v.Currency), def)
			if err != nil {
				return err
			}
			if s.is(answer, catalog.LineWordsBack) {
				return nil
			}
			if answer == "" {
				answer = def
			}
			m, problem := s.d.checkAmount(v, possible, cur, answer)
			if problem == "" {
				minor = m
				break
			}
			s.write(problem)
		}
	}
	if cur.Exponent == 2 && minor <= 200 {
		s.say(catalog.SmallAmount, amount(200, cur.Code))
	}
	code, words, err := s.reason()
	if err != nil || code == "" {
		return err
	}
	req := reversal.Request{Kind: storage.KindRefund, SaleSysSN: v.SysSN, Amount: minor, Reason: code, ReasonText: words,
		Cashier: s.d.Terminal.Cashier, Session: s.d.session}
	s.say(catalog.TitleConfirmRefund)
	s.say(catalog.LineField, s.d.t(catalog.ColSysSN), grouped(v.SysSN))
	s.say(catalog.LineField, s.d.t(catalog.ColPaidWith), s.d.Printer.Join([]string{s.d.pay(v.PayType), amount(v.Amount, v.Currency)}))
	s.say(catalog.LineField, s.d.t(catalog.ColAmount), amount(minor, v.Currency))
	s.say(catalog.LineField, s.d.t(catalog.FieldTerminal), s.d.Terminal.UDID)
	s.say(catalog.LineField, s.d.t(catalog.FieldReason), s.d.Printer.Reason(code, words))
	if ok, err := s.confirm(); err != nil || !ok {
		return err
	}
	return s.start(req, v.Currency)
}

// reason asks for one of the store's reasons by its number, or the cashier's own words (the
// store's "other"); code is "" when the cashier went back.
func (s *lineSession) reason() (code, words string, err error) {
	codes, reasons := s.d.reasonCodes(), presetReasons(s.d)
	var items []string
	for i, r := range reasons {
		items = append(items, s.d.t(catalog.LineNumbered, i+1, r))
	}
	s.say(catalog.LineReasons, s.d.Printer.Join(items))
	for {
		answer, err := s.ask(false, catalog.LineReasonAsk)
		if err != nil {
			return "", "", err
		}
		if s.is(answer, catalog.LineWordsBack) {
			return "", "", nil
		}
		given := answer
		for i, r := range reasons {
			if answer == strconv.Itoa(i+1) {
				given = r
			}
		}
		code, words, wrong := s.d.chooseReason(codes, reasons, given)
		if wrong == "" {
			return code, words, nil
		}
		s.write(wrong)
	}
}

// confirm asks whether to send; only a yes sends.
func (s *lineSession) confirm() (bool, error) {
	for {
		answer, err := s.ask(false, catalog.LineSendAsk)
		if err != nil {
			return false, err
		}
		switch {
		case s.is(answer, catalog.LineWordsYes):
			return true, nil
		case answer == "" || s.is(answer, catalog.LineWordsNo) || s.is(answer, catalog.LineWordsBack):
			s.say(catalog.LineNotSent)
			return false, nil
		}
		s.say(catalog.LineNotUnderstood, answer)
	}
}

// cancel says which endpoint cancels the sale and why, and sends it when the cashier says so.
func (s *lineSession) cancel(v storage.SaleView) error {
	s.say(catalog.TitleCancel, grouped(v.SysSN))
	s.say(catalog.LineField, s.d.t(catalog.ColPaidWith), s.d.pay(v.PayType)+" ("+v.PayType+")")
	s.say(catalog.LineField, s.d.t(catalog.ColAmount), amount(v.Amount, v.Currency))
	s.say(catalog.LineField, s.d.t(catalog.FieldTerminal), s.d.Terminal.UDID)
	s.write(s.d.cancelHow(v))
	s.say(catalog.NothingCharged)
	if ok, err := s.confirm(); err != nil || !ok {
		return err
	}
	return s.start(reversal.Request{Kind: storage.KindCancel, SaleSysSN: v.SysSN, Cashier: s.d.Terminal.Cashier, Session: s.d.session}, v.Currency)
}

// start sends a refund or cancel (the lifecycle journals it first), with a manager's approval when
// a limit asks for one, and follows it until its outcome is final or parked as unknown.
func (s *lineSession) start(req reversal.Request, currency string) error {
	for {
		ctx, cancel := context.WithTimeout(s.ctx, startTimeout)
		r, err := s.d.Desk.Start(ctx, req)
		cancel()
		var ae *reversal.ApprovalError
		switch {
		case errors.As(err, &ae) && s.d.staffed && s.d.Staff != nil:
			if ae.Refused != nil && req.Approval != nil {
				s.write(bell + s.d.staffProblem(ae.Refused))
			} else {
				s.write(bell + s.d.t(catalog.LineApproval, s.d.Printer.Rule(ae.Rule)))
			}
			cred, err := s.approval()
			if err != nil || cred == nil {
				if err == nil {
					s.say(catalog.LineNotSent)
				}
				return err
			}
			req.Approval = cred
			continue
		case err != nil:
			s.write(bell + s.d.startError(err, currency))
			return nil
		}
		s.say(catalog.Started, s.d.kind(r.Kind), amount(r.Amount, r.Currency))
		return s.follow(r)
	}
}

// approval asks for the manager's id and PIN; nil when the cashier goes back.
func (s *lineSession) approval() (*storage.Credential, error) {
	id, err := s.ask(false, catalog.LineAsk, s.d.t(catalog.LineManagerID))
	if err != nil || id == "" || s.is(id, catalog.LineWordsBack) {
		return nil, err
	}
	pin, err := s.ask(true, catalog.LineAsk, s.d.t(catalog.SignInPIN))
	if err != nil {
		return nil, err
	}
	return &storage.Credential{ID: id, PIN: pin}, nil
}

// follow says each change of an operation's state, in the order the lifecycle made them, until it
// is final or parked as unknown (then its later changes are said when the cashier is at a prompt).
func (s *lineSession) follow(r storage.Reversal) error {
	s.mine[r.ID] = r
	if s.updates == nil { // the lifecycle has stopped: say what Start returned
		s.progress(r)
		return nil
	}
	seen := false
	// step says an update; it reports whether the operation followed is final or parked.
	step := func(u reversal.Update) bool {
		if !s.track(u) && u.Reversal.ID != r.ID {
			return false
		}
		if _, ok := s.mine[u.Reversal.ID]; ok {
			s.progress(u.Reversal)
		}
		if u.Reversal.ID != r.ID {
			return false
		}
		seen = true
		return u.Reversal.State.Finished() || u.Reversal.State == storage.StateUnknown
	}
	for { // what the lifecycle said while Start ran
		select {
		case u, ok := <-s.updates:
			if !ok {
				s.progress(r)
				return nil
			}
			if step(u) {
				return nil
			}
			continue
		default:
		}
		break
	}
	if !seen && (r.State.Finished() || r.State == storage.StateUnknown) {
		s.progress(r)
		return nil
	}
	for {
		select {
		case u, ok := <-s.updates:
			if !ok {
				return nil
			}
			if step(u) {
				return nil
			}
		case <-s.ctx.Done():
			return errQuit
		}
	}
}
