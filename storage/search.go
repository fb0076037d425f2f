package storage

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// A search by amount or trailing digits compares the fields a saleRef keeps (the amount, the last
// tailLen bytes of both numbers) over the window's sales, newest first. Read from bbolt that is a
// cursor step and a decode a sale: 3–5 ms over 100k sales. So the Journal keeps those fields in
// memory (the search column), built from the journal the first time a search needs it and kept
// up to date by the write transactions that change the sales bucket, which record what they put
// and delete and hand it over when they commit.
//
// The column never decides anything on its own: it says which snapshot of the journal it is
// (bbolt's transaction id). A search reads its own snapshot, and uses the column only when every
// write between the two has handed over its changes; otherwise (a write that bypassed the
// recording, or one whose hand-over is still on its way) it builds the column again from its
// snapshot. Sales are read from the snapshot as before; the column only chooses which.
//
// The column holds the sales from its window's start when it was built on, at about 56 bytes a
// sale: a desk that runs for weeks holds those weeks' new sales too, and a search over a wider
// window builds it again.

// searchEntry is one sale in the search column: its key in the sales bucket and its saleRef's
// search fields.
type searchEntry struct {
	key    [16]byte
	amount int64
	tails  [2][tailLen]byte // syssn's, out_trade_no's
	lens   [2]uint8
}

func (e *searchEntry) tail(i int) []byte { return e.tails[i][:e.lens[i]] }

// entryOf makes the search entry of the sale stored at k as v (any form a journal holds).
func entryOf(tx *bolt.Tx, k, v []byte) (searchEntry, error) {
	var e searchEntry
	if len(k) != len(e.key) {
		return e, fmt.Errorf("sale key %x is not a time key: %w", k, ErrDamaged)
	}
	copy(e.key[:], k)
	r, ok := parseSaleRef(v)
	if !ok {
		if len(v) > 0 && v[0] == saleRefForm {
			return e, fmt.Errorf("undecodable sale index entry: %w", ErrDamaged)
		}
		s, err := decodeSale(tx, v) // JSON, or a pointer to its audit event (older journals)
		if err != nil {
			return e, err
		}
		r = saleRefOf(s)
	}
	e.amount = r.amount
	for i, t := range [][]byte{r.syssnTail, r.otnTail} {
		e.lens[i] = uint8(copy(e.tails[i][:], t))
	}
	return e, nil
}

// entryFor is the search entry of sale s stored at key k.
func entryFor(k []byte, s Sale) searchEntry {
	var e searchEntry
	copy(e.key[:], k)
	e.amount = s.Amount
	for i, n := range []string{s.SysSN, s.OutTradeNo} {
		e.lens[i] = uint8(copy(e.tails[i][:], kept(n)))
	}
	return e
}

// saleChange is a sale put (entry) or deleted (del) by a write transaction.
type saleChange struct {
	entry searchEntry
	del   bool
}

// txChanges is what one write transaction changed in the sales bucket.
type txChanges struct {
	tx      *bolt.Tx
	id      uint64
	changes []saleChange
	partial bool // some changes were not recorded (the column was not built then)
}

// maxPendingChanges bounds the changes the column holds for the next search; past it the column
// is dropped and the next search builds it again.
var maxPendingChanges = 200_000

// searchColumn is the Journal's search column (see above).
type searchColumn struct {
	mu      sync.Mutex
	txid    uint64        // the snapshot the entries are; 0: not built
	from    [16]byte      // the entries are every sale with a key >= from
	entries []searchEntry // by key
	done    map[uint64][]saleChange
	ndone   int
	cur     *txChanges // the write transaction running now (bbolt runs one at a time)
	builds  int        // times built (tests count them)
}

// begin records the changes of the write transaction tx from now on, until end; nil when the
// column is not built (nothing to keep current: a search builds it, and a column built while tx
// runs misses tx's id, so the search after it builds it again).
func (c *searchColumn) begin(tx *bolt.Tx) *txChanges {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.txid == 0 {
		return nil
	}
	c.cur = &txChanges{tx: tx, id: uint64(tx.ID())}
	return c.cur
}

func (c *searchColumn) end() {
	c.mu.Lock()
	c.cur = nil
	c.mu.Unlock()
}

