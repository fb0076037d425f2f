package report_test

import (
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/reversal/reversaltest"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
	"qfpos/storage"
)

// seededIDs makes out_trade_no repeatable in tests.
type seededIDs struct{ r *rand.Rand }

func (s seededIDs) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(s.r.IntN(256))
	}
	return len(p), nil
}

func repeatable() reversal.Option {
	return reversal.WithIDSource(seededIDs{rand.New(rand.NewPCG(1, 2))})
}

// otherTerminal is a second till of the same merchant, talking to QFPay directly.
func otherTerminal(t *testing.T, h *reversaltest.Harness) *qfpay.Client {
	t.Helper()
	c, err := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, qfpay.WithBaseURL(h.Base),
		qfpay.WithClock(h.Clock.Now), qfpay.WithUDID("POS-02"), qfpay.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// busyDay makes a day at the store: this terminal refunds and cancels through the lifecycle;
// POS-02 refunds through QFPay directly.
func busyDay(t *testing.T) (*reversaltest.Harness, []storage.Reversal) {
	h := reversaltest.New(t, reversaltest.Setup{Desk: []reversal.Option{repeatable(), reversal.WithReasons(reversal.DefaultReasons)}})
	h.Run()
	var ops []storage.Reversal
	refund := func(s storage.Sale, amt int64, reason string, words ...string) {
		req := reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: amt, Cashier: "amy", Reason: reason}
		if len(words) > 0 {
			req.ReasonText = words[0]
		}
		r, err := h.Desk.Start(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, h.Follow(r.ID))
		h.Clock.Advance(7 * time.Minute)
	}
	a, b, c := h.Sale(5000, "800208", "0000"), h.Sale(12800, "800101", "0000"), h.Sale(880, "805808", "0000")
	refund(a, 1250, "damaged")
	refund(b, 12800, "wrong item")
	h.Sandbox.ScriptAmount(300, qfpaytest.Script{RespCD: "1294"})
	refund(c, 300, "price adjustment")
	qr := h.Sale(4500, "800201", "1143")
	r, err := h.Desk.Start(context.Background(), reversal.Request{Kind: storage.KindCancel, SaleSysSN: qr.SysSN, Cashier: "bo"})
	if err != nil {
		t.Fatal(err)
	}
	ops = append(ops, h.Follow(r.ID))
	h.Clock.Advance(7 * time.Minute)
	// Last, because the lifecycle's virtual clock runs on through its re-checks once it is parked.
	h.Sandbox.ScriptAmount(400, qfpaytest.Script{NeverSettle: true})
	refund(a, 400, "other", "left without the receipt")
	// POS-02 refunds a sale this terminal never saw.
	other := otherTerminal(t, h)
	tx, _ := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 9900, PayType: "800208",
		Time: h.Clock.Now().Add(-time.Hour), UDID: "POS-02"})
	if _, err := other.Refund(context.Background(), qfpay.RefundRequest{SysSN: tx.SysSN, OutTradeNo: "POS02_RF_1", Amount: 2000}); err != nil {
		t.Fatal(err)
	}
	return h, ops
}

