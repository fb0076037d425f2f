package reversal_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/reversal/report"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// Nothing unverified decides an outcome (issue 10, replies).

// TestForgedSuccessIsNotBelieved: a man in the middle answers the refund with an unsigned
// {"respcd":"0000","syssn":"FORGED…"} and the request never reaches QFPay. In both modes the
// forged syssn is never journaled and the refund is not called succeeded until QFPay's own records
// say so (here after the identical resend that QFPay really receives).
func TestForgedSuccessIsNotBelieved(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(map[bool]string{false: "lenient", true: "strict"}[strict], func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{Strict: strict})
			h.Run()
			s := h.Sale(5000, "800208", "0000")
			h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultForgedSuccess})
			r := h.Refund(s, 5000)
			full, _ := h.Journal.Reversal(r.ID)
			if r.Attempts != 2 || !r.Unsigned || strings.Contains(r.SysSN, "FORGED") {
				t.Fatalf("attempts %d, unsigned %v, syssn %q: %s", r.Attempts, r.Unsigned, r.SysSN, reversaltest.Trail(full))
			}
			if full.Events[2].Type != storage.EventReply || full.Events[2].State == storage.StateSucceeded || full.Events[2].Signature != "absent" {
				t.Fatalf("the forged reply was journaled as %+v", full.Events[2])
			}
			expectOneRefund(t, h, s, r, 5000)
			// The report tells the store that replies arrive unsigned.
			rep, err := report.LocalReport(h.Journal, h.Clock.Now(), "POS-01")
			var out strings.Builder
			if err != nil || rep.Unsigned != 1 || report.WriteReport(&out, rep, "table", hk) != nil || !strings.Contains(out.String(), "without a valid signature") {
				t.Fatalf("report: %v %d\n%s", err, rep.Unsigned, out.String())
			}
		})
	}
}

// TestLenientConfirmsAnUnsignedSuccess: QFPay did refund, but its 0000 came unsigned: one query
// confirms it before it is journaled as succeeded, and the event says the reply was unsigned.
func TestLenientConfirmsAnUnsignedSuccess(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultUnsigned})
	r := h.Refund(s, 5000)
	full, _ := h.Journal.Reversal(r.ID)
	if got := reversaltest.Trail(full); got != "intent/pending() sent/sent() reply/processing(0000) query/succeeded(0000) " || full.Events[2].Signature != "absent" {
		t.Fatalf("events %s (signature %q)", got, full.Events[2].Signature)
	}
	expectOneRefund(t, h, s, r, 5000)
}

// TestStrictTrustsOnlySignedQueries: with every query reply unsigned, strict mode never settles
// the refund (it stays unknown) however often it asks; once QFPay signs again, it is settled.
func TestStrictTrustsOnlySignedQueries(t *testing.T) {
	h := reversaltest.New(t, reversaltest.Setup{Strict: true})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultUnsigned})
	h.Sandbox.RandomFaults("query", 1, qfpaytest.Fault{Kind: qfpaytest.FaultUnsigned})
	r := h.Refund(s, 5000)
	if r.State != storage.StateUnknown || r.SysSN != "" || r.RespCD != "" || r.Attempts != 1 {
		full, _ := h.Journal.Reversal(r.ID)
		t.Fatalf("%s syssn %q respcd %q attempts %d: %s", r.State, r.SysSN, r.RespCD, r.Attempts, reversaltest.Trail(full))
	}
	h.Sandbox.RandomFaults("query", 0)
	updates, stop := h.Desk.Subscribe()
	defer stop()
	if err := h.Desk.Recheck(r.ID); err != nil {
		t.Fatal(err)
	}
	r, _ = h.Journal.Reversal(r.ID) // the parked re-check may have come first
	deadline := time.After(20 * time.Second)
	for !r.State.Finished() {
		select {
		case u := <-updates:
			if u.Reversal.ID == r.ID {
				r = u.Reversal
			}
		case <-deadline:
			t.Fatalf("not settled after the re-check: %s", r.State)
		}
	}
	expectOneRefund(t, h, s, r, 5000)
}

// TestRedirectIsNotFollowed: a 307 to another host is not followed (the signed request never goes
// there); the outcome is settled by query.
func TestRedirectIsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{"respcd":"0000","syssn":"EVIL"}`))
	}))
	t.Cleanup(evil.Close)
	h := reversaltest.New(t, reversaltest.Setup{})
	h.Run()
	s := h.Sale(5000, "800208", "0000")
	h.Sandbox.InjectFaults("refund", qfpaytest.Fault{Kind: qfpaytest.FaultRedirect, Location: evil.URL + "/trade/v1/refund"})
	r := h.Refund(s, 5000)
	if elsewhere.Load() != 0 || r.Attempts != 2 {
		t.Fatalf("%d requests followed the redirect; attempts %d", elsewhere.Load(), r.Attempts)
	}
	expectOneRefund(t, h, s, r, 5000)
}
