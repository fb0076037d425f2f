package report

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/paytype"
	"qfpos/qfpay/respcd"
	"qfpos/reversal"
	"qfpos/storage"
)

// ReportRow is one refund or cancel of a day. Its JSON names are a stable contract; amounts are
// minor units of Currency.
type ReportRow struct {
	ID         uint64    `json:"id"` // the journal's id; 0 for a record only QFPay has
	Time       time.Time `json:"time"`
	Kind       string    `json:"kind"`     // refund or cancel
	Endpoint   string    `json:"endpoint"` // refund, reversal or close
	State      string    `json:"state"`    // pending, sent, processing, succeeded, failed, unknown
	Amount     int64     `json:"amount"`
	Currency   string    `json:"currency"`
	PayType    string    `json:"pay_type"`
	PayMethod  string    `json:"pay_method"`
	Cashier    string    `json:"cashier"`
	Approver   string    `json:"approver"`
	Reason     string    `json:"reason"`
	ReasonText string    `json:"reason_text,omitempty"` // the cashier's words ("other" needs them)
	UDID       string    `json:"udid"`
	QFPaySysSN string    `json:"qfpay_syssn"`
	SaleSysSN  string    `json:"sale_syssn"`
	OutTradeNo string    `json:"out_trade_no"`
	RespCD     string    `json:"respcd"`
	Journaled  bool      `json:"journaled"` // false: QFPay has it, this terminal's journal does not
	Unsigned   bool      `json:"unsigned"`  // a reply from QFPay came without a valid signature
	// AfterClose: the day is closed and this operation changed after it (a state the close did not
	// record, or an operation it did not have).
	AfterClose bool `json:"after_close,omitempty"`
}

// ReasonWords is the reason as one text: the code, and the cashier's words after a colon.
func (r ReportRow) ReasonWords() string {
	if r.ReasonText == "" {
		return r.Reason
	}
	if r.Reason == "" {
		return r.ReasonText
	}
	return r.Reason + ": " + r.ReasonText
}

// Sum is a count and an amount in minor units.
type Sum struct {
	Count  int   `json:"count"`
	Amount int64 `json:"amount"`
}

// Sums splits rows by outcome.
type Sums struct {
	Refunded  Sum `json:"refunded"`  // refunds that succeeded
	Cancelled Sum `json:"cancelled"` // cancels that succeeded
	Open      Sum `json:"open"`      // still pending, processing or unknown
	Failed    Sum `json:"failed"`
}

func (s *Sums) add(r ReportRow) {
	sum := &s.Open
	switch {
	case r.State == string(storage.StateSucceeded) && r.Kind == string(storage.KindRefund):
		sum = &s.Refunded
	case r.State == string(storage.StateSucceeded):
		sum = &s.Cancelled
	case r.State == string(storage.StateFailed):
		sum = &s.Failed
	}
	sum.Count++
	sum.Amount += r.Amount
}

// Breakdown is the sums of one pay method, cashier or terminal.
type Breakdown struct {
	Key string `json:"key"`
	Sums
}

// Totals are the sums of one currency, with breakdowns.
type Totals struct {
	Currency    string      `json:"currency"`
	All         Sums        `json:"all"`
	ByPayMethod []Breakdown `json:"by_pay_method"`
	ByCashier   []Breakdown `json:"by_cashier"`
	ByTerminal  []Breakdown `json:"by_terminal"`
	ByReason    []Breakdown `json:"by_reason"`
}

// Report is a day's refunds and cancels with their totals.
type Report struct {
	Date     string `json:"date"`     // YYYY-MM-DD in the terminal's zone
	Terminal string `json:"terminal"` // this terminal's udid
	Store    bool   `json:"store"`    // the whole merchant's records from QFPay are merged in
	Notice   string `json:"notice,omitempty"`
	// unreachable is why QFPay could not be reached, when Notice says so.
	unreachable string
	// Closed is the day's close, when the day is closed.
	Closed *Closed `json:"closed,omitempty"`
	// Unsigned counts the rows whose replies from QFPay came without a valid signature.
	Unsigned int         `json:"unsigned_replies"`
	Rows     []ReportRow `json:"rows"`
	Totals   []Totals    `json:"totals"`
}