// record notes a change made by tx; one made outside begin/end is not noted, and its
// transaction's id, missing from the hand-overs, makes the next search build the column again.
func (c *searchColumn) record(tx *bolt.Tx, ch saleChange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.cur == nil || c.cur.tx != tx:
	case c.txid == 0:
		c.cur.partial = true
	default:
		c.cur.changes = append(c.cur.changes, ch)
	}
}

// committed hands over the changes of a committed write transaction.
func (c *searchColumn) committed(d *txChanges) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.txid == 0 || d.id <= c.txid || d.partial {
		return // not built, its snapshot has them, or they are not all known
	}
	if c.done == nil {
		c.done = map[uint64][]saleChange{}
	}
	c.done[d.id] = d.changes
	c.ndone += len(d.changes) + 1
	if c.ndone > maxPendingChanges {
		c.drop()
	}
}

func (c *searchColumn) drop() {
	c.txid, c.entries, c.done, c.ndone = 0, nil, nil, 0
}

// at brings the column to the snapshot tx for a search of the sales with keys >= from: it
// applies the handed-over changes, or builds it again. Called with c.mu held.
func (c *searchColumn) at(tx *bolt.Tx, from []byte) error {
	snap := uint64(tx.ID())
	if c.txid != 0 && bytes.Compare(from, c.from[:]) >= 0 && c.txid <= snap {
		all := true
		for id := c.txid + 1; id <= snap && all; id++ {
			_, all = c.done[id]
		}
		if all {
			for id := c.txid + 1; id <= snap; id++ {
				c.apply(c.done[id])
				delete(c.done, id)
			}
			c.txid = snap
			return nil
		}
	}
	return c.build(tx, from)
}

// build reads the sales with keys >= from in the snapshot tx.
func (c *searchColumn) build(tx *bolt.Tx, from []byte) error {
	snap := uint64(tx.ID())
	c.txid, c.entries, c.ndone = 0, nil, 0
	for id, ch := range c.done { // later transactions' changes, handed over already, still count
		if id <= snap {
			delete(c.done, id)
		} else {
			c.ndone += len(ch) + 1
		}
	}
	// Counted first, then read into a slice of that size: a slice grown entry by entry copies
	// itself over and over, and that costs more than walking the keys twice.
	cur := tx.Bucket(bSales).Cursor()
	n := 0
	for k, _ := cur.Seek(from); k != nil; k, _ = cur.Next() {
		n++
	}
	entries := make([]searchEntry, 0, n)
	for k, v := cur.Seek(from); k != nil && len(entries) < n; k, v = cur.Next() {
		e, err := entryOf(tx, k, v)
		if err != nil {
			return fmt.Errorf("sale at %x: %w", k, err)
		}
		entries = append(entries, e)
	}
	c.entries, c.txid = entries, snap
	copy(c.from[:], from)
	c.builds++
	return nil
}

// apply makes one transaction's changes, in their order, on the entries.
func (c *searchColumn) apply(changes []saleChange) {
	var added []searchEntry
	for _, ch := range changes {
		if bytes.Compare(ch.entry.key[:], c.from[:]) < 0 {
			continue // older than the column holds
		}
		if i, ok := c.find(ch.entry.key); ok {
			if ch.del {
				c.entries = slices.Delete(c.entries, i, i+1)
			} else {
				c.entries[i] = ch.entry
			}
			continue
		}
		if i := slices.IndexFunc(added, func(e searchEntry) bool { return e.key == ch.entry.key }); i >= 0 {
			if ch.del {
				added = slices.Delete(added, i, i+1)
			} else {
				added[i] = ch.entry
			}
			continue
		}
		if !ch.del {
			added = append(added, ch.entry)
		}
	}
	if len(added) == 0 {
		return
	}
	slices.SortFunc(added, func(a, b searchEntry) int { return bytes.Compare(a.key[:], b.key[:]) })
	// Merge from the back: new sales are mostly the newest, so little moves.
	n := len(c.entries)
	c.entries = append(c.entries, added...)
	i, k := n-1, len(added)-1
	for w := len(c.entries) - 1; k >= 0; w-- {
		if i >= 0 && bytes.Compare(c.entries[i].key[:], added[k].key[:]) > 0 {
			c.entries[w] = c.entries[i]
			i--
		} else {
			c.entries[w] = added[k]
			k--
		}
	}
}

