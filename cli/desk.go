package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qfpos/cli/config"
	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/catalog"
	"qfpos/ui/demo"
)

// runDesk runs the refund desk on the configured gateway and journal, or, with --accessible, the
// line mode (lines.go): on a journal another qfpos holds, the line mode runs there.
func (a *app) runDesk() error {
	if _, err := a.printer(); err != nil { // a wrong --lang or language changes nothing
		return err
	}
	lines := a.accessible()
	if a.owned && !lines { // an owner runs the line mode for a caller, never a second desk
		a.say(a.stderr, "qfpos: this command does not run through %s; stop it first", a.j.Path())
		return status(ExitUsage)
	}
	if lines && a.owned { // run for a caller by the desk, qfpos demo or qfpos serve
		deps, err := a.deskDeps(a.j, a.desk, nil, "")
		if err != nil {
			return err
		}
		deps.GoesOn = true
		return a.showLines(deps)
	}
	owner := ownerDesk
	if lines {
		owner, a.guest = ownerLines, true
	}
	h, err := a.hold(owner)
	var held *heldError
	if errors.As(err, &held) && !slices.Contains(a.args, "--accessible") {
		held.args = append(slices.Clone(a.args), "--accessible") // TERM and ACCESSIBLE are this process's
	}
	if err != nil {
		return err
	}
	defer h.release()
	if h.serveErr != nil {
		a.logger().Warn("other qfpos commands cannot reach this journal", "err", h.serveErr)
	}
	deps, err := a.deskDeps(h.j, h.d, h.unprinted, string(h.slipEncoding))
	if err != nil {
		return err
	}
	if lines {
		return a.showLines(deps)
	}
	return a.showDesk(deps)
}

// deskDeps are what the desk and the line mode run on: the journal, the lifecycle, the
// configuration's terminal, language, staff, printer and sync.
func (a *app) deskDeps(j *storage.Journal, d *reversal.Desk, unprinted <-chan uint64, slipEncoding string) (ui.Deps, error) {
	lang, err := a.deskPrinter(j)
	if err != nil {
		return ui.Deps{}, err
	}
	cfg, _ := a.config()
	deps := ui.Deps{Journal: j, Desk: d, Terminal: a.terminal(), Printer: lang, Memory: j, Audit: j, Staff: j, LockAfter: cfg.Terminal.LockAfter.Duration,
		LimitsDiffer: a.limitsDiffer != nil, SlipEncoding: slipEncoding,
		Reports: report.Reporter{Journal: j, Gateway: a.client, UDID: a.udid},
		CloseDay: func(day time.Time, by string) (storage.DayClose, error) {
			dc, _, err := a.closeDay(j, day, by)
			return dc, err
		}}
	if cfg.Receipt.Printer != "" {
		deps.PrintSlip = func(id uint64, lang string) (string, error) { return "", a.printSlip(j, id, lang) }
		deps.Unprinted = unprinted
	}
	if cfg.Journal.SyncOnStart {
		deps.Sync = func(ctx context.Context) (report.SyncResult, error) {
			return report.SyncSales(ctx, j, a.client, time.Now(), 24*time.Hour, a.udid)
		}
	}
	return deps, nil
}

// useDemo makes the demo's journal, gateway and lifecycle this app's, with a configuration that
// describes the demo terminal, so that commands run for other processes see the demo.
func (a *app) useDemo(d *demo.Demo, log *slog.Logger) {
	c := config.Default()
	c.Location = d.Journal.Location()
	c.QFPay.BaseURL = d.URL()
	c.Terminal.UDID, c.Terminal.Cashier = d.UDID, d.Cashier
	c.Journal.Path = d.Journal.Path()
	c.Receipt.ShopName, c.Receipt.Address = "qfpos demo shop", "1 Queen's Road Central, Hong Kong"
	a.cfg, a.j, a.client, a.desk, a.udid = &c, d.Journal, d.Client(), d.Desk, d.UDID
	a.log = log
}

// showDesk runs the screens; after they close it says what is still in flight.
func (a *app) showDesk(deps ui.Deps) error {
	res, err := ui.Run(a.ctx, deps)
	switch {
	case errors.Is(err, ui.ErrNoTerminal):
		return noTerminal(err)
	case err != nil:
		a.logger().Error("terminal UI", "err", err)
		return failed(err)
	}
	if note := quitNote(deps, res); note != "" {
		fmt.Fprintln(a.stderr, note)
	}
	return nil
}

// quitNote says what is still in flight when the desk closes: it resumes next time, or, on the
// demo's temporary journal, it ends with it.
func quitNote(deps ui.Deps, res ui.Result) string {
	switch {
	case res.InFlight > 0 && deps.TemporaryJournal:
		return deps.Printer.T(catalog.DemoPendingOnQuit, res.InFlight)
	case res.InFlight > 0:
		return deps.Printer.T(catalog.PendingOnQuit, res.InFlight)
	}
	return ""
}

