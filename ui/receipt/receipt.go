// Package receipt makes the slip a customer takes away after a refund or a cancel: QFPay's
// reference to show their bank or wallet, as text at 32 or 48 columns (58 and 80 mm paper) in
// the customer's language, or as ESC/POS bytes for a receipt printer (package escpos).
package receipt

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"qfpos/qfpay/money"
	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt/escpos"
)

// Widths of the paper rolls: 58 mm and 80 mm.
const (
	Narrow = 32
	Wide   = 48
)

// Shop is the header of every slip ([receipt] config).
type Shop struct{ Name, Address string }

// Slip is one refund's or cancel's slip.
type Slip struct {
	Shop Shop
	// UDID and Loc are the printing terminal's: used only for an operation journaled without
	// its own (before qfpos kept them), as the slip shows the terminal and zone that made it.
	UDID  string
	Op    storage.Reversal // as journaled now
	Sale  storage.SaleView
	Loc   *time.Location
	Words *catalog.Printer
	// Audit is the operation's latest audit event, as a short code ("3f9a12bc #1234"), if any.
	Audit string
}

// title says what the slip is: a refund or a cancel only when it succeeded; an unknown outcome
// is never called a refund.
func (s Slip) title() string {
	t := s.Words.T
	switch {
	case s.Op.State == storage.StateSucceeded && s.Op.Kind == storage.KindCancel:
		return t(catalog.SlipCancelled)
	case s.Op.State == storage.StateSucceeded:
		return t(catalog.SlipRefunded)
	case s.Op.State == storage.StateFailed:
		return t(catalog.SlipFailed)
	}
	return t(catalog.WordUnknown)
}

// Lines are the slip's lines at a width, none wider (measured in cells: a Chinese character is
// two).
func (s Slip) Lines(width int) []string {
	t := s.Words.T
	var out []string
	center := func(text string) {
		for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
			out = append(out, strings.Repeat(" ", max(0, (width-ansi.StringWidth(l))/2))+l)
		}
	}
	if s.Shop.Name != "" {
		center(storage.EscapeText(s.Shop.Name))
	}
	if s.Shop.Address != "" {
		center(storage.EscapeText(s.Shop.Address))
	}
	out = append(out, strings.Repeat("=", width))
	center(s.title())
	out = append(out, strings.Repeat("-", width))
	op, v := s.Op, s.Sale
	at := op.Finished
	if at.IsZero() {
		at = op.Updated
	}
	loc, ok := storage.ZoneOf(op.Zone)
	if !ok {
		loc = s.Loc
	}
	udid := op.UDID
	if udid == "" {
		udid = s.UDID
	}
	fields := [][2]string{
		{t(catalog.ColTime), at.In(loc).Format("2006-01-02 15:04:05 -07:00")},
		{t(catalog.FieldTerminal), udid},
		{t(catalog.ColCashier), op.Cashier},
		{t(catalog.ColApprover), op.Approver},
		{t(catalog.ColAmount), money.TextCode(op.Amount, op.Currency)},
		{t(catalog.ColPaidWith), s.Words.PayMethod(v.PayType)},
		{t(catalog.ColSysSN), v.SysSN},
		{t(catalog.ColOrder), v.OutTradeNo},
		{t(catalog.FieldRef), op.SysSN},
		{t(catalog.FieldReason), s.Words.Reason(op.Reason, op.ReasonText)},
		{t(catalog.SlipAudit), s.Audit},
	}
	if op.Kind == storage.KindRefund && op.State == storage.StateSucceeded {
		fields = append(fields, [2]string{t(catalog.FieldLeft), money.TextCode(v.Remaining(), v.Currency)})
	}
	for _, f := range fields {
		if f[1] == "" {
			continue
		}
		f[1] = storage.EscapeText(f[1]) // a control character must never reach the printer
		label := f[0] + ":"
		if ansi.StringWidth(label)+1+ansi.StringWidth(f[1]) <= width {
			out = append(out, label+strings.Repeat(" ", width-ansi.StringWidth(label)-ansi.StringWidth(f[1]))+f[1])
			continue
		}
		out = append(out, label) // a long value goes under its label, wrapped
		out = append(out, strings.Split(ansi.Wrap(f[1], width-2, ""), "\n")...)
	}
	out = append(out, strings.Repeat("-", width))
	if op.State == storage.StateFailed {
		exp, next := s.Words.Code(op.Operation(), op.RespCD, op.RespErr)
		out = append(out, strings.Split(ansi.Wrap(exp+" "+next, width, ""), "\n")...)
	} else if !op.State.Finished() {
		out = append(out, strings.Split(ansi.Wrap(t(catalog.UnknownFor(string(op.Kind))), width, ""), "\n")...)
	}
	return out
}

// Text is the slip as text.
func (s Slip) Text(width int) string { return strings.Join(s.Lines(width), "\n") + "\n" }

// ESCPOS is the slip for a receipt printer: the title in double height, QFPay's reference also
// as a QR code when qr is set, then a cut. It also returns the characters the printer's encoding
// lacks, which are printed as stand-ins (escpos.Builder.Line).
func (s Slip) ESCPOS(width int, enc escpos.Encoding, qr bool) ([]byte, []rune) {
	b := escpos.New(enc)
	title := s.title()
	for _, l := range s.Lines(width) {
		if strings.TrimSpace(l) == title {
			b.Align(escpos.Center).DoubleHeight(true).Line(title).DoubleHeight(false).Align(escpos.Left)
			continue
		}
		b.Line(l)
	}
	if qr && s.Op.SysSN != "" {
		b.Align(escpos.Center).QR(s.Op.SysSN).Align(escpos.Left)
	}
	return b.Bytes(), b.Replaced()
}
