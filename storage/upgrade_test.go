package storage

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"qfpos/storage/storagetest"
)

func fileSum(t *testing.T, path string) [sha256.Size]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// released is a copy of the journal the release of schema n wrote.
func released(t *testing.T, n uint64) string {
	t.Helper()
	return storagetest.Copy(t, filepath.Join("testdata", "releases", fmt.Sprintf("schema-%d.db", n)))
}

// TestUpgradeKeepsTheOldFileAside: an older journal is written anew; the file it was stays
// beside it, byte for byte, as PATH.schema-N, and nothing else is left behind.
func TestUpgradeKeepsTheOldFileAside(t *testing.T) {
	path := released(t, 5)
	before := fileSum(t, path)
	now := lastWritten(t, path)
	j, err := Open(path, WithLocation(hk), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.KeptAs() != path+".schema-5" {
		t.Fatalf("kept as %q", j.KeptAs())
	}
	if fileSum(t, j.KeptAs()) != before {
		t.Error("the old file kept aside is not the journal as it was")
	}
	if fileSum(t, path) == before {
		t.Error("the journal was not written anew")
	}
	for _, left := range []string{path + ".upgrading", path + ".upgrading.damaged", path + ".damaged"} {
		if _, err := os.Stat(left); err == nil {
			t.Errorf("%s is left behind", left)
		}
	}
	if h := j.Verify(); !h.OK() || h.Sales != 11 {
		t.Fatal(h)
	}
	// A second upgrade of the same old file (restored in the journal's place) keeps it under a
	// name of its own.
	j.Close()
	data, _ := os.ReadFile(j.KeptAs())
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + ".clean")
	j2, err := Open(path, WithLocation(hk), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if j2.KeptAs() != path+".schema-5.2" {
		t.Errorf("kept the second time as %q", j2.KeptAs())
	}
}

// TestUpgradeThatStopsChangesNothing: an upgrade that fails half way, or finds the journal's file
// replaced meanwhile (a second qfpos that upgraded it first), leaves the journal's file as it
// was and nothing beside it; the next Open upgrades it.
func TestUpgradeThatStopsChangesNothing(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault func(path string) error
		want  string
	}{
		{"a failure half way", func(string) error { return errors.New("disk full") }, "disk full"},
		{"the file replaced meanwhile", func(path string) error {
			other := path + ".other"
			if err := os.WriteFile(other, []byte("another qfpos's journal"), 0o600); err != nil {
				return err
			}
			return os.Rename(other, path)
		}, "upgraded by another qfpos meanwhile"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := released(t, 8)
			afterRewrite = func() error { return c.fault(path) }
			_, err := Open(path, WithLocation(hk))
			afterRewrite = nil
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open: %v, want %q", err, c.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries {
				if e.Name() != filepath.Base(path) {
					t.Errorf("%s is left beside the journal", e.Name())
				}
			}
			if c.name == "a failure half way" {
				if v := storedSchemaOf(t, path); v != 8 {
					t.Errorf("the journal is of schema %d", v)
				}
				j, err := Open(path, WithLocation(hk))
				if err != nil {
					t.Fatal(err)
				}
				j.Close()
			}
		})
	}
}

// TestUpgradeCommitsAsItGoes: the new file is written in transactions of bounded size, so that an
// upgrade's memory does not follow the journal's size (counted: the new file's transactions);
// sales stored as JSON are recorded on the trail, and every sale is found as before.
func TestUpgradeCommitsAsItGoes(t *testing.T) {
	defer func(n int) { upgradeSales = n }(upgradeSales)
	upgradeSales = 100
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	var batch []Sale
	for i := range 1000 {
		batch = append(batch, sale(i, int64(100+i), clk.t.Add(-time.Duration(i)*time.Minute)))
	}
	if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	j.Close()
	tamperFile(t, path, func(tx *bolt.Tx) error { // as schema 7 stored them: JSON, no trail of them
		var rewrite []kv
		err := tx.Bucket(bSales).ForEach(func(k, v []byte) error {
			s, err := decodeSale(tx, v)
			if err != nil {
				return err
			}
			js, _ := json.Marshal(s)
			rewrite = append(rewrite, kv{k, js})
			return nil
		})
		for _, e := range rewrite {
			if err := tx.Bucket(bSales).Put(e.k, e.v); err != nil {
				return err
			}
		}
		if err := tx.DeleteBucket(bAudit); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bAudit); err != nil {
			return err
		}
		if err := tx.Bucket(bMeta).Delete(kAuditHead); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		return putVersion(tx, 7)
	})
	j = openFile(t, path, clk)
	defer j.Close()
	if from, ok := j.MigratedFrom(); !ok || from != 7 {
		t.Fatalf("migrated from %d %v", from, ok)
	}
	var txid int
	_ = j.view(func(tx *bolt.Tx) error { txid = tx.ID(); return nil })
	if txid < 10 {
		t.Errorf("the new file took %d transactions for 1,000 sales at 100 a transaction", txid)
	}
	res, err := j.VerifyAudit()
	if err != nil || !res.OK() || res.Events != 1001 {
		t.Fatalf("audit: %v %v (want each sale recorded and the schema)", res, err)
	}
	for _, s := range batch[:50] {
		if v, ok, err := j.Sale(s.SysSN); err != nil || !ok || v.Amount != s.Amount {
			t.Fatalf("sale %s: %v %v", s.SysSN, ok, err)
		}
	}
	if got, err := j.SearchSales(1099, "", 7, 10); err != nil || len(got) != 1 {
		t.Errorf("by amount: %v %v", got, err)
	}
}
