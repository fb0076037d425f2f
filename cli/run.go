package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/catalog"
)

// english are the catalog's texts for machine output (--json keeps English in every language).
var english = catalog.New(language.English)

// result is the final line of refund, cancel and resume, in its stable JSON shape (amounts in
// minor units).
type result struct {
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

func resultOf(r storage.Reversal) result {
	res := result{ID: r.ID, Kind: string(r.Kind), Endpoint: r.Endpoint, State: string(r.State), SaleSysSN: r.SaleSysSN,
		OutTradeNo: r.OutTradeNo, Amount: r.Amount, Currency: r.Currency, QFPaySysSN: r.SysSN, RespCD: r.RespCD,
		Attempts: r.Attempts, UDID: r.UDID}
	switch r.State {
	case storage.StateFailed:
		res.Explanation, res.NextStep = english.Code(r.Operation(), r.RespCD, r.RespErr)
	case storage.StateUnknown, storage.StateSent, storage.StateProcessing, storage.StatePending:
		res.Explanation, res.NextStep = "Outcome unknown — still checking.", "Do not "+string(r.Kind)+" again; run qfpos resume later."
	}
	return res
}

// exitStatus maps a reversal's state to the exit status.
func exitStatus(r storage.Reversal) int {
	switch r.State {
	case storage.StateSucceeded:
		return ExitOK
	case storage.StateFailed:
		return ExitFailed
	}
	return ExitUnknown
}

// kindWord is a refund or a cancel in the cashier's language, as the command line writes it.
func kindWord(p *catalog.Printer, k storage.Kind) string {
	if k == storage.KindCancel {
		return p.T(catalog.CliCancel)
	}
	return p.T(catalog.HelpRefund) // "refund"
}

func progressLine(p *catalog.Printer, u reversal.Update, loc *time.Location) string {
	r, e := u.Reversal, u.Event
	line := fmt.Sprintf("%s  %s %s %s  %s", e.At.In(loc).Format("15:04:05"), kindWord(p, r.Kind), money.TextCode(r.Amount, r.Currency), r.OutTradeNo, ui.Progress(p, r, loc))
	if e.Type == storage.EventQuery || e.Type == storage.EventNote || e.Type == storage.EventIntent {
		if e.Message != "" && r.State != storage.StateFailed && r.State != storage.StateUnknown {
			line += " — " + e.Message
		}
	}
	return line
}

func writeResult(w io.Writer, p *catalog.Printer, r storage.Reversal, asJSON bool, loc *time.Location) {
	if asJSON {
		b, _ := json.Marshal(resultOf(r))
		fmt.Fprintln(w, string(b))
		return
	}
	fmt.Fprintln(w, p.T(catalog.CliResult, kindWord(p, r.Kind), money.TextCode(r.Amount, r.Currency), r.SaleSysSN, r.OutTradeNo, ui.Progress(p, r, loc)))
}

// runner drives the lifecycle for the headless commands: it starts the desk's loop, prints each
// update on stderr and the result on stdout.
type runner struct {
	desk   *reversal.Desk
	j      *storage.Journal
	wait   time.Duration // how long to follow before giving up with ExitUnknown
	json   bool
	stdout io.Writer
	stderr io.Writer
	owned  bool                   // the desk's loop already runs in this process (a command run for another qfpos)
	words  *catalog.Printer       // the cashier's language
	after  func(storage.Reversal) // called with the operation once it is followed (--print)
}

// run starts the desk's loop and returns a function that stops it and waits. Inside the owner the
// loop already runs and goes on after the command: only the command's wait ends with ctx.
func (c runner) run(ctx context.Context) (context.Context, func()) {
	if c.owned {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = c.desk.Run(ctx) })
	return ctx, func() { cancel(); wg.Wait() }
}

// printUpdates prints the updates of the operations this command follows (mine says which: in
// an owner, others' operations move too) until the returned function is called.
func (c runner) printUpdates(mine func(storage.Reversal) bool) func() {
	updates, unsubscribe := c.desk.Subscribe()
	var printer sync.WaitGroup
	printer.Go(func() {
		for u := range updates {
			if mine(u.Reversal) {
				fmt.Fprintln(c.stderr, progressLine(c.words, u, c.j.Location()))
			}
		}
	})
	return func() { unsubscribe(); printer.Wait() }
}

