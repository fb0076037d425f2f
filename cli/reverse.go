package cli

import (
	"errors"
	"fmt"
	"strings"
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
	how := "as one JSON object"
	if what == "each result" {
		how = "as a JSON array, one a line ([] when there is nothing to resume)"
	}
	c.Flags().BoolVar(&w.json, "json", false, "print "+what+" "+how)
	c.Flags().DurationVar(&w.wait, "wait", 0, "how long to follow the outcome (default: [poll] give_up_after + 1m)")
	if what == "the result" {
		c.Flags().BoolVar(&w.print, "print", false, "print the customer's slip on [receipt] printer afterwards")
	}
}

// check refuses a negative --wait before anything else is looked at.
func (w waitFlags) check() error {
	if w.wait < 0 {
		return flagError("wait", w.wait.String(), says("must not be negative"))
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
		return nil, v, flagError("syssn", syssn, says("not in the journal (qfpos sales list shows what is)"))
	}
	return j, v, nil
}

func refundCmd(a *app) *cobra.Command {
	var syssn, amount, reason, reasonText, cashier, approver string
	var pinStdin bool
	var w waitFlags
	c := &cobra.Command{
		Use:     "refund --syssn S --reason CODE [--reason-text WORDS] [--amount 12.50] [--cashier ID] [--approver ID] [--pin-stdin] [--json] [--wait 16m]",
		Short:   "Refund (part of) a paid sale; without --amount, what is left to refund",
		GroupID: "ops",
		Long: `Refunds (part of) a paid sale. The amount is a decimal in the sale's currency; without
--amount, what is left to refund (after reading the sale at QFPay, so that refunds made at other
tills count). Progress goes to stderr, the result to stdout. Exit status: 0 succeeded, 1 failed,
2 refused before sending, 3 outcome still unknown (it stays journaled; run qfpos resume).
--reason is one of the store's codes ([refunds] reasons; by default damaged, wrong item,
customer changed mind, duplicate charge, price adjustment, other); "other" needs --reason-text.
With staff, every refund is a person's: --cashier ID and that person's PIN. A refund over the
journal's approval limits (qfpos limits) also needs a manager: --approver ID and their PIN. The
PINs are typed unseen, or with --pin-stdin read as lines of standard input: the cashier's first,
then the approver's.`,
		Example: `  qfpos refund --syssn 20261121000100020000001001 --reason damaged
  qfpos refund --syssn 20261121000100020000001001 --amount 12.50 --reason "wrong item" --json
  printf '1234\n5678\n' | qfpos refund --syssn 20261121000100020000001001 --reason damaged --cashier amy --approver mgr --pin-stdin`,
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
				if errors.Is(err, reversal.ErrReasonTooLong) || errors.Is(err, reversal.ErrReasonControl) {
					return flagError("reason-text", "", err)
				}
				return flagError("reason", "", err)
			}
			j, v, err := a.sale(syssn, w)
			if err != nil {
				return err
			}
			req := reversal.Request{Kind: storage.KindRefund, SaleSysSN: v.SysSN, Reason: reason, ReasonText: reasonText}
			if cmd.Flags().Changed("amount") { // given, even empty (an unset shell variable), it must be an amount
				cur, err := money.Lookup(v.Currency)
				if err != nil {
					return failed(err)
				}
				if strings.TrimSpace(amount) == "" {
					return flagError("amount", "", says("is empty: give an amount like 12.50, or leave --amount out to refund what is left"))
				}
				if req.Amount, err = money.Parse(amount, cur); err != nil {
					return flagError("amount", amount, err)
				}
				if req.Amount <= 0 {
					return flagError("amount", amount, says("must be more than zero"))
				}
			}
			pins := a.pins(pinStdin)
			defer pins.close()
			if err := a.signIn(j, &req, cashier, pins); err != nil {
				return err
			}
			if approver != "" {
				by, err := pins.manager(approver)
				if err != nil {
					return err
				}
				req.Approval = &by
			}
			return a.startOne(j, req, w)
		},
	}
	c.Flags().StringVar(&syssn, "syssn", "", "QFPay's syssn of the sale (required)")
	c.Flags().StringVar(&amount, "amount", "", "amount to refund, e.g. 12.50 (default: what is left to refund)")
	c.Flags().StringVar(&reason, "reason", "", "why the customer is refunded: one of the store's reason codes (required)")
	c.Flags().StringVar(&reasonText, "reason-text", "", "the cashier's words of why (needed with --reason other)")
	c.Flags().StringVar(&cashier, "cashier", "", "who refunds (with staff: required, with their PIN)")
	c.Flags().StringVar(&approver, "approver", "", "the manager who approves a refund over the limits (their PIN after the cashier's)")
	c.Flags().BoolVar(&pinStdin, "pin-stdin", false, "read the PINs from standard input, one a line: the cashier's, then the approver's")
	w.add(c, "the result")
	return c
}

