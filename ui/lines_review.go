package ui

import (
	"context"

	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// pending says the refunds and cancels not finished yet, this terminal's and any other's in the
// journal, each with its state in words and what to do.
func (s *lineSession) pending() {
	rs, err := s.d.Journal.Unfinished()
	if err != nil {
		s.say(catalog.JournalError, err)
		return
	}
	if len(rs) == 0 {
		s.say(catalog.LinePendingNone)
		return
	}
	s.say(catalog.LinePendingTitle, len(rs))
	for i, r := range rs {
		s.say(catalog.LinePendingRow, i+1, s.d.kind(r.Kind), amount(r.Amount, r.Currency), grouped(r.SaleSysSN), s.d.sentence(r))
	}
}

// today is the manager's review in lines: the day's totals, then each refund and cancel with its
// state, cashier and reason; one chosen says its steps, and can be checked again or its slip
// printed.
func (s *lineSession) today() error {
	day := s.d.Now().In(s.d.Terminal.Location)
	ctx, cancel := context.WithTimeout(s.ctx, startTimeout)
	rep, err := s.d.Reports.Report(ctx, day, false)
	cancel()
	s.say(catalog.TitleToday, day.Format("2006-01-02"))
	if err != nil {
		s.say(catalog.JournalError, err)
		return nil
	}
	if n := rep.NoticeIn(ReportLang(s.d.Printer)); n != "" {
		s.write(n)
	}
	if len(rep.Rows) == 0 {
		s.say(catalog.TodayNone)
		return nil
	}
	for _, t := range report.TotalsOf(rep.Rows) {
		s.write(s.d.totalsLine(t))
	}
	for i, r := range rep.Rows {
		tm := "--:--:--"
		if !r.Time.IsZero() {
			tm = r.Time.In(s.d.Terminal.Location).Format("15:04:05")
		}
		line := s.d.t(catalog.LineTodayRow, i+1, tm, s.d.kind(storage.Kind(r.Kind)), amount(r.Amount, r.Currency),
			s.d.Printer.PayMethodNamed(r.PayMethod), s.d.stateText(storage.Reversal{State: storage.State(r.State)}))
		if r.Cashier != "" {
			line += s.d.t(catalog.SepGroups) + s.d.t(catalog.LineField, s.d.t(catalog.ColCashier), storage.EscapeText(r.Cashier))
		}
		if r.Approver != "" {
			line += s.d.t(catalog.SepGroups) + s.d.t(catalog.LineField, s.d.t(catalog.ColApprover), storage.EscapeText(r.Approver))
		}
		if r.Reason != "" || r.ReasonText != "" {
			line += s.d.t(catalog.SepGroups) + s.d.t(catalog.LineField, s.d.t(catalog.FieldReason), storage.EscapeText(s.d.Printer.Reason(r.Reason, r.ReasonText)))
		}
		if !r.Journaled {
			line += s.d.t(catalog.SepGroups) + s.d.t(catalog.NotJournaled)
		}
		s.write(line)
	}
	i, err := s.choose(catalog.LineChooseOp, len(rep.Rows))
	if err != nil || i == 0 {
		return err
	}
	row := rep.Rows[i-1]
	if row.ID == 0 {
		s.say(catalog.NoTimeline)
		return nil
	}
	return s.timeline(row.ID)
}

// timeline says one operation's steps, then offers a check at QFPay (while it is not finished)
// and its slip.
func (s *lineSession) timeline(id uint64) error {
	r, err := s.d.Journal.Reversal(id)
	if err != nil {
		s.say(catalog.JournalError, err)
		return nil
	}
	s.say(catalog.TimelineTitle, s.d.kind(r.Kind), amount(r.Amount, r.Currency), grouped(r.OutTradeNo))
	s.say(catalog.LineField, s.d.t(catalog.ColSysSN), grouped(r.SaleSysSN))
	s.say(catalog.LineField, s.d.t(catalog.ColState), s.d.stateText(r))
	if r.SysSN != "" {
		s.say(catalog.LineField, s.d.t(catalog.FieldRef), grouped(r.SysSN))
	}
	if r.Cashier != "" {
		s.say(catalog.LineField, s.d.t(catalog.ColCashier), r.Cashier)
	}
	if r.Approver != "" {
		s.say(catalog.LineField, s.d.t(catalog.ColApprover), r.Approver)
	}
	if r.Reason != "" || r.ReasonText != "" {
		s.say(catalog.LineField, s.d.t(catalog.FieldReason), s.d.reason(r))
	}
	s.say(catalog.LineAsk, s.d.t(catalog.EventsTitle))
	for _, e := range r.Events {
		s.write(s.d.eventLine(r, e))
	}
	if r.State == storage.StateFailed || !r.State.Finished() {
		s.write(s.d.sentence(r))
	}
	check := !r.State.Finished()
	slip := s.d.PrintSlip != nil
	var ask catalog.Key
	switch {
	case check && slip:
		ask = catalog.LineAskCheckPrint
	case check:
		ask = catalog.LineAskCheck
	case slip:
		ask = catalog.LineAskPrint
	default:
		return nil
	}
	answer, err := s.ask(false, ask)
	switch {
	case err != nil:
		return err
	case check && s.is(answer, catalog.LineWordsCheck):
		_ = s.d.Desk.Recheck(r.ID)
		s.say(catalog.LineRecheckAsked)
		s.mine[r.ID] = r // its answer is said at the next prompt
		s.said[r.ID] = sayKey(r)
	case slip && s.is(answer, catalog.LineWordsPrint):
		return s.printSlip(r)
	}
	return nil
}

// printLast prints the slip of this session's newest refund or cancel with one.
func (s *lineSession) printLast() error {
	switch {
	case s.d.PrintSlip == nil:
		s.say(catalog.LineNoPrinter)
		return nil
	case s.last.ID == 0:
		s.say(catalog.LineNothingToPrint)
		return nil
	}
	return s.printSlip(s.last)
}

// printSlip asks the slip's language and prints it.
func (s *lineSession) printSlip(r storage.Reversal) error {
	s.say(catalog.SlipOf, s.d.kind(r.Kind), amount(r.Amount, r.Currency), grouped(r.SaleSysSN))
	var lang string
	for {
		answer, err := s.ask(false, catalog.LineSlipAsk)
		if err != nil {
			return err
		}
		if s.is(answer, catalog.LineWordsBack) {
			return nil
		}
		l, ok := slipLanguages[answer]
		if answer == "" {
			l, ok = "", true
		}
		if ok {
			lang = l
			break
		}
		s.say(catalog.LineNotUnderstood, answer)
	}
	where, err := s.d.PrintSlip(r.ID, lang)
	if err != nil {
		s.write(bell + s.d.t(catalog.PrinterDown))
		return nil
	}
	s.write(s.d.printedText(printedMsg{id: r.ID, where: where}))
	return nil
}