// rank puts what needs a person first: unknown, failed, then the rest.
func rank(state string) int {
	switch state {
	case string(storage.StateUnknown):
		return 0
	case string(storage.StateFailed):
		return 1
	case string(storage.StateSucceeded):
		return 3
	}
	return 2
}

// finish sorts the rows (unknown and failed first, then by time) and computes the totals.
func (rep *Report) finish() {
	rep.Unsigned = 0
	for _, r := range rep.Rows {
		if r.Unsigned {
			rep.Unsigned++
		}
	}
	slices.SortStableFunc(rep.Rows, func(a, b ReportRow) int {
		if c := cmp.Compare(rank(a.State), rank(b.State)); c != 0 {
			return c
		}
		return a.Time.Compare(b.Time)
	})
	rep.Totals = TotalsOf(rep.Rows)
}

// TotalsOf sums rows per currency, with breakdowns by pay method, cashier and terminal.
func TotalsOf(rows []ReportRow) []Totals {
	byCur := map[string]*Totals{}
	type keyed map[string]*Sums
	methods, cashiers, terminals, reasons := map[string]keyed{}, map[string]keyed{}, map[string]keyed{}, map[string]keyed{}
	for _, r := range rows {
		t := byCur[r.Currency]
		if t == nil {
			t = &Totals{Currency: r.Currency}
			byCur[r.Currency] = t
			methods[r.Currency], cashiers[r.Currency], terminals[r.Currency], reasons[r.Currency] = keyed{}, keyed{}, keyed{}, keyed{}
		}
		t.All.add(r)
		for _, kv := range []struct {
			m   keyed
			key string
		}{{methods[r.Currency], r.PayMethod}, {cashiers[r.Currency], r.Cashier}, {terminals[r.Currency], r.UDID}, {reasons[r.Currency], r.Reason}} {
			if kv.m[kv.key] == nil {
				kv.m[kv.key] = &Sums{}
			}
			kv.m[kv.key].add(r)
		}
	}
	flatten := func(m keyed) []Breakdown {
		out := make([]Breakdown, 0, len(m))
		for k, s := range m {
			out = append(out, Breakdown{Key: k, Sums: *s})
		}
		slices.SortFunc(out, func(a, b Breakdown) int { return cmp.Compare(a.Key, b.Key) })
		return out
	}
	out := make([]Totals, 0, len(byCur))
	for cur, t := range byCur {
		t.ByPayMethod, t.ByCashier, t.ByTerminal = flatten(methods[cur]), flatten(cashiers[cur]), flatten(terminals[cur])
		t.ByReason = flatten(reasons[cur])
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Totals) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

// rowOf describes a journaled reversal.
func rowOf(r storage.Reversal, payType string) ReportRow {
	return ReportRow{ID: r.ID, Time: r.Created, Kind: string(r.Kind), Endpoint: r.Endpoint, State: string(r.State),
		Amount: r.Amount, Currency: r.Currency, PayType: payType, PayMethod: paytype.Name(payType),
		Cashier: r.Cashier, Approver: r.Approver, Reason: r.Reason, ReasonText: r.ReasonText, UDID: r.UDID, QFPaySysSN: r.SysSN,
		SaleSysSN: r.SaleSysSN, OutTradeNo: r.OutTradeNo, RespCD: r.RespCD, Journaled: true, Unsigned: r.Unsigned}
}

// LocalReport is the day (in the journal's zone) that contains t, from this terminal's journal.
func LocalReport(j *storage.Journal, t time.Time, udid string) (Report, error) {
	day := t.In(j.Location())
	rs, err := j.ReversalsOn(day)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Date: day.Format("2006-01-02"), Terminal: udid, Rows: make([]ReportRow, 0, len(rs))}
	sales := make([]string, len(rs))
	for i, r := range rs {
		sales[i] = r.SaleSysSN
	}
	payTypes, err := j.PayTypes(sales) // one read of the sales, each once
	if err != nil {
		return Report{}, err
	}
	for _, r := range rs {
		rep.Rows = append(rep.Rows, rowOf(r, payTypes[r.SaleSysSN]))
	}
	rep.finish()
	return rep, nil
}

// dayWindow is [00:00:00, 23:59:59] of the day that contains t in loc.
func dayWindow(t time.Time, loc *time.Location) (time.Time, time.Time) {
	t = t.In(loc)
	start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 0, 1).Add(-time.Second)
}

