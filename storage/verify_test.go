package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestVerifyComparesEachSaleWithItsEvent: Verify compares the sales' references with the trail as
// it walks it; a reference to an event that holds no sale, or one past the trail's end, or one
// whose fields differ from its sale's, is named with the sale's key, among many sound ones.
func TestVerifyComparesEachSaleWithItsEvent(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	var batch []Sale
	for i := range 500 {
		batch = append(batch, sale(i, int64(100+i), clk.t.Add(-time.Duration(i)*time.Minute)))
	}
	if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if err := j.AddStaff(Credential{}, "mgr", RoleManager, "2468"); err != nil {
		t.Fatal(err)
	}
	if h := j.Verify(); !h.OK() || h.Sales != 500 {
		t.Fatalf("sound journal: %v", h)
	}
	var staffSeq uint64
	_ = j.view(func(tx *bolt.Tx) error {
		staffSeq = keyID(tx.Bucket(bMeta).Get(kAuditHead)[:8]) // the staff event is the last
		return nil
	})
	j.Close()
	for _, c := range []struct {
		name string
		ref  func(s Sale, own uint64) (ref []byte, want string)
	}{
		{"an event that holds no sale", func(s Sale, _ uint64) ([]byte, string) {
			return newSaleRef(staffSeq, s), fmt.Sprintf("the audit event %d that holds a sale is missing or damaged", staffSeq)
		}},
		{"past the trail's end", func(s Sale, _ uint64) ([]byte, string) {
			return newSaleRef(staffSeq+50, s), fmt.Sprintf("the audit event %d that holds a sale is missing or damaged", staffSeq+50)
		}},
		{"another sale's event", func(s Sale, own uint64) ([]byte, string) {
			return newSaleRef(own-1, s), fmt.Sprintf("differ from those of audit event %d", own-1)
		}},
		{"another amount", func(s Sale, own uint64) ([]byte, string) {
			s.Amount++
			return newSaleRef(own, s), fmt.Sprintf("differ from those of audit event %d", own)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "journal.db")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			var key []byte
			var want string
			tamperFile(t, p, func(tx *bolt.Tx) error {
				s := batch[250]
				key = bytes.Clone(tx.Bucket(bSalesSysSN).Get([]byte(s.SysSN)))
				r, ok := parseSaleRef(tx.Bucket(bSales).Get(key))
				if !ok {
					t.Fatal("no saleRef")
				}
				var ref []byte
				ref, want = c.ref(s, r.audit)
				return tx.Bucket(bSales).Put(key, ref)
			})
			db, err := bolt.Open(p, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			j := &Journal{db: db, path: p, now: clk.now, loc: hk, qfpay: hk}
			h := j.Verify()
			db.Close()
			if h.OK() || len(h.Problems) != 1 || !strings.Contains(h.Problems[0], fmt.Sprintf("sale at %x", key)) || !strings.Contains(h.Problems[0], want) {
				t.Fatalf("got %v, want one problem: sale at %x: …%s", h.Problems, key, want)
			}
		})
	}
}

// TestVerifyLetsGoOfTheFile: a walk of the whole journal reads every page through bbolt's mapping
// of the file; when it ends, those pages no longer count as the process's memory (on Linux, where
// /proc says what is resident).
func TestVerifyLetsGoOfTheFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("resident memory is read from /proc")
	}
	clk := newClock()
	j := openTest(t, clk)
	for b := range 10 {
		var batch []Sale
		for i := range 2000 {
			n := b*2000 + i
			batch = append(batch, sale(n, int64(100+n), clk.t.Add(-time.Duration(n)*time.Second)))
		}
		if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
			t.Fatal(err, errs)
		}
	}
	size := fileSize(t, j.Path())
	touched := residentFile(t)
	_ = j.view(func(tx *bolt.Tx) error { // touch every page, as a walk without releasing would
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return b.ForEach(func(_, _ []byte) error { return nil }) })
	})
	if grown := residentFile(t) - touched; grown < size/2 {
		t.Skipf("reading the %d-byte file made only %d bytes resident: nothing to measure here", size, grown)
	}
	if h := j.Verify(); !h.OK() {
		t.Fatal(h)
	}
	if after := residentFile(t); after > touched+size/4 {
		t.Errorf("after Verify %d bytes of mapped files are resident, %d before the journal was read (file %d bytes)", after, touched, size)
	}
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// residentFile is the process's resident memory backed by files (RssFile in /proc/self/status).
func residentFile(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}
