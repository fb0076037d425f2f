package storage

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
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
	var best struct{ txid, pgid, pageSize uint64 }
	found := false
	pageSize := int64(0)
	for i := range 2 {
		buf := make([]byte, metaLen)
		off := int64(pageHeaderLen)
		if i == 1 {
			if pageSize == 0 {
				break
			}
			off += pageSize
		}
		if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
			continue
		}
		le := binary.LittleEndian
		if le.Uint32(buf[0:]) != boltMagic {
			continue
		}
		h := fnv.New64a()
		h.Write(buf[:56])
		if h.Sum64() != le.Uint64(buf[56:]) {
			continue
		}
		ps, pgid, txid := uint64(le.Uint32(buf[8:])), le.Uint64(buf[40:]), le.Uint64(buf[48:])
		if i == 0 {
			pageSize = int64(ps)
		}
		if !found || txid > best.txid {
			best.txid, best.pgid, best.pageSize, found = txid, pgid, ps, true
		}
	}
	if found && best.pgid*best.pageSize > uint64(st.Size()) {
		return fmt.Errorf("journal %s is damaged: it is %d bytes but needs %d (truncated?); move it away or pass another --journal",
			path, st.Size(), best.pgid*best.pageSize)
	}
	return nil
}
