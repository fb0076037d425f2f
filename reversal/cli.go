package reversal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/storage"
)

// Exit statuses of the headless commands.
const (
	ExitSucceeded = 0 // every operation succeeded
	ExitFailed    = 1 // an operation failed (final)
	ExitUsage     = 2 // usage, configuration or validation error: nothing was sent
	ExitUnknown   = 3 // an outcome is still unknown at the deadline (or the command was interrupted)
)

// Result is the final line of a headless command, in its stable JSON shape (amounts in minor units).
type Result struct {
	ID          uint64 `json:"id"`
	Kind        string `json:"kind"`
	Endpoint    string `json:"endpoint"`
	State       string `json:"state"`
	SaleSysSN   string `json:"sale_syssn"`
	OutTradeNo  string `json:"out_trade_no"`
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	QFPaySysSN  string `json:"qfpay_syssn,omitempty"`
	RespCD      string `json:"respcd,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	NextStep    string `json:"next_step,omitempty"`
	Attempts    int    `json:"attempts"`
	UDID        string `json:"udid,omitempty"`
}

// ResultOf describes a reversal for output.
func ResultOf(r storage.Reversal) Result {
	res := Result{ID: r.ID, Kind: string(r.Kind), Endpoint: r.Endpoint, State: string(r.State), SaleSysSN: r.SaleSysSN,
		OutTradeNo: r.OutTradeNo, Amount: r.Amount, Currency: r.Currency, QFPaySysSN: r.SysSN, RespCD: r.RespCD,
		Attempts: r.Attempts, UDID: r.UDID}
	switch r.State {
	case storage.StateFailed:
		info := qfpay.LookupCode(r.RespCD, r.RespErr)
		res.Explanation, res.NextStep = info.Explanation, info.Next
	case storage.StateUnknown, storage.StateSent, storage.StateProcessing, storage.StatePending:
		res.Explanation, res.NextStep = "Outcome unknown — still checking.", "Do not refund again; run qfpos resume later."
	}
	return res
}

// ExitStatus maps a reversal's state to the exit status.
func ExitStatus(r storage.Reversal) int {
	switch r.State {
	case storage.StateSucceeded:
		return ExitSucceeded
	case storage.StateFailed:
		return ExitFailed
	}
	return ExitUnknown
}

// Amount formats minor units with the currency's exponent.
func Amount(minor int64, currency string) string { return money.TextCode(minor, currency) }

// Sentence says in one line what state an operation is in and what to do.
func Sentence(r storage.Reversal, loc *time.Location) string {
	switch r.State {
	case storage.StatePending:
		return "journaled; sending"
	case storage.StateSent:
		return fmt.Sprintf("sent (attempt %d); waiting for QFPay", r.Attempts)
	case storage.StateProcessing:
		if !r.NextCheck.IsZero() {
			return "waiting for QFPay; next check at " + r.NextCheck.In(loc).Format("15:04:05")
		}
		return "waiting for QFPay"
	case storage.StateSucceeded:
		if r.SysSN != "" {
			return "succeeded (QFPay " + r.SysSN + ")"
		}
		return "succeeded"
	case storage.StateFailed:
		info := qfpay.LookupCode(r.RespCD, r.RespErr)
		return fmt.Sprintf("failed (%s): %s %s", r.RespCD, info.Explanation, info.Next)
	case storage.StateUnknown:
		return "Outcome unknown — still checking. Do not refund again."
	}
	return string(r.State)
}

func progressLine(u Update, loc *time.Location) string {
	r, e := u.Reversal, u.Event
	line := fmt.Sprintf("%s  %s %s %s  %s", e.At.In(loc).Format("15:04:05"), r.Kind, Amount(r.Amount, r.Currency), r.OutTradeNo, Sentence(r, loc))
	if e.Type == storage.EventQuery || e.Type == storage.EventNote {
		if e.Message != "" && r.State != storage.StateFailed && r.State != storage.StateUnknown {
			line += " — " + e.Message
		}
	}
	return line
}

func writeResult(w io.Writer, r storage.Reversal, asJSON bool, loc *time.Location) {
	if asJSON {
		b, _ := json.Marshal(ResultOf(r))
		fmt.Fprintln(w, string(b))
		return
	}
	fmt.Fprintf(w, "%s %s of sale %s (%s): %s\n", r.Kind, Amount(r.Amount, r.Currency), r.SaleSysSN, r.OutTradeNo, Sentence(r, loc))
}

// Command runs the headless refund, cancel and resume commands over a desk.
type Command struct {
	Desk   *Desk
	Wait   time.Duration // how long to follow before giving up with ExitUnknown
	JSON   bool
	Stdout io.Writer
	Stderr io.Writer
}

// runDesk starts the desk's loop and returns a function that stops it and waits.
func (c Command) runDesk(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = c.Desk.Run(ctx) })
	return ctx, func() { cancel(); wg.Wait() }
}

// One starts one refund or cancel and follows it. It returns the exit status.
func (c Command) One(ctx context.Context, req Request) int {
	loc := c.Desk.j.Location()
	dctx, stop := c.runDesk(ctx)
	defer stop()
	select {
	case <-c.Desk.Ready():
	case <-ctx.Done():
		fmt.Fprintln(c.Stderr, "interrupted before anything was sent")
		return ExitUsage
	}
	updates, unsubscribe := c.Desk.Subscribe()
	var printer sync.WaitGroup
	printer.Go(func() {
		for u := range updates {
			fmt.Fprintln(c.Stderr, progressLine(u, loc))
		}
	})
	r, err := c.Desk.Start(dctx, req)
	if err != nil {
		unsubscribe()
		printer.Wait()
		fmt.Fprintf(c.Stderr, "%s refused, nothing was sent: %v\n", req.Kind, c.explain(err))
		return ExitUsage
	}
	fctx, cancel := context.WithTimeout(dctx, c.Wait)
	defer cancel()
	r, err = c.Desk.Follow(fctx, r.ID, nil)
	unsubscribe()
	printer.Wait()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		fmt.Fprintf(c.Stderr, "interrupted: %s %s is journaled and will resume (run qfpos resume)\n", r.Kind, r.OutTradeNo)
	}
	writeResult(c.Stdout, r, c.JSON, loc)
	return ExitStatus(r)
}

// explain turns a refusal into one line.
func (c Command) explain(err error) string {
	loc := c.Desk.j.Location()
	var re *storage.RuleError
	if errors.As(err, &re) {
		switch {
		case errors.Is(err, storage.ErrInFlight) && re.Existing != nil:
			return fmt.Sprintf("%s (%s %s is %s)", storage.ErrInFlight, re.Existing.Kind, re.Existing.OutTradeNo, Sentence(*re.Existing, loc))
		case errors.Is(err, storage.ErrOverRefund):
			v, _, _ := c.Desk.j.Sale(re.SaleSysSN)
			return fmt.Sprintf("%s (%s left)", storage.ErrOverRefund, Amount(re.Remaining, v.Currency))
		case errors.Is(err, storage.ErrNotFound):
			return fmt.Sprintf("sale %s is not in the journal (add it with qfpos sales add, or check the syssn)", re.SaleSysSN)
		}
	}
	return err.Error()
}

// Resume drives every unfinished operation until each is final or the deadline passes.
func (c Command) Resume(ctx context.Context) int {
	loc := c.Desk.j.Location()
	open, err := c.Desk.j.Unfinished()
	if err != nil {
		fmt.Fprintln(c.Stderr, err)
		return ExitFailed
	}
	if len(open) == 0 {
		fmt.Fprintln(c.Stderr, "nothing to resume")
		return ExitSucceeded
	}
	fmt.Fprintf(c.Stderr, "resuming %d unfinished operation(s)\n", len(open))
	updates, unsubscribe := c.Desk.Subscribe()
	var printer sync.WaitGroup
	printer.Go(func() {
		for u := range updates {
			fmt.Fprintln(c.Stderr, progressLine(u, loc))
		}
	})
	dctx, stop := c.runDesk(ctx)
	deadline := time.After(c.Wait)
	ticker := time.NewTicker(50 * time.Millisecond)
	defer ticker.Stop()
wait:
	for {
		select {
		case <-dctx.Done():
			break wait
		case <-deadline:
			break wait
		case <-ticker.C:
			if done, _ := allSettled(c.Desk.j, open); done {
				break wait
			}
		}
	}
	stop()
	unsubscribe()
	printer.Wait()
	status := ExitSucceeded
	for _, o := range open {
		r, err := c.Desk.j.Reversal(o.ID)
		if err != nil {
			fmt.Fprintln(c.Stderr, err)
			return ExitFailed
		}
		writeResult(c.Stdout, r, c.JSON, loc)
		switch s := ExitStatus(r); {
		case s == ExitUnknown:
			status = ExitUnknown
		case s == ExitFailed && status == ExitSucceeded:
			status = ExitFailed
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(c.Stderr, "interrupted: unfinished operations stay journaled and will resume")
	}
	return status
}

// allSettled reports whether every one of the operations is finished or parked as unknown
// after at least one check in this run.
func allSettled(j *storage.Journal, ops []storage.Reversal) (bool, error) {
	for _, o := range ops {
		r, err := j.Reversal(o.ID)
		if err != nil {
			return false, err
		}
		if r.State.Finished() {
			continue
		}
		if r.State == storage.StateUnknown && r.Updated.After(o.Updated) {
			continue
		}
		return false, nil
	}
	return true, nil
}

// WritePending lists the unfinished operations.
func WritePending(w io.Writer, j *storage.Journal, asJSON bool) error {
	open, err := j.Unfinished()
	if err != nil {
		return err
	}
	loc := j.Location()
	if asJSON {
		enc := json.NewEncoder(w)
		for _, r := range open {
			if err := enc.Encode(ResultOf(r)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(open) == 0 {
		_, err := fmt.Fprintln(w, "no unfinished refunds or cancels")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tcreated\tkind\tsale\tamount\tout_trade_no\tattempts\tstate")
	for _, r := range open {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.Created.In(loc).Format("2006-01-02 15:04:05"), r.Kind,
			r.SaleSysSN, Amount(r.Amount, r.Currency), r.OutTradeNo, r.Attempts, Sentence(r, loc))
	}
	return tw.Flush()
}

// ParseAmount reads a decimal amount typed for a sale, in the sale's currency.
func ParseAmount(j *storage.Journal, syssn, text string) (int64, error) {
	v, ok, err := j.Sale(syssn)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("sale %s is not in the journal (add it with qfpos sales add, or check the syssn)", syssn)
	}
	c, err := money.Lookup(v.Currency)
	if err != nil {
		return 0, err
	}
	return money.Parse(text, c)
}