func TestLocalReportAndTotals(t *testing.T) {
	h, ops := busyDay(t)
	rep, err := report.LocalReport(h.Journal, h.Clock.Now(), "POS-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != len(ops) || rep.Store {
		t.Fatalf("%d rows for %d operations", len(rep.Rows), len(ops))
	}
	if rep.Rows[0].State != "unknown" || rep.Rows[1].State != "failed" {
		t.Fatalf("unknown and failed are not first: %s, %s", rep.Rows[0].State, rep.Rows[1].State)
	}
	// An independent sum of the operations.
	var refunded, cancelled, open, failed int64
	for _, r := range ops {
		switch {
		case r.State == storage.StateSucceeded && r.Kind == storage.KindRefund:
			refunded += r.Amount
		case r.State == storage.StateSucceeded:
			cancelled += r.Amount
		case r.State == storage.StateFailed:
			failed += r.Amount
		default:
			open += r.Amount
		}
	}
	all := rep.Totals[0].All
	if len(rep.Totals) != 1 || all.Refunded.Amount != refunded || all.Cancelled.Amount != cancelled || all.Open.Amount != open ||
		all.Failed.Amount != failed || refunded != 14050 || cancelled != 4500 || open != 400 || failed != 300 {
		t.Fatalf("totals %+v; independent %d %d %d %d", all, refunded, cancelled, open, failed)
	}
	var byMethod, byCashier int64
	for _, b := range rep.Totals[0].ByPayMethod {
		byMethod += b.Refunded.Amount + b.Cancelled.Amount + b.Open.Amount + b.Failed.Amount
	}
	for _, b := range rep.Totals[0].ByCashier {
		byCashier += b.Refunded.Amount + b.Cancelled.Amount + b.Open.Amount + b.Failed.Amount
	}
	if sum := refunded + cancelled + open + failed; byMethod != sum || byCashier != sum {
		t.Fatalf("breakdowns %d %d, total %d", byMethod, byCashier, sum)
	}
	for _, format := range []string{"csv", "json", "table"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := report.WriteReport(&b, rep, format, hk); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

func TestStoreReportMergesOtherTerminals(t *testing.T) {
	h, ops := busyDay(t)
	rep, err := report.StoreReport(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), "POS-01")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Store || rep.Notice != "" || len(rep.Rows) != len(ops)+1 {
		t.Fatalf("store %v, notice %q, %d rows", rep.Store, rep.Notice, len(rep.Rows))
	}
	var foreign []report.ReportRow
	for _, r := range rep.Rows {
		if !r.Journaled {
			foreign = append(foreign, r)
		}
	}
	if len(foreign) != 1 || foreign[0].UDID != "POS-02" || foreign[0].OutTradeNo != "POS02_RF_1" || foreign[0].State != "succeeded" {
		t.Fatalf("foreign rows %+v", foreign)
	}
	terminals := map[string]int64{}
	for _, b := range rep.Totals[0].ByTerminal {
		terminals[b.Key] = b.Refunded.Amount
	}
	if terminals["POS-02"] != 2000 || terminals["POS-01"] != 14050 {
		t.Fatalf("per terminal %v", terminals)
	}
	// QFPay down: the local view with a notice.
	h.Sandbox.SetDown(true)
	rep, err = report.StoreReport(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), "POS-01")
	if err != nil || rep.Store || !strings.Contains(rep.Notice, "QFPay could not be reached") || len(rep.Rows) != len(ops) {
		t.Fatalf("down: %v %+v", err, rep)
	}
	// The notice in another language: its words from the language, the reason carried.
	loud := report.Lang{T: func(e string, args ...any) string { return strings.ToUpper(fmt.Sprintf(e, args...)) }}
	if got := rep.NoticeIn(loud); got != strings.ToUpper(rep.Notice) || got == rep.Notice {
		t.Fatalf("notice in another language: %q", got)
	}
}

func TestReportJSONShape(t *testing.T) {
	h, _ := busyDay(t)
	rep, _ := report.LocalReport(h.Journal, h.Clock.Now(), "POS-01")
	var b bytes.Buffer
	_ = report.WriteReport(&b, rep, "json", hk)
	var shape map[string]any
	if err := json.Unmarshal(b.Bytes(), &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"date", "terminal", "store", "rows", "totals"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	row := shape["rows"].([]any)[0].(map[string]any)
	for _, k := range []string{"time", "kind", "endpoint", "state", "amount", "currency", "pay_type", "pay_method", "cashier",
		"approver", "reason", "udid", "qfpay_syssn", "sale_syssn", "out_trade_no", "respcd", "journaled"} {
		if _, ok := row[k]; !ok {
			t.Errorf("row has no %q", k)
		}
	}
}

func TestSyncSalesAcrossPagesTerminalsAndMonths(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	// 1 December, 03:00: the last 24 hours reach into November.
	h.Clock.Advance(time.Date(2026, 12, 1, 3, 0, 0, 0, hk).Sub(h.Clock.Now()))
	now := h.Clock.Now()
	for i := range 260 {
		udid := "POS-01"
		if i%2 == 1 {
			udid = "POS-02"
		}
		if _, err := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: int64(100 + i), PayType: "800208",
			Time: now.Add(-time.Duration(i*5) * time.Minute), UDID: udid, RespCD: map[bool]string{true: "1143", false: "0000"}[i%10 == 0]}); err != nil {
			t.Fatal(err)
		}
	}
	// Older than the window: left alone.
	_, _ = h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 7, PayType: "800208", Time: now.Add(-30 * time.Hour), UDID: "POS-01"})
	before := len(h.Writes("query"))
	res, err := report.SyncSales(context.Background(), h.Journal, h.Gateway, now, 24*time.Hour, "POS-01")
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 130 || res.OtherTerminals != 130 {
		t.Fatalf("%+v", res)
	}
	months := map[string]bool{}
	for _, q := range h.Writes("query")[before:] {
		months[q.Form.Get("start_time")[:7]] = true
	}
	if !months["2026-11"] || !months["2026-12"] || len(h.Writes("query"))-before < 4 {
		t.Fatalf("queries by month %v (%d queries)", months, len(h.Writes("query"))-before)
	}
	// Again: nothing new. A payment that changed (paid now) is updated.
	for _, tx := range h.Sandbox.Txns() {
		if tx.RespCD == "1143" && tx.UDID == "POS-01" {
			_ = h.Sandbox.SetPaymentStatus(tx.SysSN, "0000")
			break
		}
	}
	res, err = report.SyncSales(context.Background(), h.Journal, h.Gateway, now, 24*time.Hour, "POS-01")
	if err != nil || res.Added != 0 || res.Updated != 1 || res.Unchanged != 129 {
		t.Fatalf("second sync: %+v %v", res, err)
	}
	res, err = report.SyncSales(context.Background(), h.Journal, h.Gateway, now, 24*time.Hour, "")
	if err != nil || res.Added != 130 || res.OtherTerminals != 0 {
		t.Fatalf("all terminals: %+v %v", res, err)
	}
	page, _ := h.Journal.RecentSales(storage.Cursor{}, 1000, 3)
	if len(page.Sales) != 260 {
		t.Fatalf("journal holds %d sales", len(page.Sales))
	}
}

