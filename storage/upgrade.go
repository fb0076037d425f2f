package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// An older journal is upgraded by writing it anew, in today's layout, into a file beside it
// (PATH.upgrading), as an import writes one: its pages full, the sales held by the audit trail,
// in transactions of bounded size, so that memory does not follow the journal's size. The new
// file is checked whole; only then does it take the journal's place (a rename), and the old file
// stays beside it as PATH.schema-N (a second name for the same file: nothing is copied). A
// journal that stops upgrading half way is still the old file at PATH; the next Open starts
// again.
//
// What is written: every bucket but the sales and their indexes, byte for byte, with its
// sequence (the audit trail keeps its hashes, the reversals their ids); the meta keys; each sale
// under its key, as a saleRef to the audit event that holds it — a sale stored as JSON (before
// schema 8) is recorded on the trail as an import records one, a pointer to an event (schema 8)
// becomes a saleRef; the indexes by syssn, out_trade_no and pay type built again; no index by
// amount; then the schema and its audit event.

// upgradeTxBytes bounds what one transaction of an upgrade writes.
const upgradeTxBytes = 32 << 20

// upgradeSales is how many sales one transaction of an upgrade writes (an import's batch).
var upgradeSales = 100_000

// afterRewrite, when set (by tests), runs once the new file is written, before it is checked.
var afterRewrite func() error

// upgradedName is where the new file is written before it takes the journal's place.
func (j *Journal) upgradedName() string { return j.path + ".upgrading" }

// upgrade writes the journal (schema version) anew in today's layout and puts it in the
// journal's place; j.db is then the new file.
func (j *Journal) upgrade(version uint64) error {
	before, err := os.Stat(j.path)
	if err != nil {
		return err
	}
	tmp := j.upgradedName()
	if err := os.Remove(tmp); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("journal %s: removing %s, left by an upgrade that stopped: %w", j.path, tmp, err)
	}
	if err := j.rewrite(tmp, version); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("journal %s: upgrading schema %d to %d: %w", j.path, version, SchemaVersion, err)
	}
	// The journal's file must still be the one this Open holds: a second qfpos that waited for
	// the lock holds the old file and must not put its copy in place of the first one's.
	if now, err := os.Stat(j.path); err != nil || !os.SameFile(before, now) {
		os.Remove(tmp)
		return fmt.Errorf("journal %s was upgraded by another qfpos meanwhile (open it again)", j.path)
	}
	if err := j.db.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	backup, err := keepAside(j.path, version)
	if err == nil {
		err = os.Rename(tmp, j.path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(j.path))
	}
	if err != nil {
		os.Remove(tmp)
		if backup != "" {
			os.Remove(backup) // the journal is still the old file, at its own name
		}
		if db, oerr := openBolt(j.path, j.boltOptions); oerr == nil {
			j.db = db
		}
		return fmt.Errorf("journal %s: putting the upgraded journal in place: %w", j.path, err)
	}
	os.Remove(j.cleanPath()) // it was the old file's
	db, err := openBolt(j.path, j.boltOptions)
	if err != nil {
		return err
	}
	j.db, j.keptAs = db, backup
	return nil
}

// keepAside gives the journal's file a second name, PATH.schema-N (or PATH.schema-N.2, …).
func keepAside(path string, version uint64) (string, error) {
	base := path + ".schema-" + strconv.FormatUint(version, 10)
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = base + "." + strconv.Itoa(i)
		}
		err := os.Link(path, name)
		if err == nil {
			return name, nil
		}
		if !os.IsExist(err) || i == 100 {
			return "", err
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !os.IsPermission(err) {
		return err
	}
	return nil
}

// rewrite writes the journal anew into the file tmp and checks it whole.
func (j *Journal) rewrite(tmp string, version uint64) error {
	db, err := bolt.Open(tmp, 0o600, boltOptions())
	if err != nil {
		return err
	}
	err = j.db.View(func(old *bolt.Tx) error {
		defer releasing(old)()
		w := &rewriter{j: j, db: db}
		if err := w.begin(); err != nil {
			return err
		}
		defer func() { w.tx.Rollback() }()
		if err := w.copyAll(old); err != nil {
			return err
		}
		if err := w.sales(old); err != nil {
			return err
		}
		if err := putVersion(w.tx, SchemaVersion); err != nil {
			return err
		}
		if err := appendAudit(w.tx, j.now(), AuditKindSchema, "schema", struct {
			From uint64 `json:"from"`
			To   uint64 `json:"to"`
		}{version, SchemaVersion}); err != nil {
			return err
		}
		return w.tx.Commit()
	})
	if err == nil && afterRewrite != nil {
		err = afterRewrite()
	}
	if err != nil {
		db.Close()
		return err
	}
	nj := &Journal{db: db, path: tmp, now: j.now, loc: j.loc, qfpay: j.qfpay}
	h := nj.Verify()
	os.Remove(nj.damagedPath()) // a verdict about a file that is removed
	if err := db.Close(); err != nil {
		return err
	}
	if !h.OK() {
		return fmt.Errorf("the journal written anew does not check whole (%s); the old one is as it was", h.Problems[0])
	}
	return nil
}

