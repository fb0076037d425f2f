package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay/money"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/catalog"
)

func reportCmd(a *app) *cobra.Command {
	var date, format, out string
	var store bool
	c := &cobra.Command{
		Use:     "report [--date YYYY-MM-DD|today|yesterday] [--format table|csv|json] [--out FILE] [--store]",
		Short:   "A day's refunds and cancels with totals; --store merges the whole merchant's from QFPay",
		GroupID: "manager",
		Long: `A day's refunds and cancels, unknown and failed first, with totals per currency by pay
method, cashier and terminal. --store merges QFPay's records of the whole merchant (records this
terminal did not journal are marked; if QFPay cannot be reached the local report is printed with
a notice). It says when replies from QFPay arrived unsigned.

CSV: one row per refund or cancel with the header
time,kind,endpoint,state,amount,currency,pay_type,pay_method,cashier,approver,reason,udid,
qfpay_syssn,sale_syssn,out_trade_no,respcd,journaled,unsigned.
JSON: {date, terminal, store, notice, unsigned_replies, rows[], totals[]} with the same row
fields and, per currency, all, by_pay_method, by_cashier, by_terminal, by_reason, each
{refunded, cancelled, open, failed} of {count, amount}. CSV and JSON amounts are minor units.`,
		Example: `  qfpos report --date yesterday --format csv --out refunds.csv
  qfpos report --store`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			j, day, err := a.journalDay(date)
			if err != nil {
				return err
			}
			var rep report.Report
			if store {
				client, err := a.gateway(j)
				if err != nil {
					return err
				}
				ctx, cancel := a.remote()
				defer cancel()
				if rep, err = report.StoreReport(ctx, j, client, day, a.udid); err != nil {
					return failed(err)
				}
				if rep.Notice != "" {
					a.say(a.stderr, "qfpos report: %s", rep.NoticeIn(reportLang(a.words())))
				}
			} else {
				udid, err := a.terminalUDID(j)
				if err != nil {
					return err
				}
				if rep, err = report.LocalReport(j, day, udid); err != nil {
					return failed(err)
				}
			}
			words, err := a.printer()
			if err != nil {
				return err
			}
			if err := noteClose(j, &rep, words); err != nil {
				return failed(err)
			}
			var buf bytes.Buffer
			cfg, _ := a.config()
			if err := report.WriteReportIn(&buf, rep, format, cfg.Location, reportLang(words)); err != nil {
				return failed(err)
			}
			if out == "" {
				_, err := a.stdout.Write(buf.Bytes())
				return err
			}
			if err := a.writeFile(out, buf.Bytes()); err != nil {
				return failed(err)
			}
			a.say(a.stderr, "wrote %d refund(s) and cancel(s) of %s to %s", len(rep.Rows), rep.Date, out)
			return nil
		},
	}
	c.Flags().StringVar(&date, "date", "today", "YYYY-MM-DD, today or yesterday")
	c.Flags().StringVar(&format, "format", "table", "table, csv or json")
	c.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	c.Flags().BoolVar(&store, "store", false, "the whole merchant: merge QFPay's records with this journal")
	return c
}

