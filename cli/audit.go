package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"qfpos/storage"
)

func auditCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "audit",
		Short:   "Verify or export the journal's hash-chained audit trail",
		GroupID: "manager",
		Args:    subcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage("say verify or export (qfpos help audit)")
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Walk the audit trail and say whether every event is there, in order, unchanged",
		Long: `Walks the audit trail from its first event: every sale written, every event of a refund or
cancel and every record of QFPay's kept is chained to the one before by SHA-256. Prints
"ok: N events, head HASH", or the first event that does not verify and why (exit 1).`,
		Example: `  qfpos audit verify --journal /var/lib/qfpos/journal.db`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal(inspect)
			if err != nil {
				return err
			}
			res, err := j.VerifyAudit()
			if err != nil {
				return failed(err)
			}
			if res.OK() {
				a.say(a.stdout, "audit trail of %s: ok: %d events, head %s", j.Path(), res.Events, res.Head)
			} else {
				a.say(a.stdout, "audit trail of %s: broken at event %d: %s (%d events before it verify)", j.Path(), res.BrokenAt, res.Problem, res.Events)
			}
			// Each close must be the one its audit event recorded, and each close on the trail must
			// still be in the journal.
			closes, err := j.VerifyDayCloses()
			if err != nil {
				return failed(err)
			}
			for _, p := range closes.Problems {
				fmt.Fprintln(a.stdout, p)
			}
			if closes.Closes > 0 || len(closes.Problems) > 0 {
				a.say(a.stdout, "day closes: %d, %d signed, %d not verifying", closes.Closes, closes.Signed, len(closes.Problems))
			}
			if !res.OK() || len(closes.Problems) > 0 {
				return status(ExitFailed)
			}
			return nil
		},
	})
	var since uint64
	var format string
	export := &cobra.Command{
		Use:     "export [--since N] [--format table|json]",
		Short:   "Print the audit trail's events from N on (JSON: an array, one event a line, as chained)",
		Example: `  qfpos audit export --since 1200 --format json > audit.json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return flagError("format", format, says("is not table or json"))
			}
			j, err := a.journal(inspect)
			if err != nil {
				return err
			}
			if format == "json" {
				arr := &jsonArray{w: a.stdout}
				if err := j.AuditEvents(since, func(e storage.AuditEvent) error { return arr.add(e) }); err != nil {
					return failed(err)
				}
				return arr.close()
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "seq\tat\tkind\tsubject\thash") // machine-read: the trail's field names, as --format json names them
			err = j.AuditEvents(since, func(e storage.AuditEvent) error {
				_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.Seq, e.At.In(j.Location()).Format(time.DateTime), e.Kind, e.Subject, e.Hash[:16])
				return err
			})
			if err != nil {
				return failed(err)
			}
			return tw.Flush()
		},
	}
	export.Flags().Uint64Var(&since, "since", 1, "the first event's sequence number")
	export.Flags().StringVar(&format, "format", "table", "table or json")
	c.AddCommand(export)
	return c
}
