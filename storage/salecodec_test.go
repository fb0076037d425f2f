package storage

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestSaleEncoding: a sale's binary form gives the sale back (zones, empty fields, Chinese text),
// its legacy JSON is the JSON schema 10 hashed, and it is much smaller than JSON.
func TestSaleEncoding(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, s := range []Sale{
		{SysSN: "20261121000100020000001001", OutTradeNo: "POS_1001", Amount: 8800, Currency: "HKD", PayType: "800208",
			TxDtm: "2026-11-21 14:55:00", Time: time.Date(2026, 11, 21, 14, 55, 0, 0, hk), RespCD: "0000", UDID: "POS-01",
			Cashier: "陳小明", GoodsName: "菠蘿包 ×2, 港式奶茶", Source: SourceSynced},
		{SysSN: "S2", Amount: -1, Time: time.Date(2026, 3, 8, 1, 30, 0, 123456789, ny)},
		{SysSN: "S3", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		form := appendSale(nil, s)
		back, err := readSale(form)
		if err != nil || !back.Time.Equal(s.Time) || back.SysSN != s.SysSN || back.GoodsName != s.GoodsName || back.Amount != s.Amount {
			t.Fatalf("%s: %+v %v", s.SysSN, back, err)
		}
		want, _ := json.Marshal(s) // today's Sale has the fields schema 10 had
		if got, err := legacySaleJSON(back); err != nil || string(got) != string(want) {
			t.Fatalf("%s: legacy JSON\n%s\nwant\n%s", s.SysSN, got, want)
		}
		if s.SysSN == "20261121000100020000001001" && len(form) > len(want)-100 {
			t.Errorf("binary %d bytes, JSON %d", len(form), len(want))
		}
	}
}

var updateForms = flag.Bool("update-forms", false, "rewrite testdata/audit-forms.golden (only when an encoding is meant to change: then it needs a new format byte)")

// TestEncodingsAreFrozen: the bytes today's qfpos stores for a sale, an event of a refund, a staff
// change and the limits, and their hashes, compared with a golden. An encoding that changes by
// accident (a field added to a struct that is encoded, a reordering) fails here; one that changes
// on purpose needs a new format byte, and the old one stays readable.
func TestEncodingsAreFrozen(t *testing.T) {
	at := time.Date(2026, 11, 21, 15, 0, 0, 0, hk)
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), WithClock(func() time.Time { return at }), WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	s := Sale{SysSN: "20261121000100020000001001", OutTradeNo: "POS_1001", Amount: 8800, Currency: "HKD", PayType: "800208",
		TxDtm: "2026-11-21 14:55:00", Time: time.Date(2026, 11, 21, 14, 55, 0, 0, hk), RespCD: "0000", UDID: "POS-01",
		Cashier: "陳小明", GoodsName: "菠蘿包", Source: SourceRecorded}
	mustPut(t, j, s)
	in := Intent{Kind: KindRefund, Endpoint: "refund", OutTradeNo: "RF20261121150000AAAAAAAAAAAAAAAA", SaleSysSN: s.SysSN, Amount: 1250,
		TxDtm: "2026-11-21 15:00:00", Reason: "damaged", Cashier: "amy", UDID: "POS-01"}
	if _, err := j.CreateAndSend(in, Change{State: StateSent, Attempt: true, Event: Event{Type: EventSent}}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.AdoptLimits(Limits{Currency: "HKD", ApprovalOver: 500_00}); err != nil {
		t.Fatal(err)
	}
	var lines []string
	if err := j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
			lines = append(lines, hex.EncodeToString(k)+" "+hex.EncodeToString(v))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "audit-forms.golden")
	if *updateForms {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the journal's encodings changed:\n got %s\nwant %s", got, want)
	}
}