func reconcileCmd(a *app) *cobra.Command {
	var date string
	var asJSON bool
	c := &cobra.Command{
		Use:     "reconcile [--date YYYY-MM-DD|today|yesterday] [--json]",
		Short:   "Compare a day with QFPay, settle unknown outcomes, list what needs a person",
		GroupID: "manager",
		Long: `Compares the day's journaled refunds and cancels with QFPay's records, settles unknown
outcomes from QFPay's answer (and journals that it did), adds refunds of this journal's sales made
elsewhere to those sales, and lists what needs a person: missing locally, missing at QFPay,
refunded elsewhere, state or amount differs. Exit status 0 when everything agrees, 1 when
differences remain.`,
		Example: `  qfpos reconcile --date yesterday --json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, day, err := a.journalDay(date)
			if err != nil {
				return err
			}
			client, err := a.gateway(j)
			if err != nil {
				return err
			}
			ctx, cancel := a.remote()
			defer cancel()
			res, err := report.Reconcile(ctx, j, client, day, a.udid)
			if err != nil {
				return failed(err)
			}
			if asJSON {
				_ = json.NewEncoder(a.stdout).Encode(res)
			} else {
				report.WriteReconciliation(a.stdout, res)
			}
			if len(res.Differences) > 0 {
				return status(ExitFailed)
			}
			return nil
		},
	}
	c.Flags().StringVar(&date, "date", "today", "YYYY-MM-DD, today or yesterday")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return c
}

// journalDay opens the journal and reads --date in the terminal's zone.
func (a *app) journalDay(date string) (*storage.Journal, time.Time, error) {
	j, err := a.journal(mustExist)
	if err != nil {
		return nil, time.Time{}, err
	}
	cfg, _ := a.config()
	day, err := report.ParseDay(date, a.now(), cfg.Location)
	if err != nil {
		return nil, day, flagError("date", date, err)
	}
	return j, day, nil
}

// noteClose says in a report of a closed day which close it is and what changed after it: an
// operation whose state is not the one the close recorded, or that the close did not have.
func noteClose(j *storage.Journal, rep *report.Report, words *catalog.Printer) error {
	if err := report.MarkClose(j, rep); err != nil || rep.Closed == nil {
		return err
	}
	var after []string
	for _, r := range rep.Rows {
		if r.AfterClose {
			after = append(after, words.T(catalog.RepNowState, words.OperationName(r.Kind), money.TextCode(r.Amount, r.Currency), r.OutTradeNo, words.StateName(r.State)))
		}
	}
	at := rep.Closed.At.In(j.Location()).Format("15:04:05")
	note := words.T(catalog.RepClosed, rep.Closed.Number, at)
	if rep.Closed.By != "" {
		note = words.T(catalog.RepClosedBy, rep.Closed.Number, at, rep.Closed.By)
	}
	if len(after) > 0 {
		note += words.T(catalog.SepGroups) + words.T(catalog.RepAfterClose, words.JoinGroups(after))
	}
	if rep.Notice != "" {
		note = rep.NoticeIn(reportLang(words)) + words.T(catalog.SepGroups) + note
	}
	rep.Notice = note
	return nil
}

// closeDay closes a day: its local report as it stands, signed when a key is configured. It
// returns the close and how many refunds and cancels it holds.
func (a *app) closeDay(j *storage.Journal, day time.Time, by string) (storage.DayClose, int, error) {
	udid, err := a.terminalUDID(j)
	if err != nil {
		return storage.DayClose{}, 0, err
	}
	rep, err := report.LocalReport(j, day, udid)
	if err != nil {
		return storage.DayClose{}, 0, failed(err)
	}
	cfg, _ := a.config()
	key, err := cfg.SigningKey()
	if err != nil {
		return storage.DayClose{}, 0, usage("%v", err)
	}
	dc, err := j.CloseDay(rep.Date, by, rep, key)
	if errors.Is(err, storage.ErrDayClosed) {
		return dc, 0, usage("%v", err)
	}
	if err != nil {
		return dc, 0, failed(err)
	}
	return dc, len(rep.Rows), nil
}

func closeDayCmd(a *app) *cobra.Command {
	var date string
	c := &cobra.Command{
		Use:     "close-day [--date YYYY-MM-DD|today|yesterday]",
		Short:   "Close a day (Z report): a numbered record, written once, of its refunds and cancels and the audit trail's head",
		GroupID: "manager",
		Long: `Writes the day's close once: a number (1, 2, 3… in the order days are closed), the day's report
as it stands (every refund and cancel, totals per currency by pay method and cashier), and the
audit trail's head at that moment; the close goes on the audit trail too. A day is closed once:
a second close is refused (exit 2). qfpos report of a closed day names the close and lists what
changed after it (an unknown outcome settled later, say).`,
		Example: `  qfpos close-day --date yesterday`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, day, err := a.journalDay(date)
			if err != nil {
				return err
			}
			cfg, _ := a.config()
			dc, rows, err := a.closeDay(j, day, cfg.Terminal.Cashier)
			if err != nil {
				return err
			}
			if dc.Signature != "" {
				a.say(a.stdout, "closed %s as close #%d: %d refund(s) and cancel(s); audit event %d, head %s; signed", dc.Day, dc.Number, rows, dc.AuditSeq, dc.AuditHead)
			} else {
				a.say(a.stdout, "closed %s as close #%d: %d refund(s) and cancel(s); audit event %d, head %s", dc.Day, dc.Number, rows, dc.AuditSeq, dc.AuditHead)
			}
			return nil
		},
	}
	c.Flags().StringVar(&date, "date", "today", "YYYY-MM-DD, today or yesterday")
	return c
}

// reportLang is a report table in the cashier's language (ui.ReportLang).
func reportLang(words *catalog.Printer) report.Lang { return ui.ReportLang(words) }