// rewriter writes into the new file in transactions of bounded size.
type rewriter struct {
	j       *Journal
	db      *bolt.DB
	tx      *bolt.Tx
	written int
}

func (w *rewriter) begin() (err error) {
	if w.tx, err = w.db.Begin(true); err != nil {
		return err
	}
	w.written = 0
	// Keys come in order: pages filled as an import fills them.
	return w.tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		b.FillPercent = appendFill
		return nil
	})
}

// commitIfFull commits and begins the next transaction once this one has written enough.
func (w *rewriter) commitIfFull(n int) error {
	if w.written += n; w.written < upgradeTxBytes {
		return nil
	}
	return w.next()
}

func (w *rewriter) next() error {
	if err := w.tx.Commit(); err != nil {
		return err
	}
	return w.begin()
}

// saleBuckets are written by sales, not copied.
var saleBuckets = [][]byte{bSales, bSalesSysSN, bSalesOTN, bSalesPayType, bSalesAmount}

// copyAll creates today's buckets and copies every bucket of the old file but the sales' byte for
// byte, in key order, with its sequence.
func (w *rewriter) copyAll(old *bolt.Tx) error {
	for _, name := range todaysBuckets() {
		b, err := w.tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		b.FillPercent = appendFill
	}
	return old.ForEach(func(name []byte, b *bolt.Bucket) error {
		if sale := bytes.Equal(name, bSales); sale || isSaleIndex(name) {
			if sale {
				return w.tx.Bucket(bSales).SetSequence(b.Sequence())
			}
			return nil
		}
		return w.copyBucket([][]byte{bytes.Clone(name)}, b)
	})
}

func isSaleIndex(name []byte) bool {
	for _, s := range saleBuckets[1:] {
		if bytes.Equal(name, s) {
			return true
		}
	}
	return false
}

// copyBucket copies the old bucket b to the path of bucket names in the new file, nested buckets
// too; a commit may come between two keys, so the destination is found again after each.
func (w *rewriter) copyBucket(path [][]byte, b *bolt.Bucket) error {
	dst := func() (*bolt.Bucket, error) {
		d, err := w.tx.CreateBucketIfNotExists(path[0])
		for _, name := range path[1:] {
			if err != nil {
				break
			}
			d, err = d.CreateBucketIfNotExists(name)
		}
		if err == nil {
			d.FillPercent = appendFill
		}
		return d, err
	}
	d, err := dst()
	if err != nil {
		return err
	}
	if err := d.SetSequence(b.Sequence()); err != nil {
		return err
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil { // a nested bucket
			if err := w.copyBucket(append(path[:len(path):len(path)], bytes.Clone(k)), b.Bucket(k)); err != nil {
				return err
			}
		} else if err := d.Put(bytes.Clone(k), bytes.Clone(v)); err != nil {
			return err
		}
		before := w.tx
		if err := w.commitIfFull(len(k) + len(v)); err != nil {
			return err
		}
		if w.tx != before {
			if d, err = dst(); err != nil {
				return err
			}
		}
	}
	return nil
}

// sales writes every sale under its key as a saleRef, recording a sale stored as JSON on the
// trail, and builds the indexes, upgradeSales sales a transaction.
func (w *rewriter) sales(old *bolt.Tx) error {
	c := old.Bucket(bSales).Cursor()
	n := 0
	idx := newBatchIndexes(w.tx)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		s, err := decodeSale(old, v)
		if err != nil {
			return fmt.Errorf("sale at %x: %w", k, err)
		}
		if s.Time.IsZero() { // the sale's time as the key says, for a sale that did not keep it
			if s.Time, err = w.j.ParseTxDtm(s.TxDtm); err != nil {
				return fmt.Errorf("sale at %x: %w", k, err)
			}
		}
		ref := v
		switch _, isRef := parseSaleRef(v); {
		case isRef:
		case len(v) == 9 && v[0] == salePointer:
			ref = newSaleRef(keyID(v[1:]), s)
		default: // JSON: the trail records it, as an import does
			at, err := appendAuditSeq(w.tx, w.j.now(), AuditKindSale, s.SysSN, s)
			if err != nil {
				return err
			}
			ref = newSaleRef(at, s)
		}
		key := bytes.Clone(k)
		if err := w.tx.Bucket(bSales).Put(key, bytes.Clone(ref)); err != nil {
			return err
		}
		if err := idx.put(bSalesSysSN, []byte(s.SysSN), key); err != nil {
			return err
		}
		if s.OutTradeNo != "" {
			if err := idx.put(bSalesOTN, []byte(s.OutTradeNo), key); err != nil {
				return err
			}
		}
		if err := idx.put(bSalesPayType, payTypeKey(s.PayType, key), nil); err != nil {
			return err
		}
		if n++; n%upgradeSales == 0 {
			if err := idx.flush(); err != nil {
				return err
			}
			if err := w.next(); err != nil {
				return err
			}
			idx = newBatchIndexes(w.tx)
		}
	}
	return idx.flush()
}
