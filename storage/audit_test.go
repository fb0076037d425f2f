package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// auditJournal writes a few sales, a refund with its steps and a QFPay record, closes the journal
// and returns its path.
func auditJournal(t *testing.T) (string, uint64) {
	t.Helper()
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	for i := range 3 {
		mustPut(t, j, sale(i, 1000, clk.t.Add(-time.Duration(i)*time.Hour)))
	}
	r, err := j.CreateAndSend(refundIntent(sale(0, 0, clk.t), "RF_A", 500), Change{State: StateSent, Attempt: true, Event: Event{Type: EventSent}})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Second)
	if _, err := j.Transition(r.ID, Change{State: StateSucceeded, RespCD: "0000", SysSN: "R1", Event: Event{Type: EventReply, Code: "0000"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.UpdateRemote(sale(1, 0, clk.t).SysSN, RemoteUpdate{Cancel: CancelPartlyRefunded, Checked: clk.t}); err != nil {
		t.Fatal(err)
	}
	res, err := j.VerifyAudit()
	if err != nil || !res.OK() {
		t.Fatalf("%v %v", res, err)
	}
	j.Close()
	return path, res.Events
}

// dropFromTrail takes an audit event out of the trail of the reversal whose history it holds, as
// someone who deletes the event and covers the tracks would; left there, the journal's check
// finds the event missing (TestReversalEventsInTheTrail).
func dropFromTrail(tx *bolt.Tx, seq uint64) {
	b := tx.Bucket(bReversals)
	var rewrite []Reversal
	_ = b.ForEach(func(k, v []byte) error {
		r, _ := decodeReversal(v)
		if i := slices.Index(r.Trail, seq); i >= 0 {
			r.Trail = slices.Delete(slices.Clone(r.Trail), i, i+1)
			rewrite = append(rewrite, r)
		}
		return nil
	})
	for _, r := range rewrite {
		_ = putReversal(tx, r)
	}
}

// TestAuditChain: every change is chained (3 sales, the intent and "sent", the outcome, QFPay's
// record), the chain verifies, and export gives the events in order.
func TestAuditChain(t *testing.T) {
	path, n := auditJournal(t)
	if n != 7 {
		t.Fatalf("%d audit events, want 7", n)
	}
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var kinds []string
	var last uint64
	if err := j.AuditEvents(5, func(e AuditEvent) error {
		if e.Seq != last+1 && last != 0 {
			t.Errorf("export out of order at %d", e.Seq)
		}
		last = e.Seq
		kinds = append(kinds, e.Kind)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 3 || kinds[0] != AuditKindEvent || kinds[2] != AuditKindRecord {
		t.Fatalf("events from 5: %v", kinds)
	}
	if res, _ := j.VerifyAudit(); res.String() == "" || !res.OK() || len(res.Head) != 64 {
		t.Fatalf("%v", res)
	}
}

// TestAuditTampering: one byte changed, an event deleted, two swapped, the last one removed —
// each is found at the first bad sequence number.
func TestAuditTampering(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(b *bolt.Bucket)
		at     uint64
	}{
		{"one byte", func(b *bolt.Bucket) {
			v := bytes.Clone(b.Get(idKey(3)))
			v[len(v)/2] ^= 0x01 // within the sale it records
			_ = b.Put(idKey(3), v)
		}, 3},
		{"deleted", func(b *bolt.Bucket) { _ = b.Delete(idKey(4)); dropFromTrail(b.Tx(), 4) }, 4},
		{"swapped", func(b *bolt.Bucket) { // two of the refund's events (a sale's would also damage the sale, held there)
			v4, v6 := bytes.Clone(b.Get(idKey(4))), bytes.Clone(b.Get(idKey(6)))
			_ = b.Put(idKey(4), v6)
			_ = b.Put(idKey(6), v4)
		}, 4},
		{"last removed", func(b *bolt.Bucket) { _ = b.Delete(idKey(7)) }, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			path, _ := auditJournal(t)
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error { c.tamper(tx.Bucket(bAudit)); return nil }); err != nil {
				t.Fatal(err)
			}
			db.Close()
			// The walk after an unclean shutdown verifies the trail: the journal is refused.
			if _, err := Open(path, WithLocation(hk)); !errors.Is(err, ErrDamaged) {
				t.Fatalf("opened a journal whose trail is broken: %v", err)
			}
			j, err := Open(path, WithLocation(hk), Inspect())
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			res, err := j.VerifyAudit()
			if err != nil || res.OK() || res.BrokenAt != c.at {
				t.Fatalf("%v (want broken at %d) %v", res, c.at, err)
			}
		})
	}
}

func TestAuditTail(t *testing.T) {
	path, n := auditJournal(t)
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := j.VerifyAuditTail(3); err != nil || !res.OK() || res.Events != n {
		t.Fatalf("%v %v", res, err)
	}
	j.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	_ = db.Update(func(tx *bolt.Tx) error { dropFromTrail(tx, 6); return tx.Bucket(bAudit).Delete(idKey(6)) })
	db.Close()
	j, err = Open(path, WithLocation(hk), Inspect())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if res, _ := j.VerifyAuditTail(3); res.OK() || res.BrokenAt != 6 {
		t.Fatalf("tail after a deletion: %v", res)
	}
}

// TestMixedTrail: a trail as older qfpos wrote it (JSON events, then compact ones, sales in
// binary, each hashed by the legacy rule) verifies and reads the same after the upgrade to schema
// 11, and new events (hashed over the bytes stored) follow it; new events are far smaller than JSON.
func TestMixedTrail(t *testing.T) {
	path, n := auditJournal(t)
	makeTrailLegacy(t, path)
	clk := newClock()
	clk.advance(time.Hour)
	j, err := Open(path, WithLocation(hk), WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var before []AuditEvent
	_ = j.AuditEvents(0, func(e AuditEvent) error { before = append(before, e); return nil })
	// The legacy events, then the migration's own (schema 10 to 11), in today's form.
	if uint64(len(before)) != n+1 || before[0].Stored != nil || before[n-1].Stored != nil ||
		before[n].Kind != AuditKindSchema || before[n].Stored == nil {
		t.Fatalf("%d events (want %d and the migration's), legacy: %v", len(before), n, before[0].Stored == nil)
	}
	n++
	if res, err := j.VerifyAudit(); err != nil || !res.OK() || res.Events != n {
		t.Fatalf("the legacy trail: %v %v", res, err)
	}
	if h := j.Verify(); !h.OK() || h.Sales != 3 {
		t.Fatalf("%s", h)
	}
	s := sale(9, 2000, clk.t)
	mustPut(t, j, s)
	var after []AuditEvent
	_ = j.AuditEvents(0, func(e AuditEvent) error { after = append(after, e); return nil })
	last := after[len(after)-1]
	if len(after) != len(before)+1 || last.Prev != before[len(before)-1].Hash || last.Stored == nil || last.Stored[0] != auditSaleStored {
		t.Fatalf("the new event: %+v", last)
	}
	if res, err := j.VerifyAudit(); err != nil || !res.OK() || res.Events != n+1 {
		t.Fatalf("%v %v", res, err)
	}
	if res, err := j.VerifyAuditTail(2); err != nil || !res.OK() {
		t.Fatalf("tail: %v %v", res, err)
	}
	if got, _, _ := j.Sale(s.SysSN); got.Amount != 2000 {
		t.Fatalf("the new sale reads %+v", got)
	}
	for i := range 3 {
		if got, ok, err := j.Sale(sale(i, 0, clk.t).SysSN); err != nil || !ok || got.Amount != 1000 {
			t.Fatalf("a legacy sale reads %+v %v %v", got, ok, err)
		}
	}
	var since []AuditEvent
	_ = j.AuditEvents(5, func(e AuditEvent) error { since = append(since, e); return nil })
	if len(since) == 0 || since[0].Seq != 5 || since[0].Prev != before[3].Hash {
		t.Fatalf("from 5: %+v", since[:min(1, len(since))])
	}
	raw, _ := json.Marshal(before[0])
	if len(last.Stored) > len(raw)-100 {
		t.Errorf("a new sale event takes %d bytes, a JSON one %d", len(last.Stored), len(raw))
	}
}

// FuzzDecodeAudit: whatever bytes an audit event holds, decoding says what is wrong and never
// panics; an event of schema 11 decodes to the bytes it was stored as.
func FuzzDecodeAudit(f *testing.F) {
	at := binary.AppendVarint(nil, 1_763_700_000_123_456_789)
	generic := appendParts(append([]byte{auditStored}, at...), AuditKindStaff, "amy", `{"action":"signed in"}`)
	f.Add(append(generic, make([]byte, 32)...))
	s := Sale{SysSN: "S1", Amount: 1250, Currency: "HKD", PayType: "800208", RespCD: "0000", Time: time.Unix(1_763_700_000, 0).In(hk)}
	f.Add(append(appendSale(append([]byte{auditSaleStored}, at...), s), make([]byte, 32)...))
	legacy := appendSale(append([]byte{auditSale}, at...), s)
	f.Add(append(legacy, make([]byte, 32)...))
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte{auditCompact})
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := decodeAudit(idKey(7), v, "ab", hk)
		if err != nil || v[0] == '{' {
			return
		}
		if got.Seq != 7 || len(got.Hash) != 64 {
			t.Fatalf("%+v", got)
		}
		if got.Stored != nil && !bytes.Equal(append(bytes.Clone(got.Stored), mustHex(got.Hash)...), v) {
			t.Fatalf("stored bytes %x are not the event's %x", got.Stored, v)
		}
	})
}

