package ui

import (
	"context"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/text/width"

	"qfpos/qfpay/money"
	"qfpos/qfpay/paytype"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// Results of async work, each routed to its owner whatever screen is showing.
type (
	salesMsg struct {
		tag    int
		sales  []storage.SaleView
		next   storage.Cursor
		append bool
		err    error
	}
	saleMsg struct {
		view storage.SaleView
		ok   bool
		err  error
	}
	startedMsg struct {
		r        storage.Reversal
		err      error
		currency string
	}
	updateMsg        reversal.Update
	updatesClosedMsg struct{}
	unfinishedMsg    struct {
		rs  []storage.Reversal
		err error
	}
	syncedMsg struct {
		res report.SyncResult
		err error
	}
	refreshedMsg struct {
		syssn string
		view  storage.SaleView
		err   error
	}
	tickMsg time.Time
	spinMsg struct{}
	// journalChangedMsg: something was written to the journal since the desk last looked.
	journalChangedMsg struct{ version uint64 }
	// auditMsg is the check of the audit trail's tail at start.
	auditMsg struct{ res storage.AuditResult }
)

// checkAudit verifies the tail of the audit trail.
func checkAudit(a Auditor) tea.Cmd {
	return func() tea.Msg {
		res, err := a.VerifyAuditTail(auditTail)
		if err != nil && res.OK() {
			res.BrokenAt, res.Problem = res.Events+1, err.Error()
		}
		return auditMsg{res: res}
	}
}

// checkJournal reports a journal written since version (nothing when it was not).
func checkJournal(j Journal, version uint64) tea.Cmd {
	return func() tea.Msg {
		if v := j.Version(); v != version {
			return journalChangedMsg{version: v}
		}
		return nil
	}
}

// Navigation asked for by screens.
type (
	openSaleMsg   struct{ syssn string }
	openRefundMsg struct{ view storage.SaleView }
	openCancelMsg struct{ view storage.SaleView }
	openTodayMsg  struct{}
	backMsg       struct{}
	startMsg      struct {
		req      reversal.Request
		currency string
	}
)

func msgCmd(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }

// loadRecent reads a page of recent sales.
func loadRecent(j Journal, tag int, after storage.Cursor, days int, appendPage bool) tea.Cmd {
	return func() tea.Msg {
		page, err := j.RecentSales(after, pageSize, days)
		return salesMsg{tag: tag, sales: page.Sales, next: page.Next, append: appendPage, err: err}
	}
}

// maxPayMethodResults bounds a search by pay method (the newest that many).
const maxPayMethodResults = 200

// searchSales finds sales within the recent window for what the cashier typed: an amount and/or
// trailing digits (and a sale of any age by its whole syssn or out_trade_no), or (with letters) a
// pay method, by its English name, its code or its name in the cashier's language (微信).
func searchSales(j Journal, tag int, query string, cur money.Currency, days int, words *catalog.Printer) tea.Cmd {
	return func() tea.Msg {
		vs, err := findSales(j, query, cur, days, words)
		return salesMsg{tag: tag, sales: vs, err: err}
	}
}

// findSales is searchSales's search: by pay method when the query has letters, else by amount
// and/or trailing digits.
func findSales(j Journal, query string, cur money.Currency, days int, words *catalog.Printer) ([]storage.SaleView, error) {
	q := strings.TrimSpace(width.Narrow.String(query)) // full-width digits, as an IME types them
	if strings.IndexFunc(q, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != ',' }) >= 0 {
		lower := strings.ToLower(q)
		return j.SalesByPayType(func(pt string) bool {
			return strings.Contains(strings.ToLower(paytype.Name(pt)), lower) || strings.HasPrefix(pt, q) ||
				strings.Contains(strings.ToLower(words.PayMethod(pt)), lower)
		}, days, maxPayMethodResults)
	}
	var amount int64
	if minor, err := money.Parse(q, cur); err == nil && minor > 0 {
		amount = minor
	}
	var digits string
	if len(q) >= 3 && !strings.ContainsAny(q, ".,") { // only digits are left
		digits = q
	}
	return j.SearchSales(amount, digits, days, pageSize)
}

// prepareSearch readies the journal's search in the background, so that the first keystroke of a
// search by amount or digits answers as quickly as the next. Its error, if any, is the first
// search's to say.
func prepareSearch(j Journal, days int) tea.Cmd {
	return func() tea.Msg {
		_ = j.PrepareSearch(days)
		return nil
	}
}

// loadSale reads one sale with its reversals.
func loadSale(j Journal, syssn string) tea.Cmd {
	return func() tea.Msg {
		v, ok, err := j.Sale(syssn)
		return saleMsg{view: v, ok: ok, err: err}
	}
}

func loadUnfinished(j Journal) tea.Cmd {
	return func() tea.Msg {
		rs, err := j.Unfinished()
		return unfinishedMsg{rs: rs, err: err}
	}
}

// refreshSale reads a sale at QFPay (refunds made at other tills count) for the refund form.
func refreshSale(d Desk, syssn string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		v, err := d.Refresh(ctx, syssn)
		return refreshedMsg{syssn: syssn, view: v, err: err}
	}
}

// syncSales pulls this terminal's sales from QFPay in the background (sync_on_start).
func syncSales(sync func(context.Context) (report.SyncResult, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := sync(ctx)
		return syncedMsg{res: res, err: err}
	}
}

// start begins a refund or cancel; the desk journals it before anything is sent.
func start(d Desk, req reversal.Request, currency string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		r, err := d.Start(ctx, req)
		return startedMsg{r: r, err: err, currency: currency}
	}
}

// waitForUpdate is the stream of lifecycle updates: re-issued after each one.
// unprintedMsg is an operation whose slip auto_print could not print.
type unprintedMsg uint64

func waitUnprinted(ch <-chan uint64) tea.Cmd {
	return func() tea.Msg {
		id, ok := <-ch
		if !ok {
			return nil
		}
		return unprintedMsg(id)
	}
}

func waitForUpdate(ch <-chan reversal.Update) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			return updatesClosedMsg{}
		}
		return updateMsg(u)
	}
}

// languageMsg tells a screen that the cashier chose another language with L.
type languageMsg struct{}
