package qfpay_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/qfpaytest"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

var hk = qfpaytest.HongKong

type env struct {
	sb    *qfpaytest.Sandbox
	c     *qfpay.Client
	clock *clock
}

func setup(t *testing.T, opts ...qfpaytest.Option) env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 21, 15, 0, 0, 0, hk)}
	sb, base := qfpaytest.NewTest(t, append([]qfpaytest.Option{qfpaytest.WithClock(clk.now), qfpaytest.WithSleep(func(time.Duration) {})}, opts...)...)
	c, err := qfpay.New(qfpaytest.TestMerchant.AppCode, qfpaytest.TestMerchant.Key,
		qfpay.WithBaseURL(base), qfpay.WithClock(clk.now), qfpay.WithUDID("POS-01"),
		qfpay.WithRateLimit(0, 0), qfpay.WithStrictResponseSignature(true), qfpay.WithLogger(qfpay.LeakCheckedLogger()))
	if err != nil {
		t.Fatal(err)
	}
	return env{sb: sb, c: c, clock: clk}
}

func (e env) sale(t *testing.T, amount int64, payType, respcd string) qfpaytest.Txn {
	t.Helper()
	tx, err := e.sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: amount,
		PayType: payType, RespCD: respcd, Time: e.clock.t.Add(-time.Hour), UDID: "POS-01"})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func (e env) refund(t *testing.T, syssn, otn string, amount int64) (*qfpay.Reply, qfpay.Verdict) {
	t.Helper()
	reply, err := e.c.Refund(context.Background(), qfpay.RefundRequest{SysSN: syssn, OutTradeNo: otn, Amount: amount})
	return reply, qfpay.Classify(reply, qfpay.Seen(err))
}

// find queries one operation by its own out_trade_no within a window around now.
func (e env) find(t *testing.T, otn string) (qfpay.Record, bool) {
	t.Helper()
	page, err := e.c.Query(context.Background(), qfpay.QueryRequest{OutTradeNos: []string{otn},
		Start: e.clock.t.Add(-2 * time.Hour), End: e.clock.t.Add(time.Minute)})
	if qfpay.Seen(err) != nil {
		t.Fatal(err)
	}
	if len(page.Records) == 0 {
		return qfpay.Record{}, false
	}
	return page.Records[0], true
}

func TestSandboxFullRefund(t *testing.T) {
	e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{}))
	s := e.sale(t, 5000, "800208", "")
	reply, v := e.refund(t, s.SysSN, "RF_full", 5000)
	if v.Outcome != qfpay.Succeeded || reply.OrigSysSN != s.SysSN || reply.SysSN == "" || reply.Signature != qfpay.SignatureVerified {
		t.Fatalf("%s %+v", v.Outcome, reply)
	}
	page, err := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{s.SysSN}})
	if qfpay.Seen(err) != nil || len(page.Records) != 1 || page.Records[0].Cancel != qfpay.CancelRefunded {
		t.Fatalf("sale after full refund: %v %+v", err, page)
	}
	if err := e.sb.CheckLedger(); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxPartialsThenOverRefund(t *testing.T) {
	e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{}))
	s := e.sale(t, 10000, "800101", "")
	for i, amt := range []int64{3000, 5000} {
		if _, v := e.refund(t, s.SysSN, fmt.Sprintf("RF_p%d", i), amt); v.Outcome != qfpay.Succeeded {
			t.Fatalf("partial %d: %s", i, v.Outcome)
		}
	}
	_, v := e.refund(t, s.SysSN, "RF_over", 2001)
	if v.Outcome != qfpay.Failed || v.Info.Code != "1272" || v.Info.Text != "1272" {
		t.Fatalf("over-refund: %+v", v)
	}
	if done, _ := e.sb.Refunded(s.SysSN); done != 8000 {
		t.Fatalf("refunded %d", done)
	}
	rec, _ := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{s.SysSN}})
	if rec.Records[0].Cancel != qfpay.CancelPartlyRefunded {
		t.Fatalf("cancel flag %q", rec.Records[0].Cancel)
	}
}

func TestSandboxProcessingThenSuccessByQuery(t *testing.T) {
	e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{PendingCode: "1145", Queries: 3}))
	s := e.sale(t, 2500, "800208", "")
	reply, v := e.refund(t, s.SysSN, "RF_slow", 2500)
	if v.Outcome != qfpay.Processing || reply.RespCD != "1145" {
		t.Fatalf("%s %+v", v.Outcome, reply)
	}
	var codes []string
	for range 3 {
		r, ok := e.find(t, "RF_slow")
		if !ok {
			t.Fatal("refund not found")
		}
		codes = append(codes, r.RespCD)
	}
	if fmt.Sprint(codes) != "[1145 1145 0000]" {
		t.Fatalf("query codes %v", codes)
	}
}

