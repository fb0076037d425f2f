package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// A journal's health: whether it belongs to a demo, whether it was closed cleanly, a walk over
// every page and value, and consistent copies (backups) taken while it is open.

var kDemo = []byte("demo")

// ForDemo marks a new journal as a demo's, and refuses to open a journal that is not one
// (ErrRealJournal): qfpos demo must never touch a real journal.
func ForDemo() Option { return func(j *Journal) { j.forDemo = true } }

// ErrRealJournal is wrapped by Open's error when ForDemo meets a journal that is not a demo's.
var ErrRealJournal = errors.New("is a real journal, not a demo's")

// Demo reports whether the journal was created by qfpos demo: its sales are not real, and nothing
// may be sent from it to a real QFPay host.
func (j *Journal) Demo() bool { return j.demo }

// markDemo records in a new journal that it is a demo's; on an existing one it reads the mark.
func (j *Journal) markDemo() error {
	if j.forDemo && j.created {
		if err := j.update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kDemo, []byte("1")) }); err != nil {
			return err
		}
	}
	err := j.view(func(tx *bolt.Tx) error {
		j.demo = tx.Bucket(bMeta).Get(kDemo) != nil
		return nil
	})
	if err == nil && j.forDemo && !j.demo {
		return fmt.Errorf("journal %s %w: qfpos demo runs only on its own journals (pass another --journal, or none)", j.path, ErrRealJournal)
	}
	return err
}

// cleanPath is the marker Close leaves beside the journal: the last transaction id. Open removes
// it, so after a crash or a power cut it is missing (or stale) and the journal is checked whole
// before any new work is taken.
func (j *Journal) cleanPath() string { return j.path + ".clean" }

func (j *Journal) txid() (id int, err error) {
	err = j.view(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
	return id, err
}

// checkIfUnclean verifies the whole journal when its last shutdown was not clean, or when a damage
// marker beside it is about other bytes (stale: a backup restored in its place), which goes once
// the journal is found sound.
func (j *Journal) checkIfUnclean(stale bool) error {
	b, err := os.ReadFile(j.cleanPath())
	id, terr := j.txid()
	if terr != nil {
		return terr
	}
	if !stale && err == nil && strings.TrimSpace(string(b)) == strconv.Itoa(id) {
		j.unclean = false
		return os.Remove(j.cleanPath())
	}
	j.unclean, j.staleVerdict = true, stale
	// The file first, whatever its schema: its pages and keys.
	var problems []string
	if err := j.view(func(tx *bolt.Tx) error {
		defer releasing(tx)()
		checkStructure(j.path, tx, func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf(format, args...))
		})
		return nil
	}); err != nil {
		return err
	}
	if len(problems) > 0 {
		j.markDamaged(problems[0])
		return &DamagedError{Path: j.path, Cause: "after an unclean shutdown: " + problems[0]}
	}
	// Then the records, which today's checks read in today's layout: an older journal's once
	// it is migrated.
	version, err := j.storedSchema()
	if err != nil {
		return err
	}
	if version > 0 && version < SchemaVersion {
		j.checkAfterMigrating = true
		return nil
	}
	return j.verifyWhole()
}

// verifyWhole runs Verify on a journal whose last shutdown was not clean.
func (j *Journal) verifyWhole() error {
	if h := j.Verify(); !h.OK() {
		return &DamagedError{Path: j.path, Cause: "after an unclean shutdown: " + h.Problems[0]}
	}
	if j.staleVerdict {
		j.staleVerdict = false
		return os.Remove(j.damagedPath())
	}
	return nil
}

// storedSchema reads the schema the file says it has (0 for a new or foreign file).
func (j *Journal) storedSchema() (version uint64, err error) {
	err = j.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bMeta); meta != nil && string(meta.Get(kMagic)) == magic {
			if v := meta.Get(kVersion); len(v) == 8 {
				version = binary.BigEndian.Uint64(v)
			}
		}
		return nil
	})
	return version, err
}

// MigratedFrom returns the schema Open found when it migrated an older journal to today's.
func (j *Journal) MigratedFrom() (schema uint64, migrated bool) {
	return j.migratedFrom, j.migratedFrom != 0
}

// KeptAs is where the journal's file stays after Open upgraded it (PATH.schema-N), "" when it did
// not.
func (j *Journal) KeptAs() string { return j.keptAs }

// Unclean reports whether Open found that the last shutdown was not clean (and checked the whole
// journal because of it).
func (j *Journal) Unclean() bool { return j.unclean }

// markClean leaves the clean-shutdown marker; a journal found damaged gets none.
func (j *Journal) markClean() {
	if j.broken.Load() {
		return
	}
	if id, err := j.txid(); err == nil {
		_ = os.WriteFile(j.cleanPath(), []byte(strconv.Itoa(id)+"\n"), 0o600)
	}
}

// Health is what Verify found.
type Health struct {
	Pages     int // pages in use
	Sales     int
	Reversals int
	Events    int
	Problems  []string
}

