package storage

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Day closes (schema 7): a numbered record per day, written once, of the day's report as it stood
// and of the audit trail's head at that moment; the close is itself on the audit trail.

// DayClose is one day's close (the Z report).
type DayClose struct {
	Number    uint64          `json:"number"` // 1, 2, 3… in the order days were closed
	Day       string          `json:"day"`    // YYYY-MM-DD in the terminal's zone
	ClosedAt  time.Time       `json:"closed_at"`
	ClosedBy  string          `json:"closed_by,omitempty"`
	Previous  uint64          `json:"previous,omitempty"` // the close before this one
	AuditSeq  uint64          `json:"audit_seq"`          // the audit trail's last event at closing
	AuditHead string          `json:"audit_head"`         // and its hash
	Report    json.RawMessage `json:"report"`             // the day's report as it stood
	// Signature is an Ed25519 signature of the close (all the fields above, as JSON) by the key of
	// [audit] signing_key_file, and PublicKey the key that verifies it (hex); empty when unsigned.
	Signature string `json:"signature,omitempty"`
	PublicKey string `json:"public_key,omitempty"`
}

// signedPart is what a close's signature covers.
func (dc DayClose) signedPart() ([]byte, error) {
	dc.Signature, dc.PublicKey = "", ""
	return json.Marshal(dc)
}

// VerifySignature checks a signed close (true for an unsigned one: there is nothing to check).
func (dc DayClose) VerifySignature() bool {
	if dc.Signature == "" {
		return true
	}
	pub, err1 := hex.DecodeString(dc.PublicKey)
	sig, err2 := hex.DecodeString(dc.Signature)
	msg, err3 := dc.signedPart()
	return err1 == nil && err2 == nil && err3 == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}

// ErrDayClosed refuses a second close of a day.
var ErrDayClosed = errors.New("already closed")

var bDayCloses = []byte("day_closes")

// CloseDay writes the close of a day once: report is the day's report as it stands; key, when
// not nil, signs it.
func (j *Journal) CloseDay(day, by string, report any, key ed25519.PrivateKey) (DayClose, error) {
	raw, err := json.Marshal(report)
	if err != nil {
		return DayClose{}, err
	}
	var dc DayClose
	err = j.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDayCloses)
		if v := b.Get([]byte(day)); v != nil {
			var old DayClose
			_ = json.Unmarshal(v, &old)
			return fmt.Errorf("day %s is %w as close #%d", day, ErrDayClosed, old.Number)
		}
		// A close gone from the bucket is still on the trail: the day stays closed.
		onTrail, err := j.closesOnTrail(tx)
		if err != nil {
			return err
		}
		if rec, ok := onTrail[day]; ok {
			var old DayClose
			_ = json.Unmarshal(rec, &old)
			return fmt.Errorf("day %s is %w as close #%d (on the audit trail, though gone from the journal: run qfpos audit verify)", day, ErrDayClosed, old.Number)
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		dc = DayClose{Number: n, Day: day, ClosedAt: j.now(), ClosedBy: by, Report: raw}
		if n > 1 {
			dc.Previous = n - 1
		}
		if head := tx.Bucket(bMeta).Get(kAuditHead); len(head) == 8+sha256.Size {
			dc.AuditSeq, dc.AuditHead = binary.BigEndian.Uint64(head[:8]), hex.EncodeToString(head[8:])
		}
		if key != nil {
			msg, err := dc.signedPart()
			if err != nil {
				return err
			}
			dc.Signature = hex.EncodeToString(ed25519.Sign(key, msg))
			dc.PublicKey = hex.EncodeToString(key.Public().(ed25519.PublicKey))
		}
		v, err := json.Marshal(dc)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(day), v); err != nil {
			return err
		}
		return appendAudit(tx, dc.ClosedAt, AuditKindDayClose, day, dc)
	})
	return dc, err
}

