// Command qfpos is a counter-terminal refund desk for stores that take payments through QFPay.
//
// main.go only parses the command line and wires the packages together; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/qfpaytest"
)

const usage = `qfpos — a refund desk for QFPay merchants

Usage:
  qfpos sandbox [--addr 127.0.0.1:8787] [--app-code C --client-key K] [--mchid M]
                [--seed N] [--state FILE] [--sales N]
      run the QFPay sandbox gateway standalone (for POS developers and tests)

Run "qfpos COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses shared by every command.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// run executes one command; ctx ends on Ctrl+C or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "sandbox":
		return cmdSandbox(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "qfpos: unknown command %q (run qfpos help)\n", args[0])
	return exitUsage
}

// newFlags builds a command's flag set; parse errors and --help print to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("qfpos "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses and rejects stray arguments; it returns the exit status to use on failure.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

func cmdSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sandbox", stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "address to listen on")
	appCode := fs.String("app-code", "", "merchant app code (generated when empty)")
	key := fs.String("client-key", "", "merchant client key (generated when empty)")
	mchid := fs.String("mchid", "", "mchid to require on every request (none when empty)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed for ids, seeded sales and random faults")
	state := fs.String("state", "", "JSON file that keeps the sandbox's state across restarts")
	sales := fs.Int("sales", 8, "sales to seed when the sandbox has none")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if (*appCode == "") != (*key == "") {
		fmt.Fprintln(stderr, "qfpos sandbox: give both --app-code and --client-key, or neither")
		return exitUsage
	}
	if err := qfpay.CheckMchID(*mchid); err != nil {
		fmt.Fprintf(stderr, "qfpos sandbox: --mchid: %v\n", err)
		return exitUsage
	}
	opts := []qfpaytest.Option{qfpaytest.WithSeed(*seed), qfpaytest.WithSettle(qfpaytest.Settle{Delay: 3 * time.Second, Jitter: 3 * time.Second})}
	if *state != "" {
		opts = append(opts, qfpaytest.WithStateFile(*state))
	}
	sb, err := qfpaytest.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sandbox: %v\n", err)
		return exitFail
	}
	m := qfpaytest.Merchant{AppCode: *appCode, Key: *key, MchID: *mchid}
	if m.AppCode == "" {
		if known := sb.Merchants(); len(known) > 0 {
			m = known[0]
		} else {
			m = qfpaytest.NewCredentials()
			m.MchID = *mchid
		}
	}
	sb.AddMerchant(m)
	if len(sb.Txns()) == 0 && *sales > 0 {
		if _, err := sb.SeedSales(m.AppCode, time.Now(), *sales, "POS-01"); err != nil {
			fmt.Fprintf(stderr, "qfpos sandbox: seeding sales: %v\n", err)
			return exitFail
		}
	}
	srv, err := sb.Listen(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sandbox: cannot listen on %s: %v (pick another --addr)\n", *addr, err)
		return exitFail
	}
	defer srv.Close()

	fmt.Fprintf(stdout, "QFPay sandbox listening on %s (no real money)\n\n", srv.URL)
	fmt.Fprintf(stdout, "  base_url    = %q\n  app_code    = %q\n  client_key  = %q\n", srv.URL, m.AppCode, m.Key)
	if m.MchID != "" {
		fmt.Fprintf(stdout, "  mchid       = %q\n", m.MchID)
	}
	fmt.Fprintln(stdout, "\nSales:")
	fmt.Fprintf(stdout, "  %-26s  %-19s  %-6s  %10s  %s\n", "syssn", "txdtm", "type", "amount", "status")
	for _, t := range sb.Txns() {
		if t.OrderType != "payment" || t.AppCode != m.AppCode {
			continue
		}
		status := "paid"
		if t.RespCD != "0000" {
			status = "unpaid"
		}
		fmt.Fprintf(stdout, "  %-26s  %-19s  %-6s  %10s  %s\n", t.SysSN, t.TxDtm, t.PayType, amountText(t.Amount, t.Currency), status)
	}
	fmt.Fprintln(stdout, "\nPress Ctrl+C to stop.")

	<-ctx.Done()
	fmt.Fprintln(stdout, "sandbox stopped")
	return exitOK
}

// amountText formats minor units with the currency's exponent ("12.50 HKD").
func amountText(minor int64, code string) string {
	c, err := money.Lookup(code)
	if err != nil {
		return fmt.Sprintf("%d (minor units) %s", minor, code)
	}
	return money.FormatCode(minor, c)
}