// OK reports whether nothing is wrong.
func (h Health) OK() bool { return len(h.Problems) == 0 }

func (h Health) String() string {
	if h.OK() {
		return fmt.Sprintf("ok: %d sales, %d refunds and cancels, %d events (%d pages)", h.Sales, h.Reversals, h.Events, h.Pages)
	}
	return fmt.Sprintf("damaged: %d problem(s), the first: %s", len(h.Problems), h.Problems[0])
}

// Verify walks the whole file: every bucket's keys in order, every value decoded, every index
// entry followed, and then bbolt's own consistency check of the pages (which runs only on a
// file whose buckets could be walked: it cannot recover from a damaged page itself).
func (j *Journal) Verify() Health {
	var h Health
	problem := func(format string, args ...any) {
		if len(h.Problems) < 100 {
			h.Problems = append(h.Problems, fmt.Sprintf(format, args...))
		}
	}
	err := j.view(func(tx *bolt.Tx) error {
		defer releasing(tx)()
		if checkStructure(j.path, tx, problem); !h.OK() {
			return nil // the values below may not be readable
		}
		h.Pages = int(tx.Size() / int64(tx.DB().Info().PageSize))
		meta := tx.Bucket(bMeta)
		if meta == nil || string(meta.Get(kMagic)) != magic {
			return nil // not a qfpos journal: Open says so
		}
		var version uint64
		if v := meta.Get(kVersion); len(v) == 8 {
			version = binary.BigEndian.Uint64(v)
		}
		want := bucketsV1
		if version >= 2 && version < 9 {
			want = append(want, bSalesAmount)
		}
		if version >= 3 {
			want = append(want, bSalesQFPay)
		}
		if version >= 4 {
			want = append(want, bSalesPayType)
		}
		if version >= 5 {
			want = append(want, bAudit)
		}
		if version >= 6 {
			want = append(want, bStaff)
		}
		if version >= 7 {
			want = append(want, bDayCloses)
		}
		for _, name := range want {
			if tx.Bucket(name) == nil {
				problem("bucket %s is missing", name)
			}
		}
		if !h.OK() {
			return nil
		}
		// The sales: each saleRef's fields against the sale its audit event holds, compared as
		// the trail is walked below (in sequence order, not a lookup a sale); any other form, or a
		// reference that does not agree, is decoded alone, which names what is wrong.
		sales := tx.Bucket(bSales)
		// Sized once by the sales' sequence (every sale ever put took one; never more than the
		// file could hold): grown entry by entry, the lists would be copied over and over.
		n := min(sales.Sequence(), uint64(tx.Size())/16)
		keys := make([][16]byte, 0, n) // every sale's key, in order: the indexes are checked against them
		refs := make([]refCheck, 0, n)
		var irregular [][]byte // keys that are not time keys
		_ = sales.ForEach(func(k, v []byte) error {
			h.Sales++
			if len(k) != 16 {
				irregular = append(irregular, bytes.Clone(k))
			} else {
				keys = append(keys, [16]byte(k))
			}
			if r, ok := parseSaleRef(v); ok && len(k) == 16 {
				refs = append(refs, refCheck{seq: r.audit, fp: r.fingerprint(), at: uint32(len(keys) - 1)})
				return nil
			}
			if _, err := decodeSale(tx, v); err != nil {
				problem("sale at %x: %v", k, err)
			}
			return nil
		})
		if !slices.IsSortedFunc(refs, byAuditSeq) {
			slices.SortFunc(refs, byAuditSeq)
		}
		next := 0
		var doubtful []refCheck
		trail := j.verifyAuditWith(tx, 0, func(seq uint64, s *Sale) {
			for ; next < len(refs) && refs[next].seq < seq; next++ {
				doubtful = append(doubtful, refs[next]) // its event holds no sale
			}
			fp := saleRefOf(*s).fingerprint()
			for ; next < len(refs) && refs[next].seq == seq; next++ {
				if refs[next].fp != fp {
					doubtful = append(doubtful, refs[next])
				}
			}
		})
		doubtful = append(doubtful, refs[next:]...) // past the trail's end, or past where it broke
		slices.SortFunc(doubtful, func(a, b refCheck) int { return int(a.at) - int(b.at) })
		for _, r := range doubtful {
			k := keys[r.at][:]
			if _, err := decodeSale(tx, sales.Get(k)); err != nil {
				problem("sale at %x: %v", k, err)
			}
		}
		isSale := func(k []byte) bool {
			if len(k) != 16 {
				return slices.ContainsFunc(irregular, func(o []byte) bool { return bytes.Equal(o, k) })
			}
			_, ok := slices.BinarySearchFunc(keys, [16]byte(k), func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
			return ok
		}
		for _, idx := range [][]byte{bSalesSysSN, bSalesOTN} {
			_ = tx.Bucket(idx).ForEach(func(k, v []byte) error {
				if !isSale(v) {
					problem("index %s entry %q points to no sale", idx, k)
				}
				return nil
			})
		}
		if b := tx.Bucket(bSalesPayType); b != nil {
			_ = b.ForEach(func(k, _ []byte) error {
				if payType, saleKey, ok := bytes.Cut(k, []byte{0}); !ok || !isSale(saleKey) {
					problem("index %s entry for pay type %q points to no sale", bSalesPayType, payType)
				}
				return nil
			})
		}
		revs := tx.Bucket(bReversals)
		_ = revs.ForEach(func(k, v []byte) error {
			h.Reversals++
			r, err := decodeReversal(v)
			if err != nil {
				problem("reversal %d: %v", keyID(k), err)
				return nil
			}
			if len(r.Trail) > 0 {
				if _, err := eventsTx(tx, Reversal{ID: keyID(k), Trail: r.Trail}); err != nil {
					problem("%v", err)
				}
				h.Events += len(r.Trail)
			}
			return nil
		})
		_ = tx.Bucket(bReversalsOpen).ForEach(func(k, _ []byte) error {
			if revs.Get(k) == nil {
				problem("unfinished reversal %d is missing", keyID(k))
			}
			return nil
		})
		_ = tx.Bucket(bEvents).ForEach(func(k, v []byte) error {
			h.Events++
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				problem("event %x: %v", k, err)
			}
			return nil
		})
		if b := tx.Bucket(bSalesQFPay); b != nil {
			_ = b.ForEach(func(k, _ []byte) error {
				if _, err := remoteTx(tx, string(k)); err != nil {
					problem("%v", err)
				}
				return nil
			})
		}
		// The audit trail, which holds the sales: every event where it should be, unchanged; then
		// what the trail recorded of the day closes, the staff and the limits.
		if !trail.OK() {
			problem("the audit trail %s", trail)
			return nil
		}
		closes, err := j.verifyDayClosesTx(tx)
		for _, p := range closes.Problems {
			problem("%s", p)
		}
		if err != nil {
			return err
		}
		records, err := j.verifyRecordsTx(tx)
		for _, p := range records {
			problem("%s", p)
		}
		return err
	})
	if err != nil {
		problem("%v", err)
	}
	if !h.OK() {
		j.markDamaged(h.Problems[0])
	}
	return h
}

