package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", p, st.Mode().Perm(), want)
		}
	}
	if err := j.db.View(func(tx *bolt.Tx) error {
		for _, b := range append(bucketsV1, bSalesQFPay, bSalesPayType, bAudit, bStaff, bDayCloses) {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		if v := tx.Bucket(bMeta).Get(kVersion); binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("version %x", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	s := sale(1, 1000, time.Now())
	mustPut(t, j, s)
	j.Close()
	j, err = Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, ok, err := j.Sale(s.SysSN); err != nil || !ok {
		t.Fatalf("sale lost on reopen: %v", err)
	}
	if err := j.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesForeignAndDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Another program's bbolt file.
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	db.Close()
	// A real journal, truncated.
	good := filepath.Join(dir, "good.db")
	j, err := Open(good, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		mustPut(t, j, sale(i, 1000, time.Now()))
	}
	j.Close()
	full, _ := os.ReadFile(good)

	cases := map[string]struct {
		path string
		want string
	}{
		"text file":    {write("notes.txt", []byte("hello, this is not a database at all\n")), "not a qfpos journal"},
		"zeros":        {write("zeros.db", make([]byte, 8192)), "not a qfpos journal"},
		"foreign bolt": {other, "is not a qfpos journal"},
		"truncated":    {write("truncated.db", full[:len(full)/3]), "truncated"},
		"half page":    {write("half.db", full[:3000]), "journal"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			_, err := Open(c.path)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
				t.Fatalf("err = %v; want a message naming the file and %q", err, c.want)
			}
			after, _ := os.ReadFile(c.path)
			if !bytes.Equal(before, after) {
				t.Fatal("the file was changed")
			}
		})
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("directory: %v", err)
	}
}

func setVersion(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return putVersion(tx, v) }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	setVersion(t, path, SchemaVersion+1)
	before, _ := os.ReadFile(path)
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "newer qfpos") || !strings.Contains(err.Error(), "upgrade qfpos") {
		t.Fatalf("err = %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the file was changed")
	}
}

// TestMigrateFromSchema1 builds a schema-1 journal (no amount index, no QFPay records, no index by
// pay type) and opens it.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, hk)
	for i := range 5 {
		mustPut(t, j, sale(i, int64(1000+i%2), at.Add(time.Duration(i)*time.Minute)))
	}
	j.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bSalesQFPay); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bSalesPayType); err != nil {
			return err
		}
		return putVersion(tx, 1)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	j, err = Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.SearchSales(1000, "", 3650, 10)
	if err != nil || len(got) != 3 || got[0].SysSN != sale(4, 0, at).SysSN {
		t.Fatalf("by amount after migration: %v %d", err, len(got))
	}
	if _, err := j.UpdateRemote(got[0].SysSN, RemoteUpdate{Cancel: CancelPartlyRefunded}); err != nil {
		t.Fatalf("schema 3's QFPay records after migration: %v", err)
	}
	byType, err := j.SalesByPayType(func(pt string) bool { return pt == sale(0, 0, at).PayType }, 3650, 10)
	if err != nil || len(byType) != 5 {
		t.Fatalf("schema 4's index by pay type after migration: %v %d", err, len(byType))
	}
	if err := j.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestSecondProcessIsRefused holds the journal open in a child process and opens it here.
func TestSecondProcessIsRefused(t *testing.T) {
	if os.Getenv("QFPOS_HOLD_JOURNAL") != "" {
		return
	}
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldJournal$")
	cmd.Env = append(os.Environ(), "QFPOS_HOLD_JOURNAL="+path)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	buf := make([]byte, 4)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "held" {
		t.Fatalf("child did not open the journal: %q %v", buf, err)
	}
	_, err := Open(path)
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--journal") {
		t.Fatalf("err = %v", err)
	}
}

// TestHoldJournal is the child of TestSecondProcessIsRefused.
func TestHoldJournal(t *testing.T) {
	path := os.Getenv("QFPOS_HOLD_JOURNAL")
	if path == "" {
		t.Skip("helper process")
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	os.Stdout.WriteString("held")
	time.Sleep(time.Minute)
}

func TestTerminalUDIDGeneratedOnce(t *testing.T) {
	j := openTest(t, nil)
	calls := 0
	gen := func() string { calls++; return "qfpos-abc123" }
	a, err := j.TerminalUDID(gen)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := j.TerminalUDID(gen)
	if a != "qfpos-abc123" || b != a || calls != 1 {
		t.Fatalf("%q %q calls=%d", a, b, calls)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if p, err := DefaultPath(); err != nil || p != "/data/qfpos/journal.db" {
		t.Fatalf("%q %v", p, err)
	}
}

// TestTruncatedAnywhere cuts a journal at many lengths: Open either refuses it with a message or
// opens what is there; it never panics or crashes.
func TestTruncatedAnywhere(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	j, err := Open(good, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		mustPut(t, j, sale(i, 1000, time.Date(2026, 11, 20, 10, 0, 0, 0, hk)))
	}
	j.Close()
	full, _ := os.ReadFile(good)
	for cut := 0; cut < len(full); cut += len(full)/40 + 1 {
		p := filepath.Join(dir, fmt.Sprintf("cut-%d.db", cut))
		if err := os.WriteFile(p, full[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(p, WithLocation(hk))
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("cut at %d: %v", cut, err)
			}
			continue
		}
		j.Close()
	}
}

// TestOpenModes: a typo in --journal does not start an empty journal.
func TestOpenModes(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "typo.db"), Existing()); !errors.Is(err, ErrNoJournal) || !strings.Contains(err.Error(), "no journal at "+filepath.Join(dir, "typo.db")) {
		t.Fatalf("existing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.db")); !os.IsNotExist(err) {
		t.Fatal("a refused open left a file")
	}
	if _, err := Open(filepath.Join(dir, "missing", "j.db"), InExistingDir()); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing directory: %v", err)
	}
	j, err := Open(filepath.Join(dir, "j.db"), InExistingDir())
	if err != nil || !j.Created() {
		t.Fatalf("create: %v", err)
	}
	j.Close()
	j, err = Open(filepath.Join(dir, "j.db"), Existing())
	if err != nil || j.Created() {
		t.Fatalf("reopen: %v", err)
	}
	j.Close()
}

