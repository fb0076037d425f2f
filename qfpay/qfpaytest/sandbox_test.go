package qfpaytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type rig struct {
	sb    *Sandbox
	base  string
	clock *clock
}

func newRig(t *testing.T, opts ...Option) rig {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 21, 15, 0, 0, 0, HongKong)}
	sb, base := NewTest(t, append([]Option{WithClock(clk.now), WithSettle(Settle{})}, opts...)...)
	return rig{sb: sb, base: base, clock: clk}
}

func (r rig) client(t *testing.T, opts ...qfpay.Option) *qfpay.Client {
	t.Helper()
	c, err := qfpay.New(TestMerchant.AppCode, TestMerchant.Key, append([]qfpay.Option{qfpay.WithBaseURL(r.base),
		qfpay.WithClock(r.clock.now), qfpay.WithRateLimit(0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (r rig) pay(t *testing.T, amount int64, payType, respcd, currency string, at time.Time) Txn {
	t.Helper()
	tx, err := r.sb.AddPayment(Payment{AppCode: TestMerchant.AppCode, Amount: amount, PayType: payType, RespCD: respcd, Currency: currency, Time: at})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// code runs a refund and returns QFPay's respcd.
func code(t *testing.T, c *qfpay.Client, syssn, otn string, amount int64) string {
	t.Helper()
	reply, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: syssn, OutTradeNo: otn, Amount: amount})
	if reply == nil {
		t.Fatalf("no reply: %v", err)
	}
	return reply.RespCD
}

func TestRefundRules(t *testing.T) {
	r := newRig(t, WithNoPartialRefunds([]string{"805808"}, []string{"JPY"}))
	c := r.client(t)
	yesterday := r.clock.t.AddDate(0, 0, -1)
	paid := r.pay(t, 1000, "800208", "", "", yesterday)
	unpaid := r.pay(t, 1000, "800101", "1143", "", yesterday)
	payme := r.pay(t, 1000, "805808", "", "", yesterday)
	yen := r.pay(t, 1000, "800208", "", "JPY", yesterday)
	cardToday := r.pay(t, 1000, "802808", "", "", r.clock.t.Add(-time.Hour))
	cardOld := r.pay(t, 1000, "802808", "", "", yesterday)
	cases := []struct {
		name, syssn string
		amount      int64
		want        string
	}{
		{"missing sale", "20261121999999999999999999", 100, "1268"},
		{"unpaid sale", unpaid.SysSN, 100, "1261"},
		{"partial PayMe", payme.SysSN, 100, "1271"},
		{"full PayMe", payme.SysSN, 1000, "0000"},
		{"partial JPY", yen.SysSN, 100, "1270"},
		{"same-day card partial", cardToday.SysSN, 100, "1124"},
		{"same-day card full", cardToday.SysSN, 1000, "0000"},
		{"older card partial", cardOld.SysSN, 100, "0000"},
		{"over the sale", paid.SysSN, 1001, "1272"},
		{"exact", paid.SysSN, 1000, "0000"},
		{"after full", paid.SysSN, 1, "1272"},
	}
	for i, tc := range cases {
		if got := code(t, c, tc.syssn, "RF_"+string(rune('a'+i)), tc.amount); got != tc.want {
			t.Errorf("%s: respcd %s, want %s", tc.name, got, tc.want)
		}
	}
	if err := r.sb.CheckLedger(); err != nil {
		t.Fatal(err)
	}
}

func TestAuthentication(t *testing.T) {
	r := newRig(t)
	sale := r.pay(t, 1000, "800208", "", "", r.clock.t.Add(-time.Hour))
	wrongKey, _ := qfpay.New(TestMerchant.AppCode, "not-the-key", qfpay.WithBaseURL(r.base), qfpay.WithRateLimit(0, 0))
	if got := code(t, wrongKey, sale.SysSN, "RF_1", 100); got != "1108" {
		t.Errorf("wrong key: %s", got)
	}
	stranger, _ := qfpay.New("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", TestMerchant.Key, qfpay.WithBaseURL(r.base), qfpay.WithRateLimit(0, 0))
	if got := code(t, stranger, sale.SysSN, "RF_2", 100); got != "1108" {
		t.Errorf("unknown app code: %s", got)
	}
	sha := r.client(t, qfpay.WithSignType(qfpay.SHA256))
	if got := code(t, sha, sale.SysSN, "RF_3", 100); got != "0000" {
		t.Errorf("SHA-256: %s", got)
	}
	withMchID := r.client(t, qfpay.WithMchID("ZaMVg12345"))
	if got := code(t, withMchID, sale.SysSN, "RF_4", 100); got != "1104" {
		t.Errorf("mchid not issued: %s", got)
	}
	r.sb.AddMerchant(Merchant{AppCode: "AGENT0000000000000000000000000001", Key: "agentkey", MchID: "MNxMp11FV35qQN"})
	agent := func(mchid string) *qfpay.Client {
		opts := []qfpay.Option{qfpay.WithBaseURL(r.base), qfpay.WithRateLimit(0, 0)}
		if mchid != "" {
			opts = append(opts, qfpay.WithMchID(mchid))
		}
		c, err := qfpay.New("AGENT0000000000000000000000000001", "agentkey", opts...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := code(t, agent(""), sale.SysSN, "RF_5", 100); got != "1104" {
		t.Errorf("mchid missing: %s", got)
	}
	if got := code(t, agent("MNxMp11FV35qQN"), sale.SysSN, "RF_6", 100); got != "1268" {
		t.Errorf("another merchant's sale: %s", got)
	}
}

func TestNightWindow(t *testing.T) {
	for _, tc := range []struct {
		hh, mm int
		want   string
	}{{23, 29, "0000"}, {23, 30, "1265"}, {0, 15, "1265"}, {0, 30, "0000"}} {
		r := newRig(t, WithNightWindow(true))
		r.clock.t = time.Date(2026, 11, 21, tc.hh, tc.mm, 0, 0, HongKong)
		sale := r.pay(t, 1000, "800208", "", "", r.clock.t.Add(-time.Minute))
		c := r.client(t)
		reply, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: sale.SysSN, OutTradeNo: "RF_n", Amount: 100})
		if reply == nil || reply.RespCD != tc.want {
			t.Fatalf("%02d:%02d: %+v %v", tc.hh, tc.mm, reply, err)
		}
		if tc.want == "1265" {
			if v := qfpay.Classify(reply, err); v.Outcome != qfpay.RetryLater {
				t.Fatalf("night 1265 classified %s", v.Outcome)
			}
		}
	}
}

func TestCancelRules(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	at := r.clock.t.Add(-10 * time.Minute)
	paid := r.pay(t, 1000, "800101", "", "", at)
	unmapped := r.pay(t, 1000, "805808", "1143", "", at)
	unpaid := r.pay(t, 1000, "800101", "1143", "", at)
	cancel := func(tx Txn, amount int64, txdtm string) string {
		reply, _ := c.Reverse(context.Background(), qfpay.CancelRequest{SysSN: tx.SysSN, Amount: amount, TxDtm: txdtm})
		return reply.RespCD
	}
	if got := cancel(paid, 1000, paid.TxDtm); got != "1260" {
		t.Errorf("paid sale: %s", got)
	}
	if got := cancel(unmapped, 1000, unmapped.TxDtm); got != "1297" {
		t.Errorf("pay type without cancel: %s", got)
	}
	if got := cancel(unpaid, 999, unpaid.TxDtm); got != "1266" {
		t.Errorf("wrong amount: %s", got)
	}
	if got := cancel(unpaid, 1000, "2026-01-01 00:00:00"); got != "1267" {
		t.Errorf("wrong txdtm: %s", got)
	}
	if got := cancel(unpaid, 1000, unpaid.TxDtm); got != "0000" {
		t.Errorf("good reversal: %s", got)
	}
	if got := cancel(unpaid, 1000, unpaid.TxDtm); got != "1263" {
		t.Errorf("second reversal: %s", got)
	}
	if got := code(t, c, unpaid.SysSN, "RF_x", 1000); got != "1263" {
		t.Errorf("refund of a cancelled sale: %s", got)
	}
	// By out_trade_no only.
	other := r.pay(t, 500, "800201", "1143", "", at)
	reply, err := c.Reverse(context.Background(), qfpay.CancelRequest{OutTradeNo: other.OutTradeNo, Amount: 500, TxDtm: other.TxDtm})
	if err != nil || reply.OrigSysSN != other.SysSN {
		t.Errorf("reversal by out_trade_no: %v %+v", err, reply)
	}
	if err := r.sb.CheckLedger(); err != nil {
		t.Fatal(err)
	}
}

func TestScripts(t *testing.T) {
	r := newRig(t, WithSettle(Settle{Queries: 1}))
	c := r.client(t)
	sale := r.pay(t, 10000, "800208", "", "", r.clock.t.Add(-time.Hour))
	r.sb.ScriptOutTradeNo("RF_refused", Script{RespCD: "1294", RespErr: "blocked"})
	if got := code(t, c, sale.SysSN, "RF_refused", 100); got != "1294" {
		t.Errorf("scripted refusal: %s", got)
	}
	r.sb.ScriptAmount(200, Script{SettleTo: "1155"})
	if got := code(t, c, sale.SysSN, "RF_fails", 200); got != "1143" {
		t.Errorf("accepted then failing: %s", got)
	}
	page, _ := c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{"RF_fails"}})
	if page.Records[0].RespCD != "1155" {
		t.Errorf("after settling: %+v", page.Records[0])
	}
	r.sb.ScriptAmount(300, Script{NeverSettle: true, Times: 1})
	code(t, c, sale.SysSN, "RF_stuck", 300)
	for range 5 {
		page, _ = c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{"RF_stuck"}})
	}
	if page.Records[0].RespCD != "1143" {
		t.Errorf("never settles: %+v", page.Records[0])
	}
	code(t, c, sale.SysSN, "RF_300b", 300) // the Times:1 script is used up
	page, _ = c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{"RF_300b"}})
	if page.Records[0].RespCD != "0000" {
		t.Errorf("script applied twice: %+v", page.Records[0])
	}
	if done, processing := r.sb.Refunded(sale.SysSN); done != 300 || processing != 300 {
		t.Errorf("refunded %d, processing %d", done, processing)
	}
	// A close that answers without its own syssn.
	qr := r.pay(t, 700, "800208", "1143", "", r.clock.t.Add(-time.Hour))
	r.sb.ScriptOutTradeNo(qr.OutTradeNo, Script{OmitSysSN: true})
	reply, err := c.Close(context.Background(), qfpay.CancelRequest{SysSN: qr.SysSN, Amount: 700, TxDtm: qr.TxDtm})
	if v := qfpay.Classify(reply, err); v.Outcome != qfpay.Failed || !v.CannotCancel {
		t.Errorf("close without syssn: %+v", v)
	}
}

