package cli

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/qfpay/qfpaytest"
	"qfpos/ui/catalog"
)

// sandboxFlags are qfpos sandbox's settings.
type sandboxFlags struct {
	addr, appCode, key, mchid, state string
	seed                             uint64
	sales                            int
	settle                           time.Duration
	faultRate                        float64
}

func sandboxCmd(a *app) *cobra.Command {
	var f sandboxFlags
	c := &cobra.Command{
		Use:     "sandbox [--addr 127.0.0.1:8787] [--app-code C --client-key K] [--mchid M] [--state FILE] [--sales N] [--settle 3s] [--fault-rate 0] [--seed N]",
		Short:   "Run the QFPay sandbox on this machine for POS developers and tests (no real money)",
		GroupID: "desk",
		Long: `Runs the QFPay sandbox (qfpay/qfpaytest) on this machine. It prints its address, the
credentials to use (generated unless given) and a few seeded sales. --state FILE keeps its
merchants, sales and refunds across restarts. No real money moves. It listens on loopback unless
--addr says otherwise; then anyone on that network can use its credentials.`,
		Example: `  qfpos sandbox --addr 127.0.0.1:8787 --state sandbox.json
  qfpos sandbox --settle 0 --fault-rate 0.3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runSandbox(f) },
	}
	fl := c.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8787", "address to listen on")
	fl.StringVar(&f.appCode, "app-code", "", "merchant app code (generated when empty)")
	fl.StringVar(&f.key, "client-key", "", "merchant client key (generated when empty)")
	fl.StringVar(&f.mchid, "mchid", "", "mchid to require on every request (none when empty)")
	fl.Uint64Var(&f.seed, "seed", uint64(time.Now().UnixNano()), "seed for ids, seeded sales and random faults")
	fl.StringVar(&f.state, "state", "", "JSON file that keeps the sandbox's state across restarts")
	fl.IntVar(&f.sales, "sales", 8, "sales to seed when the sandbox has none")
	fl.DurationVar(&f.settle, "settle", 3*time.Second, "how long an accepted refund stays processing (plus up to as much again at random); 0 completes at once")
	fl.Float64Var(&f.faultRate, "fault-rate", 0, "share of requests (0 to 1) that meet a random fault: lost reply, 502, truncated reply, slow reply")
	return c
}

// loopbackAddr reports whether a listen address is on this machine only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}

func (a *app) runSandbox(f sandboxFlags) error {
	if (f.appCode == "") != (f.key == "") {
		return usage("give both --app-code and --client-key, or neither")
	}
	if err := qfpay.CheckMchID(f.mchid); err != nil {
		return flagError("mchid", f.mchid, err)
	}
	if f.settle < 0 {
		return flagError("settle", f.settle.String(), says("must not be negative"))
	}
	if f.faultRate < 0 || f.faultRate > 1 {
		return flagError("fault-rate", fmt.Sprint(f.faultRate), says("must be between 0 and 1"))
	}
	opts := []qfpaytest.Option{qfpaytest.WithSeed(f.seed), qfpaytest.WithSettle(qfpaytest.Settle{Delay: f.settle, Jitter: f.settle})}
	if f.state != "" {
		opts = append(opts, qfpaytest.WithStateFile(f.state))
	}
	sb, err := qfpaytest.New(opts...)
	if err != nil {
		return failed(err)
	}
	m := qfpaytest.Merchant{AppCode: f.appCode, Key: f.key, MchID: f.mchid}
	if m.AppCode == "" {
		if known := sb.Merchants(); len(known) > 0 {
			m = known[0]
		} else {
			m = qfpaytest.NewCredentials()
			m.MchID = f.mchid
		}
	}
	sb.AddMerchant(m)
	if len(sb.Txns()) == 0 && f.sales > 0 {
		if _, err := sb.SeedSales(m.AppCode, time.Now(), f.sales, "POS-01"); err != nil {
			return failed(says("seeding sales: %v", err))
		}
	}
	if f.faultRate > 0 {
		faults := []qfpaytest.Fault{{Kind: qfpaytest.FaultLostReply}, {Kind: qfpaytest.FaultBadGateway},
			{Kind: qfpaytest.FaultTruncated}, {Kind: qfpaytest.FaultSlowReply, Latency: 2 * time.Second}}
		for _, ep := range []string{"refund", "reversal", "close", "query"} {
			sb.RandomFaults(ep, f.faultRate, faults...)
		}
	}
	srv, err := sb.Listen(f.addr)
	if err != nil {
		return failed(says("cannot listen on %s: %v (pick another --addr)", f.addr, err))
	}
	defer srv.Close()
	if !loopbackAddr(f.addr) {
		a.say(a.stderr, "WARNING: the sandbox listens on %s, not on loopback: anyone on that network can use its credentials", f.addr)
	}

	out := a.stdout
	a.say(out, "QFPay sandbox listening on %s (no real money)", srv.URL)
	// machine-read: the lines to put in [qfpay], and QFPay's own field names over the sales
	fmt.Fprintf(out, "\n  base_url    = %q\n  app_code    = %q\n  client_key  = %q\n", srv.URL, m.AppCode, m.Key)
	if m.MchID != "" {
		fmt.Fprintf(out, "  mchid       = %q\n", m.MchID) // machine-read
	}
	fmt.Fprintln(out)
	a.say(out, "Sales:")
	words := a.words()
	// machine-read: QFPay's field names
	fmt.Fprintf(out, "  %-26s  %-26s  %-19s  %-6s  %14s  %s\n", "syssn", "out_trade_no", "txdtm", "type", "amount", "respcd")
	for _, t := range sb.Txns() {
		if t.OrderType != "payment" || t.AppCode != m.AppCode {
			continue
		}
		st := words.T(catalog.StatePaid)
		if t.RespCD != "0000" {
			st = words.T(catalog.StateUnpaid)
		}
		fmt.Fprintf(out, "  %-26s  %-26s  %-19s  %-6s  %14s  %s\n", t.SysSN, t.OutTradeNo, t.TxDtm, t.PayType, money.TextCode(t.Amount, t.Currency), st)
	}
	fmt.Fprintln(out)
	a.say(out, "Press Ctrl+C to stop.")
	<-a.ctx.Done()
	a.say(out, "sandbox stopped")
	return nil
}