func TestReconcile(t *testing.T) {
	h, _ := busyDay(t)
	h.Stop() // qfpos is off; the parked refund finishes at QFPay
	h.Sandbox.SettleStuck()
	// A refund this terminal made but never journaled (a journal restored from a backup).
	direct, _ := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, qfpay.WithBaseURL(h.Base),
		qfpay.WithClock(h.Clock.Now), qfpay.WithUDID("POS-01"), qfpay.WithRateLimit(0, 0))
	s := h.Sale(3000, "800208", "0000")
	if _, err := direct.Refund(context.Background(), qfpay.RefundRequest{SysSN: s.SysSN, OutTradeNo: "RF_lost_journal", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	// A refund of the same sale made at another till.
	if _, err := h.Sandbox.AddRefund(qfpaytest.Refund{AppCode: qfpaytest.TestMerchant.AppCode, OrigSysSN: s.SysSN, Amount: 700, UDID: "POS-02"}); err != nil {
		t.Fatal(err)
	}
	// A journaled success that QFPay does not have.
	ghost, _ := h.Journal.Create(storage.Intent{Kind: storage.KindRefund, Endpoint: "refund", OutTradeNo: "RF_ghost", SaleSysSN: s.SysSN,
		Amount: 200, TxDtm: h.Clock.Now().Format(storage.TxDtmLayout), UDID: "POS-01"})
	_, _ = h.Journal.Transition(ghost.ID, storage.Change{State: storage.StateSucceeded})

	res, err := report.Reconcile(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), "POS-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Settled) != 1 || res.Settled[0].State != storage.StateSucceeded || res.Settled[0].Amount != 400 {
		t.Fatalf("settled %+v", res.Settled)
	}
	kinds := map[string]int{}
	for _, d := range res.Differences {
		kinds[d.Kind]++
	}
	if kinds[report.MissingLocally] != 1 || kinds[report.MissingAtQFPay] != 1 || kinds[report.RefundedElsewhere] != 1 || len(res.Differences) != 3 {
		t.Fatalf("differences %+v", res.Differences)
	}
	// Both refunds the journal lacked now count against the sale: 3000 - 100 - 700 - 200 (ghost).
	if v, _, _ := h.Journal.Sale(s.SysSN); v.Remaining() != 2000 || v.Elsewhere != 800 {
		t.Fatalf("sale after reconcile: remaining %d, elsewhere %d", v.Remaining(), v.Elsewhere)
	}
	full, _ := h.Journal.Reversal(res.Settled[0].ID)
	if !strings.Contains(reversaltest.Trail(full), "query/succeeded(0000)") || full.Events[len(full.Events)-1].Message != "settled by reconciliation with QFPay's records" {
		t.Fatalf("not journaled: %s", reversaltest.Trail(full))
	}
	var out bytes.Buffer
	report.WriteReconciliation(&out, res)
	if !strings.Contains(out.String(), "3 difference(s) need a person") || !strings.Contains(out.String(), "RF_ghost") || !strings.Contains(out.String(), "made by POS-02") {
		t.Fatalf("%s", out.String())
	}
}