func TestQueryWindowRules(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	lastMonth := r.pay(t, 1000, "800208", "", "", time.Date(2026, 10, 31, 23, 0, 0, 0, HongKong))
	thisMonth := r.pay(t, 2000, "800208", "", "", time.Date(2026, 11, 1, 0, 30, 0, 0, HongKong))
	ids := func(page *qfpay.QueryPage) string {
		var s []string
		for _, rec := range page.Records {
			s = append(s, rec.OutTradeNo)
		}
		return strings.Join(s, ",")
	}
	// By out_trade_no without a window: only the current month.
	page, err := c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{lastMonth.OutTradeNo, thisMonth.OutTradeNo}})
	if err != nil || ids(page) != thisMonth.OutTradeNo {
		t.Fatalf("default window: %v %s", err, ids(page))
	}
	// With last month's window it is found.
	page, err = c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{lastMonth.OutTradeNo},
		Start: time.Date(2026, 10, 31, 0, 0, 0, 0, HongKong), End: time.Date(2026, 10, 31, 23, 59, 59, 0, HongKong)})
	if err != nil || ids(page) != lastMonth.OutTradeNo {
		t.Fatalf("last month's window: %v %s", err, ids(page))
	}
	// By syssn the window is ignored.
	page, err = c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{lastMonth.SysSN}})
	if err != nil || ids(page) != lastMonth.OutTradeNo {
		t.Fatalf("by syssn: %v %s", err, ids(page))
	}
	// A window that crosses months is refused by the gateway too (sent raw to bypass the client).
	form := url.Values{"start_time": {"2026-10-31 00:00:00"}, "end_time": {"2026-11-01 01:00:00"}}
	body := rawPost(t, r.base+"/trade/v1/query", form)
	if !strings.Contains(body, `"respcd":"1104"`) || !strings.Contains(body, "calendar month") {
		t.Fatalf("cross-month window: %s", body)
	}
	// Filters.
	r.pay(t, 3000, "800101", "1143", "", time.Date(2026, 11, 2, 0, 0, 0, 0, HongKong))
	page, _ = c.Query(context.Background(), qfpay.QueryRequest{PayTypes: []string{"800101"}})
	if len(page.Records) != 1 || page.Records[0].Amount != 3000 || page.Records[0].OrderType != "payment" {
		t.Fatalf("pay_type filter: %+v", page.Records)
	}
	page, _ = c.Query(context.Background(), qfpay.QueryRequest{RespCD: "0000"})
	if len(page.Records) != 1 || page.Records[0].Amount != 2000 {
		t.Fatalf("respcd filter: %+v", page.Records)
	}
	body = rawPost(t, r.base+"/trade/v1/query", url.Values{"page_size": {"101"}})
	if !strings.Contains(body, `"respcd":"1104"`) {
		t.Fatalf("page_size 101: %s", body)
	}
}

