package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// A damage verdict sticks. Whatever finds a journal damaged — journal check, the walk after an
// unclean shutdown, an audit check, a read that meets a bad page — leaves a marker beside it,
// PATH.damaged, naming the cause and the file's bytes (their SHA-256). Every later Open of those
// same bytes honours it: the journal can be read (reports, backups, the check itself), but nothing
// is written to it, so no refund or cancel is sent from it. Restoring a backup in its place
// replaces the bytes: the next Open walks the restored journal whole and, if it is sound, removes
// the marker.

// verdict is what the marker holds.
type verdict struct {
	Cause string    `json:"cause"`
	At    time.Time `json:"at"`
	File  string    `json:"file_sha256"` // the damaged file's bytes when the verdict was given
}

func (j *Journal) damagedPath() string { return j.path + ".damaged" }

// damage is a journal's verdict: its cause, once given.
type damage struct {
	mu    sync.Mutex // one marker written at a time
	cause atomic.Pointer[string]
}

// fileHash is the SHA-256 of the journal file's bytes.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// markDamaged gives the verdict: no more writes, no clean marker, and the marker beside the file
// (its first cause is kept while the file is the same).
func (j *Journal) markDamaged(cause string) {
	j.damage.mu.Lock()
	defer j.damage.mu.Unlock()
	j.broken.Store(true)
	_ = os.Remove(j.cleanPath())
	if v, ok := j.readVerdict(); ok && v.Cause != "" {
		j.damage.cause.Store(&v.Cause)
		return
	}
	j.damage.cause.Store(&cause)
	sum, err := fileHash(j.path)
	if err != nil {
		return
	}
	b, _ := json.Marshal(verdict{Cause: cause, At: j.now(), File: sum})
	_ = os.WriteFile(j.damagedPath(), append(b, '\n'), 0o600)
}

// readVerdict reads the marker, if there is one and it is about the file as it is now.
func (j *Journal) readVerdict() (verdict, bool) {
	var v verdict
	b, err := os.ReadFile(j.damagedPath())
	if err != nil {
		return v, false
	}
	if json.Unmarshal(b, &v) != nil || v.File == "" {
		v.Cause = "a damage marker that cannot be read"
		return v, true // a marker in doubt holds
	}
	sum, err := fileHash(j.path)
	return v, err == nil && sum == v.File
}

// honourVerdict, at Open, makes a journal that was found damaged refuse writes. A marker about
// other bytes (a backup restored in place) is stale: the journal is walked whole as after an
// unclean shutdown, and the marker goes once it is found sound.
func (j *Journal) honourVerdict() (stale bool) {
	if _, err := os.Stat(j.damagedPath()); errors.Is(err, os.ErrNotExist) {
		return false
	}
	if v, ok := j.readVerdict(); ok {
		j.broken.Store(true)
		j.damage.cause.Store(&v.Cause)
		return false
	}
	return true
}

// Damaged returns the verdict of a journal found damaged (by this process or, through the marker,
// an earlier one), or nil.
func (j *Journal) Damaged() error {
	if !j.broken.Load() {
		return nil
	}
	cause := "found damaged earlier"
	if c := j.damage.cause.Load(); c != nil {
		cause = *c
	}
	return &DamagedError{Path: j.path, Cause: cause}
}
