// Command qfpos is a counter-terminal refund desk for stores that take payments through QFPay.
//
// main.go only parses the command line and wires the packages together; see README.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/demo"
)

const usage = `qfpos — a refund desk for QFPay merchants

Usage:
  qfpos [--config PATH] [--journal PATH]
      the refund desk on the configured gateway and journal
  qfpos demo [--journal PATH] [--seed N]
      the refund desk on an embedded sandbox with demo sales: no credentials, no real money
  qfpos sandbox [--addr 127.0.0.1:8787] [--app-code C --client-key K] [--mchid M]
                [--seed N] [--state FILE] [--sales N]
      run the QFPay sandbox gateway standalone (for POS developers and tests)

  qfpos refund --syssn S [--amount 12.50] [--reason TEXT] [--json] [--wait 16m]
      refund (part of) a paid sale; the default amount is what is left to refund
  qfpos cancel --syssn S [--json] [--wait 16m]
      cancel a sale that was not paid (reversal or close, chosen by pay type)
  qfpos resume [--json] [--wait 16m]
      drive every unfinished refund and cancel until final or the deadline
  qfpos pending [--json]
      list unfinished refunds and cancels
  qfpos sales add --syssn S --out-trade-no O --amount 12.50 --currency HKD --pay-type 800208
                  --txdtm "2026-11-21 10:00:00" [--status 0000] [--cashier NAME] [--goods TEXT]
      record a sale taken by the POS
  qfpos sales import FILE.csv
      import sales (header: syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid)
  qfpos sales list [--days 7] [--format table|csv|json]
      list recent sales, newest first
  qfpos sales sync [--since 24h] [--all-terminals]
      pull this terminal's payments from QFPay into the journal
  qfpos report [--date YYYY-MM-DD|today|yesterday] [--format table|csv|json] [--out FILE] [--store]
      a day's refunds and cancels with totals (--store: the whole merchant, from QFPay)
  qfpos reconcile [--date ...] [--json]
      compare the day with QFPay, settle unknown outcomes, list what needs a person

Every command takes --config PATH (default ./qfpos.toml, else the user's config directory)
and --journal PATH (overrides [journal] path).
Exit status of refund, cancel and resume: 0 succeeded, 1 failed, 2 usage, configuration or
validation error (nothing sent), 3 outcome still unknown.
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
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "-help" && args[0] != "--help") {
		return cmdTUI(ctx, args, stderr)
	}
	switch args[0] {
	case "demo":
		return cmdDemo(ctx, args[1:], stderr)
	case "sandbox":
		return cmdSandbox(ctx, args[1:], stdout, stderr)
	case "sales":
		return cmdSales(ctx, args[1:], stdout, stderr)
	case "refund", "cancel":
		return cmdReverse(ctx, args[0], args[1:], stdout, stderr)
	case "resume":
		return cmdResume(ctx, args[1:], stdout, stderr)
	case "pending":
		return cmdPending(args[1:], stdout, stderr)
	case "report":
		return cmdReport(ctx, args[1:], stdout, stderr)
	case "reconcile":
		return cmdReconcile(ctx, args[1:], stdout, stderr)
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
	settle := fs.Duration("settle", 3*time.Second, "how long an accepted refund stays processing (plus up to as much again at random); 0 completes at once")
	faultRate := fs.Float64("fault-rate", 0, "share of requests (0 to 1) that meet a random fault: lost reply, 502, truncated reply, slow reply")
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
	if *settle < 0 || *faultRate < 0 || *faultRate > 1 {
		fmt.Fprintln(stderr, "qfpos sandbox: --settle must not be negative and --fault-rate must be between 0 and 1")
		return exitUsage
	}
	opts := []qfpaytest.Option{qfpaytest.WithSeed(*seed), qfpaytest.WithSettle(qfpaytest.Settle{Delay: *settle, Jitter: *settle})}
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
	if *faultRate > 0 {
		faults := []qfpaytest.Fault{{Kind: qfpaytest.FaultLostReply}, {Kind: qfpaytest.FaultBadGateway},
			{Kind: qfpaytest.FaultTruncated}, {Kind: qfpaytest.FaultSlowReply, Latency: 2 * time.Second}}
		for _, ep := range []string{"refund", "reversal", "close", "query"} {
			sb.RandomFaults(ep, *faultRate, faults...)
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
	fmt.Fprintf(stdout, "  %-26s  %-26s  %-19s  %-6s  %14s  %s\n", "syssn", "out_trade_no", "txdtm", "type", "amount", "status")
	for _, t := range sb.Txns() {
		if t.OrderType != "payment" || t.AppCode != m.AppCode {
			continue
		}
		status := "paid"
		if t.RespCD != "0000" {
			status = "unpaid"
		}
		fmt.Fprintf(stdout, "  %-26s  %-26s  %-19s  %-6s  %14s  %s\n", t.SysSN, t.OutTradeNo, t.TxDtm, t.PayType, reversal.Amount(t.Amount, t.Currency), status)
	}
	fmt.Fprintln(stdout, "\nPress Ctrl+C to stop.")

	<-ctx.Done()
	fmt.Fprintln(stdout, "sandbox stopped")
	return exitOK
}

func cmdSales(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "qfpos sales: say add, import, list or sync (run qfpos help)")
		return exitUsage
	}
	switch args[0] {
	case "add":
		return cmdSalesAdd(args[1:], stdout, stderr)
	case "import":
		return cmdSalesImport(args[1:], stdout, stderr)
	case "list":
		return cmdSalesList(args[1:], stdout, stderr)
	case "sync":
		return cmdSalesSync(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "qfpos sales: unknown command %q (add, import, list or sync)\n", args[0])
	return exitUsage
}

// common holds the flags every command has.
type common struct {
	config  *string
	journal *string
}

func commonFlags(fs *flag.FlagSet) common {
	return common{
		config:  fs.String("config", "", "configuration file (default ./qfpos.toml, else the user's config directory)"),
		journal: fs.String("journal", "", "journal file (overrides [journal] path)"),
	}
}

// load reads the configuration and opens the journal, printing a one-line error on failure.
func (c common) load(stderr io.Writer, cmd string) (reversal.Config, *storage.Journal, bool) {
	cfg, err := reversal.LoadConfig(reversal.FindConfig(*c.config), os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos %s: %v\n", cmd, err)
		return cfg, nil, false
	}
	path := *c.journal
	if path == "" {
		path = cfg.Journal.Path
	}
	if path == "" {
		if path, err = storage.DefaultPath(); err != nil {
			fmt.Fprintf(stderr, "qfpos %s: %v\n", cmd, err)
			return cfg, nil, false
		}
	}
	j, err := storage.Open(path, storage.WithLocation(cfg.Location), storage.WithQFPayZone(cfg.Zone))
	if err != nil {
		fmt.Fprintf(stderr, "qfpos %s: %v\n", cmd, err)
		return cfg, nil, false
	}
	return cfg, j, true
}

// logger writes qfpos.log beside the journal (nothing is logged to the terminal).
func logger(j *storage.Journal) (*slog.Logger, func()) {
	f, err := os.OpenFile(filepath.Join(filepath.Dir(j.Path()), "qfpos.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return slog.New(slog.DiscardHandler), func() {}
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }
}

// terminalUDID is the udid from the configuration, else from the journal (generated once).
func terminalUDID(cfg reversal.Config, j *storage.Journal) (string, error) {
	if cfg.Terminal.UDID != "" {
		return cfg.Terminal.UDID, nil
	}
	return j.TerminalUDID(reversal.NewUDID)
}

// newClient builds the QFPay client from the configuration.
func newClient(cfg reversal.Config, j *storage.Journal, log *slog.Logger) (*qfpay.Client, string, error) {
	if cfg.QFPay.AppCode == "" || cfg.QFPay.ClientKey == "" {
		where := "the configuration file"
		if cfg.Path != "" {
			where = cfg.Path
		}
		return nil, "", fmt.Errorf("no QFPay credentials: set app_code and client_key in %s, or QFPAY_APP_CODE and QFPAY_CLIENT_KEY", where)
	}
	udid, err := terminalUDID(cfg, j)
	if err != nil {
		return nil, "", err
	}
	client, err := qfpay.New(cfg.QFPay.AppCode, cfg.QFPay.ClientKey, append(cfg.ClientOptions(udid), qfpay.WithLogger(log))...)
	return client, udid, err
}

// newDesk builds the QFPay client and the lifecycle from the configuration.
func newDesk(cfg reversal.Config, j *storage.Journal, log *slog.Logger) (*reversal.Desk, string, error) {
	d, _, udid, err := newDeskAndClient(cfg, j, log)
	return d, udid, err
}

func newDeskAndClient(cfg reversal.Config, j *storage.Journal, log *slog.Logger) (*reversal.Desk, *qfpay.Client, string, error) {
	client, udid, err := newClient(cfg, j, log)
	if err != nil {
		return nil, nil, "", err
	}
	d := reversal.New(j, client, reversal.WithPolicy(cfg.Policy()), reversal.WithUDID(udid),
		reversal.WithCancelEndpoints(cfg.QFPay.CancelEndpoint), reversal.WithLogger(log))
	return d, client, udid, nil
}

// remoteTimeout bounds a report, sync or reconciliation's talk with QFPay.
const remoteTimeout = 2 * time.Minute

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("report", stderr)
	cf := commonFlags(fs)
	date := fs.String("date", "today", "YYYY-MM-DD, today or yesterday")
	format := fs.String("format", "table", "table, csv or json")
	out := fs.String("out", "", "write to this file instead of standard output")
	store := fs.Bool("store", false, "the whole merchant: merge QFPay's records with this journal")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		fmt.Fprintf(stderr, "qfpos report: --format %q is not table, csv or json\n", *format)
		return exitUsage
	}
	cfg, j, ok := cf.load(stderr, "report")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	day, err := reversal.ParseDay(*date, time.Now(), cfg.Location)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos report: --date: %v\n", err)
		return exitUsage
	}
	var rep reversal.Report
	if *store {
		log, closeLog := logger(j)
		defer closeLog()
		client, udid, err := newClient(cfg, j, log)
		if err != nil {
			fmt.Fprintf(stderr, "qfpos report --store: %v\n", err)
			return exitUsage
		}
		cctx, cancel := context.WithTimeout(ctx, remoteTimeout)
		defer cancel()
		rep, err = reversal.StoreReport(cctx, j, client, day, udid)
		if err != nil {
			fmt.Fprintf(stderr, "qfpos report: %v\n", err)
			return exitFail
		}
		if rep.Notice != "" {
			fmt.Fprintf(stderr, "qfpos report: %s\n", rep.Notice)
		}
	} else {
		udid, err := terminalUDID(cfg, j)
		if err == nil {
			rep, err = reversal.LocalReport(j, day, udid)
		}
		if err != nil {
			fmt.Fprintf(stderr, "qfpos report: %v\n", err)
			return exitFail
		}
	}
	var buf bytes.Buffer
	if err := reversal.WriteReport(&buf, rep, *format, cfg.Location); err != nil {
		fmt.Fprintf(stderr, "qfpos report: %v\n", err)
		return exitFail
	}
	if *out == "" {
		_, _ = stdout.Write(buf.Bytes())
		return exitOK
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "qfpos report: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "wrote %d refund(s) and cancel(s) of %s to %s\n", len(rep.Rows), rep.Date, *out)
	return exitOK
}

func cmdSalesSync(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sales sync", stderr)
	cf := commonFlags(fs)
	since := fs.Duration("since", 24*time.Hour, "how far back to pull payments")
	all := fs.Bool("all-terminals", false, "keep every terminal's payments, not only this one's")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *since <= 0 {
		fmt.Fprintln(stderr, "qfpos sales sync: --since must be positive, e.g. 24h")
		return exitUsage
	}
	cfg, j, ok := cf.load(stderr, "sales sync")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	log, closeLog := logger(j)
	defer closeLog()
	client, udid, err := newClient(cfg, j, log)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales sync: %v\n", err)
		return exitUsage
	}
	if *all {
		udid = ""
	}
	cctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	res, err := reversal.SyncSales(cctx, j, client, time.Now(), *since, udid)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales sync: %v (nothing was changed that QFPay did not answer)\n", err)
		return exitFail
	}
	for _, r := range res.Refused {
		fmt.Fprintf(stderr, "refused: %s\n", r)
	}
	fmt.Fprintf(stdout, "%d added, %d updated, %d unchanged, %d of other terminals left out\n", res.Added, res.Updated, res.Unchanged, res.OtherTerminals)
	if len(res.Refused) > 0 {
		return exitFail
	}
	return exitOK
}

func cmdReconcile(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("reconcile", stderr)
	cf := commonFlags(fs)
	date := fs.String("date", "today", "YYYY-MM-DD, today or yesterday")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, j, ok := cf.load(stderr, "reconcile")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	day, err := reversal.ParseDay(*date, time.Now(), cfg.Location)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos reconcile: --date: %v\n", err)
		return exitUsage
	}
	log, closeLog := logger(j)
	defer closeLog()
	client, udid, err := newClient(cfg, j, log)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos reconcile: %v\n", err)
		return exitUsage
	}
	cctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	res, err := reversal.Reconcile(cctx, j, client, day, udid)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos reconcile: %v\n", err)
		return exitFail
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
	} else {
		reversal.WriteReconciliation(stdout, res)
	}
	if len(res.Differences) > 0 {
		return exitFail
	}
	return exitOK
}

func cmdReverse(ctx context.Context, kind string, args []string, stdout, stderr io.Writer) int {
	fs := newFlags(kind, stderr)
	cf := commonFlags(fs)
	syssn := fs.String("syssn", "", "QFPay's syssn of the sale (required)")
	var amount, reason *string
	if kind == "refund" {
		amount = fs.String("amount", "", "amount to refund, e.g. 12.50 (default: what is left to refund)")
		reason = fs.String("reason", "", "why the customer is refunded")
	}
	asJSON := fs.Bool("json", false, "print the result as one JSON line")
	wait := fs.Duration("wait", 0, "how long to follow the outcome (default: [poll] give_up_after + 1m)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *syssn == "" {
		fmt.Fprintf(stderr, "qfpos %s: --syssn is required\n", kind)
		return exitUsage
	}
	cfg, j, ok := cf.load(stderr, kind)
	if !ok {
		return exitUsage
	}
	defer j.Close()
	log, closeLog := logger(j)
	defer closeLog()
	d, udid, err := newDesk(cfg, j, log)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos %s: %v\n", kind, err)
		return exitUsage
	}
	req := reversal.Request{Kind: storage.Kind(kind), SaleSysSN: *syssn, Cashier: cfg.Terminal.Cashier}
	if kind == "refund" {
		req.Reason = *reason
		if *amount != "" {
			if req.Amount, err = reversal.ParseAmount(j, *syssn, *amount); err != nil {
				fmt.Fprintf(stderr, "qfpos refund: --amount: %v\n", err)
				return exitUsage
			}
			if req.Amount <= 0 {
				fmt.Fprintln(stderr, "qfpos refund: --amount must be more than zero")
				return exitUsage
			}
		}
	}
	fmt.Fprintf(stderr, "terminal %s, gateway %s\n", udid, cfg.QFPay.BaseURL)
	return command(d, cfg, *wait, *asJSON, stdout, stderr).One(ctx, req)
}

func command(d *reversal.Desk, cfg reversal.Config, wait time.Duration, asJSON bool, stdout, stderr io.Writer) reversal.Command {
	if wait <= 0 {
		wait = cfg.Policy().GiveUpAfter + time.Minute
	}
	return reversal.Command{Desk: d, Wait: wait, JSON: asJSON, Stdout: stdout, Stderr: stderr}
}

func cmdResume(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("resume", stderr)
	cf := commonFlags(fs)
	asJSON := fs.Bool("json", false, "print each result as one JSON line")
	wait := fs.Duration("wait", 0, "how long to drive operations (default: [poll] give_up_after + 1m)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, j, ok := cf.load(stderr, "resume")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	log, closeLog := logger(j)
	defer closeLog()
	d, _, err := newDesk(cfg, j, log)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos resume: %v\n", err)
		return exitUsage
	}
	return command(d, cfg, *wait, *asJSON, stdout, stderr).Resume(ctx)
}

func cmdPending(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("pending", stderr)
	cf := commonFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON line per operation")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	_, j, ok := cf.load(stderr, "pending")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	if err := reversal.WritePending(stdout, j, *asJSON); err != nil {
		fmt.Fprintf(stderr, "qfpos pending: %v\n", err)
		return exitFail
	}
	return exitOK
}

func cmdSalesAdd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sales add", stderr)
	cf := commonFlags(fs)
	syssn := fs.String("syssn", "", "QFPay's syssn of the payment (required)")
	otn := fs.String("out-trade-no", "", "the POS's out_trade_no of the payment")
	amount := fs.String("amount", "", "amount as a decimal in the currency, e.g. 12.50 (required)")
	currency := fs.String("currency", "", "currency code (default: [terminal] currency)")
	payType := fs.String("pay-type", "", "QFPay pay_type, e.g. 800208 (required)")
	txdtm := fs.String("txdtm", "", `payment time "YYYY-MM-DD hh:mm:ss" (required)`)
	status := fs.String("status", "0000", "QFPay respcd of the payment: 0000 paid, 1143 not paid yet")
	cashier := fs.String("cashier", "", "who took the payment")
	goods := fs.String("goods", "", "what was sold")
	udid := fs.String("udid", "", "the terminal that took the payment")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, j, ok := cf.load(stderr, "sales add")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	if *currency == "" {
		*currency = cfg.Terminal.Currency
	}
	cur, err := money.Lookup(*currency)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales add: --currency: %v\n", err)
		return exitUsage
	}
	if *amount == "" {
		fmt.Fprintln(stderr, "qfpos sales add: --amount is required (e.g. --amount 12.50)")
		return exitUsage
	}
	minor, err := money.Parse(*amount, cur)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales add: --amount: %v\n", err)
		return exitUsage
	}
	if *cashier == "" {
		*cashier = cfg.Terminal.Cashier
	}
	s := storage.Sale{SysSN: *syssn, OutTradeNo: *otn, Amount: minor, Currency: cur.Code, PayType: *payType,
		TxDtm: *txdtm, RespCD: *status, UDID: *udid, Cashier: *cashier, GoodsName: *goods, Source: storage.SourceRecorded}
	if err := s.Validate(); err != nil {
		fmt.Fprintf(stderr, "qfpos sales add: %v\n", err)
		return exitUsage
	}
	res, err := j.PutSale(s)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales add: %v\n", err)
		return exitUsage
	}
	word := map[storage.PutResult]string{storage.SaleAdded: "added", storage.SaleUpdated: "updated", storage.SaleUnchanged: "unchanged"}[res]
	fmt.Fprintf(stdout, "%s sale %s (%s)\n", word, s.SysSN, money.FormatCode(s.Amount, cur))
	return exitOK
}

func cmdSalesImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sales import", stderr)
	cf := commonFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "qfpos sales import: name one CSV file (qfpos sales import FILE.csv)")
		return exitUsage
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales import: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	_, j, ok := cf.load(stderr, "sales import")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	res, err := j.ImportCSV(f)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos sales import: %s: %v; nothing was imported\n", name, err)
		return exitUsage
	}
	for _, r := range res.Refused {
		fmt.Fprintf(stderr, "%s:%d: %s\n", name, r.Line, r.Reason)
	}
	fmt.Fprintf(stdout, "%d added, %d updated, %d unchanged, %d refused\n", res.Added, res.Updated, res.Unchanged, len(res.Refused))
	if len(res.Refused) > 0 {
		return exitFail
	}
	return exitOK
}

func cmdSalesList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sales list", stderr)
	cf := commonFlags(fs)
	days := fs.Int("days", 0, "how many days back (default: [journal] recent_days)")
	format := fs.String("format", "table", "table, csv or json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *days < 0 {
		fmt.Fprintln(stderr, "qfpos sales list: --days must be 1 or more")
		return exitUsage
	}
	switch *format {
	case "table", "csv", "json":
	default:
		fmt.Fprintf(stderr, "qfpos sales list: --format %q is not table, csv or json\n", *format)
		return exitUsage
	}
	cfg, j, ok := cf.load(stderr, "sales list")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	if *days == 0 {
		*days = cfg.Journal.RecentDays
	}
	var all []storage.SaleView
	for cur := (storage.Cursor{}); ; {
		page, err := j.RecentSales(cur, 500, *days)
		if err != nil {
			fmt.Fprintf(stderr, "qfpos sales list: %v\n", err)
			return exitFail
		}
		all = append(all, page.Sales...)
		if page.Next.IsZero() {
			break
		}
		cur = page.Next
	}
	if err := storage.WriteSales(stdout, *format, all); err != nil {
		fmt.Fprintf(stderr, "qfpos sales list: %v\n", err)
		return exitFail
	}
	return exitOK
}

// terminalFor describes the till for the screens from the configuration.
func terminalFor(cfg reversal.Config, udid string) ui.Terminal {
	env := ui.EnvCustom
	switch base, _ := qfpay.ResolveBaseURL(cfg.QFPay.BaseURL); base {
	case qfpay.Presets["sandbox"]:
		env = ui.EnvSandbox
	case qfpay.Presets["live-test"]:
		env = ui.EnvLiveTest
	case qfpay.Presets["production"]:
		env = ui.EnvProduction
	}
	return ui.Terminal{UDID: udid, Cashier: cfg.Terminal.Cashier, Environment: env, Gateway: cfg.QFPay.BaseURL,
		Currency: money.MustLookup(cfg.Terminal.Currency), Location: cfg.Location, RecentDays: cfg.Journal.RecentDays}
}

// cmdTUI runs the refund desk on the configured gateway and journal.
func cmdTUI(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("", stderr)
	cf := commonFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, j, ok := cf.load(stderr, "")
	if !ok {
		return exitUsage
	}
	defer j.Close()
	log, closeLog := logger(j)
	defer closeLog()
	d, client, udid, err := newDeskAndClient(cfg, j, log)
	if err != nil {
		fmt.Fprintf(stderr, "qfpos: %v (or try qfpos demo)\n", err)
		return exitUsage
	}
	dctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = d.Run(dctx); close(done) }()
	defer func() { cancel(); <-done }()
	deps := ui.Deps{Journal: j, Desk: d, Terminal: terminalFor(cfg, udid),
		Reports: reversal.Reporter{Journal: j, Gateway: client, UDID: udid}}
	if cfg.Journal.SyncOnStart {
		deps.Sync = func(ctx context.Context) (reversal.SyncResult, error) {
			return reversal.SyncSales(ctx, j, client, time.Now(), 24*time.Hour, udid)
		}
	}
	if err := ui.Run(ctx, deps); err != nil {
		log.Error("terminal UI", "err", err)
		fmt.Fprintf(stderr, "qfpos: %v\n", err)
		return exitFail
	}
	return exitOK
}

// cmdDemo runs the refund desk on the embedded sandbox with demo sales.
func cmdDemo(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("demo", stderr)
	journal := fs.String("journal", "", "journal file (default: a temporary one, removed on exit)")
	seed := fs.Uint64("seed", 1, "seed for the demo's sales and surprises")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var logPath string
	if *journal != "" {
		logPath = filepath.Join(filepath.Dir(*journal), "qfpos-demo.log")
	} else {
		logPath = filepath.Join(os.TempDir(), "qfpos-demo.log")
	}
	log := slog.New(slog.DiscardHandler)
	if f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
		defer f.Close()
		log = slog.New(slog.NewTextHandler(f, nil))
	}
	d, err := demo.Start(demo.Options{JournalPath: *journal, Seed: *seed, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "qfpos demo: %v\n", err)
		return exitFail
	}
	defer d.Close()
	if err := ui.Run(ctx, ui.Deps{Journal: d.Journal, Desk: d.Desk, Terminal: d.Terminal(), Reports: d.Reports()}); err != nil {
		fmt.Fprintf(stderr, "qfpos demo: %v\n", err)
		return exitFail
	}
	return exitOK
}