// rawPost sends a correctly signed request with the given parameters.
func rawPost(t *testing.T, u string, form url.Values) string {
	t.Helper()
	params := map[string]string{}
	for k := range form {
		params[k] = form.Get(k)
	}
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-QF-APPCODE", TestMerchant.AppCode)
	req.Header.Set("X-QF-SIGN", qfpay.SignParams(qfpay.MD5, params, TestMerchant.Key))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return b.String()
}

func TestRepliesAreSignedWithStringAmounts(t *testing.T) {
	r := newRig(t)
	sale := r.pay(t, 1000, "800208", "", "", r.clock.t.Add(-time.Hour))
	body := rawPost(t, r.base+"/trade/v1/query", url.Values{"syssn": {sale.SysSN}})
	if !strings.Contains(body, `"txamt":"1000"`) || !strings.Contains(body, `"origssn":null`) || !strings.Contains(body, `"page":"1"`) {
		t.Fatalf("query body %s", body)
	}
	c := r.client(t, qfpay.WithStrictResponseSignature(true))
	reply, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: sale.SysSN, OutTradeNo: "RF_s", Amount: 100})
	if err != nil || reply.Signature != qfpay.SignatureVerified {
		t.Fatalf("%v %+v", err, reply)
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	clk := &clock{t: time.Date(2026, 11, 21, 15, 0, 0, 0, HongKong)}
	sb, err := New(WithStateFile(path), WithClock(clk.now), WithMerchant(TestMerchant), WithSettle(Settle{}))
	if err != nil {
		t.Fatal(err)
	}
	sale, _ := sb.AddPayment(Payment{AppCode: TestMerchant.AppCode, Amount: 1000, PayType: "800208"})
	srv, err := sb.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := qfpay.New(TestMerchant.AppCode, TestMerchant.Key, qfpay.WithBaseURL(srv.URL), qfpay.WithRateLimit(0, 0))
	if _, err := c.Refund(context.Background(), qfpay.RefundRequest{SysSN: sale.SysSN, OutTradeNo: "RF_keep", Amount: 400}); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	again, err := New(WithStateFile(path), WithClock(clk.now), WithSettle(Settle{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Merchants()) != 1 {
		t.Fatalf("merchants %+v", again.Merchants())
	}
	if done, _ := again.Refunded(sale.SysSN); done != 400 {
		t.Fatalf("refunded after restart: %d", done)
	}
	tx, _ := again.AddPayment(Payment{AppCode: TestMerchant.AppCode, Amount: 5, PayType: "800208"})
	if tx.SysSN == sale.SysSN {
		t.Fatal("syssn reused after restart")
	}
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(WithStateFile(path)); err == nil || !strings.Contains(err.Error(), "not a qfpos sandbox state file") {
		t.Fatalf("bad state file: %v", err)
	}
}

func TestRandomFaultsAreRepeatable(t *testing.T) {
	run := func() []string {
		r := newRig(t, WithSeed(42))
		r.sb.RandomFaults("query", 0.5, Fault{Kind: FaultBadGateway}, Fault{Kind: FaultTooMany})
		c := r.client(t)
		var out []string
		for range 20 {
			_, err := c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{"1"}})
			if err != nil {
				out = append(out, err.Error())
			} else {
				out = append(out, "ok")
			}
		}
		return out
	}
	a, b := run(), run()
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if !strings.Contains(strings.Join(a, "|"), "HTTP 502") || !strings.Contains(strings.Join(a, "|"), "ok") {
		t.Fatalf("faults not mixed: %v", a)
	}
}

