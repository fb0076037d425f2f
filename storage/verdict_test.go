package storage

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"qfpos/storage/storagetest"
)

// TestDamageVerdictSticks: a journal a walk found damaged keeps refusing writes at every later
// open, even once its clean marker is back; it can still be opened to be read (Inspect). A backup
// restored in its place is walked whole and, sound, loses the marker.
func TestDamageVerdictSticks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	fillJournal(t, path, 30)
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := j.Backup(backup); err != nil {
		t.Fatal(err)
	}
	j.Close()
	// A change behind qfpos's back that only the audit trail shows: a sale's event edited.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		k, v := b.Cursor().First()
		v = append([]byte(nil), v...)
		v[len(v)-40] ^= 0x01
		return b.Put(k, v)
	})
	db.Close()
	_ = os.WriteFile(path+".clean", []byte("forged\n"), 0o600)
	j, err = Open(path, WithLocation(hk), Inspect())
	if err != nil {
		t.Fatal(err)
	}
	if h := j.Verify(); h.OK() || !strings.Contains(h.Problems[0], "audit trail") {
		t.Fatalf("the check missed the edited trail: %s", h)
	}
	if _, err := j.AdoptLimits(Limits{}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a write after the verdict: %v", err)
	}
	j.Close()
	if _, err := os.Stat(path + ".clean"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a damaged journal got a clean marker")
	}
	// Whatever marker is put back, every open refuses it; Inspect reads it.
	for range 2 {
		_ = os.WriteFile(path+".clean", []byte("1\n"), 0o600)
		if _, err := Open(path, WithLocation(hk)); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "audit trail") {
			t.Fatalf("reopened: %v", err)
		}
	}
	j, err = Open(path, WithLocation(hk), Inspect())
	if err != nil || j.Damaged() == nil {
		t.Fatalf("inspect: %v %v", err, j.Damaged())
	}
	if _, err := j.Staff(); err != nil {
		t.Fatalf("a damaged journal cannot be read: %v", err)
	}
	j.Close()
	// The backup restored in its place: walked, sound, the marker gone.
	b, _ := os.ReadFile(backup)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	j, err = Open(path, WithLocation(hk))
	if err != nil || !j.Unclean() || j.Damaged() != nil {
		t.Fatalf("restored: %v (walked %v)", err, j.Unclean())
	}
	j.Close()
	if _, err := os.Stat(path + ".damaged"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the marker outlived the restore")
	}
}

// TestEmptyFileIsNoJournal: a zero-length file is no journal for a command that needs one; one
// that may create a journal makes it there.
func TestEmptyFileIsNoJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Existing()); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("%v", err)
	}
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Fatal("the empty file was written")
	}
	j, err := Open(path)
	if err != nil || !j.Created() {
		t.Fatalf("%v", err)
	}
	j.Close()
}

// TestPagesDamagedAreMarked: damage a read meets (not only a walk) gives the verdict too.
func TestPagesDamagedAreMarked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	fillJournal(t, path, 200)
	storagetest.Damage(t, path, -1, 3)
	if j, err := Open(path, WithLocation(hk), Inspect()); err == nil { // some damage stops even a reader's open
		_ = j.Verify()
		j.Close()
	}
	if _, err := os.Stat(path + ".damaged"); err != nil {
		t.Fatalf("no verdict beside the journal: %v", err)
	}
	_ = os.WriteFile(path+".clean", []byte("1\n"), 0o600) // a marker that would skip the walk
	if _, err := Open(path, WithLocation(hk)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("reopened: %v", err)
	}
}

// TestDayClosesHold: a close deleted from the journal is named by the check and the day stays
// closed; a close the trail never recorded is named too.
func TestDayClosesHold(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.CloseDay("2026-11-20", "mgr", map[string]int{"count": 1}, nil); err != nil {
		t.Fatal(err)
	}
	if res, err := j.VerifyDayCloses(); err != nil || len(res.Problems) != 0 || res.Closes != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	j.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	_ = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDayCloses)
		if err := b.Put([]byte("2026-11-19"), []byte(`{"number":9,"day":"2026-11-19"}`)); err != nil {
			return err
		}
		return b.Delete([]byte("2026-11-20"))
	})
	db.Close()
	j, err = Open(path, WithLocation(hk), Inspect())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	res, err := j.VerifyDayCloses()
	if err != nil || len(res.Problems) != 2 || !strings.Contains(strings.Join(res.Problems, "\n"), "close #1 of 2026-11-20 is on the audit trail but gone from the journal") ||
		!strings.Contains(strings.Join(res.Problems, "\n"), "close #9 of 2026-11-19: the audit trail has no record of it") {
		t.Fatalf("%q %v", res.Problems, err)
	}
	if h := j.Verify(); h.OK() {
		t.Fatal("journal check passed")
	}
}

