// Package storagetest damages journal files for the tests of every package that must survive a
// damaged journal.
package storagetest

import (
	"math/rand/v2"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Damage flips 512 bytes inside every leaf page of a closed journal (or only the n-th when n >= 0)
// and returns how many pages it damaged.
func Damage(t testing.TB, path string, n int, seed uint64) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	var leaves []int
	var pageSize int
	if err := db.View(func(tx *bolt.Tx) error {
		pageSize = db.Info().PageSize
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == "leaf" {
				leaves = append(leaves, id)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n >= 0 {
		leaves = leaves[n%len(leaves) : n%len(leaves)+1]
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(seed, 7))
	junk := make([]byte, 512)
	for _, id := range leaves {
		for i := range junk {
			junk[i] = byte(rng.IntN(256))
		}
		if _, err := f.WriteAt(junk, int64(id*pageSize+16)); err != nil {
			t.Fatal(err)
		}
	}
	return len(leaves)
}
