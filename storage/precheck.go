package storage

import (
	"fmt"
	"os"
)

// bbolt's file layout, as far as the check below needs it: two meta pages at the start, each a
// 16-byte page header followed by magic, version, page size, flags, root (16), freelist, pgid
// (pages in use), txid and an FNV-64a checksum of the preceding 56 bytes.
const (
	boltMagic     = 0xED0CDAED
	pageHeaderLen = 16
	metaLen       = 64
)

// checkLength refuses a bbolt file shorter than its own meta page says it is. Opening such a
// file would map pages beyond its end, which ends the process (SIGBUS) rather than returning
// an error. Files that are not bbolt files are left for bbolt to refuse.
func checkLength(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // bbolt reports it
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	var best boltMeta
	found := false
	metas, _ := readMetas(f)
	for _, m := range metas {
		if !found || m.txid > best.txid {
			best, found = m, true
		}
	}
	if found && best.pgid*best.pageSize > uint64(st.Size()) {
		return fmt.Errorf("journal %s is damaged: it is %d bytes but needs %d (truncated?); move it away or pass another --journal",
			path, st.Size(), best.pgid*best.pageSize)
	}
	return nil
}