// TestStoreReportAcrossPages has two terminals make 130 refunds each on one day: the store view
// walks every page and totals each terminal.
func TestStoreReportAcrossPages(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	clients := map[string]*qfpay.Client{}
	for _, udid := range []string{"POS-01", "POS-02"} {
		c, err := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key, qfpay.WithBaseURL(h.Base),
			qfpay.WithClock(h.Clock.Now), qfpay.WithUDID(udid), qfpay.WithRateLimit(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		clients[udid] = c
	}
	want := map[string]int64{}
	for i := range 260 {
		udid := []string{"POS-01", "POS-02"}[i%2]
		tx, err := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 1000, PayType: "800208",
			Time: h.Clock.Now().Add(-time.Hour), UDID: udid})
		if err != nil {
			t.Fatal(err)
		}
		amt := int64(100 + i)
		if _, err := clients[udid].Refund(context.Background(), qfpay.RefundRequest{SysSN: tx.SysSN, OutTradeNo: fmt.Sprintf("RF_page_%d", i), Amount: amt}); err != nil {
			t.Fatal(err)
		}
		want[udid] += amt
	}
	before := len(h.Writes("query"))
	rep, err := report.StoreReport(context.Background(), h.Journal, h.Gateway, h.Clock.Now(), "POS-01")
	if err != nil || !rep.Store || len(rep.Rows) != 260 {
		t.Fatalf("%v: %d rows", err, len(rep.Rows))
	}
	if pages := len(h.Writes("query")) - before; pages < 6 { // 260 payments and 260 refunds, 100 a page
		t.Fatalf("%d pages", pages)
	}
	got := map[string]int64{}
	for _, b := range rep.Totals[0].ByTerminal {
		got[b.Key] = b.Refunded.Amount
	}
	if got["POS-01"] != want["POS-01"] || got["POS-02"] != want["POS-02"] || rep.Totals[0].All.Refunded.Count != 260 {
		t.Fatalf("per terminal %v, want %v", got, want)
	}
}

var hk = reversaltest.HK

// TestQFPayTimesInTheTerminalsZone: a refund made at another till is shown at the moment QFPay
// made it, in this terminal's zone and labelled, whatever zone QFPay writes its sysdtm in (the
// merchant's, +08:00): on a UTC terminal 15:00 at QFPay is 07:00, never "15:00 UTC".
func TestQFPayTimesInTheTerminalsZone(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Local: time.UTC})
	h.Run()
	tx, err := h.Sandbox.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: 9900, PayType: "800208",
		Time: h.Clock.Now().Add(-time.Hour), UDID: "POS-02"})
	if err != nil {
		t.Fatal(err)
	}
	made := h.Clock.Now()
	if _, err := otherTerminal(t, h).Refund(context.Background(), qfpay.RefundRequest{SysSN: tx.SysSN, OutTradeNo: "POS02_RF_1", Amount: 2000}); err != nil {
		t.Fatal(err)
	}
	rep, err := report.StoreReport(context.Background(), h.Journal, h.Gateway, made, "POS-01")
	if err != nil || len(rep.Rows) != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	if got := rep.Rows[0].Time; !got.Equal(made.Truncate(time.Second)) || got.Location() != time.UTC {
		t.Errorf("QFPay's refund at %v, made at %v", got, made.In(time.UTC))
	}
	var b bytes.Buffer
	if err := report.WriteReport(&b, rep, "table", time.UTC); err != nil {
		t.Fatal(err)
	}
	if want := made.In(time.UTC).Format("15:04:05"); !strings.Contains(b.String(), "times in UTC (UTC+00:00)") || !strings.Contains(b.String(), want) {
		t.Errorf("want %s, labelled:\n%s", want, b.String())
	}
	b.Reset()
	_ = report.WriteReport(&b, rep, "csv", time.UTC)
	if want := made.In(time.UTC).Format(time.RFC3339); !strings.Contains(b.String(), want) {
		t.Errorf("csv: want %s in\n%s", want, b.String())
	}
}