// reversalRecords are QFPay's refund and cancel records with sysdtm in the day.
func reversalRecords(ctx context.Context, gw reversal.Gateway, t time.Time, loc *time.Location) ([]qfpay.Record, error) {
	start, end := dayWindow(t, loc)
	var out []qfpay.Record
	err := reversal.QueryEach(ctx, gw, qfpay.QueryRequest{Start: start, End: end}, func(rec qfpay.Record) {
		if rec.OrderType != "" && rec.OrderType != "payment" {
			out = append(out, rec)
		}
	})
	return out, err
}

// recordState maps a QFPay record's respcd to a reversal state.
func recordState(rec qfpay.Record) storage.State {
	switch respcd.Lookup(rec.RespCD, rec.ErrMsg).Class {
	case respcd.FinalOK:
		return storage.StateSucceeded
	case respcd.Pending, respcd.Unknown:
		return storage.StateProcessing
	}
	return storage.StateFailed
}

// matcher finds the QFPay record of a journaled reversal: a refund by its own out_trade_no, a
// cancel by QFPay's syssn or, failing that, by the sale it cancelled.
type matcher struct {
	byOTN, bySysSN, cancelByOrig map[string]int
}

func newMatcher(recs []qfpay.Record) matcher {
	m := matcher{byOTN: map[string]int{}, bySysSN: map[string]int{}, cancelByOrig: map[string]int{}}
	for i, rec := range recs {
		if rec.OutTradeNo != "" && rec.OrderType == "refund" {
			m.byOTN[rec.OutTradeNo] = i
		}
		m.bySysSN[rec.SysSN] = i
		if rec.OrderType != "refund" && rec.OrigSysSN != "" {
			m.cancelByOrig[rec.OrigSysSN] = i
		}
	}
	return m
}

func (m matcher) find(r storage.Reversal) (int, bool) {
	if r.Kind == storage.KindRefund {
		i, ok := m.byOTN[r.OutTradeNo]
		return i, ok
	}
	if i, ok := m.bySysSN[r.SysSN]; ok && r.SysSN != "" {
		return i, true
	}
	i, ok := m.cancelByOrig[r.SaleSysSN]
	return i, ok
}

// ZoneLabel names the terminal's zone for a reader: "Asia/Hong_Kong (UTC+08:00)", or the offset
// alone for a zone without a name.
func ZoneLabel(loc *time.Location, at time.Time) string {
	offset := "UTC" + at.In(loc).Format("-07:00")
	if name := storage.ZoneName(loc, at); !strings.HasPrefix(name, "+") && !strings.HasPrefix(name, "-") {
		return name + " (" + offset + ")"
	}
	return offset
}

// recordRow describes a record only QFPay has. QFPay's sysdtm is a wall-clock time in the
// merchant's QFPay zone (qfpayZone); the row holds the moment, in the terminal's zone (loc).
func recordRow(rec qfpay.Record, qfpayZone, loc *time.Location) ReportRow {
	kind, endpoint := string(storage.KindCancel), rec.OrderType
	if rec.OrderType == "refund" {
		kind, endpoint = string(storage.KindRefund), "refund"
	}
	t, err := time.ParseInLocation(qfpay.TxDtmLayout, rec.SysDtm, qfpayZone)
	if err != nil {
		t = time.Time{}
	} else {
		t = t.In(loc)
	}
	return ReportRow{Time: t, Kind: kind, Endpoint: endpoint, State: string(recordState(rec)), Amount: rec.Amount,
		Currency: rec.Currency, PayType: rec.PayType, PayMethod: paytype.Name(rec.PayType), UDID: rec.UDID,
		QFPaySysSN: rec.SysSN, SaleSysSN: rec.OrigSysSN, OutTradeNo: rec.OutTradeNo, RespCD: rec.RespCD}
}

