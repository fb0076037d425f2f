package reversal_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/storage"
)

// TestCrashRefundProcess runs the built qfpos against a standalone sandbox process, kills
// `qfpos refund` with SIGKILL at random moments, runs `qfpos resume` after each kill, and checks
// from the sandbox's ledger and the journal that no refund happened twice, none exceeded its
// sale, none was lost, and every operation is final. QFPOS_LONG=1 runs 200 cycles (CI's long
// mode); -short runs a few. The random moments come from a seed that is printed;
// QFPOS_CRASH_SEED=N replays a run.
func TestCrashRefundProcess(t *testing.T) { crashRefunds(t, false) }

// TestCrashRefundThroughOwner is the same with `qfpos serve` holding the journal: every refund
// and resume runs through it, and each kill hits either the command (which loses nothing: the
// owner goes on) or the owner itself (which loses nothing it acknowledged: every refund a command
// reported as succeeded is succeeded in the journal and at QFPay); a killed owner is started again
// and resumes. QFPOS_LONG=1 runs 100 cycles.
func TestCrashRefundThroughOwner(t *testing.T) { crashRefunds(t, true) }

func crashRefunds(t *testing.T, throughOwner bool) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("QFPOS_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("QFPOS_CRASH_SEED=%q is not a number", s)
		}
		seed = n
	}
	t.Logf("seed %d", seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("rerun this run with QFPOS_CRASH_SEED=%d", seed)
		}
	})
	cycles := 25
	switch {
	case os.Getenv("QFPOS_LONG") != "" && throughOwner:
		cycles = 60
	case os.Getenv("QFPOS_LONG") != "":
		cycles = 200
	case testing.Short():
		cycles = 6
	case throughOwner:
		cycles = 10
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "qfpos")
	if out, err := exec.Command("go", "build", "-o", bin, "qfpos").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Sales, in the sandbox's state file and in the journal.
	state, jpath := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "journal.db")
	sb, err := qfpaytest.New(qfpaytest.WithStateFile(state), qfpaytest.WithMerchant(qfpaytest.TestMerchant), qfpaytest.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	j, err := storage.Open(jpath, storage.WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	var sales []string
	for i := range 5 {
		tx, err := sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 100_000, PayType: "800208",
			Time: time.Now().Add(-48 * time.Hour), OutTradeNo: fmt.Sprintf("POS_CRASH_%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.PutSale(storage.Sale{SysSN: tx.SysSN, OutTradeNo: tx.OutTradeNo, Amount: tx.Amount, Currency: "HKD",
			PayType: tx.PayType, TxDtm: tx.TxDtm, RespCD: "0000", Source: storage.SourceRecorded}); err != nil {
			t.Fatal(err)
		}
		sales = append(sales, tx.SysSN)
	}
	j.Close()

	// The standalone sandbox, with a few faults to make it interesting.
	gw := exec.Command(bin, "sandbox", "--addr", "127.0.0.1:0", "--seed", "9", "--sales", "0", "--settle", "150ms",
		"--fault-rate", "0.05", "--state", state, "--app-code", qfpaytest.TestMerchant.AppCode, "--client-key", qfpaytest.TestMerchant.Key)
	out, _ := gw.StdoutPipe()
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Process.Signal(os.Interrupt); _ = gw.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, after, ok := strings.Cut(sc.Text(), "listening on "); ok {
				urls <- strings.Fields(after)[0]
			}
		}
		close(urls)
	}()
	var url string
	select {
	case url = <-urls:
	case <-time.After(30 * time.Second):
	}
	if url == "" {
		t.Fatal("the sandbox did not start within 30 s")
	}

	cfg := filepath.Join(dir, "qfpos.toml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, `[qfpay]
base_url = %q
app_code = %q
client_key = %q
timeout = "1s"
[terminal]
udid = "CRASH-01"
timezone = "Asia/Hong_Kong"
[journal]
path = %q
[poll]
first = "50ms"
interval = "100ms"
fast_for = "3s"
max_interval = "300ms"
give_up_after = "30s"
resend_after = "400ms"
`, url, qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, jpath), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir, "QFPAY_APP_CODE=", "QFPAY_CLIENT_KEY=")
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, append(args, "--config", cfg)...)
		cmd.Env = env
		b, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(b)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(b)
	}

	rng := rand.New(rand.NewPCG(seed, 1))
	var owner *exec.Cmd
	if throughOwner {
		owner = startOwner(t, bin, cfg, env)
		t.Cleanup(func() { _ = owner.Process.Signal(syscall.SIGTERM); _ = owner.Wait() })
	}
	refundLine := regexp.MustCompile(`\(([A-Za-z0-9_]+)\): succeeded`)
	var acknowledged []string // refunds a command reported as succeeded
	killed, ownersKilled := 0, 0
	for cycle := range cycles {
		syssn := sales[rng.IntN(len(sales))]
		amount := fmt.Sprintf("%d.%02d", 1+rng.IntN(5), rng.IntN(100))
		cmd := exec.Command(bin, "refund", "--reason", "damaged", "--config", cfg, "--syssn", syssn, "--amount", amount)
		cmd.Env = env
		var stdout strings.Builder
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killAfter := time.After(time.Duration(rng.IntN(250)) * time.Millisecond)
		if cycle%4 == 3 {
			killAfter = nil // one refund in four runs to its end: its result is acknowledged
		}
		select {
		case err := <-done:
			if m := refundLine.FindStringSubmatch(stdout.String()); err == nil && m != nil {
				acknowledged = append(acknowledged, m[1])
			}
		case <-killAfter:
			if throughOwner && killed%2 == 1 { // the kills alternate between the command and the owner
				_ = owner.Process.Signal(syscall.SIGKILL)
				_ = owner.Wait()
				<-done // the command learns that its owner is gone
				ownersKilled++
				owner = startOwner(t, bin, cfg, env)
			} else {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
			}
			killed++
		}
		if code, out := run("resume", "--wait", "60s"); code != 0 && code != 1 { // succeeded or failed: nothing left unknown
			t.Fatalf("cycle %d: resume exited %d:\n%s", cycle, code, out)
		}
	}
	if killed == 0 || len(acknowledged) == 0 {
		t.Fatalf("%d refunds killed, %d ran to their end: the run proves nothing", killed, len(acknowledged))
	}

	// Everything is final, and the journal and the sandbox agree; the audit trail is whole.
	if code, out := run("pending", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("pending after the last resume (%d):\n%s", code, out)
	}
	if code, out := run("audit", "verify"); code != 0 || !strings.Contains(out, ": ok: ") {
		t.Fatalf("audit verify after the crashes (%d): %s", code, out)
	}
	if throughOwner {
		if ownersKilled == 0 {
			t.Fatal("the owner was never killed")
		}
		_ = owner.Process.Signal(syscall.SIGTERM)
		if err := owner.Wait(); err != nil {
			t.Fatalf("qfpos serve on SIGTERM: %v", err)
		}
	}
	_ = gw.Process.Signal(os.Interrupt)
	_ = gw.Wait()
	ledgerCopy := filepath.Join(dir, "ledger.json")
	b, _ := os.ReadFile(state)
	_ = os.WriteFile(ledgerCopy, b, 0o600)
	final, err := qfpaytest.New(qfpaytest.WithStateFile(ledgerCopy), qfpaytest.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	if err := final.CheckLedger(); err != nil {
		t.Fatalf("ledger: %v", err)
	}
	j, err = storage.Open(jpath, storage.WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := j.Check(); err != nil {
		t.Fatal(err)
	}
	succeeded := 0
	for _, e := range final.Ledger() {
		r, ok, err := j.ReversalByOutTradeNo(e.OutTradeNo)
		if err != nil || !ok {
			t.Fatalf("QFPay holds refund %s that the journal lost", e.OutTradeNo)
		}
		if (e.RespCD == "0000") != (r.State == storage.StateSucceeded) || r.Amount != e.Amount || r.UDID != "CRASH-01" || e.UDID != "CRASH-01" {
			t.Fatalf("journal %+v disagrees with QFPay %+v", r, e)
		}
		if r.State == storage.StateSucceeded {
			succeeded++
		}
	}
	for _, otn := range acknowledged {
		if r, ok, _ := j.ReversalByOutTradeNo(otn); !ok || r.State != storage.StateSucceeded {
			t.Fatalf("refund %s was reported succeeded but the journal has %+v", otn, r)
		}
	}
	for _, syssn := range sales {
		v, _, _ := j.Sale(syssn)
		done, processing := final.Refunded(syssn)
		if v.Refunded != done || processing != 0 || v.Open != nil {
			t.Fatalf("sale %s: journal refunded %d, QFPay %d (+%d processing), open %v", syssn, v.Refunded, done, processing, v.Open)
		}
		for _, r := range v.Reversals {
			if !r.State.Finished() {
				t.Fatalf("operation %s is %s", r.OutTradeNo, r.State)
			}
		}
	}
	t.Logf("%d cycles, %d kills (%d of the owner), %d refunds succeeded, %d acknowledged", cycles, killed, ownersKilled, succeeded, len(acknowledged))
	if succeeded == 0 {
		t.Fatal("no refund succeeded")
	}
}

// startOwner starts qfpos serve on the configuration and waits until it serves the journal.
func startOwner(t *testing.T, bin, cfg string, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Env = env
	errOut, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(errOut)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "other qfpos commands run through") {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("qfpos serve stopped before it served the journal")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("qfpos serve did not start within 30 s")
	}
	return cmd
}
