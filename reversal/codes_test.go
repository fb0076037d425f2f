package reversal_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay/qfpaytest"
	"qfpos/qfpay/respcd"
	"qfpos/reversal"
	"qfpos/reversal/reversaltest"
	"qfpos/storage"
)

// TestEveryCodeThroughEveryOperation walks every code of the one table (qfpay/respcd) through a
// refund, a reversal, a close and a query, and checks that the lifecycle does what the table's row
// says: final and done, final and refused, settle by query, try the other cancel endpoint, or
// refund instead. The lifecycle reads the row's flags; it knows no code number.
//
// What each (code, operation) pair came to is also compared with testdata/code-meanings.golden,
// written from the reference: a change of the table or of the lifecycle that changes what a code
// does fails here and shows which (go test ./reversal -run EveryCode -update rewrites it; read the
// diff against the reference).
func TestEveryCodeThroughEveryOperation(t *testing.T) {
	codes := respcd.Known()
	slices.Sort(codes)
	got := map[string][]string{}
	saw := func(code, op, outcome string) { got[code] = append(got[code], op+"="+outcome) }
	t.Cleanup(func() { compareMeanings(t, codes, got) })
	start := func(h *reversaltest.Harness, req reversal.Request) storage.Reversal {
		t.Helper()
		r, err := h.Desk.Start(context.Background(), req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		return r // as journaled after the first reply
	}
	t.Run("refund", func(t *testing.T) {
		h := reversaltest.New(t, reversaltest.Setup{})
		h.Run()
		for i, code := range codes {
			info := respcd.Lookup(code, "")
			s := h.Sale(100_00, "800208", respcd.OK)
			amount := int64(1000 + i)
			h.Sandbox.ScriptAmount(amount, qfpaytest.Script{RespCD: code, Times: 1})
			r := start(h, reversal.Request{Kind: storage.KindRefund, SaleSysSN: s.SysSN, Amount: amount, Cashier: "amy"})
			want := storage.StateProcessing // settle by query
			switch {
			case info.Class == respcd.FinalOK:
				want = storage.StateSucceeded
			case info.Class == respcd.Final && !info.Reconcile:
				want = storage.StateFailed
			}
			if r.State != want || r.State == storage.StateFailed && r.RespCD != code {
				t.Errorf("refund answered %s (%+v): %s %s, want %s", code, info, r.State, r.RespCD, want)
			}
			saw(code, "refund", string(r.State))
		}
	})
	for _, endpoint := range []string{"reversal", "close"} {
		t.Run(endpoint, func(t *testing.T) {
			h := reversaltest.New(t, reversaltest.Setup{})
			h.Run()
			payType, other := "800101", "close" // routed to reversal
			if endpoint == "close" {
				payType, other = "800008", "reversal"
			}
			for i, code := range codes {
				info := respcd.Lookup(code, "")
				s := h.Sale(int64(2000+i), payType, "1143") // an open order
				h.Sandbox.ScriptOutTradeNo(s.OutTradeNo, qfpaytest.Script{RespCD: code})
				r := start(h, reversal.Request{Kind: storage.KindCancel, SaleSysSN: s.SysSN})
				v, _, _ := h.Journal.Sale(s.SysSN)
				outcome := string(r.State)
				if r.Endpoint == other {
					outcome += "+other-endpoint"
				}
				if v.Status() == storage.PaymentPaid {
					outcome += "+sale-paid"
				}
				saw(code, endpoint, outcome)
				switch {
				case info.SalePaid:
					if r.State != storage.StateFailed || r.RespCD != code || v.Status() != storage.PaymentPaid {
						t.Errorf("%s answered %s: %s %s, want failed: refund instead", endpoint, code, r.State, r.RespCD)
					}
				case info.CannotCancel:
					if r.Endpoint != other {
						t.Errorf("%s answered %s: still on %s, want the other endpoint", endpoint, code, r.Endpoint)
					}
				case info.Class == respcd.Final && !info.Reconcile && !info.CancelDone:
					if r.State != storage.StateFailed || r.RespCD != code {
						t.Errorf("%s answered %s: %s %s, want failed", endpoint, code, r.State, r.RespCD)
					}
				default: // done, processing, unclear or a refusal to confirm: the sale's record decides
					if r.State != storage.StateProcessing {
						t.Errorf("%s answered %s: %s, want processing (confirmed by a query of the sale)", endpoint, code, r.State)
					}
				}
			}
		})
	}
	t.Run("query", func(t *testing.T) {
		// Refunds answer "processing" and settle at the next query.
		h := reversaltest.New(t, reversaltest.Setup{Sandbox: []qfpaytest.Option{qfpaytest.WithSettle(qfpaytest.Settle{Queries: 1})}})
		h.Run()
		updates, stop := h.Desk.Subscribe()
		defer stop()
		for i, code := range codes {
			info := respcd.Lookup(code, "")
			// A payment's status in the journal.
			s := storage.Sale{RespCD: code}
			switch want := map[respcd.Class]storage.PaymentStatus{respcd.FinalOK: storage.PaymentPaid, respcd.Pending: storage.PaymentProcessing}[info.Class]; {
			case want != "" && s.Status() != want, want == "" && s.Status() != storage.PaymentFailed:
				t.Errorf("a payment with %s is %s", code, s.Status())
			}
			saw(code, "payment", string(s.Status()))
			// A refund whose record at QFPay shows the code.
			sale := h.Sale(100_00, "800208", respcd.OK)
			amount := int64(3000 + i)
			h.Sandbox.ScriptAmount(amount, qfpaytest.Script{SettleTo: code})
			r := start(h, reversal.Request{Kind: storage.KindRefund, SaleSysSN: sale.SysSN, Amount: amount, Cashier: "amy"})
			if r.State.Finished() {
				t.Fatalf("refund settling to %s finished on its reply: %s", code, r.State)
			}
			if err := h.Desk.Recheck(r.ID); err != nil {
				t.Fatal(err)
			}
			deadline := time.After(10 * time.Second)
		wait:
			for {
				select {
				case u := <-updates:
					if u.Reversal.ID == r.ID && u.Event.Type == storage.EventQuery && u.Event.Code == code {
						r = u.Reversal
						break wait
					}
				case <-deadline:
					t.Fatalf("no query showed %s", code)
				}
			}
			switch {
			case info.Class == respcd.FinalOK && r.State != storage.StateSucceeded,
				(info.Class == respcd.Pending || info.Class == respcd.Unknown) && r.State.Finished(),
				info.Class != respcd.FinalOK && info.Class != respcd.Pending && info.Class != respcd.Unknown && r.State != storage.StateFailed:
				t.Errorf("a query showing %s (%+v) left the refund %s", code, info, r.State)
			}
			saw(code, "query", string(r.State))
		}
	})
}

var update = flag.Bool("update", false, "rewrite testdata/code-meanings.golden")

// compareMeanings compares what every code came to with the golden.
func compareMeanings(t *testing.T, codes []string, got map[string][]string) {
	if t.Failed() {
		return
	}
	var b strings.Builder
	for _, code := range codes {
		fmt.Fprintf(&b, "%s %s\n", code, strings.Join(got[code], " "))
	}
	path := filepath.Join("testdata", "code-meanings.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if w, g := strings.Split(string(want), "\n"), strings.Split(b.String(), "\n"); !slices.Equal(w, g) {
		for i := range max(len(w), len(g)) {
			if i >= len(w) || i >= len(g) || w[i] != g[i] {
				t.Errorf("a code's meaning changed:\n  golden: %s\n  now:    %s", at(w, i), at(g, i))
			}
		}
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(none)"
}