// noTerminal is the desk's "needs a terminal" as a usage error, in its words.
func noTerminal(err error) error {
	return badInput(errors.New(strings.TrimPrefix(err.Error(), ui.ErrNoTerminal.Error()+"\n")))
}

// terminal describes the till for the screens from the configuration.
func (a *app) terminal() ui.Terminal {
	cfg, _ := a.config()
	env := ui.EnvCustom
	switch base, _ := qfpay.ResolveBaseURL(cfg.QFPay.BaseURL); base {
	case qfpay.Presets["sandbox"]:
		env = ui.EnvSandbox
	case qfpay.Presets["live-test"]:
		env = ui.EnvLiveTest
	case qfpay.Presets["production"]:
		env = ui.EnvProduction
	}
	return ui.Terminal{UDID: a.udid, Cashier: cfg.Terminal.Cashier, Environment: env, Gateway: cfg.QFPay.BaseURL,
		Currency: money.MustLookup(cfg.Terminal.Currency), Location: cfg.Location, RecentDays: cfg.Journal.RecentDays,
		Background: cfg.Terminal.Background, QFPayZone: cfg.Zone}
}

func demoCmd(a *app) *cobra.Command {
	var seed uint64
	c := &cobra.Command{
		Use:     "demo [--seed N] [--accessible]",
		Short:   "The desk on an embedded sandbox with demo sales: no credentials, no network, no real money",
		GroupID: "desk",
		Long: `Runs the refund desk on a QFPay sandbox inside the program with about forty sales of today
and yesterday. The journal is temporary (removed on exit) unless --journal names one. The desk
starts at its sign-in, which shows the demo's cashier (amy, PIN 1234) and manager (mgr, PIN 5678).`,
		Example: `  qfpos demo
  qfpos demo --journal /tmp/demo.db --seed 7`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.accessibleSet = cmd.Flags().Changed("accessible")
			// The demo reads no configuration: its language is --lang, else the locale's.
			tag := config.LanguageFromLocale(a.env)
			if a.langFlag != "" {
				var err error
				if tag, err = config.ParseLanguage(a.langFlag); err != nil {
					return flagError("lang", a.langFlag, err)
				}
			}
			// Nothing is made — no folder, journal or log — for a demo that cannot show itself (the
			// line mode needs no terminal).
			lines := a.accessible()
			if err := ui.NoTerminal(catalog.New(tag)); err != nil && !lines {
				return noTerminal(err)
			}
			logPath := filepath.Join(os.TempDir(), "qfpos-demo.log")
			if a.journalFlag != "" {
				logPath = filepath.Join(filepath.Dir(a.journalFlag), "qfpos-demo.log")
			}
			log := slog.New(slog.DiscardHandler)
			if f, err := openLog(logPath); err == nil {
				defer f.Close()
				log = slog.New(slog.NewTextHandler(f, nil))
			}
			d, err := demo.Start(demo.Options{JournalPath: a.journalFlag, Seed: seed, Logger: log})
			if err != nil {
				return failed(err)
			}
			defer d.Close()
			// A POS developer's commands (qfpos sales add --journal J…) run through the demo.
			a.useDemo(d, log)
			stop, err := a.serveJournal(ownerDemo)
			if err != nil {
				log.Warn("other qfpos commands cannot reach this demo", "err", err)
			}
			defer stop()
			if remembered, err := d.Journal.CashierLanguage(d.Cashier); err == nil && remembered != "" && a.langFlag == "" {
				if t, err := config.ParseLanguage(remembered); err == nil {
					tag = t
				}
			}
			// The demo's cashier and manager sign in with the PINs its sign-in shows; p prints slips
			// as files in the demo's folder; the manager closes the day with Z.
			slips := filepath.Join(d.Dir(), "slips")
			deps := ui.Deps{Journal: d.Journal, Desk: d.Desk, Terminal: d.Terminal(), Reports: d.Reports(),
				Printer: catalog.New(tag), Memory: d.Journal, Audit: d.Journal, Staff: d.Journal, Logins: demo.Logins,
				Tour: &ui.Tour{Cashier: demo.Logins[0].ID, Manager: demo.Logins[1].ID, ApprovalOver: demo.Limits.ApprovalOver,
					Currency: demo.Limits.Currency, Slips: slips},
				PrintSlip: func(id uint64, lang string) (string, error) { return a.slipFile(d.Journal, slips, id, lang) },
				CloseDay: func(day time.Time, by string) (storage.DayClose, error) {
					dc, _, err := a.closeDay(d.Journal, day, by)
					return dc, err
				},
				TemporaryJournal: d.Temporary()}
			if lines {
				return a.showLines(deps)
			}
			return a.showDesk(deps)
		},
	}
	c.Flags().Uint64Var(&seed, "seed", 1, "seed for the demo's sales and surprises")
	c.Flags().BoolVar(&a.accessibleFlag, "accessible", false, accessibleUsage)
	return c
}
