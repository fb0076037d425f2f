package cli

import (
	"github.com/spf13/cobra"

	"qfpos/reversal"
)

func limitsCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "limits",
		Short:   "Show the approval limits the journal enforces, beside the configuration's",
		GroupID: "manager",
		Long: `When a refund needs a manager's approval is kept in the journal: a journal takes [refunds]
from the configuration the first time it is opened, and afterwards only when a manager applies
the file's again (qfpos limits apply). A configuration that differs is reported, not obeyed, so
a copy of the file without limits cannot lift them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			cfg, _ := a.config()
			l, _, err := j.Limits()
			if err != nil {
				return failed(err)
			}
			a.say(a.stdout, "journal:       %s", a.words().Rule(reversal.DescribeLimits(l)))
			if l != cfg.Limits() {
				a.say(a.stdout, "configuration: %s (not in force: qfpos limits apply --manager ID)", a.words().Rule(reversal.DescribeLimits(cfg.Limits())))
			}
			return nil
		},
	}
	var manager string
	var fromStdin bool
	apply := &cobra.Command{
		Use:     "apply --manager ID [--pin-stdin]",
		Short:   "Make the configuration's [refunds] limits the journal's (a manager's id and PIN)",
		Example: `  qfpos limits apply --manager mgr`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if manager == "" {
				return usage("changing the approval limits needs a manager: pass --manager ID (and the PIN, typed or with --pin-stdin)")
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			cfg, _ := a.config()
			pins := a.pins(fromStdin)
			defer pins.close()
			by, err := pins.manager(manager)
			if err != nil {
				return err
			}
			if err := j.SetLimits(by, cfg.Limits()); err != nil {
				return staffError(err)
			}
			a.say(a.stdout, "the journal's limits: %s", a.words().Rule(reversal.DescribeLimits(cfg.Limits())))
			return nil
		},
	}
	apply.Flags().StringVar(&manager, "manager", "", "the manager who changes the limits (their PIN is asked, or read from stdin)")
	apply.Flags().BoolVar(&fromStdin, "pin-stdin", false, "read the manager's PIN from standard input")
	c.AddCommand(apply)
	return c
}
