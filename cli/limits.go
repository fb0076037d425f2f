package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay/money"
	"qfpos/storage"
)

// describeLimits says in one line when a refund needs a manager's approval.
func describeLimits(l storage.Limits) string {
	var parts []string
	if l.ApprovalOver > 0 {
		parts = append(parts, "a refund above "+money.TextCode(l.ApprovalOver, l.Currency))
	}
	if l.CashierDaily > 0 {
		parts = append(parts, "a cashier's refunds of the day above "+money.TextCode(l.CashierDaily, l.Currency))
	}
	if l.MaxSaleAge > 0 {
		age := l.MaxSaleAge.String()
		if l.MaxSaleAge%(24*time.Hour) == 0 {
			age = fmt.Sprintf("%d days", l.MaxSaleAge/(24*time.Hour))
		}
		parts = append(parts, "a sale older than "+age)
	}
	if l.OtherCashier {
		parts = append(parts, "a sale of another cashier")
	}
	if len(parts) == 0 {
		return "no refund needs an approval"
	}
	return "approval for " + strings.Join(parts, ", ")
}

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
			fmt.Fprintf(a.stdout, "journal:       %s\n", describeLimits(l))
			if l != cfg.Limits() {
				fmt.Fprintf(a.stdout, "configuration: %s (not in force: qfpos limits apply --manager ID)\n", describeLimits(cfg.Limits()))
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
			fmt.Fprintf(a.stdout, "the journal's limits: %s\n", describeLimits(cfg.Limits()))
			return nil
		},
	}
	apply.Flags().StringVar(&manager, "manager", "", "the manager who changes the limits (their PIN is asked, or read from stdin)")
	apply.Flags().BoolVar(&fromStdin, "pin-stdin", false, "read the manager's PIN from standard input")
	c.AddCommand(apply)
	return c
}