func cancelCmd(a *app) *cobra.Command {
	var syssn, cashier string
	var pinStdin bool
	var w waitFlags
	c := &cobra.Command{
		Use:     "cancel --syssn S [--cashier ID] [--pin-stdin] [--json] [--wait 16m]",
		Short:   "Cancel a sale that was not paid (reversal or close, as the pay type requires)",
		GroupID: "ops",
		Long: `Cancels a sale that was not paid, through /trade/v1/reversal or /trade/v1/close as the pay
type requires (close first for pay types QFPay lists no cancel for), and the other one if QFPay
answers that this one cannot. QFPay's answer is confirmed by reading the sale's record. With
staff, --cashier ID and that person's PIN (typed, or with --pin-stdin). Exit status as for
refund.`,
		Example: `  qfpos cancel --syssn 20261121000100020000001002 --json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, v, err := a.sale(syssn, w)
			if err != nil {
				return err
			}
			req := reversal.Request{Kind: storage.KindCancel, SaleSysSN: v.SysSN}
			pins := a.pins(pinStdin)
			defer pins.close()
			if err := a.signIn(j, &req, cashier, pins); err != nil {
				return err
			}
			return a.startOne(j, req, w)
		},
	}
	c.Flags().StringVar(&syssn, "syssn", "", "QFPay's syssn of the sale (required)")
	c.Flags().StringVar(&cashier, "cashier", "", "who cancels (with staff: required, with their PIN)")
	c.Flags().BoolVar(&pinStdin, "pin-stdin", false, "read the cashier's PIN from standard input")
	w.add(c, "the result")
	return c
}

// signIn names who starts a refund or cancel. With staff it is --cashier, signed in with their
// PIN (the lifecycle takes only a session the journal made); without, --cashier or [terminal]
// cashier.
func (a *app) signIn(j *storage.Journal, req *reversal.Request, cashier string, pins *pinLines) error {
	staffed, err := j.Staffed()
	if err != nil {
		return failed(err)
	}
	if !staffed {
		req.Cashier = cashier
		if cashier == "" {
			c, _ := a.config()
			req.Cashier = c.Terminal.Cashier
		}
		return nil
	}
	if cashier == "" {
		return usage("%s refused, nothing was sent: with staff, every %s is a person's: pass --cashier ID and the PIN (typed, or with --pin-stdin)", kind(req.Kind), kind(req.Kind))
	}
	pin, err := pins.read(says("PIN of %s", cashier), false)
	if err != nil {
		return err
	}
	s, err := j.SignIn(cashier, pin)
	var se *storage.StaffError
	if errors.As(err, &se) {
		return usage("%s refused, nothing was sent: --cashier %v", kind(req.Kind), err)
	}
	if err != nil {
		return failed(err)
	}
	req.Session = s
	return nil
}

// startOne starts one refund or cancel and follows it.
func (a *app) startOne(j *storage.Journal, req reversal.Request, w waitFlags) error {
	r, err := a.runner(j, w)
	if err != nil {
		return err
	}
	c, _ := a.config()
	if w.print {
		if c.Receipt.Printer == "" {
			return usage("--print needs [receipt] printer (or use qfpos receipt --out FILE)")
		}
		a.warnSlipEncoding("", true)
		r.after = func(op storage.Reversal) {
			if err := a.printSlip(j, op.ID, ""); err != nil {
				a.say(a.stderr, "slip not printed: %v — print it with qfpos receipt --op %d", err, op.ID)
			}
		}
	}
	fmt.Fprintln(a.stderr, r.words.T(catalog.CliTerminalGateway, a.udid, c.QFPay.BaseURL))
	if a.limitsDiffer != nil {
		fmt.Fprintln(a.stderr, a.limitsDiffer.in(r.words))
	}
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
	c.Flags().BoolVar(&asJSON, "json", false, "print the operations as a JSON array, one a line ([] when there are none)")
	return c
}
