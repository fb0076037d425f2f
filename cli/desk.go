package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/reversal/report"
	"qfpos/ui"
	"qfpos/ui/catalog"
	"qfpos/ui/demo"
)

// runDesk runs the refund desk on the configured gateway and journal.
func (a *app) runDesk() error {
	j, err := a.journal(mayCreate)
	if err != nil {
		return err
	}
	d, err := a.lifecycle(j)
	if err != nil {
		return err
	}
	cfg, _ := a.config()
	log := a.logger()
	dctx, cancel := context.WithCancel(a.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = d.Run(dctx) })
	if cfg.Journal.BackupDir != "" {
		b := backups{dir: cfg.Journal.BackupDir, keep: cfg.Journal.BackupKeep, now: a.now, loc: cfg.Location}
		wg.Go(func() { b.run(dctx, j, log.Info) })
	}
	defer func() { cancel(); wg.Wait() }()
	deps := ui.Deps{Journal: j, Desk: d, Terminal: a.terminal(),
		Reports: report.Reporter{Journal: j, Gateway: a.client, UDID: a.udid}}
	if cfg.Journal.SyncOnStart {
		deps.Sync = func(ctx context.Context) (report.SyncResult, error) {
			return report.SyncSales(ctx, j, a.client, time.Now(), 24*time.Hour, a.udid)
		}
	}
	return a.showDesk(deps)
}

// showDesk runs the screens; after they close it says what is still in flight.
func (a *app) showDesk(deps ui.Deps) error {
	res, err := ui.Run(a.ctx, deps)
	switch {
	case errors.Is(err, ui.ErrNoTerminal):
		return usage("%s", strings.TrimPrefix(err.Error(), ui.ErrNoTerminal.Error()+"\n"))
	case err != nil:
		a.logger().Error("terminal UI", "err", err)
		return failed(err)
	}
	if res.InFlight > 0 {
		fmt.Fprintln(a.stderr, words.T(catalog.PendingOnQuit, res.InFlight))
	}
	return nil
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
		Currency: money.MustLookup(cfg.Terminal.Currency), Location: cfg.Location, RecentDays: cfg.Journal.RecentDays}
}

func demoCmd(a *app) *cobra.Command {
	var seed uint64
	c := &cobra.Command{
		Use:     "demo [--seed N]",
		Short:   "The desk on an embedded sandbox with demo sales: no credentials, no network, no real money",
		GroupID: "desk",
		Long: `Runs the refund desk on a QFPay sandbox inside the program with about forty sales of today
and yesterday. The journal is temporary (removed on exit) unless --journal names one.`,
		Example: `  qfpos demo
  qfpos demo --journal /tmp/demo.db --seed 7`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			return a.showDesk(ui.Deps{Journal: d.Journal, Desk: d.Desk, Terminal: d.Terminal(), Reports: d.Reports()})
		},
	}
	c.Flags().Uint64Var(&seed, "seed", 1, "seed for the demo's sales and surprises")
	return c
}