// one starts one refund or cancel and follows it.
func (c runner) one(ctx context.Context, req reversal.Request) error {
	dctx, stop := c.run(ctx)
	defer stop()
	select {
	case <-c.desk.Ready():
	case <-ctx.Done():
		return usage("interrupted before anything was sent")
	}
	// One operation in flight per sale: the sale and the kind name the one this command starts.
	done := c.printUpdates(func(r storage.Reversal) bool { return r.SaleSysSN == req.SaleSysSN && r.Kind == req.Kind })
	r, err := c.desk.Start(dctx, req)
	if err != nil {
		done()
		if errors.Is(err, storage.ErrDamaged) || ctx.Err() != nil {
			return failed(says("%s not sent: %v", kind(req.Kind), err))
		}
		why := c.explain(err)
		if c.words.Language() != language.English { // the cashier's words; English keeps the details
			v, _, _ := c.j.Sale(req.SaleSysSN)
			why = ui.RefusalText(c.words, err, v.Currency)
		}
		return usage("%s", c.words.T(catalog.CliRefused, kindWord(c.words, req.Kind), why))
	}
	fctx, cancel := context.WithTimeout(dctx, c.wait)
	defer cancel()
	r, err = c.desk.Follow(fctx, r.ID, nil)
	done()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		fmt.Fprintln(c.stderr, c.words.T(catalog.CliInterrupted, kindWord(c.words, r.Kind), r.OutTradeNo))
	}
	writeResult(c.stdout, c.words, r, c.json, c.j.Location())
	if c.after != nil {
		c.after(r)
	}
	return status(exitStatus(r))
}

// explain turns a refusal into one line.
func (c runner) explain(err error) string {
	loc := c.j.Location()
	var re *storage.RuleError
	if errors.As(err, &re) {
		switch {
		case errors.Is(err, storage.ErrInFlight) && re.Existing != nil:
			return says("%v (%s %s is %s)", storage.ErrInFlight, kindWord(c.words, re.Existing.Kind), re.Existing.OutTradeNo, ui.Progress(c.words, *re.Existing, loc)).in(c.words)
		case errors.Is(err, storage.ErrOverRefund):
			v, _, _ := c.j.Sale(re.SaleSysSN)
			return says("%v (%s left)", storage.ErrOverRefund, money.TextCode(re.Remaining, v.Currency)).in(c.words)
		}
	}
	return err.Error()
}

// resume drives every unfinished operation until each is final or the deadline passes.
func (c runner) resume(ctx context.Context) error {
	loc := c.j.Location()
	open, err := c.j.Unfinished()
	if err != nil {
		return failed(err)
	}
	if len(open) == 0 {
		fmt.Fprintln(c.stderr, c.words.T(catalog.CliNothingToResume))
		if c.json {
			return (&jsonArray{w: c.stdout}).close()
		}
		return nil
	}
	fmt.Fprintln(c.stderr, c.words.T(catalog.CliResuming, len(open)))
	ids := map[uint64]bool{}
	for _, o := range open {
		ids[o.ID] = true
	}
	done := c.printUpdates(func(r storage.Reversal) bool { return ids[r.ID] })
	dctx, stop := c.run(ctx)
	if c.owned {
		// The owner's loop drives them on its schedule; resume asks for a check now, as a fresh
		// process would make at its start.
		for _, o := range open {
			if err := c.desk.Recheck(o.ID); err != nil {
				fmt.Fprintln(c.stderr, says("cannot ask for a check of %s now: %v", o.OutTradeNo, err).in(c.words))
			}
		}
	}
	deadline := time.After(c.wait)
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
			if settled, _ := allSettled(c.j, open); settled {
				break wait
			}
		}
	}
	stop()
	done()
	code := ExitOK
	arr := &jsonArray{w: c.stdout}
	for _, o := range open {
		r, err := c.j.Reversal(o.ID)
		if err != nil {
			return failed(err)
		}
		if c.json {
			_ = arr.add(resultOf(r))
		} else {
			writeResult(c.stdout, c.words, r, false, loc)
		}
		switch s := exitStatus(r); {
		case s == ExitUnknown:
			code = ExitUnknown
		case s == ExitFailed && code == ExitOK:
			code = ExitFailed
		}
	}
	if c.json {
		_ = arr.close()
	}
	if ctx.Err() != nil {
		fmt.Fprintln(c.stderr, c.words.T(catalog.CliResumeInterrupted))
	}
	return status(code)
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

// writePending lists the unfinished operations.
func writePending(w io.Writer, p *catalog.Printer, j *storage.Journal, asJSON bool) error {
	open, err := j.Unfinished()
	if err != nil {
		return err
	}
	loc := j.Location()
	if asJSON {
		arr := &jsonArray{w: w}
		for _, r := range open {
			if err := arr.add(resultOf(r)); err != nil {
				return err
			}
		}
		return arr.close()
	}
	if len(open) == 0 {
		_, err := fmt.Fprintln(w, p.T(catalog.CliNoPending))
		return err
	}
	rows := [][]string{{p.T("id"), p.T("created"), p.T("kind"), p.T("sale"), p.T("amount"), "out_trade_no", p.T("attempts"), p.T("state")}}
	for _, r := range open {
		rows = append(rows, []string{strconv.FormatUint(r.ID, 10), r.Created.In(loc).Format("2006-01-02 15:04:05"), kindWord(p, r.Kind),
			r.SaleSysSN, money.TextCode(r.Amount, r.Currency), r.OutTradeNo, strconv.Itoa(r.Attempts), ui.Progress(p, r, loc)})
	}
	for _, line := range report.AlignColumns(rows, 2) {
		if _, err := fmt.Fprintln(w, strings.TrimRight(line, " ")); err != nil {
			return err
		}
	}
	return nil
}