// refCheck is a saleRef to compare with the sale its audit event holds: the event, the
// fingerprint of the ref's fields, and where the sale's key is in Verify's list.
type refCheck struct {
	seq uint64
	fp  uint64
	at  uint32
}

func byAuditSeq(a, b refCheck) int { return cmp.Compare(a.seq, b.seq) }

// checkStructure checks what does not depend on the schema: the page tree, read from the file
// first (bbolt's cursors would loop on a page that points back up its tree), then every bucket's
// keys in order, then bbolt's own consistency check of the pages.
func checkStructure(path string, tx *bolt.Tx, problem func(string, ...any)) {
	var found bool
	note := func(format string, args ...any) { found = true; problem(format, args...) }
	if err := checkPageTree(path, uint64(tx.ID())); err != nil {
		note("%v", err)
		return
	}
	_ = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		walkBucket(name, b, note)
		return nil
	})
	if found {
		return
	}
	for err := range tx.Check() {
		note("%v", err)
	}
}

// walkBucket reads every key of a bucket and its nested buckets, in order; keys out of order are
// the mark of a damaged page.
func walkBucket(name []byte, b *bolt.Bucket, problem func(string, ...any)) {
	c := b.Cursor()
	var prev []byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			problem("bucket %s: keys out of order at %x", name, k)
			return
		}
		prev = bytes.Clone(k)
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				walkBucket(append(append(bytes.Clone(name), '/'), k...), sub, problem)
			}
		}
	}
}

// Backup writes a consistent copy of the journal to path (bbolt's hot backup: a read transaction,
// so the journal keeps working meanwhile), readable only by its owner. It writes to a temporary
// file beside path and renames it, so a backup is never half written. It refuses to overwrite
// the journal itself.
func (j *Journal) Backup(path string) (int64, error) {
	abs, _ := filepath.Abs(path)
	self, _ := filepath.Abs(j.path)
	if abs == self {
		return 0, fmt.Errorf("backup %s is the journal itself (name another file)", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("cannot write backup %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	n, err := j.BackupTo(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			return 0, err
		}
		return 0, fmt.Errorf("cannot write backup %s: %w", path, err)
	}
	return n, nil
}

// BackupTo writes a consistent copy of the journal to w (one read transaction: the journal keeps
// working meanwhile) and returns its size.
func (j *Journal) BackupTo(w io.Writer) (int64, error) {
	var n int64
	err := j.view(func(tx *bolt.Tx) error {
		var werr error
		n, werr = tx.WriteTo(w)
		return werr
	})
	return n, err
}

// panicOnFault makes a fault on an unexpected address (a damaged page that points outside the
// mapped file) a panic that guard recovers, instead of a crash; it returns the restore function.
func panicOnFault() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}
