package storage

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped tells the kernel that the journal's mapped pages (read-only, shared with the file)
// are not needed now: they leave the process's resident memory and stay in the page cache, read
// again from there when next touched. It needs the read transaction tx held (bbolt does not move
// its mapping while one is open).
func releaseMapped(tx *bolt.Tx) {
	n := uintptr(tx.Size())
	if n == 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, tx.DB().Info().Data, n, syscall.MADV_DONTNEED)
}