func TestDownDropsConnections(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	r.sb.SetDown(true)
	_, err := c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{"1"}})
	var te *qfpay.TransportError
	if !errors.As(err, &te) || !te.Sent {
		t.Fatalf("down: %v", err)
	}
	r.sb.SetDown(false)
	if _, err := c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{"1"}}); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

func TestSeedSales(t *testing.T) {
	r := newRig(t, WithSeed(3))
	sales, err := r.sb.SeedSales(TestMerchant.AppCode, r.clock.t, 40, "POS-01")
	if err != nil || len(sales) != 40 {
		t.Fatalf("%d sales, %v", len(sales), err)
	}
	var unpaid, cardToday int
	for _, s := range sales {
		if s.RespCD != "0000" {
			unpaid++
		}
		if s.PayType == "802808" && s.SysTime.Format("2006-01-02") == r.clock.t.Format("2006-01-02") {
			cardToday++
		}
		if s.UDID != "POS-01" || s.SysTime.After(r.clock.t) {
			t.Fatalf("sale %+v", s)
		}
	}
	if unpaid < 2 || cardToday < 1 {
		t.Fatalf("unpaid %d, same-day card %d", unpaid, cardToday)
	}
}

func TestHiddenQueries(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	sale := r.pay(t, 1000, "800208", "", "", r.clock.t.Add(-time.Hour))
	r.sb.ScriptOutTradeNo("RF_lag", Script{HiddenQueries: 2})
	code(t, c, sale.SysSN, "RF_lag", 100)
	var seen []int
	for range 3 {
		page, _ := c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{"RF_lag"}})
		seen = append(seen, len(page.Records))
	}
	if seen[0] != 0 || seen[1] != 0 || seen[2] != 1 {
		t.Fatalf("records per query: %v", seen)
	}
}