func TestCashierLanguage(t *testing.T) {
	j := openTest(t, nil)
	if lang, err := j.CashierLanguage("陳小明"); err != nil || lang != "" {
		t.Fatalf("%q %v", lang, err)
	}
	if err := j.SetCashierLanguage("陳小明", "zh-Hant"); err != nil {
		t.Fatal(err)
	}
	if err := j.SetCashierLanguage("amy", "en"); err != nil {
		t.Fatal(err)
	}
	if lang, _ := j.CashierLanguage("陳小明"); lang != "zh-Hant" {
		t.Fatalf("%q", lang)
	}
	if h := j.Verify(); !h.OK() {
		t.Fatal(h)
	}
}

// TestMigrateToSchema9 upgrades a schema-8 journal (sales as pointers to their audit events,
// indexes of reversed numbers, an index by amount; one sale still JSON) to today's: references
// that a search reads (the JSON sale recorded on the trail), numbers as they are, no index by
// amount; every sale is found as before.
func TestMigrateToSchema9(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	var sales []Sale
	for i := range 6 {
		s := sale(100+i, int64(1000+i%2), clk.t.Add(-time.Duration(i)*time.Hour))
		if i == 5 {
			s.OutTradeNo = ""
		}
		sales = append(sales, s)
		mustPut(t, j, s)
	}
	j.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	reverse := func(s string) []byte {
		b := []byte(s)
		for i, k := 0, len(b)-1; i < k; i, k = i+1, k-1 {
			b[i], b[k] = b[k], b[i]
		}
		return b
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bSalesSysSN, bSalesOTN} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		bySysSN, _ := tx.CreateBucket(bSalesSysSN)
		byOTN, _ := tx.CreateBucket(bSalesOTN)
		byAmount, _ := tx.CreateBucket(bSalesAmount)
		var rewrite []kv
		err := tx.Bucket(bSales).ForEach(func(k, v []byte) error {
			s, err := decodeSale(tx, v)
			if err != nil {
				return err
			}
			r, _ := parseSaleRef(v)
			schema8 := append([]byte{salePointer}, idKey(r.audit)...)
			if s.SysSN == sales[1].SysSN {
				schema8, _ = json.Marshal(s) // as before schema 8
			}
			rewrite = append(rewrite, kv{bytes.Clone(k), schema8})
			if err := bySysSN.Put(reverse(s.SysSN), bytes.Clone(k)); err != nil {
				return err
			}
			if s.OutTradeNo != "" {
				if err := byOTN.Put(reverse(s.OutTradeNo), bytes.Clone(k)); err != nil {
					return err
				}
			}
			return byAmount.Put(amountKey(s.Amount, k), nil)
		})
		if err != nil {
			return err
		}
		for _, e := range rewrite {
			if err := tx.Bucket(bSales).Put(e.k, e.v); err != nil {
				return err
			}
		}
		return putVersion(tx, 8)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	j = openFile(t, path, clk)
	defer j.Close()
	if h := j.Verify(); !h.OK() || h.Sales != 6 {
		t.Fatalf("after migration: %+v", h)
	}
	refs := 0
	_ = j.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bSalesAmount) != nil {
			t.Error("the index by amount is still there")
		}
		if v := tx.Bucket(bMeta).Get(kVersion); binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("version %x", v)
		}
		return tx.Bucket(bSales).ForEach(func(k, v []byte) error {
			if _, ok := parseSaleRef(v); ok {
				refs++
			}
			return nil
		})
	})
	if refs != 6 {
		t.Errorf("%d sales stored as references, want 6 (the JSON one recorded on the trail)", refs)
	}
	for _, s := range sales {
		if v, ok, err := j.Sale(s.SysSN); err != nil || !ok || v.Amount != s.Amount {
			t.Errorf("sale %s: %v %v", s.SysSN, ok, err)
		}
		if s.OutTradeNo != "" {
			if v, ok, err := j.SaleByOutTradeNo(s.OutTradeNo); err != nil || !ok || v.SysSN != s.SysSN {
				t.Errorf("sale by out_trade_no %s: %v %v", s.OutTradeNo, ok, err)
			}
		}
		if got, err := j.SearchSales(0, s.SysSN[len(s.SysSN)-5:], 7, 10); err != nil || len(got) != 1 || got[0].SysSN != s.SysSN {
			t.Errorf("sale by digits %s: %v %v", s.SysSN, got, err)
		}
	}
	if got, err := j.SearchSales(1001, "", 7, 10); err != nil || len(got) != 3 {
		t.Errorf("by amount: %d %v", len(got), err)
	}
	// The old reversed keys are gone: an out_trade_no read backwards finds nothing.
	if _, ok, _ := j.SaleByOutTradeNo(string(reverse(sales[0].OutTradeNo))); ok {
		t.Error("a reversed key survived")
	}
	if _, err := j.PutSale(sale(200, 500, clk.t)); err != nil {
		t.Fatal(err)
	}
	if _, err := j.PutSale(func() Sale { s := sale(201, 500, clk.t); s.OutTradeNo = sales[2].OutTradeNo; return s }()); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("a migrated out_trade_no is not taken again: %v", err)
	}
}
