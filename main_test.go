package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qfpos/qfpay"
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

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"sandbox", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"sandbox", "--app-code", "ABC"}, "give both --app-code and --client-key"},
		{[]string{"sandbox", "--mchid", "bad&id"}, "--mchid"},
		{[]string{"sandbox", "extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		code, _, stderr := runCmd(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if code, stdout, _ := runCmd(t, "help"); code != 0 || !strings.Contains(stdout, "qfpos sandbox") {
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
		done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--seed", "5", "--sales", "10"}, &out, &errOut)
	}()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl+C") {
		select {
		case code := <-done:
			t.Fatalf("exited %d: %s", code, errOut.String())
		case <-deadline:
			t.Fatalf("no banner: %q", out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	text := out.String()
	field := func(name string) string {
		m := regexp.MustCompile(name + `\s+= "([^"]+)"`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no %s in %q", name, text)
		}
		return m[1]
	}
	paid := regexp.MustCompile(`(?m)^\s+(\d{26})\s+\S+ \S+\s+80[01]\d{3}\s.*\bpaid$`).FindStringSubmatch(text)
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
		if code, _, errOut := runCmd(t, args...); code != exitUsage || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
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
	if code != exitFail || out != "1 added, 0 updated, 0 unchanged, 1 refused\n" || !strings.Contains(errOut, "sales.csv:3: txamt") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "sales", "list", "--journal", jpath, "--days", "3650", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "POS_1,128050,HKD") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, "sales", "list", "--journal", jpath, "--format", "xml"); code != exitUsage || !strings.Contains(errOut, "xml") {
		t.Fatalf("bad format: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "sales", "import", "--journal", jpath, dir+"/missing.csv"); code != exitUsage || !strings.Contains(errOut, "missing.csv") {
		t.Fatalf("missing file: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "sales", "list", "--journal", csvPath); code != exitFail || !strings.Contains(errOut, "not a qfpos journal") {
		t.Fatalf("csv as journal: %d %q", code, errOut)
	}
}
