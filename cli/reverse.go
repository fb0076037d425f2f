package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// waitFlags are the flags of the commands that follow operations to their end.
type waitFlags struct {
	json  bool
	wait  time.Duration
	print bool // refund and cancel: print the customer's slip once the outcome is known
}

func (w *waitFlags) add(c *cobra.Command, what string) {
	c.Flags().BoolVar(&w.json, "json", false, "print "+what+" as one JSON line")
	c.Flags().DurationVar(&w.wait, "wait", 0, "how long to follow the outcome (default: [poll] give_up_after + 1m)")
	if what == "the result" {
		c.Flags().BoolVar(&w.print, "print", false, "print the customer's slip on [receipt] printer afterwards")
	}
}

// check refuses a negative --wait before anything else is looked at.
func (w waitFlags) check() error {
	if w.wait < 0 {
		return flagError("wait", w.wait.String(), errors.New("must not be negative"))
	}
	return nil
}

// runner builds the headless runner over the journal and the lifecycle.
func (a *app) runner(j *storage.Journal, w waitFlags) (runner, error) {
	if err := w.check(); err != nil {
		return runner{}, err
	}
	d, err := a.lifecycle(j)
	if err != nil {
		return runner{}, err
	}
	c, _ := a.config()
	if w.wait == 0 {
		w.wait = c.Policy().GiveUpAfter + time.Minute
	}
	words, err := a.printer()
	if err != nil {
		return runner{}, err
	}
	return runner{desk: d, j: j, wait: w.wait, json: w.json, stdout: a.stdout, stderr: a.stderr, owned: a.owned, words: words}, nil
}

// sale checks --wait and reads --syssn for refund and cancel: the sale must be in the journal.
func (a *app) sale(syssn string, w waitFlags) (*storage.Journal, storage.SaleView, error) {
	var v storage.SaleView
	if err := w.check(); err != nil {
		return nil, v, err
	}
	j, err := a.journal(mustExist)
	if err != nil {
		return nil, v, err
	}
	if syssn == "" {
		return nil, v, usage("--syssn is required (qfpos sales list shows the sales)")
	}
	v, ok, err := j.Sale(syssn)
	if err != nil {
		return nil, v, failed(err)
	}
	if !ok {
		return nil, v, flagError("syssn", syssn, errors.New("not in the journal (qfpos sales list shows what is)"))
	}
	return j, v, nil
}

func refundCmd(a *app) *cobra.Command {
	var syssn, amount, reason, reasonText, approver string
	var pinStdin bool
	var w waitFlags
	c := &cobra.Command{
		Use:     "refund --syssn S --reason CODE [--reason-text WORDS] [--amount 12.50] [--json] [--wait 16m]",
		Short:   "Refund (part of) a paid sale; without --amount, what is left to refund",
		GroupID: "ops",
		Long: `Refunds (part of) a paid sale. The amount is a decimal in the sale's currency; without
--amount, what is left to refund (after reading the sale at QFPay, so that refunds made at other
tills count). Progress goes to stderr, the result to stdout. Exit status: 0 succeeded, 1 failed,
2 refused before sending, 3 outcome still unknown (it stays journaled; run qfpos resume).
--reason is one of the store's codes ([refunds] reasons; by default damaged, wrong item,
customer changed mind, duplicate charge, price adjustment, other); "other" needs --reason-text.`,
		Example: `  qfpos refund --syssn 20261121000100020000001001 --reason damaged
  qfpos refund --syssn 20261121000100020000001001 --amount 12.50 --reason "wrong item" --json
  qfpos refund --syssn 20261121000100020000001001 --reason other --reason-text "left the shop by mistake"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if reason, reasonText, err = reversal.CheckReason(cfg.Refunds.Reasons, reason, reasonText); err != nil {
				var re *reversal.ReasonError
				if errors.As(err, &re) && errors.Is(err, reversal.ErrReasonNeedsText) {
					return usage("--reason %s needs --reason-text: a few words of why", re.Reason)
				}
				if errors.Is(err, reversal.ErrReasonTooLong) {
					return flagError("reason-text", "", err)
				}
				return flagError("reason", "", err)
			}
			j, v, err := a.sale(syssn, w)
			if err != nil {
				return err
			}
			req := reversal.Request{Kind: storage.KindRefund, SaleSysSN: v.SysSN, Reason: reason, ReasonText: reasonText}
			if approver != "" && !pinStdin {
				return usage("--approver needs the manager's PIN on standard input (--pin-stdin)")
			}
			if amount != "" {
				cur, err := money.Lookup(v.Currency)
				if err != nil {
					return failed(err)
				}
				if req.Amount, err = money.Parse(amount, cur); err != nil {
					return flagError("amount", amount, err)
				}
				if req.Amount <= 0 {
					return flagError("amount", amount, errors.New("must be more than zero"))
				}
			}
			if err := a.approve(j, v, &req, approver, pinStdin); err != nil {
				return err
			}
			return a.startOne(j, req, w)
		},
	}
	c.Flags().StringVar(&syssn, "syssn", "", "QFPay's syssn of the sale (required)")
	c.Flags().StringVar(&amount, "amount", "", "amount to refund, e.g. 12.50 (default: what is left to refund)")
	c.Flags().StringVar(&reason, "reason", "", "why the customer is refunded: one of the store's reason codes (required)")
	c.Flags().StringVar(&reasonText, "reason-text", "", "the cashier's words of why (needed with --reason other)")
	c.Flags().StringVar(&approver, "approver", "", "the manager who approves a refund over the [refunds] limits (their PIN on stdin)")
	c.Flags().BoolVar(&pinStdin, "pin-stdin", false, "read the approver's PIN from standard input")
	w.add(c, "the result")
	return c
}

func cancelCmd(a *app) *cobra.Command {
	var syssn string
	var w waitFlags
	c := &cobra.Command{
		Use:     "cancel --syssn S [--json] [--wait 16m]",
		Short:   "Cancel a sale that was not paid (reversal or close, as the pay type requires)",
		GroupID: "ops",
		Long: `Cancels a sale that was not paid, through /trade/v1/reversal or /trade/v1/close as the pay
type requires (close first for pay types QFPay lists no cancel for), and the other one if QFPay
answers that this one cannot. QFPay's answer is confirmed by reading the sale's record. Exit
status as for refund.`,
		Example: `  qfpos cancel --syssn 20261121000100020000001002 --json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, v, err := a.sale(syssn, w)
			if err != nil {
				return err
			}
			return a.startOne(j, reversal.Request{Kind: storage.KindCancel, SaleSysSN: v.SysSN}, w)
		},
	}
	c.Flags().StringVar(&syssn, "syssn", "", "QFPay's syssn of the sale (required)")
	w.add(c, "the result")
	return c
}