// TestSaleHeldByTheTrail: a sale is stored once, in the audit event that recorded it (the sales
// bucket points to it and keeps what a search compares); a sale stored as JSON, as before schema
// 8, reads and is found alike; a reference that disagrees with its event, or a sale whose event is
// gone, is damage that the journal's check names.
func TestSaleHeldByTheTrail(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openFile(t, path, clk)
	a, b := sale(1, 1250, clk.t), sale(2, 4500, clk.t.Add(-time.Hour))
	mustPut(t, j, a)
	mustPut(t, j, b)
	var keyA, keyB []byte
	_ = j.view(func(tx *bolt.Tx) error {
		keyA = bytes.Clone(tx.Bucket(bSalesSysSN).Get([]byte(a.SysSN)))
		keyB = bytes.Clone(tx.Bucket(bSalesSysSN).Get([]byte(b.SysSN)))
		if r, ok := parseSaleRef(tx.Bucket(bSales).Get(keyA)); !ok || r.audit != 1 || !r.agrees(a) {
			t.Errorf("sale stored as %q", tx.Bucket(bSales).Get(keyA))
		}
		return nil
	})
	j.Close()
	// Sale b as a qfpos before schema 8 stored it.
	tamperFile(t, path, func(tx *bolt.Tx) error {
		old, err := decodeSale(tx, tx.Bucket(bSales).Get(keyB))
		if err != nil {
			return err
		}
		v, _ := json.Marshal(old)
		return tx.Bucket(bSales).Put(keyB, v)
	})
	j = openFile(t, path, clk) // checked whole: it was not closed by qfpos
	if v, ok, err := j.Sale(b.SysSN); err != nil || !ok || v.Amount != 4500 || v.TxDtm != b.TxDtm || v.Time.IsZero() {
		t.Fatalf("the JSON sale: %+v %v %v", v, ok, err)
	}
	if got, err := j.SearchSales(4500, "", 7, 10); err != nil || len(got) != 1 || got[0].SysSN != b.SysSN {
		t.Fatalf("the JSON sale by amount: %+v %v", got, err)
	}
	if got, err := j.SearchSales(0, b.SysSN[len(b.SysSN)-10:], 7, 10); err != nil || len(got) != 1 || got[0].SysSN != b.SysSN {
		t.Fatalf("the JSON sale by its last 10 digits: %+v %v", got, err)
	}
	j.Close()
	// Sale a's reference says another amount than its audit event: damage, named.
	tamperFile(t, path, func(tx *bolt.Tx) error {
		other := a
		other.Amount = 9999
		return tx.Bucket(bSales).Put(keyA, newSaleRef(1, other))
	})
	if _, err := Open(path, WithClock(clk.now), WithLocation(hk)); !errors.Is(err, ErrDamaged) ||
		!strings.Contains(err.Error(), "differ from those of audit event 1") {
		t.Fatalf("a reference that disagrees with its event: %v", err)
	}
	tamperFile(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bSales).Put(keyA, newSaleRef(1, a)) })
	// Sale a's audit event removed: the journal is damaged, and the check says where.
	tamperFile(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(idKey(1)) })
	if _, err := Open(path, WithClock(clk.now), WithLocation(hk)); !errors.Is(err, ErrDamaged) ||
		!strings.Contains(err.Error(), "the audit event 1 that holds a sale is missing or damaged") {
		t.Fatalf("a sale without its event: %v", err)
	}
}
