// Package ui is the cashier's terminal: a Bubble Tea program over the refund lifecycle, and its
// line mode (RunLines: the same flows as plain prompts). Screens
// depend on the small Journal and Desk interfaces, never on bbolt or HTTP; every read and every
// refund runs in a tea.Cmd.
package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// Journal is what the screens read.
type Journal interface {
	RecentSales(after storage.Cursor, limit, days int) (storage.SalesPage, error)
	// SearchSales finds the window's sales of an amount (when > 0) or whose syssn or
	// out_trade_no ends with tail (when not empty), and a sale of any age by its whole number.
	SearchSales(amount int64, tail string, days, limit int) ([]storage.SaleView, error)
	// PrepareSearch readies what SearchSales compares, so that the first search is as quick as
	// the next (the desk calls it in the background when it starts).
	PrepareSearch(days int) error
	SalesByPayType(match func(payType string) bool, days, limit int) ([]storage.SaleView, error)
	Sale(syssn string) (storage.SaleView, bool, error)
	Reversal(id uint64) (storage.Reversal, error)
	ReversalsOn(t time.Time) ([]storage.Reversal, error)
	Unfinished() ([]storage.Reversal, error)
	// Version changes whenever something is written to the journal (a sale the POS added through
	// this process, say); the desk reads again when it has.
	Version() uint64
}

// Desk starts refunds and cancels and reports their progress (*reversal.Desk).
type Desk interface {
	Start(ctx context.Context, req reversal.Request) (storage.Reversal, error)
	Subscribe() (<-chan reversal.Update, func())
	Recheck(id uint64) error
	// Refresh reads the sale at QFPay (refunds made elsewhere count) and returns it as it stands.
	Refresh(ctx context.Context, syssn string) (storage.SaleView, error)
	// Rules say what can be done with a sale, for how much, through which endpoint, and why not.
	Rules() reversal.Rules
}

// Auditor verifies the journal's hash-chained audit trail (*storage.Journal).
type Auditor interface {
	VerifyAuditTail(n uint64) (storage.AuditResult, error)
}

// auditTail is how many of the trail's last events the desk checks at start.
const auditTail = 1000

// Reports makes a day's report (report.Reporter): this terminal's, or the whole store's.
type Reports interface {
	Report(ctx context.Context, day time.Time, store bool) (report.Report, error)
}

// Environment is which gateway the terminal talks to, for the header badge.
type Environment int

// Environments.
const (
	EnvDemo Environment = iota
	EnvSandbox
	EnvLiveTest
	EnvProduction
	EnvCustom
)

// Terminal is what the screens know of this till.
type Terminal struct {
	UDID        string
	Cashier     string
	Environment Environment
	Gateway     string // the base URL, shown for EnvCustom
	Currency    money.Currency
	Location    *time.Location
	RecentDays  int
	Background  string // "dark" or "light" as configured; "" asks the terminal (or COLORFGBG) once
	// Reasons are the store's reason codes for a refund ([refunds] reasons; nil: the defaults).
	Reasons []string
	// QFPayZone is the zone of QFPay's own times (its records' sysdtm); nil: Hong Kong's, +08:00.
	QFPayZone *time.Location
}

// Login is a person's id and PIN shown on the sign-in, for the demo's seeded staff only.
type Login struct {
	ID, Role, PIN string
}

// Tour is what the demo's sign-in suggests trying: a refund above the approval limit (its
// cashier and manager), the slips' folder, and the manager's close of the day.
type Tour struct {
	Cashier, Manager string
	ApprovalOver     int64 // minor units of Currency
	Currency         string
	Slips            string // the folder p prints slips into
}

// Deps is everything the program needs.
type Deps struct {
	Journal Journal
	Desk    Desk
	Reports Reports
	// Sync, when set, pulls this terminal's sales from QFPay at start-up (sync_on_start).
	Sync     func(ctx context.Context) (report.SyncResult, error)
	Terminal Terminal
	Now      func() time.Time
	Printer  *catalog.Printer
	// Memory, when set, keeps the language a cashier picks with L.
	Memory LanguageMemory
	// Audit, when set, is the journal's audit trail: the desk checks its tail at start.
	Audit Auditor
	// Staff, when set and not empty, makes the desk start locked: a cashier signs in; LockAfter
	// without a key locks it again (0: never).
	Staff     Staff
	LockAfter time.Duration
	// PrintSlip, when set, prints an operation's slip on the receipt printer ([receipt] printer),
	// in a language ("en", "zh-Hant", "zh-Hans"; "": the slip's default). where, when not empty,
	// is where the slip can be found (the demo's slip file), and the desk says it.
	PrintSlip func(id uint64, lang string) (where string, err error)
	// Logins, in the demo only, are the seeded staff the sign-in shows with their PINs.
	Logins []Login
	// Tour, in the demo only, is what the sign-in suggests trying.
	Tour *Tour
	// TemporaryJournal: the journal goes when the program ends (a demo's), so what is in flight
	// then does not resume.
	TemporaryJournal bool
	// GoesOn: the lifecycle belongs to another qfpos and goes on after this session (the line mode
	// run inside the desk, qfpos demo or qfpos serve), so what is in flight at quit goes on at once.
	GoesOn bool
	// Unprinted, when set, brings the operations whose slip [receipt] auto_print could not print:
	// the desk says the printer is not reachable and p prints again.
	Unprinted <-chan uint64
	// LimitsDiffer says that the configuration's [refunds] differs from the journal's approval
	// limits, which hold: the desk says so when it starts.
	LimitsDiffer bool
	// SlipEncoding, when set, is the encoding the printer needs for the slips' language while
	// [receipt] encoding is utf-8: the desk says so when it starts.
	SlipEncoding string
	// CloseDay, when set, closes a day (qfpos close-day) from the manager's review.
	CloseDay func(day time.Time, by string) (storage.DayClose, error)

	// Who is at the desk (set at sign-in): their role, and whether the journal has staff at all
	// (then someone must sign in).
	role    string
	session storage.Session // the signed-in person: the cashier of what the desk starts
	staffed bool
	Styles  Styles
	// Tick schedules a message after a while (tea.Tick); tests deliver the clock's and the
	// spinner's messages themselves.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// Timeouts of the work the screens start.
const (
	readTimeout  = 5 * time.Second
	startTimeout = 45 * time.Second // journaling and the first send, which has its own request timeout
	pageSize     = 50
)
