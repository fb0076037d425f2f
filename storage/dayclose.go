package storage

import (
	"cmp"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// DayCloses lists every close, in the order they were written.
func (j *Journal) DayCloses() ([]DayClose, error) {
	var out []DayClose
	err := j.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bDayCloses).ForEach(func(k, v []byte) error {
			var dc DayClose
			if err := json.Unmarshal(v, &dc); err != nil {
				return fmt.Errorf("close of %s: %w", k, err)
			}
			out = append(out, dc)
			return nil
		})
	})
	slices.SortFunc(out, func(a, b DayClose) int { return cmp.Compare(a.Number, b.Number) })
	return out, err
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