// DayClosed returns a day's close, if it was closed.
func (j *Journal) DayClosed(day string) (DayClose, bool, error) {
	var dc DayClose
	var ok bool
	err := j.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bDayCloses).Get([]byte(day))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &dc)
	})
	return dc, ok, err
}

// closesOnTrail lists the day closes the audit trail recorded, by day: the record each event
// holds.
func (j *Journal) closesOnTrail(tx *bolt.Tx) (map[string][]byte, error) {
	all, err := j.latestOnTrail(tx, nil, AuditKindDayClose)
	return all[AuditKindDayClose], err
}

// latestOnTrail is the latest record the audit trail holds of each subject of some kinds (kind →
// subject → record), among the records keep accepts (nil: all); a subject none of whose records
// keep accepts is there with a nil record. Only the kind of the other events is read.
func (j *Journal) latestOnTrail(tx *bolt.Tx, keep func(record []byte) bool, kinds ...string) (map[string]map[string][]byte, error) {
	out := map[string]map[string][]byte{}
	for _, k := range kinds {
		out[k] = map[string][]byte{}
	}
	b := tx.Bucket(bAudit)
	if b == nil {
		return out, nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if kind, ok := auditKindOf(v); ok && out[kind] == nil {
			continue
		}
		e, err := decodeAudit(k, v, "", j.loc)
		if err != nil {
			return nil, fmt.Errorf("audit event at %x: %w", k, err)
		}
		m := out[e.Kind]
		if _, seen := m[e.Subject]; m != nil && (keep == nil || keep(e.Record)) {
			m[e.Subject] = e.Record
		} else if m != nil && !seen {
			m[e.Subject] = nil
		}
	}
	return out, nil
}

// DayCloseCheck is what VerifyDayCloses found.
type DayCloseCheck struct {
	Closes, Signed int
	Problems       []string
}

// VerifyDayCloses checks the closes both ways: each stored close is the one its audit event
// recorded, with a signature that verifies, and each close on the audit trail is still stored.
func (j *Journal) VerifyDayCloses() (DayCloseCheck, error) {
	var res DayCloseCheck
	err := j.view(func(tx *bolt.Tx) error {
		var err error
		res, err = j.verifyDayClosesTx(tx)
		return err
	})
	if err == nil && len(res.Problems) > 0 {
		j.markDamaged(res.Problems[0])
	}
	return res, err
}

func (j *Journal) verifyDayClosesTx(tx *bolt.Tx) (DayCloseCheck, error) {
	var res DayCloseCheck
	recorded, err := j.closesOnTrail(tx)
	if err != nil {
		return res, err
	}
	stored := tx.Bucket(bDayCloses)
	if stored == nil {
		return res, nil
	}
	err = stored.ForEach(func(k, v []byte) error {
		res.Closes++
		var dc DayClose
		if err := json.Unmarshal(v, &dc); err != nil {
			res.Problems = append(res.Problems, fmt.Sprintf("the close of %s cannot be read", k))
			return nil
		}
		if dc.Signature != "" {
			res.Signed++
		}
		switch rec, ok := recorded[string(k)]; {
		case !dc.VerifySignature():
			res.Problems = append(res.Problems, fmt.Sprintf("close #%d of %s: its signature does not verify", dc.Number, dc.Day))
		case !ok:
			res.Problems = append(res.Problems, fmt.Sprintf("close #%d of %s: the audit trail has no record of it", dc.Number, dc.Day))
		case !bytes.Equal(rec, v):
			res.Problems = append(res.Problems, fmt.Sprintf("close #%d of %s: it is not the close the audit trail recorded", dc.Number, dc.Day))
		}
		return nil
	})
	for _, day := range slices.Sorted(maps.Keys(recorded)) {
		if stored.Get([]byte(day)) == nil {
			var dc DayClose
			_ = json.Unmarshal(recorded[day], &dc)
			res.Problems = append(res.Problems, fmt.Sprintf("close #%d of %s is on the audit trail but gone from the journal", dc.Number, day))
		}
	}
	return res, err
}