func TestRefusals(t *testing.T) {
	r := newRig(t, WithRefusals(Refusals{Rate: 0.5, Codes: []string{"1269"}, After: 1, Seed: 4}))
	c := r.client(t)
	sale := r.pay(t, 100000, "800208", "", "", r.clock.t.Add(-time.Hour))
	var codes []string
	for i := range 12 {
		codes = append(codes, code(t, c, sale.SysSN, fmt.Sprintf("RF_r%d", i), 100))
	}
	joined := strings.Join(codes, ",")
	if codes[0] != "0000" || !strings.Contains(joined, "1269") || strings.Count(joined, "0000") < 2 {
		t.Fatalf("codes %s", joined)
	}
}

// TestCancelAnswersAnyScriptedCode: a cancel can be made to meet any code, even on a sale the
// rules would answer otherwise, and a hollow 0000 leaves the sale as it was.
func TestCancelAnswersAnyScriptedCode(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	at := r.clock.t.Add(-10 * time.Minute)
	paid := r.pay(t, 1000, "800101", "", "", at)
	r.sb.ScriptOutTradeNo(paid.OutTradeNo, Script{Hollow: true, Times: 1})
	reply, err := c.Reverse(context.Background(), qfpay.CancelRequest{SysSN: paid.SysSN, Amount: 1000, TxDtm: paid.TxDtm})
	if err != nil || reply.RespCD != "0000" || reply.SysSN == "" {
		t.Fatalf("hollow reversal: %v %+v", err, reply)
	}
	if tx, _ := r.sb.Txn(paid.SysSN); tx.RespCD != "0000" || tx.Cancel != qfpay.CancelNone {
		t.Fatalf("a hollow 0000 changed the sale: %+v", tx)
	}
	for _, code := range []string{"1142", "1181", "1143", "1260"} {
		unpaid := r.pay(t, 1000, "800101", "1143", "", at)
		r.sb.ScriptOutTradeNo(unpaid.OutTradeNo, Script{RespCD: code})
		reply, _ := c.Reverse(context.Background(), qfpay.CancelRequest{SysSN: unpaid.SysSN, Amount: 1000, TxDtm: unpaid.TxDtm})
		if reply.RespCD != code {
			t.Errorf("scripted %s, answered %s", code, reply.RespCD)
		}
	}
	// Closing an order that is already closed is 1142.
	cpm := r.pay(t, 600, "800208", "1143", "", at)
	req := qfpay.CancelRequest{SysSN: cpm.SysSN, Amount: 600, TxDtm: cpm.TxDtm}
	if reply, _ := c.Close(context.Background(), req); reply.RespCD != "0000" {
		t.Fatalf("first close: %+v", reply)
	}
	qr := r.pay(t, 600, "800201", "1143", "", at)
	if reply, _ := c.Reverse(context.Background(), qfpay.CancelRequest{SysSN: qr.SysSN, Amount: 600, TxDtm: qr.TxDtm}); reply.RespCD != "0000" {
		t.Fatalf("reversal of WeChat MPM: %+v", reply)
	}
	if tx, _ := r.sb.Txn(qr.SysSN); tx.Cancel != qfpay.CancelClosed {
		t.Fatalf("flag after reversal %q", tx.Cancel)
	}
	r.sb.cancelEndpoints["800201"] = "close"
	if reply, _ := c.Close(context.Background(), qfpay.CancelRequest{SysSN: qr.SysSN, Amount: 600, TxDtm: qr.TxDtm}); reply.RespCD != "1142" {
		t.Fatalf("second close: %+v", reply)
	}
}