func TestSandboxSettlesByClock(t *testing.T) {
	e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{Delay: 5 * time.Second}))
	s := e.sale(t, 2500, "800208", "")
	e.refund(t, s.SysSN, "RF_clock", 2500)
	if r, _ := e.find(t, "RF_clock"); r.RespCD != "1143" {
		t.Fatalf("before the delay: %s", r.RespCD)
	}
	e.clock.advance(5 * time.Second)
	if r, _ := e.find(t, "RF_clock"); r.RespCD != "0000" || r.OrigSysSN != s.SysSN || r.OrderType != "refund" || r.UDID != "POS-01" {
		t.Fatalf("after the delay: %+v", r)
	}
}

func TestSandboxLostReplyFoundByQuery(t *testing.T) {
	e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{}))
	s := e.sale(t, 2500, "800208", "")
	e.sb.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultLostReply})
	_, v := e.refund(t, s.SysSN, "RF_lost", 2500)
	if v.Outcome != qfpay.Unknown {
		t.Fatalf("lost reply classified %s", v.Outcome)
	}
	r, ok := e.find(t, "RF_lost")
	if !ok || r.RespCD != "0000" || r.Amount != 2500 {
		t.Fatalf("lost refund not found by query: %+v", r)
	}
}

func TestSandboxReusedOutTradeNo(t *testing.T) {
	for _, mode := range []qfpaytest.Duplicate{{Code: "1102"}, {Code: "2011"}, {Replay: true}} {
		t.Run(fmt.Sprintf("%+v", mode), func(t *testing.T) {
			e := setup(t, qfpaytest.WithDuplicate(mode), qfpaytest.WithSettle(qfpaytest.Settle{}))
			s := e.sale(t, 2500, "800208", "")
			first, _ := e.refund(t, s.SysSN, "RF_dup", 1000)
			again, v := e.refund(t, s.SysSN, "RF_dup", 1000)
			if mode.Replay {
				if v.Outcome != qfpay.Succeeded || again.SysSN != first.SysSN {
					t.Fatalf("replay: %s %+v", v.Outcome, again)
				}
			} else if v.Outcome != qfpay.Unknown || v.Info.Code != mode.Code {
				t.Fatalf("reject: %+v", v)
			}
			if done, _ := e.sb.Refunded(s.SysSN); done != 1000 {
				t.Fatalf("refunded %d", done)
			}
		})
	}
}

func TestSandboxReversalOfUnpaidQR(t *testing.T) {
	e := setup(t)
	s := e.sale(t, 8800, "800101", "1143")
	req := qfpay.CancelRequest{SysSN: s.SysSN, OutTradeNo: s.OutTradeNo, Amount: s.Amount, TxDtm: s.TxDtm}
	reply, err := e.c.Reverse(context.Background(), req)
	if v := qfpay.Classify(reply, qfpay.Seen(err)); v.Outcome != qfpay.Succeeded || reply.OrigSysSN != s.SysSN {
		t.Fatalf("%+v %+v", v, reply)
	}
	page, _ := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{s.SysSN}})
	if page.Records[0].Cancel != qfpay.CancelClosed {
		t.Fatalf("cancel flag %q", page.Records[0].Cancel)
	}
	// A second cancel is refused: already cancelled.
	reply, err = e.c.Reverse(context.Background(), req)
	if v := qfpay.Classify(reply, qfpay.Seen(err)); v.Outcome != qfpay.Failed || v.Info.Code != "1263" {
		t.Fatalf("second reversal: %+v", v)
	}
}

