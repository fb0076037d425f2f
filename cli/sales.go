package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay/money"
	"qfpos/reversal/report"
	"qfpos/storage"
)

func salesCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "sales",
		Short:   "Record, import, list and sync the sales a cashier can pick from",
		GroupID: "sales",
		Args:    subcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage("say add, import, list or sync (qfpos help sales)")
		},
	}
	c.AddCommand(salesAddCmd(a), salesImportCmd(a), salesListCmd(a), salesSyncCmd(a))
	return c
}

func salesAddCmd(a *app) *cobra.Command {
	var s storage.Sale
	var amount, currency string
	c := &cobra.Command{
		Use:   "add --syssn S --amount 12.50 --pay-type 800208 --txdtm \"2026-11-21 10:00:00\" [--out-trade-no O] [--currency HKD] [--status 0000] [--cashier NAME] [--goods TEXT]",
		Short: "Record a sale the POS took, so the cashier can find it",
		Long: `Records a sale the POS took. The amount is a decimal in the currency (12.50, 1,280);
--status 1143 records a QR order that was not paid. Writing a sale again with the same syssn
updates it; a paid sale is never made unpaid again.`,
		Example: `  qfpos sales add --syssn 20261121000100020000001001 --out-trade-no POS_1001 --amount 88.00 \
      --pay-type 800208 --txdtm "2026-11-21 14:55:00" --goods "Lunch set B"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if currency == "" {
				currency = cfg.Terminal.Currency
			}
			cur, err := money.Lookup(currency)
			if err != nil {
				return flagError("currency", currency, err)
			}
			if amount == "" {
				return usage("--amount is required (e.g. --amount 12.50)")
			}
			if s.Amount, err = money.Parse(amount, cur); err != nil {
				return flagError("amount", amount, err)
			}
			if s.Cashier == "" {
				s.Cashier = cfg.Terminal.Cashier
			}
			s.Currency, s.Source = cur.Code, storage.SourceRecorded
			if err := s.Validate(); err != nil {
				return badInput(err)
			}
			j, err := a.journal(mayCreate)
			if err != nil {
				return err
			}
			res, err := j.PutSale(s)
			var re *storage.RuleError
			switch {
			case errors.Is(err, storage.ErrBackwards):
				return flagError("status", s.RespCD, err)
			case errors.As(err, &re):
				return badInput(err)
			case err != nil:
				return failed(err)
			}
			switch res {
			case storage.SaleAdded:
				a.say(a.stdout, "added sale %s (%s)", s.SysSN, money.FormatCode(s.Amount, cur))
			case storage.SaleUpdated:
				a.say(a.stdout, "updated sale %s (%s)", s.SysSN, money.FormatCode(s.Amount, cur))
			default:
				a.say(a.stdout, "unchanged sale %s (%s)", s.SysSN, money.FormatCode(s.Amount, cur))
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&s.SysSN, "syssn", "", "QFPay's syssn of the payment (required)")
	f.StringVar(&s.OutTradeNo, "out-trade-no", "", "the POS's out_trade_no of the payment")
	f.StringVar(&amount, "amount", "", "amount as a decimal in the currency, e.g. 12.50 (required)")
	f.StringVar(&currency, "currency", "", "currency code (default: [terminal] currency)")
	f.StringVar(&s.PayType, "pay-type", "", "QFPay pay_type, e.g. 800208 (required)")
	f.StringVar(&s.TxDtm, "txdtm", "", `payment time "YYYY-MM-DD hh:mm:ss" as QFPay gave it (required)`)
	f.StringVar(&s.RespCD, "status", "0000", "QFPay respcd of the payment: 0000 paid, 1143 not paid yet")
	f.StringVar(&s.Cashier, "cashier", "", "who took the payment (default: [terminal] cashier)")
	f.StringVar(&s.GoodsName, "goods", "", "what was sold")
	f.StringVar(&s.UDID, "udid", "", "the terminal that took the payment")
	return c
}

func salesImportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Import sales from a CSV file whose header names QFPay's fields",
		Long: `Imports sales from a CSV whose header names QFPay's fields:
syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid (txamt in minor units: 12.50 HKD is
1250; goods_name, cashier and sysdtm are read when present; other columns are ignored). Good rows
are imported; each bad row is reported as FILE:LINE: reason and the exit status is 1. Importing
the same file again changes nothing.`,
		Example: `  qfpos sales import today.csv --journal /var/lib/qfpos/journal.db`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("name one CSV file (qfpos sales import FILE.csv)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			f, err := a.files.Open(name)
			if err != nil {
				return badInput(err)
			}
			defer f.Close()
			j, err := a.journal(mayCreate)
			if err != nil {
				return err
			}
			res, err := j.ImportCSV(f)
			if err != nil {
				return usage("%s: %v; nothing was imported", name, err)
			}
			for _, r := range res.Refused {
				a.say(a.stderr, "%s:%d: %s", name, r.Line, lower(r.Reason))
			}
			a.say(a.stdout, "%d added, %d updated, %d unchanged, %d refused", res.Added, res.Updated, res.Unchanged, len(res.Refused))
			if len(res.Refused) > 0 {
				return status(ExitFailed)
			}
			return nil
		},
	}
}

func salesListCmd(a *app) *cobra.Command {
	var days int
	var format string
	c := &cobra.Command{
		Use:   "list [--days 7] [--format table|csv|json]",
		Short: "List recent sales, newest first, with what is left to refund",
		Long: `Lists recent sales, newest first, with what is left to refund (counting refunds QFPay holds
from other tills). The CSV starts with the import columns, so it can be imported elsewhere; JSON
and CSV amounts are minor units.`,
		Example: `  qfpos sales list --days 1 --format csv > today.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 0 {
				return flagError("days", fmt.Sprint(days), says("must be 1 or more"))
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			if days == 0 {
				cfg, _ := a.config()
				days = cfg.Journal.RecentDays
			}
			var all []storage.SaleView
			for cur := (storage.Cursor{}); ; {
				page, err := j.RecentSales(cur, 500, days)
				if err != nil {
					return failed(err)
				}
				all = append(all, page.Sales...)
				if page.Next.IsZero() {
					break
				}
				cur = page.Next
			}
			if err := storage.WriteSales(a.stdout, format, all); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	c.Flags().IntVar(&days, "days", 0, "how many days back (default: [journal] recent_days)")
	c.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return c
}

func checkFormat(format string) error {
	switch format {
	case "table", "csv", "json":
		return nil
	}
	return flagError("format", format, says("is not table, csv or json"))
}

func salesSyncCmd(a *app) *cobra.Command {
	var since time.Duration
	var all bool
	c := &cobra.Command{
		Use:   "sync [--since 24h] [--all-terminals]",
		Short: "Pull this terminal's payments from QFPay into the journal",
		Long: `Pulls the payments QFPay recorded in the window (every page, one query per QFPay calendar
month) and adds or updates them in the journal; only this terminal's (by udid) unless
--all-terminals. It also keeps, for every sale in the journal, QFPay's cancel flag and the
refunds QFPay holds (made at other tills or in QFPay's portal). With [journal] sync_on_start =
true the desk does this in the background when it starts.`,
		Example: `  qfpos sales sync --since 48h`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if since <= 0 {
				return flagError("since", since.String(), says("must be positive, e.g. 24h"))
			}
			j, err := a.journal(mayCreate)
			if err != nil {
				return err
			}
			client, err := a.gateway(j)
			if err != nil {
				return err
			}
			udid := a.udid
			if all {
				udid = ""
			}
			ctx, cancel := a.remote()
			defer cancel()
			res, err := report.SyncSales(ctx, j, client, a.now(), since, udid)
			if err != nil {
				return failed(says("%v (nothing was changed that QFPay did not answer)", err))
			}
			for _, r := range res.Refused {
				a.say(a.stderr, "refused: %s", r)
			}
			a.say(a.stdout, "%d added, %d updated, %d unchanged, %d of other terminals left out, %d with refunds or cancels at QFPay",
				res.Added, res.Updated, res.Unchanged, res.OtherTerminals, res.AtQFPay)
			if len(res.Refused) > 0 {
				return status(ExitFailed)
			}
			return nil
		},
	}
	c.Flags().DurationVar(&since, "since", 24*time.Hour, "how far back to pull payments")
	c.Flags().BoolVar(&all, "all-terminals", false, "keep every terminal's payments, not only this one's")
	return c
}