func TestPagesCappedBelowAsked(t *testing.T) {
	r := newRig(t, WithMaxPageSize(20))
	c := r.client(t)
	for i := range 45 {
		r.pay(t, int64(1000+i), "800208", "", "", r.clock.t.Add(-time.Duration(i+1)*time.Minute))
	}
	page, err := c.Query(context.Background(), qfpay.QueryRequest{PageSize: 100})
	if err != nil || len(page.Records) != 20 || page.PageSize != 20 || page.Last() {
		t.Fatalf("first page: %v %d records, page_size %d", err, len(page.Records), page.PageSize)
	}
	n := 0
	for _, err := range c.QueryAll(context.Background(), qfpay.QueryRequest{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 45 {
		t.Fatalf("walked %d of 45", n)
	}
}

// TestIgnoreTxzone: windows read as +0800 whatever txzone says, as a gateway that ignores it would.
func TestIgnoreTxzone(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		r := newRig(t, WithIgnoreTxzone(ignore))
		sale := r.pay(t, 1000, "800208", "", "", time.Date(2026, 11, 21, 14, 0, 0, 0, HongKong))
		utc := r.client(t, qfpay.WithZone(time.UTC))
		// 06:00 UTC is 14:00 in +0800: the window holds the sale only if txzone is honoured.
		page, err := utc.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{sale.OutTradeNo},
			Start: time.Date(2026, 11, 21, 5, 50, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 6, 10, 0, 0, time.UTC)})
		if err != nil || (len(page.Records) == 1) == ignore {
			t.Fatalf("ignore=%v: %v %d records", ignore, err, len(page.Records))
		}
	}
}

// TestRefundsMadeElsewhere: a refund at another till counts against what is left, and the sale's
// flag says so.
func TestRefundsMadeElsewhere(t *testing.T) {
	r := newRig(t)
	c := r.client(t)
	sale := r.pay(t, 5000, "800208", "", "", r.clock.t.Add(-time.Hour))
	if _, err := r.sb.AddRefund(Refund{AppCode: TestMerchant.AppCode, OrigSysSN: sale.SysSN, Amount: 2000, UDID: "POS-02"}); err != nil {
		t.Fatal(err)
	}
	if tx, _ := r.sb.Txn(sale.SysSN); tx.Cancel != qfpay.CancelPartlyRefunded {
		t.Fatalf("flag %q", tx.Cancel)
	}
	if got := code(t, c, sale.SysSN, "RF_rest", 3001); got != "1272" {
		t.Fatalf("over what is left: %s", got)
	}
	if _, err := r.sb.AddRefund(Refund{AppCode: TestMerchant.AppCode, OrigSysSN: sale.SysSN, Amount: 3001}); err == nil {
		t.Fatal("AddRefund over-refunded")
	}
	tx, err := r.sb.AddPayment(Payment{AppCode: TestMerchant.AppCode, Amount: 900, PayType: "800208", Cancel: qfpay.CancelRefunded})
	if err != nil || tx.Cancel != qfpay.CancelRefunded {
		t.Fatalf("flagged payment: %v %+v", err, tx)
	}
	if got := code(t, c, tx.SysSN, "RF_flagged", 100); got != "1272" {
		t.Fatalf("refund of a sale QFPay shows refunded: %s", got)
	}
	if err := r.sb.CheckLedger(); err != nil {
		t.Fatal(err)
	}
}

func TestIDListsWithinTheField(t *testing.T) {
	r := newRig(t)
	long := strings.Repeat("1234567890,", 12) + "123456789" // 141 characters
	body := rawPost(t, r.base+"/trade/v1/query", url.Values{"syssn": {long}})
	if !strings.Contains(body, `"respcd":"1104"`) {
		t.Fatalf("141-character syssn list: %s", body)
	}
}
