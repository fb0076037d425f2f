package storage

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// releaseEvery is how often a walk of the whole journal lets go of the mapped pages it has read.
const releaseEvery = 20 * time.Millisecond

// releasing lets go of the journal's mapped pages (releaseMapped) every releaseEvery while a walk
// of the whole file reads them through the read transaction tx, until the returned stop is
// called: a walk of a 1M-sale journal touches all its 400 MB, which would otherwise all count as
// the process's memory. It changes nothing the walk reads.
func releasing(tx *bolt.Tx) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(releaseEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				releaseMapped(tx)
				return
			case <-t.C:
				releaseMapped(tx)
			}
		}
	}()
	return func() { close(done); <-finished }
}
