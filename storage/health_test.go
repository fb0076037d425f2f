package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qfpos/storage/storagetest"
)

func fillJournal(t testing.TB, path string, n int) {
	t.Helper()
	clk := newClock()
	j, err := Open(path, WithClock(clk.now), WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		s := sale(i, int64(1000+i), clk.now().Add(-time.Duration(i)*time.Minute))
		mustPut(t, j, s)
		if i%10 == 0 {
			r, err := j.Create(refundIntent(s, fmt.Sprintf("RF_%d", i), 100))
			if err != nil {
				t.Fatal(err)
			}
			if i%20 == 0 {
				if _, err := j.Transition(r.ID, Change{State: StateSucceeded}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedPagesNeverPanic: with 512 bytes of junk in one leaf page (each in turn), every read
// and write either works or ends in a DamagedError that names the journal and what to do; once
// damage is seen nothing more is written; Verify finds the damage.
func TestDamagedPagesNeverPanic(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.db")
	fillJournal(t, clean, 400)
	orig, _ := os.ReadFile(clean)
	found := 0
	for n := range 40 {
		path := filepath.Join(dir, fmt.Sprintf("damaged-%d.db", n))
		if err := os.WriteFile(path, orig, 0o600); err != nil {
			t.Fatal(err)
		}
		storagetest.Damage(t, path, n, uint64(n))
		j, err := Open(path, WithLocation(hk))
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !strings.Contains(err.Error(), "damaged") {
				t.Fatalf("page %d: open: %v", n, err)
			}
			found++
			continue
		}
		var errs []error
		_, err = j.RecentSales(Cursor{}, 1000, 3650)
		errs = append(errs, err)
		_, err = j.Unfinished()
		errs = append(errs, err)
		_, err = j.ReversalsOn(newClock().now())
		errs = append(errs, err)
		_, _, err = j.Sale(sale(5, 0, time.Time{}).SysSN)
		errs = append(errs, err)
		_, err = j.PutSale(sale(9999, 100, newClock().now()))
		errs = append(errs, err)
		damaged := false
		for _, err := range errs {
			var de *DamagedError
			switch {
			case err == nil:
			case errors.As(err, &de):
				damaged = true
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "restore the latest backup") {
					t.Errorf("page %d: %v", n, err)
				}
			default:
				t.Errorf("page %d: not reported as damage: %v", n, err)
			}
		}
		if damaged {
			found++
			if _, err := j.PutSale(sale(9998, 100, newClock().now())); !errors.Is(err, ErrDamaged) {
				t.Errorf("page %d: a write after damage: %v", n, err)
			}
		}
		if h := j.Verify(); h.OK() {
			t.Errorf("page %d: Verify found nothing (%s)", n, h)
		}
		j.Close()
	}
	if found == 0 {
		t.Fatal("no damage was ever seen")
	}
}

// TestUncleanShutdownIsChecked: a journal closed without its marker is verified whole at the next
// open; a damaged one is refused before any work.
func TestUncleanShutdownIsChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	fillJournal(t, path, 50)
	j, err := Open(path, WithLocation(hk))
	if err != nil || j.Unclean() {
		t.Fatalf("clean reopen: %v %v", err, j.Unclean())
	}
	j.Close()
	if err := os.Remove(path + ".clean"); err != nil { // as if the process had been killed
		t.Fatal(err)
	}
	if j, err = Open(path, WithLocation(hk)); err != nil || !j.Unclean() {
		t.Fatalf("unclean reopen: %v", err)
	}
	j.Close()
	storagetest.Damage(t, path, -1, 1)
	os.Remove(path + ".clean")
	if _, err := Open(path, WithLocation(hk)); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "unclean shutdown") {
		t.Fatalf("damaged after an unclean shutdown: %v", err)
	}
}

func TestDemoJournals(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.db")
	fillJournal(t, real, 3)
	if _, err := Open(real, ForDemo()); !errors.Is(err, ErrRealJournal) {
		t.Fatalf("demo on a real journal: %v", err)
	}
	j, err := Open(filepath.Join(dir, "demo.db"), ForDemo())
	if err != nil || !j.Demo() {
		t.Fatalf("new demo journal: %v", err)
	}
	j.Close()
	j, err = Open(filepath.Join(dir, "demo.db")) // others may read it and add sales
	if err != nil || !j.Demo() {
		t.Fatalf("reopened: %v", err)
	}
	j.Close()
}

// TestBackup: a hot copy, owner-only, that opens as the same journal; never over the journal.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	fillJournal(t, path, 30)
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	copyPath := filepath.Join(dir, "backup.db")
	if n, err := j.Backup(copyPath); err != nil || n == 0 {
		t.Fatalf("backup: %d %v", n, err)
	}
	if st, _ := os.Stat(copyPath); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	c, err := Open(copyPath, WithLocation(hk), Existing())
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Verify(); !h.OK() || h.Sales != 30 || h.Reversals != 3 {
		t.Fatalf("copy: %s", h)
	}
	c.Close()
	if _, err := j.Backup(path); err == nil {
		t.Fatal("a backup over the journal itself")
	}
}
