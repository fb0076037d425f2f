package storage

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateFixtures = flag.Bool("update-fixtures", false, "write testdata/journal-*.db again (with the build of today, without tags)")

// The fixtures: a journal written by this release (testdata/journal-schema11.db) and the same
// journal as releases of schema 10 and before kept it (testdata/journal-schema10.db: JSON and
// compact events, sales in binary, all hashed by the legacy rule). Both hold sales, a refund in
// each final and unfinished state, a cancel, staff, an approval, the limits and a day close.
var fixtures = []string{"journal-schema11.db", "journal-schema10.db"}

// writeFixture writes the journal the fixtures are made from.
func writeFixture(t *testing.T, path string) {
	clk := newClock()
	j := openFile(t, path, clk)
	defer j.Close()
	mgr := Credential{ID: "mgr", PIN: "5678"}
	if err := j.AddStaff(Credential{}, mgr.ID, RoleManager, mgr.PIN); err != nil {
		t.Fatal(err)
	}
	if err := j.AddStaff(mgr, "amy", RoleCashier, "1234"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.AdoptLimits(Limits{Currency: "HKD", ApprovalOver: 500_00}); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		s := sale(i, int64(1000*(i+1)), clk.t.Add(-time.Duration(i)*time.Minute))
		if i == 5 {
			s.RespCD = "1143" // an unpaid order, cancelled below
		}
		s.GoodsName, s.Cashier = "菠蘿包", "amy"
		mustPut(t, j, s)
	}
	sent := Change{State: StateSent, Attempt: true, Event: Event{Type: EventSent}}
	for i, end := range []Change{
		{State: StateSucceeded, RespCD: "0000", SysSN: "20261121000200000000000001", Event: Event{Type: EventReply, Code: "0000"}},
		{State: StateFailed, RespCD: "1272", Event: Event{Type: EventReply, Code: "1272"}},
		{State: StateProcessing, RespCD: "1143", NextCheck: clk.t.Add(time.Minute), Event: Event{Type: EventReply, Code: "1143"}},
		{State: StateUnknown, NextCheck: clk.t.Add(5 * time.Minute), Event: Event{Type: EventState}},
	} {
		in := refundIntent(sale(i, 0, clk.t), fmt.Sprintf("RF_FIXTURE_%d", i), 500)
		if i == 0 {
			in.Approver = mgr.ID
		}
		r, err := j.CreateAndSend(in, sent)
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Second)
		if _, err := j.Transition(r.ID, end); err != nil {
			t.Fatal(err)
		}
	}
	c, err := j.CreateAndSend(Intent{Kind: KindCancel, Endpoint: "reversal", OutTradeNo: "CX_FIXTURE", SaleSysSN: sale(5, 0, clk.t).SysSN,
		Amount: 6000, TxDtm: "2026-11-21 15:00:00", Cashier: "amy", UDID: "POS-01"}, sent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Transition(c.ID, Change{State: StateSucceeded, RespCD: "0000", Event: Event{Type: EventQuery, Code: "0000"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.CloseDay("2026-11-20", mgr.ID, map[string]int{"count": 0}, nil); err != nil {
		t.Fatal(err)
	}
}

// describe is what a journal holds, as the desk and the reports read it.
func describe(t *testing.T, j *Journal) string {
	var b strings.Builder
	for i := range 6 {
		v, ok, err := j.Sale(sale(i, 0, time.Time{}).SysSN)
		if err != nil || !ok {
			t.Fatalf("sale %d: %v", i, err)
		}
		fmt.Fprintf(&b, "sale %s %d %s %s %s left %d, %d refunds and cancels\n", v.SysSN, v.Amount, v.GoodsName, v.Cashier, v.State(), v.Remaining(), len(v.Reversals))
	}
	for id := uint64(1); id <= 5; id++ {
		r, err := j.Reversal(id)
		if err != nil {
			t.Fatalf("reversal %d: %v", id, err)
		}
		fmt.Fprintf(&b, "%s %d %s %d %s cashier %s approver %s, %d events\n", r.Kind, r.ID, r.OutTradeNo, r.Amount, r.State, r.Cashier, r.Approver, len(r.Events))
	}
	people, _ := j.Staff()
	for _, p := range people {
		fmt.Fprintf(&b, "staff %s %s\n", p.ID, p.Role)
	}
	l, _, _ := j.Limits()
	fmt.Fprintf(&b, "limits %+v\n", l)
	dc, ok, _ := j.DayClosed("2026-11-20")
	fmt.Fprintf(&b, "close %v #%d by %s\n", ok, dc.Number, dc.ClosedBy)
	return b.String()
}

// TestJournalsWrittenBeforeStillVerify opens journals this release and older ones wrote: they
// migrate, verify (the audit trail and the whole check) and read the same. CI also runs it built
// with the tag qfpos_extra_field, where Sale and Reversal have a field more: a journal written
// before such a change must verify and read alike.
func TestJournalsWrittenBeforeStillVerify(t *testing.T) {
	if *updateFixtures {
		p := filepath.Join(t.TempDir(), "j.db")
		writeFixture(t, p)
		for _, name := range fixtures {
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		makeTrailLegacy(t, filepath.Join("testdata", "journal-schema10.db"))
		_ = os.Remove(filepath.Join("testdata", "journal-schema10.db.clean"))
	}
	want, err := os.ReadFile(filepath.Join("testdata", "journal-contents.golden"))
	if err != nil && !*updateFixtures {
		t.Fatal(err)
	}
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := Open(path, WithLocation(hk))
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if res, err := j.VerifyAudit(); err != nil || !res.OK() {
				t.Fatalf("audit verify: %v %v", res, err)
			}
			if h := j.Verify(); !h.OK() {
				t.Fatalf("journal check: %s", h)
			}
			got := describe(t, j)
			if *updateFixtures && name == fixtures[0] {
				if err := os.WriteFile(filepath.Join("testdata", "journal-contents.golden"), []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				want = []byte(got)
			}
			if got != string(want) {
				t.Fatalf("reads\n%s\nwant\n%s", got, want)
			}
		})
	}
}