// StoreReport is the day's refunds and cancels of the whole merchant: QFPay's records merged with
// this terminal's journal. If QFPay cannot be reached it returns the local report with a notice.
func StoreReport(ctx context.Context, j *storage.Journal, gw reversal.Gateway, t time.Time, udid string) (Report, error) {
	rep, err := LocalReport(j, t, udid)
	if err != nil {
		return rep, err
	}
	recs, err := reversalRecords(ctx, gw, t, j.Location())
	if err != nil {
		rep.unreachable = qfpay.Classify(nil, err).Reason
		rep.Notice = english(textUnreachable, rep.unreachable)
		return rep, nil
	}
	rep.Store = true
	m := newMatcher(recs)
	used := map[int]bool{}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		r := storage.Reversal{Kind: storage.Kind(row.Kind), OutTradeNo: row.OutTradeNo, SysSN: row.QFPaySysSN, SaleSysSN: row.SaleSysSN}
		if k, ok := m.find(r); ok {
			used[k] = true
			if row.QFPaySysSN == "" {
				row.QFPaySysSN = recs[k].SysSN
			}
		}
	}
	for i, rec := range recs {
		if !used[i] {
			rep.Rows = append(rep.Rows, recordRow(rec, j.QFPayZone(), j.Location()))
		}
	}
	rep.finish()
	return rep, nil
}

// ReportColumns is the CSV header of `qfpos report --format csv`, one row per refund or cancel.
var ReportColumns = []string{"time", "kind", "endpoint", "state", "amount", "currency", "pay_type", "pay_method",
	"cashier", "approver", "reason", "udid", "qfpay_syssn", "sale_syssn", "out_trade_no", "respcd", "journaled", "unsigned", "reason_text"}

// WriteReport writes a report as a table (amounts formatted), CSV or JSON (amounts in minor units).
func WriteReport(w io.Writer, rep Report, format string, loc *time.Location) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(ReportColumns)
		for _, r := range rep.Rows {
			esc := storage.EscapeText // text written before control characters were refused
			_ = cw.Write([]string{r.Time.In(loc).Format(time.RFC3339), r.Kind, r.Endpoint, r.State, strconv.FormatInt(r.Amount, 10),
				r.Currency, r.PayType, r.PayMethod, esc(r.Cashier), esc(r.Approver), esc(r.Reason), r.UDID, r.QFPaySysSN, r.SaleSysSN,
				r.OutTradeNo, r.RespCD, strconv.FormatBool(r.Journaled), strconv.FormatBool(r.Unsigned), esc(r.ReasonText)})
		}
		cw.Flush()
		return cw.Error()
	case "", "table":
		return writeReportTable(w, rep, loc, Lang{})
	}
	return fmt.Errorf("format %q is not table, csv or json", format)
}

// Words translates the table's words, each given by its English text (a key of the desk's message
// catalog), into the cashier's language.
type Words func(english string, args ...any) string

// Lang is the reader's language for a report's table: its words and the words in its cells. A
// nil function leaves what it would translate in English.
type Lang struct {
	T         Words
	Operation func(kindOrEndpoint string) string // refund, cancel; refund, reversal, close
	State     func(state string) string
	PayMethod func(english string) string
	Reason    func(code, words string) string
}

func (l Lang) filled() Lang {
	same := func(s string) string { return s }
	if l.T == nil {
		l.T = english
	}
	if l.Operation == nil {
		l.Operation = same
	}
	if l.State == nil {
		l.State = same
	}
	if l.PayMethod == nil {
		l.PayMethod = same
	}
	if l.Reason == nil {
		l.Reason = func(code, words string) string { return ReportRow{Reason: code, ReasonText: words}.ReasonWords() }
	}
	return l
}

// The table's words; TableTexts lists them for the catalog's test.
const (
	textTitle        = "Refunds and cancels on %s — %s"
	textTerminal     = "terminal %s"
	textStore        = "whole store (QFPay's records merged with this terminal's journal)"
	textNote         = "NOTE: %s"
	textUnreachable  = "QFPay could not be reached; showing this terminal's journal only (%s)"
	textColumns      = "time\tkind\tendpoint\tamount\tpay method\tstate\tcashier\tapprover\treason\tudid\tqfpay syssn\t"
	textNotJournaled = "%s (not in this journal)"
	textNone         = "(none)"
	textTotals       = "Totals in %s: %s"
	textByPayMethod  = "by pay method"
	textByCashier    = "by cashier"
	textByTerminal   = "by terminal"
	textByReason     = "by reason"
	textSums         = "refunded %d (%s), cancelled %d (%s), open or unknown %d (%s), failed %d (%s)"
	textUnsigned     = "%d refund(s) or cancel(s) had replies from QFPay without a valid signature; set strict_response_signature = true to trust only signed replies"
	textZone         = "times in %s"
	textPart         = "%s:"
)