// find is the index of the entry with key k.
func (c *searchColumn) find(k [16]byte) (int, bool) {
	return slices.BinarySearchFunc(c.entries, k, func(e searchEntry, k [16]byte) int { return bytes.Compare(e.key[:], k[:]) })
}

// SearchSales returns up to limit sales newer than days days ago (7 when days <= 0) of exactly
// this amount (when amount > 0) or whose syssn or out_trade_no ends with tail (when tail is not
// empty), newest first, and, of any age, the sale whose whole syssn or out_trade_no is tail. It
// compares the window's search fields in the search column, newest first, and stops at limit.
func (j *Journal) SearchSales(amount int64, tail string, days, limit int) ([]SaleView, error) {
	if amount <= 0 && tail == "" || limit <= 0 {
		return nil, nil
	}
	from := j.windowStart(days)
	var out []SaleView
	err := j.view(func(tx *bolt.Tx) error {
		var keys [][]byte
		if tail != "" {
			for _, idx := range [][]byte{bSalesSysSN, bSalesOTN} {
				if k := tx.Bucket(idx).Get([]byte(tail)); k != nil {
					keys = append(keys, bytes.Clone(k))
				}
			}
		}
		found, err := j.matching(tx, from, amount, tail, limit)
		if err != nil {
			return err
		}
		out, err = newestViews(tx, append(keys, found...), limit)
		return err
	})
	return out, err
}

// windowStart is the first sale key of a window of days days (7 when days <= 0).
func (j *Journal) windowStart(days int) []byte {
	if days <= 0 {
		days = 7
	}
	return timeKey(j.now().AddDate(0, 0, -days), 0)
}

// PrepareSearch builds the search column for a window of days days (7 when days <= 0), so that
// the cashier's first search does not wait for it: the desk calls it in the background when it
// starts.
func (j *Journal) PrepareSearch(days int) error {
	from := j.windowStart(days)
	return j.view(func(tx *bolt.Tx) error {
		c := &j.search
		c.mu.Lock()
		defer c.mu.Unlock()
		err := c.at(tx, from)
		if err != nil {
			c.drop()
		}
		return err
	})
}

// matching returns the keys of up to limit sales with keys >= from that have the amount or a
// number ending with tail, newest first, from the search column brought to the snapshot tx.
func (j *Journal) matching(tx *bolt.Tx, from []byte, amount int64, tail string, limit int) ([][]byte, error) {
	c := &j.search
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.at(tx, from); err != nil {
		c.drop()
		return nil, err
	}
	lo, _ := slices.BinarySearchFunc(c.entries, from, func(e searchEntry, k []byte) int { return bytes.Compare(e.key[:], k) })
	sales := tx.Bucket(bSales)
	var keys [][]byte
	for i := len(c.entries) - 1; i >= lo && len(keys) < limit; i-- {
		e := &c.entries[i]
		ok, maybe := e.amount == amount && amount > 0, false
		if !ok && tail != "" {
			ok, maybe = tailMatches(e, tail)
		}
		if maybe { // the number is longer than the entry keeps: read the sale
			s, err := decodeSale(tx, sales.Get(e.key[:]))
			if err != nil {
				return nil, fmt.Errorf("sale at %x: %w", e.key, err)
			}
			ok = strings.HasSuffix(s.SysSN, tail) || s.OutTradeNo != "" && strings.HasSuffix(s.OutTradeNo, tail)
		}
		if ok {
			keys = append(keys, bytes.Clone(e.key[:]))
		}
	}
	return keys, nil
}

// tailMatches says whether one of the entry's numbers ends with tail (ok), or may (maybe: the
// entry keeps tailLen bytes, which tail ends with, and tail is longer).
func tailMatches(e *searchEntry, tail string) (ok, maybe bool) {
	for i := range e.tails {
		t := e.tail(i)
		switch {
		case len(tail) <= len(t):
			if string(t[len(t)-len(tail):]) == tail {
				return true, false
			}
		case len(t) == tailLen && strings.HasSuffix(tail, string(t)):
			maybe = true
		}
	}
	return false, maybe
}