// approve applies the [refunds] limits: a refund that crosses one needs a manager's id and PIN,
// else it is refused before anything is sent (exit 2, naming the rule). An approval is journaled
// with the refund.
func (a *app) approve(j *storage.Journal, v storage.SaleView, req *reversal.Request, approver string, pinStdin bool) error {
	d, err := a.lifecycle(j)
	if err != nil {
		return err
	}
	c, _ := a.config()
	amount := req.Amount
	if amount == 0 {
		amount = d.Rules().For(v).Default(v)
	}
	rule, err := d.Limits().NeedsApproval(v, amount, c.Terminal.Cashier)
	if err != nil {
		return failed(err)
	}
	if rule == "" && approver == "" {
		return nil
	}
	if approver == "" {
		return usage("refund refused, nothing was sent: %s needs a manager's approval (pass --approver ID and the PIN with --pin-stdin)", rule)
	}
	pin, err := a.readPIN(pinStdin, false)
	if err != nil {
		return err
	}
	if _, err := j.Approve(approver, pin); err != nil {
		if errors.Is(err, storage.ErrNoSuchStaff) || errors.As(err, new(*storage.StaffError)) {
			return usage("refund refused, nothing was sent: approval by %v", err)
		}
		return failed(err)
	}
	req.Approver = approver
	return nil
}

// startOne starts one refund or cancel as this terminal's cashier and follows it.
func (a *app) startOne(j *storage.Journal, req reversal.Request, w waitFlags) error {
	r, err := a.runner(j, w)
	if err != nil {
		return err
	}
	c, _ := a.config()
	req.Cashier = c.Terminal.Cashier
	if w.print {
		if c.Receipt.Printer == "" {
			return usage("--print needs [receipt] printer (or use qfpos receipt --out FILE)")
		}
		r.after = func(op storage.Reversal) {
			if err := a.printSlip(j, op.ID, ""); err != nil {
				fmt.Fprintf(a.stderr, "slip not printed: %v — print it with qfpos receipt --op %d\n", err, op.ID)
			}
		}
	}
	fmt.Fprintln(a.stderr, r.words.T(catalog.CliTerminalGateway, a.udid, c.QFPay.BaseURL))
	return r.one(a.ctx, req)
}

func resumeCmd(a *app) *cobra.Command {
	var w waitFlags
	c := &cobra.Command{
		Use:     "resume [--json] [--wait 16m]",
		Short:   "Drive every unfinished refund and cancel until it is final or the deadline passes",
		GroupID: "ops",
		Example: `  qfpos resume --wait 5m`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := w.check(); err != nil {
				return err
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			r, err := a.runner(j, w)
			if err != nil {
				return err
			}
			return r.resume(a.ctx)
		},
	}
	w.add(c, "each result")
	return c
}

func pendingCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:     "pending [--json]",
		Short:   "List unfinished refunds and cancels",
		GroupID: "ops",
		Example: `  qfpos pending --json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			words, err := a.printer()
			if err != nil {
				return err
			}
			if err := writePending(a.stdout, words, j, asJSON); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON line per operation")
	return c
}