// TableTexts are the English texts the table writes, for the catalog that translates them.
var TableTexts = []string{textTitle, textTerminal, textStore, textNote, textColumns, textNotJournaled, textNone,
	textTotals, textByPayMethod, textByCashier, textByTerminal, textByReason, textSums, textUnsigned, textZone, textPart, textUnreachable}

func english(s string, args ...any) string { return fmt.Sprintf(s, args...) }

// WriteReportIn is WriteReport with the table in a language, its words and its cells (JSON and
// CSV, machine outputs, stay as they are).
func WriteReportIn(w io.Writer, rep Report, format string, loc *time.Location, lang Lang) error {
	if format == "" || format == "table" {
		return writeReportTable(w, rep, loc, lang)
	}
	return WriteReport(w, rep, format, loc)
}

func writeReportTable(w io.Writer, rep Report, loc *time.Location, lang Lang) error {
	lang = lang.filled()
	t := lang.T
	scope := t(textTerminal, rep.Terminal)
	if rep.Store {
		scope = t(textStore)
	}
	fmt.Fprintln(w, t(textTitle, rep.Date, scope))
	if day, err := time.ParseInLocation(time.DateOnly, rep.Date, loc); err == nil {
		fmt.Fprintln(w, t(textZone, ZoneLabel(loc, day.Add(12*time.Hour))))
	}
	if rep.Notice != "" {
		fmt.Fprintln(w, t(textNote, rep.NoticeIn(lang)))
	}
	if rep.Unsigned > 0 {
		fmt.Fprintln(w, t(textNote, t(textUnsigned, rep.Unsigned)))
	}
	fmt.Fprintln(w)
	table := [][]string{strings.Split(strings.TrimSuffix(t(textColumns), "\t"), "\t")}
	for _, r := range rep.Rows {
		state := lang.State(r.State)
		if !r.Journaled {
			state = t(textNotJournaled, state)
		}
		tm := "-"
		if !r.Time.IsZero() {
			tm = r.Time.In(loc).Format("15:04:05")
		}
		table = append(table, []string{tm, lang.Operation(r.Kind), lang.Operation(r.Endpoint), money.TextCode(r.Amount, r.Currency),
			lang.PayMethod(r.PayMethod), state, storage.EscapeText(r.Cashier), storage.EscapeText(r.Approver),
			storage.EscapeText(lang.Reason(r.Reason, r.ReasonText)), r.UDID, r.QFPaySysSN})
	}
	for _, line := range AlignColumns(table, 2) {
		fmt.Fprintln(w, line)
	}
	if len(rep.Rows) == 0 {
		fmt.Fprintln(w, t(textNone))
	}
	for _, tot := range rep.Totals {
		fmt.Fprintf(w, "\n%s\n", t(textTotals, tot.Currency, sumsText(t, tot.All, tot.Currency)))
		for _, part := range []struct {
			title string
			rows  []Breakdown
		}{{textByPayMethod, tot.ByPayMethod}, {textByCashier, tot.ByCashier}, {textByTerminal, tot.ByTerminal}, {textByReason, tot.ByReason}} {
			fmt.Fprintf(w, "  %s\n", t(textPart, t(part.title)))
			for _, b := range part.rows {
				key := b.Key
				switch {
				case key == "":
					key = t(textNone)
				case part.title == textByPayMethod:
					key = lang.PayMethod(key)
				case part.title == textByReason:
					key = lang.Reason(key, "")
				}
				fmt.Fprintf(w, "    %s %s\n", padRight(storage.EscapeText(key), 24), sumsText(t, b.Sums, tot.Currency))
			}
		}
	}
	return nil
}

// NoticeIn is the report's notice in a language: the words of "QFPay could not be reached" in it
// (the notice of --json stays in English).
func (r Report) NoticeIn(l Lang) string {
	if r.unreachable == "" {
		return r.Notice
	}
	l = l.filled()
	return strings.Replace(r.Notice, english(textUnreachable, r.unreachable), l.T(textUnreachable, r.unreachable), 1)
}

