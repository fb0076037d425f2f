package storage

import (
	"encoding/binary"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/storage/storagetest"
)

var updateReleases = flag.Bool("update-releases", false, "rewrite testdata/releases/*.golden from the journals earlier releases wrote")

// storedSchemaOf reads the schema a journal file says it has, read-only, without qfpos's code.
func storedSchemaOf(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint64
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta); b != nil && len(b.Get(kVersion)) == 8 {
			v = binary.BigEndian.Uint64(b.Get(kVersion))
		}
		return nil
	})
	return v
}

// lastWritten is a minute after the newest refund or cancel of a journal: the "now" its reads
// are made at, so that what they show never depends on the day the test runs.
func lastWritten(t *testing.T, path string) time.Time {
	t.Helper()
	j, err := Open(storagetest.Copy(t, path), WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var last time.Time
	for id := uint64(1); ; id++ {
		r, err := j.Reversal(id)
		if err != nil {
			break
		}
		for _, at := range []time.Time{r.Created, r.Updated} {
			if at.After(last) {
				last = at
			}
		}
	}
	if last.IsZero() {
		t.Fatalf("%s holds no refund or cancel", path)
	}
	return last.Add(time.Minute)
}

// TestReleasedJournalsMigrate opens the journal each earlier release wrote: it migrates to
// today's schema (and says from which), passes the whole check and the audit trail's, and reads as
// its golden says (testdata/releases/schema-N.storage.golden: every sale with its state and what is
// left to refund, every refund and cancel, the unfinished ones, staff, limits and day closes).
func TestReleasedJournalsMigrate(t *testing.T) {
	for _, r := range storagetest.ReleasedJournals(t, filepath.Join("testdata", "releases"), SchemaVersion) {
		n, path := r.Schema, r.Path
		t.Run(fmt.Sprintf("schema-%d", n), func(t *testing.T) {
			if got := storedSchemaOf(t, path); got != n {
				t.Fatalf("%s is of schema %d", path, got)
			}
			now := lastWritten(t, path)
			j, err := Open(storagetest.Copy(t, path), WithLocation(hk), WithClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if from, ok := j.MigratedFrom(); !ok || from != n {
				t.Errorf("migrated from %d, %v; want %d", from, ok, n)
			}
			if !j.Unclean() {
				t.Error("an earlier release left no clean-shutdown marker beside it, yet the journal was not checked whole")
			}
			h := j.Verify()
			if !h.OK() {
				t.Fatalf("journal check: %s", h)
			}
			res, err := j.VerifyAudit()
			if err != nil || !res.OK() {
				t.Fatalf("audit verify: %v %v", res, err)
			}
			closes, err := j.VerifyDayCloses()
			if err != nil || len(closes.Problems) > 0 {
				t.Fatalf("day closes: %+v %v", closes, err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "schema %d, migrated to %d\njournal check: %s\naudit verify: %s\n", n, SchemaVersion, h, res)
			describeJournal(t, &b, j, now)
			storagetest.Golden(t, r.Golden("storage"), b.String(), *updateReleases, "go test ./storage -run Released -update-releases")
		})
	}
}

// describeJournal writes what a journal holds, as today's code reads it.
func describeJournal(t *testing.T, b *strings.Builder, j *Journal, now time.Time) {
	t.Helper()
	var cur Cursor
	for {
		page, err := j.RecentSales(cur, 100, 3650)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Sales {
			fmt.Fprintf(b, "sale %s %s %d %s %s %s by %q: %s, left %d, %d refunds and cancels\n",
				v.Time.In(hk).Format(time.DateTime), v.SysSN, v.Amount, v.Currency, v.PayType, v.RespCD, v.Cashier,
				v.State(), v.Remaining(), len(v.Reversals))
		}
		if cur = page.Next; cur.IsZero() {
			break
		}
	}
	var days []string
	for id := uint64(1); ; id++ {
		r, err := j.Reversal(id)
		if err != nil {
			break
		}
		fmt.Fprintf(b, "%s %d of %s: %d %s via %s, %s (%s), attempts %d, QFPay %q, cashier %q, approver %q, reason %q, %d events\n",
			r.Kind, r.ID, r.SaleSysSN, r.Amount, r.Currency, r.Endpoint, r.State, r.RespCD, r.Attempts, r.SysSN,
			r.Cashier, r.Approver, r.Reason, len(r.Events))
		if d := r.Created.In(hk).Format(time.DateOnly); !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	open, err := j.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range open {
		fmt.Fprintf(b, "unfinished %d\n", r.ID)
	}
	people, err := j.Staff()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		fmt.Fprintf(b, "staff %s %s\n", p.ID, p.Role)
	}
	l, ok, err := j.Limits()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(b, "limits %v %+v\n", ok, l)
	for _, d := range days {
		dc, ok, err := j.DayClosed(d)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(b, "day %s closed %v #%d by %q\n", d, ok, dc.Number, dc.ClosedBy)
	}
}
