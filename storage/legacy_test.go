package storage

import (
	"encoding/binary"
	"encoding/json"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The forms of audit event that qfpos before schema 11 wrote, made again here so that the tests
// can build trails as older journals hold them (the journal itself only reads them).

// legacyEvent is e as a qfpos of schema 5–10 stored it, in form: '{' (JSON, schemas 5–7),
// auditCompact or auditSale (schemas 8–10). e.Hash must be its legacy hash.
func legacyEvent(t testing.TB, e AuditEvent, form byte) []byte {
	t.Helper()
	switch form {
	case '{':
		e.Stored = nil
		v, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return v
	case auditSale:
		var s Sale
		if err := json.Unmarshal(e.Record, &s); err != nil {
			t.Fatal(err)
		}
		v := appendSale(append([]byte{auditSale}, binary.AppendVarint(nil, e.At.UnixNano())...), s)
		return append(v, mustHex(e.Hash)...)
	}
	v := appendParts(append([]byte{auditCompact}, binary.AppendVarint(nil, e.At.UnixNano())...), e.Kind, e.Subject, string(e.Record))
	return append(v, mustHex(e.Hash)...)
}

// makeTrailLegacy rewrites a closed journal's whole trail as older qfpos wrote it, chaining the
// legacy hashes again: the first third as JSON, the rest compact, sales in binary where their
// JSON allows it, and the schema set back to 10. Sequence numbers do not change, so the sales and
// reversals that point into the trail keep pointing right.
func makeTrailLegacy(t testing.TB, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		var events []AuditEvent
		if err := b.ForEach(func(k, v []byte) error {
			e, err := decodeAudit(k, v, "", hk)
			events = append(events, e)
			return err
		}); err != nil {
			return err
		}
		prev := ""
		for i, e := range events {
			e.Prev, e.Stored = prev, nil
			form := byte(auditCompact)
			if e.Kind == AuditKindSale {
				var s Sale
				_ = json.Unmarshal(e.Record, &s)
				if e.Record, err = legacySaleJSON(s); err != nil {
					return err
				}
				form = auditSale
			}
			if i < len(events)/3 {
				form = '{'
			}
			if e.Hash, err = legacyHash(e); err != nil {
				return err
			}
			if err := b.Put(idKey(e.Seq), legacyEvent(t, e, form)); err != nil {
				return err
			}
			prev = e.Hash
		}
		last := events[len(events)-1]
		if err := tx.Bucket(bMeta).Put(kAuditHead, append(binary.BigEndian.AppendUint64(nil, last.Seq), mustHex(prev)...)); err != nil {
			return err
		}
		return putVersion(tx, 10)
	}); err != nil {
		t.Fatal(err)
	}
}

// eventKey is the key of an event in the events bucket, where schemas 1–9 kept a reversal's
// events: the reversal's id and the event's sequence number.
func eventKey(id, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), id)
	return binary.BigEndian.AppendUint64(k, seq)
}