// TestCloseDayRefusesADayOnTheTrail: a day whose close was deleted from the journal cannot be
// closed again.
func TestCloseDayRefusesADayOnTheTrail(t *testing.T) {
	j := openTest(t, newClock())
	if _, err := j.CloseDay("2026-11-20", "mgr", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := j.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bDayCloses).Delete([]byte("2026-11-20")) }); err != nil {
		t.Fatal(err)
	}
	if _, err := j.CloseDay("2026-11-20", "mgr", nil, nil); !errors.Is(err, ErrDayClosed) || !strings.Contains(err.Error(), "close #1") {
		t.Fatalf("%v", err)
	}
}

// TestStaffEditedBehindQFPosBack: a person's record changed or added in the file without qfpos
// (a new PIN hash, a manager made) is named by the check.
func TestStaffEditedBehindQFPosBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	if err := j.AddStaff(Credential{}, "mgr", RoleManager, "5678"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.AdoptLimits(Limits{Currency: "HKD", ApprovalOver: 500_00}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	_ = db.Update(func(tx *bolt.Tx) error {
		h, _ := hashPIN("9999")
		for _, id := range []string{"mgr", "evil"} {
			v, _ := jsonMarshal(staffRecord{Person: Person{ID: id, Role: RoleManager}, PINHash: h})
			if err := tx.Bucket(bStaff).Put([]byte(id), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(kLimits, []byte(`{"currency":"HKD"}`))
	})
	db.Close()
	j, err = Open(path, WithLocation(hk), Inspect())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	h := j.Verify()
	all := strings.Join(h.Problems, "\n")
	for _, want := range []string{"staff evil is in the journal but not on the audit trail", "staff mgr is not as the audit trail recorded it",
		"the approval limits are not as the audit trail recorded them"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
}

// TestPageLoopIsDamageNotAHang: a branch page damaged to point at itself would make bbolt's
// cursors loop for ever; the check finds it first and says so.
func TestPageLoopIsDamageNotAHang(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	fillJournal(t, path, 600)
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	branch, pageSize := -1, db.Info().PageSize
	_ = db.View(func(tx *bolt.Tx) error {
		for id := 2; branch < 0; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == "branch" {
				branch = id
			}
		}
		return nil
	})
	db.Close()
	if branch < 0 {
		t.Fatal("no branch page in the journal")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 8) // the first element's child: the page itself
	binary.LittleEndian.PutUint64(id, uint64(branch))
	if _, err := f.WriteAt(id, int64(branch*pageSize+16+8)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	j, err := Open(path, WithLocation(hk), Inspect())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if h := j.Verify(); h.OK() || !strings.Contains(h.Problems[0], "reached twice") {
		t.Fatalf("%s", h)
	}
}

// TestInlineBucketWithoutAPageIsDamage: a bucket element whose value reads as an inline bucket of
// zeros (a flipped key length found it) would make bbolt's cursor loop on itself; the page tree
// check refuses it, as it refuses a branch page without elements.
func TestInlineBucketWithoutAPageIsDamage(t *testing.T) {
	le := binary.LittleEndian
	page := make([]byte, 256)
	le.PutUint64(page, 5)
	le.PutUint16(page[8:], leafPageFlag)
	le.PutUint16(page[10:], 1)
	e := page[pageHeaderLen:]
	le.PutUint32(e[0:], bucketLeafFlag)
	le.PutUint32(e[4:], elementLen) // the key right after the element
	le.PutUint32(e[8:], 3)
	le.PutUint32(e[12:], 32) // the bucket header and an inline "page" of zeros
	copy(page[pageHeaderLen+elementLen:], "abc")
	tree := pageTree{pages: 10, seen: map[uint64]bool{}}
	if err := tree.page(5, page, 0); err == nil || !strings.Contains(err.Error(), "neither a branch nor a leaf") {
		t.Fatalf("%v", err)
	}
	le.PutUint16(page[pageHeaderLen+elementLen+3+16+8:], branchPageFlag) // a branch with no elements
	if err := tree.page(5, page, 0); err == nil || !strings.Contains(err.Error(), "a branch page without elements") {
		t.Fatalf("%v", err)
	}
}
