package storage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
}

// ErrDayClosed refuses a second close of a day.
var ErrDayClosed = errors.New("already closed")

var bDayCloses = []byte("day_closes")

// CloseDay writes the close of a day once: report is the day's report as it stands.
func (j *Journal) CloseDay(day, by string, report any) (DayClose, error) {
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
