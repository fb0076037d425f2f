//go:build !linux

package storage

import bolt "go.etcd.io/bbolt"

// releaseMapped does nothing here: only Linux's resident memory is kept small during a walk.
func releaseMapped(*bolt.Tx) {}