// UnsignedNotice says that replies arrived unsigned and what a store can do about it.
func UnsignedNotice(n int) string { return english(textUnsigned, n) }

func sumsText(t Words, s Sums, cur string) string {
	return t(textSums, s.Refunded.Count, money.TextCode(s.Refunded.Amount, cur), s.Cancelled.Count, money.TextCode(s.Cancelled.Amount, cur),
		s.Open.Count, money.TextCode(s.Open.Amount, cur), s.Failed.Count, money.TextCode(s.Failed.Amount, cur))
}

// ParseDay reads --date: YYYY-MM-DD, today or yesterday, in the terminal's zone.
func ParseDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	now = now.In(loc)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "today":
		return now, nil
	case "yesterday":
		return now.AddDate(0, 0, -1), nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return t, fmt.Errorf("date %q is not YYYY-MM-DD, today or yesterday", s)
	}
	return t.Add(12 * time.Hour), nil
}

// NewReport sorts rows (unknown and failed first) and totals them.
func NewReport(date, terminal string, rows []ReportRow) Report {
	rep := Report{Date: date, Terminal: terminal, Rows: rows}
	rep.finish()
	return rep
}

// Reporter makes reports for the screens: this terminal's, or the whole store's when a gateway
// is there to ask.
type Reporter struct {
	Journal *storage.Journal
	Gateway reversal.Gateway // nil: local reports only
	UDID    string
}

// Report is the day that contains t; store merges QFPay's records of the whole merchant.
func (r Reporter) Report(ctx context.Context, t time.Time, store bool) (Report, error) {
	var rep Report
	var err error
	if store && r.Gateway != nil {
		rep, err = StoreReport(ctx, r.Journal, r.Gateway, t, r.UDID)
	} else {
		rep, err = LocalReport(r.Journal, t, r.UDID)
	}
	if err == nil {
		err = MarkClose(r.Journal, &rep)
	}
	return rep, err
}

// Closed is a day's close as a report of that day names it.
type Closed struct {
	Number uint64    `json:"number"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
}

// MarkClose names, in a report of a closed day, the close and the rows that changed after it: an
// operation whose state is not the one the close recorded, or that the close did not have.
func MarkClose(j *storage.Journal, rep *Report) error {
	dc, closed, err := j.DayClosed(rep.Date)
	if err != nil || !closed {
		return err
	}
	var then Report
	if err := json.Unmarshal(dc.Report, &then); err != nil {
		return fmt.Errorf("close #%d of %s: %w", dc.Number, dc.Day, err)
	}
	was := map[string]string{}
	for _, r := range then.Rows {
		was[r.key()] = r.State
	}
	rep.Closed = &Closed{Number: dc.Number, At: dc.ClosedAt, By: dc.ClosedBy}
	for i, r := range rep.Rows {
		state, ok := was[r.key()]
		rep.Rows[i].AfterClose = !ok || state != r.State
	}
	return nil
}

// key names a report row across reports: the journal's id, else QFPay's reference.
func (r ReportRow) key() string {
	if r.ID != 0 {
		return fmt.Sprint(r.ID)
	}
	return "qfpay:" + r.QFPaySysSN
}

// AlignColumns lays a table out in columns as wide as their widest cell, measured in cells on a
// terminal (a Chinese character is two), gap spaces apart; trailing spaces are kept so that every
// line of a column starts at the same place.
func AlignColumns(rows [][]string, gap int) []string {
	var widths []int
	cells := make([][]int, len(rows)) // each cell's width, measured once
	for i, r := range rows {
		cells[i] = make([]int, len(r))
		for j, c := range r {
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			cells[i][j] = cellWidth(c)
			widths[j] = max(widths[j], cells[i][j])
		}
	}
	out := make([]string, 0, len(rows))
	for i, r := range rows {
		var b strings.Builder
		for j, c := range r {
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", max(0, widths[j]+gap-cells[i][j])))
		}
		out = append(out, b.String())
	}
	return out
}

// cellWidth is a cell's width in terminal cells: its length when it is plain ASCII (most cells of
// a report), else as the terminal draws it (a Chinese character is two).
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == 0x1b {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// padRight pads s with spaces to a width in terminal cells.
func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-cellWidth(s)))
}
