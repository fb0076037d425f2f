package storage

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by every error about a journal whose file is damaged: a page bbolt cannot
// read, or a value that does not decode. Once it has been seen, the journal refuses every write.
var ErrDamaged = errors.New("damaged")

// DamagedError names the damaged journal and what to do about it.
type DamagedError struct {
	Path  string
	Cause string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("journal %s is damaged (%s): nothing more is written to it; run qfpos journal check, then restore the latest backup", e.Path, e.Cause)
}

// Unwrap makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// guard turns a panic inside bbolt (a damaged page) and an undecodable value into one
// *DamagedError, and marks the journal broken.
func (j *Journal) guard(err *error) {
	if r := recover(); r != nil {
		j.markDamaged(fmt.Sprint(r))
		*err = &DamagedError{Path: j.path, Cause: fmt.Sprint(r)}
		return
	}
	var de *DamagedError
	if *err != nil && errors.Is(*err, ErrDamaged) && !errors.As(*err, &de) {
		j.markDamaged((*err).Error())
		*err = &DamagedError{Path: j.path, Cause: (*err).Error()}
	}
}

// view runs a read transaction, guarded.
func (j *Journal) view(fn func(*bolt.Tx) error) (err error) {
	defer j.guard(&err)
	defer panicOnFault()()
	return j.db.View(fn)
}

// update runs a write transaction, guarded; a journal found damaged takes no more writes.
func (j *Journal) update(fn func(*bolt.Tx) error) (err error) {
	if j.broken.Load() {
		return j.Damaged()
	}
	defer j.guard(&err)
	defer panicOnFault()()
	err = j.db.Update(func(tx *bolt.Tx) error {
		if d := j.search.begin(tx); d != nil {
			defer j.search.end()
			tx.OnCommit(func() { j.search.committed(d) })
		}
		return fn(tx)
	})
	if err == nil {
		j.writes.Add(1)
	}
	return err
}

// Version changes each time something is written to the journal through this Journal (this
// process's writes, and those of the commands it runs for others): a screen compares it to know
// whether to read again.
func (j *Journal) Version() uint64 { return j.writes.Load() }
