package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qfpos/cli/config"
	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMain keeps the commands away from the user's real configuration and journal.
// testDir is the package's tests' own directory, removed when they end.
var testDir string

func TestMain(m *testing.M) {
	if os.Getenv(bareTeaEnv) != "" { // BenchmarkIdleDesk's reference: a bare Bubble Tea program
		bareTea()
		return
	}
	if path := os.Getenv(boltWalkEnv); path != "" { // BenchmarkJournalCheck's reference
		boltWalk(path)
		return
	}
	dir, err := os.MkdirTemp("", "qfpos-main-test-")
	if err != nil {
		panic(err)
	}
	testDir = dir
	os.Setenv("XDG_CONFIG_HOME", dir+"/config")
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	os.Setenv("LC_ALL", "C.UTF-8") // the cashier's text in English, whatever the machine's locale
	os.Unsetenv("QFPAY_APP_CODE")
	os.Unsetenv("QFPAY_CLIENT_KEY")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitFor waits (10 s at most) until a command has written want.
func waitFor(t testing.TB, b *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("%q did not appear within 10 s; the output was:\n%s", want, b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func runCmd(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	code := Execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no QFPay credentials"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"sandbox", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"refunds"}, `unknown command "refunds" (did you mean refund?)`},
		{[]string{"sales", "lst"}, `unknown command "lst"`},
		{[]string{"refund", "--reason", "damaged", "--wait", "-5s", "--syssn", "x"}, "--wait -5s: must not be negative"},
		{[]string{"sandbox", "--app-code", "ABC"}, "give both --app-code and --client-key"},
		{[]string{"sandbox", "--mchid", "bad&id"}, "--mchid"},
		{[]string{"sandbox", "extra"}, `unexpected argument "extra"`},
		{[]string{"--lang", "klingon"}, `--lang klingon: "klingon" is not en, zh-Hant or zh-Hans`},
		{[]string{"demo", "--lang", "fr"}, `--lang fr: "fr" is not en, zh-Hant or zh-Hans`},
	}
	for _, c := range cases {
		code, _, stderr := runCmd(t, c.args...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if code, stdout, _ := runCmd(t, "help"); code != 0 || !strings.Contains(stdout, "sandbox") {
		t.Errorf("help: %d %q", code, stdout)
	}
}

// TestSandboxCommand starts `qfpos sandbox` on a free port, refunds one of the sales it prints
// with the credentials it prints, and stops it.
func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- Execute(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--seed", "5", "--sales", "10"}, &out, &errOut)
	}()
	waitFor(t, &out, "Press Ctrl+C")
	text := out.String()
	field := func(name string) string {
		m := regexp.MustCompile(name + `\s+= "([^"]+)"`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no %s in %q", name, text)
		}
		return m[1]
	}
	paid := regexp.MustCompile(`(?m)^\s+(\d{26})\s+\S+\s+\S+ \S+\s+80[01]\d{3}\s.*\bpaid$`).FindStringSubmatch(text)
	if paid == nil {
		t.Fatalf("no paid sale listed: %q", text)
	}
	c, err := qfpay.New(field("app_code"), field("client_key"), qfpay.WithBaseURL(field("base_url")), qfpay.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: paid[1], OutTradeNo: "RF_cmd", Amount: 1})
	if v := qfpay.Classify(reply, err); v.Outcome != qfpay.Processing && v.Outcome != qfpay.Succeeded {
		t.Fatalf("refund through the printed credentials: %+v %v", v, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestSalesCommands(t *testing.T) {
	dir := t.TempDir()
	jpath := dir + "/j.db"
	code, out, errOut := runCmd(t, "sales", "add", "--journal", jpath, "--syssn", "20261121000100020000000001",
		"--out-trade-no", "POS_1", "--amount", "1,280.5", "--currency", "hkd", "--pay-type", "800208",
		"--txdtm", "2026-11-21 10:00:00", "--cashier", "amy", "--goods", "tea")
	if code != 0 || out != "added sale 20261121000100020000000001 (1,280.50 HKD)\n" {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	for _, bad := range [][]string{
		{"--amount", "12.345"}, {"--amount", "abc"}, {"--currency", "XYZ", "--amount", "1"},
		{"--amount", "1", "--pay-type", "1"}, {"--amount", "1", "--txdtm", "yesterday"},
	} {
		args := append([]string{"sales", "add", "--journal", jpath, "--syssn", "S2", "--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00"}, bad...)
		if code, _, errOut := runCmd(t, args...); code != ExitUsage || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
			t.Errorf("%v: exit %d, %q (want 2 and one line)", bad, code, errOut)
		}
	}
	csvPath := dir + "/sales.csv"
	file := "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid\n" +
		"20261121000100020000000002,POS_2,880,HKD,800101,2026-11-21 10:05:00,1143,POS-01\n" +
		"20261121000100020000000003,POS_3,12.5,HKD,800101,2026-11-21 10:05:00,0000,POS-01\n"
	if err := os.WriteFile(csvPath, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCmd(t, "sales", "import", "--journal", jpath, csvPath)
	if code != ExitFailed || out != "1 added, 0 updated, 0 unchanged, 1 refused\n" || !strings.Contains(errOut, "sales.csv:3: txamt") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "sales", "list", "--journal", jpath, "--days", "3650", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "POS_1,128050,HKD") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, "sales", "list", "--journal", jpath, "--format", "xml"); code != ExitUsage || !strings.Contains(errOut, "xml") {
		t.Fatalf("bad format: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "sales", "import", "--journal", jpath, dir+"/missing.csv"); code != ExitUsage || !strings.Contains(errOut, "missing.csv") {
		t.Fatalf("missing file: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "sales", "list", "--journal", csvPath); code != ExitFailed || !strings.Contains(errOut, "not a qfpos journal") {
		t.Fatalf("csv as journal: %d %q", code, errOut)
	}
}

// headless sets up an in-process sandbox on loopback, a journal with sales, and a config file.
type headless struct {
	sb    *qfpaytest.Sandbox
	url   string // the sandbox's
	dir   string // where the journal and the config are
	cfg   string
	sales map[string]qfpaytest.Txn
}

func newHeadless(t *testing.T, extraPoll string) headless {
	t.Helper()
	return newHeadlessAt(t, extraPoll, 0, time.Now().Add(-26*time.Hour))
}

// newHeadlessAt is newHeadless with the sandbox's seed (0: its own) and the sales' time given, so
// that two setups built alike answer alike.
func newHeadlessAt(t testing.TB, extraPoll string, seed uint64, paid time.Time) headless {
	t.Helper()
	dir := t.TempDir()
	opts := []qfpaytest.Option{qfpaytest.WithMerchant(qfpaytest.TestMerchant), qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1})}
	if seed != 0 {
		opts = append(opts, qfpaytest.WithSeed(seed))
	}
	sb, err := qfpaytest.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	jpath := dir + "/journal.db"
	h := headless{sb: sb, url: srv.URL, dir: dir, cfg: dir + "/qfpos.toml", sales: map[string]qfpaytest.Txn{}}
	for _, np := range []struct {
		name string
		p    qfpaytest.Payment
	}{
		{"paid", qfpaytest.Payment{Amount: 5000, PayType: "800208"}},
		{"unpaid", qfpaytest.Payment{Amount: 8800, PayType: "800101", RespCD: "1143"}},
	} {
		name, p := np.name, np.p
		p.AppCode = qfpaytest.TestMerchant.AppCode
		p.Time = paid
		tx, err := sb.AddPayment(p)
		if err != nil {
			t.Fatal(err)
		}
		h.sales[name] = tx
		code, _, errOut := runCmd(t, "sales", "add", "--journal", jpath, "--syssn", tx.SysSN, "--out-trade-no", tx.OutTradeNo,
			"--amount", fmt.Sprint(float64(tx.Amount)/100), "--pay-type", tx.PayType, "--txdtm", tx.TxDtm, "--status", tx.RespCD)
		if code != 0 {
			t.Fatal(errOut)
		}
	}
	text := fmt.Sprintf("[qfpay]\nbase_url = %q\napp_code = %q\nclient_key = %q\n[terminal]\nudid = \"POS-09\"\n[journal]\npath = %q\n[poll]\nfirst = \"20ms\"\ninterval = \"30ms\"\nfast_for = \"1s\"\nmax_interval = \"50ms\"\nresend_after = \"100ms\"\n%s",
		srv.URL, qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, jpath, extraPoll)
	if err := os.WriteFile(h.cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRefundCommand(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"].SysSN
	code, out, errOut := runCmd(t, "refund", "--config", h.cfg, "--syssn", paid, "--amount", "12.50", "--reason", "damaged", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var res result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.State != "succeeded" || res.Amount != 1250 || res.QFPaySysSN == "" || res.UDID != "POS-09" {
		t.Fatalf("%q %v", out, err)
	}
	if !strings.Contains(errOut, "sent (attempt 1)") || !strings.Contains(errOut, "succeeded") {
		t.Fatalf("progress lines:\n%s", errOut)
	}
	// The default amount is what is left; then nothing is left (nothing sent, exit 2).
	code, out, _ = runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid)
	if code != 0 || !strings.Contains(out, "refund 37.50 HKD of sale "+paid) || !strings.Contains(out, "succeeded") {
		t.Fatalf("default amount: %d %q", code, out)
	}
	before := len(h.sb.Requests())
	for _, args := range [][]string{
		{"--syssn", paid},
		{"--syssn", paid, "--amount", "1.234"},
		{"--syssn", "nope"},
		{"--syssn", h.sales["unpaid"].SysSN},
		{},
	} {
		code, _, errOut := runCmd(t, append([]string{"refund", "--reason", "damaged", "--config", h.cfg}, args...)...)
		if code != ExitUsage || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	if len(h.sb.Requests()) != before {
		t.Fatal("a refused command sent a request")
	}
	if code, out, _ := runCmd(t, "pending", "--config", h.cfg); code != 0 || !strings.Contains(out, "no unfinished") {
		t.Fatalf("pending: %d %q", code, out)
	}
}

func TestRefundCommandFailureAndCancel(t *testing.T) {
	h := newHeadless(t, "")
	h.sb.ScriptAmount(777, qfpaytest.Script{RespCD: "1294"})
	code, out, _ := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "7.77")
	if code != ExitFailed || !strings.Contains(out, "failed (1294)") {
		t.Fatalf("exit %d: %q", code, out)
	}
	code, out, errOut := runCmd(t, "cancel", "--config", h.cfg, "--syssn", h.sales["unpaid"].SysSN, "--json")
	if code != 0 || !strings.Contains(out, `"endpoint":"reversal"`) || !strings.Contains(out, `"state":"succeeded"`) {
		t.Fatalf("cancel: %d %q %s", code, out, errOut)
	}
}

func TestUnknownOutcomeAndResume(t *testing.T) {
	h := newHeadless(t, "give_up_after = \"300ms\"\nrecheck_every = \"50ms\"\n")
	paid := h.sales["paid"].SysSN
	h.sb.ScriptAmount(100, qfpaytest.Script{NeverSettle: true, Times: 1})
	code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "1")
	if code != ExitUnknown || !strings.Contains(out, "Outcome unknown") {
		t.Fatalf("exit %d: %q\n%s", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "pending", "--config", h.cfg, "--json"); code != 0 || len(jsonList(t, out)) != 1 || !strings.Contains(out, `"state":"unknown"`) {
		t.Fatalf("pending: %q", out)
	}
	// QFPay finishes it; resume settles it.
	h.sb.SettleStuck()
	code, out, errOut = runCmd(t, "resume", "--config", h.cfg, "--wait", "10s")
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("resume: %d %q\n%s", code, out, errOut)
	}
}

func TestInterruptedRefundIsResumable(t *testing.T) {
	h := newHeadless(t, "")
	h.sb.ScriptAmount(100, qfpaytest.Script{NeverSettle: true})
	interruptRefund(t, h)
	if code, out, _ := runCmd(t, "pending", "--config", h.cfg, "--json"); code != 0 || len(jsonList(t, out)) != 1 {
		t.Fatalf("pending after the interrupt: %q", out)
	}
}

func TestMissingCredentials(t *testing.T) {
	h := newHeadless(t, "")
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, []byte(strings.Replace(string(text), "client_key", "#client_key", 1)), 0o600)
	code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN)
	if code != ExitUsage || !strings.Contains(errOut, "QFPAY_CLIENT_KEY") {
		t.Fatalf("%d %q", code, errOut)
	}
	_ = os.Chmod(h.cfg, 0o644)
	_ = os.WriteFile(h.cfg, text, 0o644)
	code, _, errOut = runCmd(t, "pending", "--config", h.cfg)
	if code != ExitUsage || !strings.Contains(errOut, "chmod 600") {
		t.Fatalf("%d %q", code, errOut)
	}
}

func TestGeneratedUDIDIsKeptAndShown(t *testing.T) {
	h := newHeadless(t, "")
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, []byte(strings.Replace(string(text), `udid = "POS-09"`, `udid = ""`, 1)), 0o600)
	var shown []string
	for _, amount := range []string{"1", "2"} {
		code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", amount)
		m := regexp.MustCompile(`terminal (qfpos-[0-9a-f]{12})`).FindStringSubmatch(errOut)
		if code != 0 || m == nil {
			t.Fatalf("exit %d, no udid shown:\n%s", code, errOut)
		}
		shown = append(shown, m[1])
	}
	if shown[0] != shown[1] {
		t.Fatalf("udid changed: %v", shown)
	}
	for _, r := range h.sb.Requests() {
		if r.Endpoint == "refund" && r.Form.Get("udid") != shown[0] {
			t.Fatalf("refund sent with udid %q", r.Form.Get("udid"))
		}
	}
}

func TestReportSyncReconcileCommands(t *testing.T) {
	h := newHeadless(t, "")
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "5"); code != 0 {
		t.Fatal(errOut)
	}
	// The refund's own day, so that the test does not depend on running before midnight.
	day := refundDay(t, configValue(t, h.cfg, "path"))
	code, out, _ := runCmd(t, "report", "--config", h.cfg, "--date", day)
	if code != 0 || !strings.Contains(out, "Refunds and cancels on") || !strings.Contains(out, "refunded 1 (5.00 HKD)") {
		t.Fatalf("report: %d\n%s", code, out)
	}
	csvPath := filepath.Join(t.TempDir(), "day.csv")
	code, _, errOut := runCmd(t, "report", "--config", h.cfg, "--date", day, "--format", "csv", "--out", csvPath)
	body, _ := os.ReadFile(csvPath)
	if code != 0 || !strings.HasPrefix(string(body), strings.Join(report.ReportColumns, ",")+"\n") || strings.Count(string(body), "\n") != 2 {
		t.Fatalf("csv: %d %q\n%s", code, errOut, body)
	}
	code, out, _ = runCmd(t, "report", "--config", h.cfg, "--date", day, "--format", "json", "--store")
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || !rep.Store || len(rep.Rows) != 1 || rep.Rows[0].Amount != 500 {
		t.Fatalf("json: %d %v %+v", code, err, rep)
	}
	for _, bad := range [][]string{{"--date", "21/11"}, {"--format", "xml"}} {
		if code, _, errOut := runCmd(t, append([]string{"report", "--config", h.cfg}, bad...)...); code != ExitUsage || errOut == "" {
			t.Errorf("%v: %d %q", bad, code, errOut)
		}
	}

	// Sync: the other terminal's payment stays out unless asked for.
	for _, udid := range []string{"POS-09", "POS-10"} {
		if _, err := h.sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 4200, PayType: "800208",
			Time: time.Now().Add(-time.Hour), UDID: udid}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = runCmd(t, "sales", "sync", "--config", h.cfg, "--since", "2h")
	if code != 0 || out != "1 added, 0 updated, 0 unchanged, 1 of other terminals left out, 1 with refunds or cancels at QFPay\n" {
		t.Fatalf("sync: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "sales", "sync", "--config", h.cfg, "--since", "2h", "--all-terminals")
	if code != 0 || out != "1 added, 0 updated, 1 unchanged, 0 of other terminals left out, 0 with refunds or cancels at QFPay\n" {
		t.Fatalf("sync all: %d %q", code, out)
	}

	// Reconcile: everything agrees; then QFPay holds a refund of this terminal the journal lacks.
	code, out, _ = runCmd(t, "reconcile", "--config", h.cfg, "--date", day)
	if code != 0 || !strings.Contains(out, "everything agrees") {
		t.Fatalf("reconcile: %d %q", code, out)
	}
	c, _ := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, qfpay.WithBaseURL(configValue(t, h.cfg, "base_url")),
		qfpay.WithUDID("POS-09"), qfpay.WithRateLimit(0, 0))
	if _, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: h.sales["paid"].SysSN, OutTradeNo: "RF_elsewhere", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "reconcile", "--config", h.cfg, "--date", day)
	if code != ExitFailed || !strings.Contains(out, "missing-locally") {
		t.Fatalf("reconcile with a difference: %d %q", code, out)
	}
}

func configValue(t *testing.T, path, key string) string {
	t.Helper()
	b, _ := os.ReadFile(path)
	m := regexp.MustCompile(key + ` = "([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no %s in %s", key, path)
	}
	return string(m[1])
}

// refundDay is the local date of the only refund in the journal.
func refundDay(t *testing.T, jpath string) string {
	t.Helper()
	j, err := storage.Open(jpath)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, d := range []time.Time{time.Now(), time.Now().AddDate(0, 0, -1)} {
		if rs, _ := j.ReversalsOn(d); len(rs) == 1 {
			return rs[0].Created.In(time.Local).Format("2006-01-02")
		}
	}
	t.Fatal("no refund in the journal")
	return ""
}

// TestErrorsNameTheFlag: one line, the command, the flag that is wrong and what to do.
func TestErrorsNameTheFlag(t *testing.T) {
	h := newHeadless(t, "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"refund", "--reason", "damaged", "--syssn", "20269999"}, "qfpos refund: --syssn 20269999: not in the journal (qfpos sales list shows what is)\n"},
		{[]string{"refund", "--reason", "damaged", "--syssn", h.sales["paid"].SysSN, "--amount", "1.234"}, "qfpos refund: --amount 1.234: amount \"1.234\" has more than 2 decimal places for HKD\n"},
		{[]string{"cancel"}, "qfpos cancel: --syssn is required (qfpos sales list shows the sales)\n"},
		{[]string{"report", "--date", "21/11"}, "qfpos report: --date 21/11: date \"21/11\" is not YYYY-MM-DD, today or yesterday\n"},
	} {
		code, _, errOut := runCmd(t, append(c.args, "--config", h.cfg)...)
		if code != ExitUsage || errOut != c.want {
			t.Errorf("%v: exit %d\n got %q\nwant %q", c.args, code, errOut, c.want)
		}
	}
}

// TestStatusOnlyMovesForward: a paid sale with refunds cannot be recorded as unpaid again (a full
// cancel of a paid order would follow).
func TestStatusOnlyMovesForward(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"]
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid.SysSN, "--amount", "5"); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut := runCmd(t, "sales", "add", "--config", h.cfg, "--syssn", paid.SysSN, "--out-trade-no", paid.OutTradeNo,
		"--amount", "50", "--pay-type", paid.PayType, "--txdtm", paid.TxDtm, "--status", "1143")
	if code != ExitUsage || !strings.HasPrefix(errOut, "qfpos sales add: --status 1143: sale "+paid.SysSN+": the payment's status cannot go back") {
		t.Fatalf("%d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "cancel", "--config", h.cfg, "--syssn", paid.SysSN); code != ExitUsage || !strings.Contains(errOut, "refund it instead") {
		t.Fatalf("cancel of the paid sale: %d %q", code, errOut)
	}
}

// TestJournalIsCreatedOnlyWhereMeant: commands that read a journal never create one; commands
// that record sales create it once (and say so), but not in a directory that does not exist.
func TestJournalIsCreatedOnlyWhereMeant(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range [][]string{{"pending"}, {"resume"}, {"report"}, {"reconcile"}, {"sales", "list"}, {"refund", "--reason", "damaged", "--syssn", "1"}, {"cancel", "--syssn", "1"}} {
		code, _, errOut := runCmd(t, append(cmd, "--journal", dir+"/typo.db")...)
		if code != ExitUsage || !strings.Contains(errOut, "no journal at "+dir+"/typo.db") {
			t.Errorf("%v: %d %q", cmd, code, errOut)
		}
	}
	if _, err := os.Stat(dir + "/typo.db"); !os.IsNotExist(err) {
		t.Fatal("a reading command created the journal")
	}
	add := func(jpath string) (int, string) {
		code, _, errOut := runCmd(t, "sales", "add", "--journal", jpath, "--syssn", "S1", "--amount", "1", "--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00")
		return code, errOut
	}
	if code, errOut := add(dir + "/missing/j.db"); code != ExitFailed || !strings.Contains(errOut, "directory "+dir+"/missing does not exist") {
		t.Fatalf("missing directory: %d %q", code, errOut)
	}
	if code, errOut := add(dir + "/j.db"); code != 0 || errOut != "created journal "+dir+"/j.db\n" {
		t.Fatalf("first add: %d %q", code, errOut)
	}
	if code, errOut := add(dir + "/j.db"); code != 0 || errOut != "" {
		t.Fatalf("second add: %d %q", code, errOut)
	}
}

// TestReadmeCommandTable: the README's table of commands is the command tree's (qfpos docs
// markdown writes it), so the two cannot drift apart.
func TestReadmeCommandTable(t *testing.T) {
	var want bytes.Buffer
	CommandTable(&want, newRoot(newApp(context.Background(), io.Discard, io.Discard, os.Getenv)))
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- commands: qfpos docs markdown -->\n", "<!-- /commands -->"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", begin, end)
	}
	if got := string(readme[i+len(begin) : j]); got != want.String() {
		t.Fatalf("README's command table differs from the command tree; paste the output of qfpos docs markdown:\n%s", want.String())
	}
	code, out, _ := runCmd(t, "docs", "markdown")
	if code != 0 || out != want.String() {
		t.Fatalf("qfpos docs markdown: %d", code)
	}
}

// TestSandboxWarnsOffLoopback: a sandbox that listens beyond this machine says who can use it.
func TestSandboxWarnsOffLoopback(t *testing.T) {
	for addr, warn := range map[string]bool{"127.0.0.1:0": false, "0.0.0.0:0": true} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut syncBuffer
		done := make(chan int)
		go func() { done <- Execute(ctx, []string{"sandbox", "--addr", addr, "--sales", "0"}, &out, &errOut) }()
		waitFor(t, &out, "Press Ctrl+C")
		cancel()
		<-done
		if got := strings.Contains(errOut.String(), "WARNING: the sandbox listens on "+addr+", not on loopback: anyone on that network can use its credentials"); got != warn {
			t.Errorf("%s: warning %v: %q", addr, got, errOut.String())
		}
	}
}

// TestRefundInChinese: the command line's words for a cashier follow --lang; --json does not.
func TestRefundInChinese(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"].SysSN
	code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "1", "--lang", "zh-Hant")
	if code != 0 || !strings.Contains(out, "退款 1.00 HKD，交易 "+paid) || !strings.Contains(out, "已完成（QFPay ") ||
		!strings.Contains(errOut, "終端 POS-09") || !strings.Contains(errOut, "已發送（第 1 次）") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "1", "--lang", "zh-Hans", "--json")
	if code != 0 || !strings.Contains(out, `"state":"succeeded"`) || strings.ContainsAny(out, "退款已") {
		t.Fatalf("json: %q", out)
	}
	if code, out, _ := runCmd(t, "pending", "--config", h.cfg, "--lang", "zh-Hans"); code != 0 || out != "没有未完成的退款或取消\n" {
		t.Fatalf("pending: %q", out)
	}
	// A refusal in the cashier's words; nothing sent.
	code, _, errOut = runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "999", "--lang", "zh-Hant")
	if code != ExitUsage || !strings.Contains(errOut, "退款 被拒絕，沒有發送任何請求：金額超出可退餘額（48.00 HKD）。") {
		t.Fatalf("refusal: %d %q", code, errOut)
	}
}

// TestReportTableInChinese: every word of the report's table is a key of the catalog, and
// --lang turns the table into that language; CSV and JSON stay as they are.
func TestReportTableInChinese(t *testing.T) {
	all := map[catalog.Key]bool{}
	for _, k := range catalog.All() {
		all[k] = true
	}
	for _, s := range report.TableTexts {
		if !all[catalog.Key(s)] {
			t.Errorf("the report writes %q, which the catalog lacks", s)
		}
	}
	h := newHeadless(t, "")
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := runCmd(t, "report", "--config", h.cfg, "--lang", "zh-Hant")
	if code != 0 || !strings.Contains(out, "的退款及取消 — 終端 POS-09") || !strings.Contains(out, "HKD 合計：已退款 1（1.00 HKD）") ||
		!strings.Contains(out, "按付款方式") {
		t.Fatalf("%d\n%s", code, out)
	}
	_, csvZh, _ := runCmd(t, "report", "--config", h.cfg, "--lang", "zh-Hans", "--format", "csv")
	_, csvEn, _ := runCmd(t, "report", "--config", h.cfg, "--format", "csv")
	if csvZh != csvEn {
		t.Fatalf("CSV changed with the language:\n%s\n%s", csvZh, csvEn)
	}
}

// TestAuditCommands: the trail verifies after a refund and exports as JSON lines; a changed
// event makes verify exit 1 naming it.
func TestAuditCommands(t *testing.T) {
	h := newHeadless(t, "")
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg)
	if code != 0 || !regexp.MustCompile(`: ok: \d+ events, head [0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("verify: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "audit", "export", "--config", h.cfg, "--format", "json", "--since", "2")
	var events []storage.AuditEvent
	if code != 0 || json.Unmarshal([]byte(out), &events) != nil || len(events) == 0 || events[0].Seq != 2 || events[0].Hash == "" {
		t.Fatalf("export: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, "audit", "export", "--config", h.cfg, "--format", "xml"); code != ExitUsage || !strings.Contains(errOut, "--format xml") {
		t.Fatalf("bad format: %d %q", code, errOut)
	}
}

// withStdin runs f with standard input holding text.
func withStdin(t *testing.T, text string, f func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.WriteString(text); w.Close() }()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	f()
}

func TestStaffCommands(t *testing.T) {
	h := newHeadless(t, "")
	var code int
	var out, errOut string
	withStdin(t, "4321\n", func() {
		code, out, errOut = runCmd(t, "staff", "add", "陳小明", "--role", "manager", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 || out != "added 陳小明 (manager)\n" {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	for _, c := range []struct {
		args    []string
		stdin   string
		code    int
		errPart string
	}{
		{[]string{"staff", "add", "陳小明", "--role", "manager", "--manager", "陳小明", "--pin-stdin"}, "4321\n1111\n", ExitUsage, "already on the staff"},
		{[]string{"staff", "add", "amy", "--role", "boss", "--pin-stdin"}, "4321\n", ExitUsage, "--role boss: is not cashier or manager"},
		{[]string{"staff", "add", "amy", "--manager", "陳小明", "--pin-stdin"}, "4321\n12\n", ExitUsage, "a PIN is 4 to 12 digits"},
		{[]string{"staff", "add", "amy", "--manager", "陳小明", "--pin-stdin"}, "4321\n", ExitUsage, "no PIN on standard input for PIN of amy"},
		{[]string{"staff", "add", "amy"}, "", ExitUsage, "give the PIN with --pin-stdin"},
		{[]string{"staff", "add", "amy", "--pin-stdin"}, "1111\n", ExitUsage, "needs a manager's id and PIN: pass --manager ID"},
		{[]string{"staff", "disable", "nobody", "--manager", "陳小明", "--pin-stdin"}, "4321\n", ExitUsage, "nobody is not on the staff"},
		{[]string{"staff", "disable", "陳小明"}, "", ExitUsage, "disabling 陳小明 needs a manager: pass --manager ID"},
	} {
		withStdin(t, c.stdin, func() { code, _, errOut = runCmd(t, append(c.args, "--config", h.cfg)...) })
		if code != c.code || !strings.Contains(errOut, c.errPart) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	withStdin(t, "4321\n1111\n", func() {
		code, _, errOut = runCmd(t, "staff", "add", "amy", "--manager", "陳小明", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 {
		t.Fatal(errOut)
	}
	withStdin(t, "4321\n", func() {
		code, _, errOut = runCmd(t, "staff", "disable", "amy", "--manager", "陳小明", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 {
		t.Fatal(errOut)
	}
	if code, out, _ := runCmd(t, "staff", "list", "--config", h.cfg); code != 0 || out != "id      role     state\namy     cashier  disabled\n陳小明  manager  active\n" {
		t.Fatalf("list: %q", out)
	}
	// Through the journal's owner, the PINs come from the caller's standard input: one's own PIN
	// with the current one.
	startServe(t, h.cfg)
	withStdin(t, "4321\n2222\n", func() { code, out, errOut = runCmd(t, "staff", "pin", "陳小明", "--pin-stdin", "--config", h.cfg) })
	if code != 0 || out != "PIN of 陳小明 changed\n" {
		t.Fatalf("pin through the owner: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != 0 || !strings.Contains(out, "ok:") {
		t.Fatalf("audit: %q", out)
	}
}

// TestRefundApproval: a refund over the journal's limit is refused before anything is sent unless
// a manager approves with the right PIN; a wrong PIN is refused (and counted); the approver is
// journaled and reported. The limits are the journal's: a configuration written after the journal
// was made does not change them until a manager applies it.
func TestRefundApproval(t *testing.T) {
	h := newHeadless(t, "")
	text, _ := os.ReadFile(h.cfg)
	text = []byte(string(text) + "[refunds]\napproval_over = \"10.00\"\ncashier_daily_limit = \"15.00\"\n")
	if err := os.WriteFile(h.cfg, text, 0o600); err != nil {
		t.Fatal(err)
	}
	var code int
	var out, errOut string
	withStdin(t, "90817263\n", func() {
		code, _, errOut = runCmd(t, "staff", "add", "mgr", "--role", "manager", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 {
		t.Fatal(errOut)
	}
	withStdin(t, "90817263\n1234\n", func() {
		code, _, errOut = runCmd(t, "staff", "add", "amy", "--manager", "mgr", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 {
		t.Fatal(errOut)
	}
	if code, out, _ := runCmd(t, "limits", "--config", h.cfg); code != 0 ||
		out != "journal:       no refund needs an approval\nconfiguration: approval for a refund above 10.00 HKD, a cashier's refunds today above 15.00 HKD (not in force: qfpos limits apply --manager ID)\n" {
		t.Fatalf("limits: %q", out)
	}
	withStdin(t, "1234\n", func() {
		code, _, errOut = runCmd(t, "limits", "apply", "--manager", "amy", "--pin-stdin", "--config", h.cfg)
	})
	if code != ExitUsage || !strings.Contains(errOut, "amy is not a manager") {
		t.Fatalf("a cashier applied the limits: %d %q", code, errOut)
	}
	withStdin(t, "90817263\n", func() {
		code, out, errOut = runCmd(t, "limits", "apply", "--manager", "mgr", "--pin-stdin", "--config", h.cfg)
	})
	if code != 0 || !strings.Contains(out, "a refund above 10.00 HKD") {
		t.Fatalf("apply: %d %q %q", code, out, errOut)
	}
	paid := h.sales["paid"].SysSN
	refunds := func() int { return h.sent("refund") }
	refund := func(stdin string, args ...string) {
		withStdin(t, stdin, func() {
			code, _, errOut = runCmd(t, append([]string{"refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--cashier", "amy", "--pin-stdin"}, args...)...)
		})
	}
	refund("1234\n", "--amount", "12")
	if code != ExitUsage || !strings.Contains(errOut, "a refund above 10.00 HKD needs a manager's approval") || refunds() != 0 {
		t.Fatalf("over the limit: %d %q (%d sent)", code, errOut, refunds())
	}
	refund("1234\n0000\n", "--amount", "12", "--approver", "mgr")
	if code != ExitUsage || !strings.Contains(errOut, "wrong PIN for mgr") || refunds() != 0 {
		t.Fatalf("wrong PIN: %d %q", code, errOut)
	}
	refund("1234\n90817263\n", "--amount", "12", "--approver", "mgr")
	if code != 0 || refunds() != 1 {
		t.Fatalf("approved: %d %q", code, errOut)
	}
	// 12.00 refunded today: 5.00 more crosses the day's 15.00.
	refund("1234\n", "--amount", "5")
	if code != ExitUsage || !strings.Contains(errOut, "amy's refunds today above 15.00 HKD") || refunds() != 1 {
		t.Fatalf("daily limit: %d %q", code, errOut)
	}
	_, csv, _ := runCmd(t, "report", "--config", h.cfg, "--format", "csv")
	if !strings.Contains(csv, ",amy,mgr,") {
		t.Fatalf("the approver is not reported:\n%s", csv)
	}
	// No PIN, and no hash of one, in the log, the reports or the audit export.
	logText, _ := os.ReadFile(filepath.Join(h.dir, "qfpos.log"))
	_, exported, _ := runCmd(t, "audit", "export", "--config", h.cfg, "--format", "json")
	_, jsonReport, _ := runCmd(t, "report", "--config", h.cfg, "--format", "json")
	for where, text := range map[string]string{"log": string(logText), "audit export": exported, "report": csv + jsonReport} {
		for _, secret := range []string{"90817263", "$2a$", "pin_hash"} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds %q", where, secret)
			}
		}
	}
}

// TestCloseDay: a day closes once, numbered, with the audit head; the report of a closed day
// names the close and what changed after it; the close is on the audit trail.
func TestCloseDay(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"].SysSN
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "1"); code != 0 {
		t.Fatal(errOut)
	}
	day := refundDay(t, filepath.Join(h.dir, "journal.db")) // the refund's own day, whatever the clock says now
	code, out, errOut := runCmd(t, "close-day", "--config", h.cfg, "--date", day)
	if code != 0 || !regexp.MustCompile(`^closed \d{4}-\d\d-\d\d as close #1: 1 refund\(s\) and cancel\(s\); audit event \d+, head [0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("close: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "close-day", "--config", h.cfg, "--date", day); code != ExitUsage || !strings.Contains(errOut, "already closed as close #1") {
		t.Fatalf("second close: %d %q", code, errOut)
	}
	if code, out, _ := runCmd(t, "report", "--config", h.cfg, "--date", day); code != 0 || !strings.Contains(out, "NOTE: closed as #1 at ") || strings.Contains(out, "after close") {
		t.Fatalf("report of the closed day:\n%s", out)
	}
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", paid, "--amount", "2"); code != 0 {
		t.Fatal(errOut)
	}
	if _, out, _ := runCmd(t, "report", "--config", h.cfg, "--date", day); refundDay2(t, h, day) && !strings.Contains(out, "after close: refund 2.00 HKD RF") {
		t.Fatalf("the late refund is not listed:\n%s", out)
	}
	if code, out, _ := runCmd(t, "audit", "export", "--config", h.cfg); code != 0 || !strings.Contains(out, "day_close") {
		t.Fatalf("the close is not on the audit trail:\n%s", out)
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != 0 || !strings.Contains(out, "day closes: 1, 0 signed, 0 not verifying") {
		t.Fatalf("verify: %d %q", code, out)
	}
	// An unsigned close changed afterwards is caught by the audit event that recorded it.
	editDayClose(t, h, day, `"count":1`, `"count":0`)
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != ExitFailed || !strings.Contains(out, "it is not the close the audit trail recorded") {
		t.Fatalf("a changed close: %d %q", code, out)
	}
}

// refundDay2 says whether the second refund was journaled on day (a run across midnight puts it
// on the next one, where there is nothing to compare).
func refundDay2(t *testing.T, h headless, day string) bool {
	t.Helper()
	code, out, _ := runCmd(t, "report", "--config", h.cfg, "--date", day, "--format", "csv")
	return code == 0 && strings.Count(out, "\n") == 3
}

// TestSignedDayClose: with [audit] signing_key_file a close is signed and audit verify checks it;
// a close changed afterwards no longer verifies.
func TestSignedDayClose(t *testing.T) {
	h := newHeadless(t, "")
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	keyPath := filepath.Join(h.dir, "close.pem")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(h.cfg)
	if err := os.WriteFile(h.cfg, append(text, fmt.Sprintf("[audit]\nsigning_key_file = %q\n", keyPath)...), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "close-day", "--config", h.cfg, "--date", "2026-11-20")
	if code != 0 || !strings.HasSuffix(out, "; signed\n") {
		t.Fatalf("close: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != 0 || !strings.Contains(out, "day closes: 1, 1 signed, 0 not verifying") {
		t.Fatalf("verify: %d %q", code, out)
	}
	// Someone edits the close in the file: its signature no longer verifies.
	editDayClose(t, h, "2026-11-20", `"number":1`, `"number":7`)
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != ExitFailed || !strings.Contains(out, "its signature does not verify") {
		t.Fatalf("after tampering: %d %q", code, out)
	}

	_ = os.Chmod(keyPath, 0o644)
	if code, _, errOut := runCmd(t, "close-day", "--config", h.cfg, "--date", "2026-11-19"); code != ExitUsage || !strings.Contains(errOut, "chmod 600") {
		t.Fatalf("a readable key: %d %q", code, errOut)
	}
}

// interruptRefund starts a refund of 1.00 of the paid sale and presses Ctrl+C once it waits for
// QFPay: the command ends "outcome unknown", saying it will resume.
func interruptRefund(t *testing.T, h headless) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- Execute(ctx, []string{"refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1"}, &out, &errOut)
	}()
	waitFor(t, &errOut, "waiting for QFPay")
	cancel()
	if code := <-done; code != ExitUnknown || !strings.Contains(errOut.String(), "will resume (run qfpos resume)") {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

// editDayClose changes a day's close in the journal file behind qfpos's back.
func editDayClose(t *testing.T, h headless, day, from, to string) {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(h.dir, "journal.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("day_closes"))
		return b.Put([]byte(day), bytes.Replace(b.Get([]byte(day)), []byte(from), []byte(to), 1))
	}); err != nil {
		t.Fatal(err)
	}
}

// TestReceiptCommand: a refund's slip as text in the customer's language, and as ESC/POS to a
// printer on the network (it gets exactly the bytes of the file); a printer that cannot be
// reached is said and changes nothing.
func TestReceiptCommand(t *testing.T) {
	h := newHeadless(t, "")
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, append(text, "[receipt]\nshop_name = \"Tea House\"\nqr = true\n"...), 0o600)
	code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1", "--json")
	var res result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	id := fmt.Sprint(res.ID)
	if code, out, _ := runCmd(t, "receipt", "--config", h.cfg, "--op", id); code != 0 || !strings.Contains(out, "REFUND (credit note)") ||
		!regexp.MustCompile(`Audit: +[0-9a-f]{8} #\d+`).MatchString(out) ||
		!strings.Contains(out, res.QFPaySysSN) || !strings.Contains(out, "Tea House") {
		t.Fatalf("text: %d\n%s", code, out)
	}
	if code, out, _ := runCmd(t, "receipt", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--lang", "zh-Hant"); code != 0 || !strings.Contains(out, "退款單") {
		t.Fatalf("zh-Hant: %d\n%s", code, out)
	}
	file := filepath.Join(h.dir, "slip.bin")
	if code, _, errOut := runCmd(t, "receipt", "--config", h.cfg, "--op", id, "--format", "escpos", "--out", file); code != 0 {
		t.Fatal(errOut)
	}
	want, _ := os.ReadFile(file)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(c)
		got <- b
	}()
	if code, _, errOut := runCmd(t, "receipt", "--config", h.cfg, "--op", id, "--format", "escpos", "--printer", "tcp://"+ln.Addr().String()); code != 0 {
		t.Fatal(errOut)
	}
	if b := <-got; !bytes.Equal(b, want) || len(b) == 0 {
		t.Fatalf("the printer got %d bytes, the file has %d", len(b), len(want))
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens now
	if code, _, errOut := runCmd(t, "receipt", "--config", h.cfg, "--op", id, "--format", "escpos", "--printer", "tcp://"+addr); code != ExitFailed ||
		!strings.Contains(errOut, "printer not reachable") {
		t.Fatalf("no printer: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "receipt", "--config", h.cfg, "--op", "999"); code != ExitUsage || !strings.Contains(errOut, "--op 999: not in the journal") {
		t.Fatalf("unknown op: %d %q", code, errOut)
	}
}

// TestRefundPrint: refund --print sends the slip to [receipt] printer once the outcome is known;
// without a printer configured it is a usage error before anything is sent.
func TestRefundPrint(t *testing.T) {
	h := newHeadless(t, "")
	if code, _, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1", "--print"); code != ExitUsage ||
		!strings.Contains(errOut, "--print needs [receipt] printer") {
		t.Fatalf("no printer: %d %q", code, errOut)
	}
	slip := filepath.Join(h.dir, "printer.bin")
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, append(text, fmt.Sprintf("[receipt]\nprinter = %q\n", "file:"+slip)...), 0o600)
	if code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1", "--print"); code != 0 {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	if b, err := os.ReadFile(slip); err != nil || !bytes.Contains(b, []byte("REFUND (credit note)")) {
		t.Fatalf("the printer got %q (%v)", b, err)
	}
}

// TestConfigChangeOnTheTrail: the settings a command starts with go on the audit trail when they
// differ from the last ones seen (the first time all of them), never again while they stay the
// same; the client key appears only as a fingerprint, never itself, in the trail or the file.
func TestConfigChangeOnTheTrail(t *testing.T) {
	h := newHeadless(t, "")
	configEvents := func() []string {
		t.Helper()
		code, out, errOut := runCmd(t, "audit", "export", "--format", "json", "--config", h.cfg)
		if code != 0 {
			t.Fatal(errOut)
		}
		var events []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if strings.Contains(l, `"kind":"config"`) {
				events = append(events, l)
			}
		}
		return events
	}
	// The set-up added sales with the default settings, then this test's configuration was used.
	first := configEvents()
	if len(first) != 2 || !strings.Contains(first[0], `"key":"qfpay.client_key"`) || !strings.Contains(first[0], `"key":"refunds.approval_over"`) ||
		!strings.Contains(first[1], `{"key":"terminal.udid","was":"","now":"POS-09"}`) {
		t.Fatalf("the settings seen: %q", first)
	}
	runCmd(t, "sales", "list", "--config", h.cfg)
	if n := len(configEvents()); n != 2 {
		t.Fatalf("unchanged settings recorded again: %d events", n)
	}
	text, _ := os.ReadFile(h.cfg)
	changed := strings.Replace(string(text), qfpaytest.TestMerchant.Key, "ROTATEDKEY0123456789abcdef", 1) + "[refunds]\napproval_over = \"500.00\"\n"
	if err := os.WriteFile(h.cfg, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	events := configEvents()
	if len(events) != 3 {
		t.Fatalf("a change of settings not recorded: %q", events)
	}
	last := events[2]
	for _, want := range []string{`{"key":"refunds.approval_over","was":"","now":"500.00"}`,
		`{"key":"qfpay.client_key","was":"` + config.Fingerprint(qfpaytest.TestMerchant.Key) + `","now":"` + config.Fingerprint("ROTATEDKEY0123456789abcdef") + `"}`} {
		if !strings.Contains(last, want) {
			t.Errorf("%s is not in %s", want, last)
		}
	}
	if strings.Count(last, `"key":`) != 2 {
		t.Errorf("more than the two changes: %s", last)
	}
	file, _ := os.ReadFile(filepath.Join(h.dir, "journal.db"))
	for _, key := range []string{qfpaytest.TestMerchant.Key, "ROTATEDKEY0123456789abcdef"} {
		if strings.Contains(strings.Join(first, "")+last, key) || bytes.Contains(file, []byte(key)) {
			t.Errorf("the client key %q is in the trail or the journal", key)
		}
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--config", h.cfg); code != 0 || !strings.Contains(out, ": ok: ") {
		t.Fatalf("verify: %d %q", code, out)
	}
}

// TestRefundReasons: a refund needs one of the store's reasons ([refunds] reasons), and "other"
// needs words; refused ones send nothing; the reason and the words are journaled and reported.
func TestRefundReasons(t *testing.T) {
	h := newHeadless(t, "")
	paid := h.sales["paid"].SysSN
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "qfpos refund: --reason: a refund needs a reason: one of damaged, wrong item, customer changed mind, duplicate charge, price adjustment, other\n"},
		{[]string{"--reason", "gift return"}, `qfpos refund: --reason: reason "gift return" is not one of the store's reasons: damaged,`},
		{[]string{"--reason", "other"}, "qfpos refund: --reason other needs --reason-text: a few words of why\n"},
		{[]string{"--reason", "damaged", "--reason-text", strings.Repeat("x", 121)}, "qfpos refund: --reason-text: the reason's words takes more than 120 characters\n"},
	} {
		code, _, errOut := runCmd(t, append([]string{"refund", "--config", h.cfg, "--syssn", paid, "--amount", "1"}, c.args...)...)
		if code != ExitUsage || !strings.HasPrefix(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	if code, _, errOut := runCmd(t, "refund", "--config", h.cfg, "--syssn", paid, "--amount", "1", "--reason", "Other", "--reason-text", "left it on the bus"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := runCmd(t, "report", "--config", h.cfg, "--format", "json")
	if code != 0 || !strings.Contains(out, `"reason": "other"`) || !strings.Contains(out, `"reason_text": "left it on the bus"`) {
		t.Fatalf("report: %s", out)
	}
	// The store's own reasons.
	text, _ := os.ReadFile(h.cfg)
	_ = os.WriteFile(h.cfg, append(text, "[refunds]\nreasons = [\"damaged\", \"gift return\"]\n"...), 0o600)
	if code, _, errOut := runCmd(t, "refund", "--config", h.cfg, "--syssn", paid, "--amount", "1", "--reason", "gift return"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCmd(t, "refund", "--config", h.cfg, "--syssn", paid, "--amount", "1", "--reason", "wrong item"); code != ExitUsage ||
		!strings.Contains(errOut, `reason "wrong item" is not one of the store's reasons: damaged, gift return`) {
		t.Fatalf("%d %q", code, errOut)
	}
	if code, out, _ := runCmd(t, "report", "--config", h.cfg); code != 0 || !strings.Contains(out, "Other: left it on the bus") || !strings.Contains(out, "gift return") {
		t.Fatalf("table: %s", out)
	}
}

// TestReceiptAsJournaled: a slip shows the terminal and time zone of the operation as journaled,
// whatever configuration prints it (a reprint from another till's config keeps the refund's
// terminal and zone); --printer alone sends ESC/POS; Chinese slips about to reach a printer as
// UTF-8 are warned about, in the cashier's language, with the encoding to set.
func TestReceiptAsJournaled(t *testing.T) {
	h := newHeadless(t, "")
	code, out, errOut := runCmd(t, "refund", "--reason", "damaged", "--config", h.cfg, "--syssn", h.sales["paid"].SysSN, "--amount", "1", "--json")
	var res result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	id := fmt.Sprint(res.ID)
	_, text, _ := runCmd(t, "receipt", "--config", h.cfg, "--op", id)
	udid := regexp.MustCompile(`Terminal: +(\S+)`).FindStringSubmatch(text)
	zone := regexp.MustCompile(`Time: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ([+-]\d\d:\d\d)`).FindStringSubmatch(text)
	if udid == nil || zone == nil {
		t.Fatalf("no terminal or zone on the slip:\n%s", text)
	}
	// Another till's configuration: another udid and zone.
	other := filepath.Join(h.dir, "other.toml")
	cfg, _ := os.ReadFile(h.cfg)
	cfg = regexp.MustCompile(`(?m)^udid = .*$`).ReplaceAll(cfg, []byte(`udid = "OTHER-TILL"`))
	cfg = bytes.Replace(cfg, []byte("[terminal]\n"), []byte("[terminal]\ntimezone = \"America/New_York\"\n"), 1)
	if !bytes.Contains(cfg, []byte("OTHER-TILL")) || !bytes.Contains(cfg, []byte("New_York")) {
		t.Fatalf("the test's config has no udid or timezone line:\n%s", cfg)
	}
	if err := os.WriteFile(other, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	code, again, errOut := runCmd(t, "receipt", "--config", other, "--op", id)
	if code != 0 || !strings.Contains(again, udid[0]) || !strings.Contains(again, zone[0]) || strings.Contains(again, "OTHER-TILL") {
		t.Fatalf("reprinted from another till's config (%d %q):\n%s\nfirst:\n%s", code, errOut, again, text)
	}
	file := filepath.Join(h.dir, "slip.bin")
	code, _, errOut = runCmd(t, "receipt", "--config", h.cfg, "--op", id, "--printer", "file:"+file, "--lang", "zh-Hant")
	b, _ := os.ReadFile(file)
	if code != 0 || !bytes.HasPrefix(b, []byte{0x1b, 0x40}) || !bytes.HasSuffix(b, []byte{0x1d, 0x56, 0x42, 0x00}) {
		t.Fatalf("--printer without --format: %d %q % x", code, errOut, b[:min(8, len(b))])
	}
	if !strings.Contains(errOut, `set [receipt] encoding = "big5"`) {
		t.Errorf("no warning of a Chinese slip sent as UTF-8: %q", errOut)
	}
	_ = os.WriteFile(h.cfg, append(append([]byte(nil), cfg...), "[receipt]\nencoding = \"big5\"\n"...), 0o600)
	if code, _, errOut = runCmd(t, "receipt", "--config", h.cfg, "--op", id, "--printer", "file:"+file, "--lang", "zh-Hant"); code != 0 || strings.Contains(errOut, "encoding") {
		t.Errorf("big5: %d %q", code, errOut)
	}
}
