package storage

import (
	"bytes"
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

// TestAuditStoredCompact: events are stored compact (the sequence number and the previous hash
// are not stored again), far smaller than JSON; a trail whose older events are JSON, as a qfpos
// before schema 8 wrote them, verifies and reads the same, with the new events after them.
func TestAuditStoredCompact(t *testing.T) {
	path, n := auditJournal(t)
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	var before []AuditEvent
	_ = j.AuditEvents(0, func(e AuditEvent) error { before = append(before, e); return nil })
	j.Close()
	if uint64(len(before)) != n {
		t.Fatalf("%d events, want %d", len(before), n)
	}
	// The first three as the JSON of schema 7.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		for _, e := range before[:3] {
			v, _ := json.Marshal(e)
			if compact := b.Get(idKey(e.Seq)); len(compact) > len(v)-100 {
				t.Errorf("event %d: %d bytes stored, %d as JSON", e.Seq, len(compact), len(v))
			}
			if err := b.Put(idKey(e.Seq), v); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	db.Close()
	clk := newClock()
	clk.advance(time.Hour)
	j, err = Open(path, WithLocation(hk), WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	mustPut(t, j, sale(9, 2000, clk.t))
	var after []AuditEvent
	_ = j.AuditEvents(0, func(e AuditEvent) error { after = append(after, e); return nil })
	if len(after) != len(before)+1 {
		t.Fatalf("%d events after one more sale, were %d", len(after), len(before))
	}
	for i, e := range before {
		a := after[i]
		if a.Seq != e.Seq || !a.At.Equal(e.At) || a.Kind != e.Kind || a.Subject != e.Subject || !bytes.Equal(a.Record, e.Record) || a.Prev != e.Prev || a.Hash != e.Hash {
			t.Errorf("event %d reads %+v, was %+v", e.Seq, a, e)
		}
	}
	if last := after[len(after)-1]; last.Prev != before[len(before)-1].Hash {
		t.Fatal("the new event does not follow the last one")
	}
	if res, err := j.VerifyAudit(); err != nil || !res.OK() || res.Events != n+1 {
		t.Fatalf("%v %v", res, err)
	}
	if res, err := j.VerifyAuditTail(2); err != nil || !res.OK() {
		t.Fatalf("tail: %v %v", res, err)
	}
	var since []AuditEvent
	_ = j.AuditEvents(5, func(e AuditEvent) error { since = append(since, e); return nil })
	if len(since) == 0 || since[0].Seq != 5 || since[0].Prev != before[3].Hash {
		t.Fatalf("from 5: %+v", since[:min(1, len(since))])
	}
}

// FuzzDecodeAudit: whatever bytes an audit event holds, decoding says what is wrong and never
// panics; a compact event decodes to what was encoded.
func FuzzDecodeAudit(f *testing.F) {
	e := AuditEvent{Seq: 7, At: time.Unix(0, 1_763_700_000_123_456_789).In(hk), Kind: AuditKindSale, Subject: "2026112100010002",
		Record: json.RawMessage(`{"syssn":"2026112100010002","txamt":1250}`), Prev: "ab", Hash: strings.Repeat("cd", 32)}
	v, err := encodeAudit(e, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	sale := AuditEvent{Seq: 7, At: e.At, Kind: AuditKindSale, Subject: "S1", Hash: e.Hash,
		Record: json.RawMessage(`{"syssn":"S1","out_trade_no":"","txamt":1250,"txcurrcd":"HKD","pay_type":"800208","txdtm":"","time":"2026-11-21T15:04:05+08:00","respcd":"0000","source":""}`)}
	if v, err := encodeAudit(sale, nil); err != nil || v[0] != auditSale {
		f.Fatalf("%v", err)
	} else {
		f.Add(v)
	}
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte{auditCompact})
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := decodeAudit(idKey(7), v, "ab", hk)
		if err != nil || v[0] == '{' {
			return
		}
		again, err := encodeAudit(got, nil)
		if err != nil || !bytes.Equal(again, v) {
			// Only a canonical encoding round-trips; anything else must still have decoded sanely.
			if got.Seq != 7 || len(got.Hash) != 64 {
				t.Fatalf("%+v", got)
			}
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