func TestSandboxCloseOfWeChatCPM(t *testing.T) {
	e := setup(t)
	s := e.sale(t, 4200, "800208", "1143")
	req := qfpay.CancelRequest{SysSN: s.SysSN, Amount: s.Amount, TxDtm: s.TxDtm}
	// The wrong endpoint is refused with 1297, marked "cannot cancel this way".
	reply, err := e.c.Reverse(context.Background(), req)
	if v := qfpay.Classify(reply, qfpay.Seen(err)); v.Info.Code != "1297" || !v.CannotCancel {
		t.Fatalf("reversal of a close-only pay type: %+v", v)
	}
	reply, err = e.c.Close(context.Background(), req)
	if v := qfpay.Classify(reply, qfpay.Seen(err)); v.Outcome != qfpay.Succeeded || reply.SysSN == "" {
		t.Fatalf("close: %+v %+v", v, reply)
	}
	if got := e.sb.Requests(); got[len(got)-1].Method != "GET" || got[len(got)-1].Form.Get("udid") != "POS-01" {
		t.Fatalf("close request %+v", got[len(got)-1])
	}
	page, _ := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{s.SysSN}})
	if page.Records[0].Cancel != qfpay.CancelReversed {
		t.Fatalf("cancel flag %q", page.Records[0].Cancel)
	}
}

func TestSandboxQueryWalks250Records(t *testing.T) {
	e := setup(t)
	for i := range 250 {
		if _, err := e.sb.AddPayment(qfpaytest.Payment{AppCode: qfpaytest.TestMerchant.AppCode, Amount: int64(100 + i),
			PayType: "800208", Time: e.clock.t.Add(-time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	before := len(e.sb.Requests())
	seenIDs := map[string]bool{}
	var sum int64
	for r, err := range e.c.QueryAll(context.Background(), qfpay.QueryRequest{
		Start: time.Date(2026, 11, 1, 0, 0, 0, 0, hk), End: e.clock.t}) {
		if qfpay.Seen(err) != nil {
			t.Fatal(err)
		}
		if seenIDs[r.SysSN] {
			t.Fatalf("record %s twice", r.SysSN)
		}
		seenIDs[r.SysSN] = true
		sum += r.Amount
	}
	if len(seenIDs) != 250 || sum != 250*100+249*250/2 {
		t.Fatalf("%d records, sum %d", len(seenIDs), sum)
	}
	if pages := len(e.sb.Requests()) - before; pages != 3 {
		t.Fatalf("%d pages fetched, want 3", pages)
	}
}

func TestSandboxFaultKinds(t *testing.T) {
	cases := []struct {
		fault     qfpaytest.Fault
		want      qfpay.Outcome
		committed bool
	}{
		{qfpaytest.Fault{Kind: qfpaytest.FaultLatency, Latency: time.Second}, qfpay.Succeeded, true},
		{qfpaytest.Fault{Kind: qfpaytest.FaultLostReply}, qfpay.Unknown, true},
		{qfpaytest.Fault{Kind: qfpaytest.FaultBadGateway}, qfpay.Unknown, false},
		{qfpaytest.Fault{Kind: qfpaytest.FaultTruncated}, qfpay.Unknown, true},
		{qfpaytest.Fault{Kind: qfpaytest.FaultTooMany}, qfpay.Unknown, false},
		{qfpaytest.Fault{Kind: qfpaytest.FaultBadSignature}, qfpay.Unknown, true},
	}
	for _, tc := range cases {
		t.Run(tc.fault.Kind.String(), func(t *testing.T) {
			var slept time.Duration
			e := setup(t, qfpaytest.WithSettle(qfpaytest.Settle{}), qfpaytest.WithSleep(func(d time.Duration) { slept += d }))
			s := e.sale(t, 2500, "800208", "")
			e.sb.InjectFaults("refund", tc.fault)
			_, v := e.refund(t, s.SysSN, "RF_f", 2500)
			if v.Outcome != tc.want {
				t.Fatalf("outcome %s (%s), want %s", v.Outcome, v.Reason, tc.want)
			}
			if _, found := e.find(t, "RF_f"); found != tc.committed {
				t.Fatalf("committed = %v, want %v", found, tc.committed)
			}
			if tc.fault.Kind == qfpaytest.FaultLatency && slept != time.Second {
				t.Fatalf("slept %s", slept)
			}
		})
	}
}

func TestSandboxRateLimit429(t *testing.T) {
	e := setup(t, qfpaytest.WithRateLimit(5))
	for i := range 6 {
		_, err := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{"1"}})
		var ae *qfpay.APIError
		if i < 5 && qfpay.Seen(err) != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if i == 5 && (!errors.As(qfpay.Seen(err), &ae) || ae.HTTPStatus != 429) {
			t.Fatalf("request 6: %v", err)
		}
	}
	e.clock.advance(time.Minute)
	if _, err := e.c.Query(context.Background(), qfpay.QueryRequest{SysSNs: []string{"1"}}); qfpay.Seen(err) != nil {
		t.Fatalf("after a minute: %v", err)
	}
}
