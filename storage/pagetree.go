package storage

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt trusts its file: a damaged branch page that points back up its own tree makes a cursor
// loop for ever (and bbolt's own check recurse until the stack overflows), and an element whose
// offsets point outside its page reads other memory. Before a walk uses bbolt's cursors,
// checkPageTree follows the tree itself, reading the file: every page reached once, within the
// file, branch or leaf, its elements within it, the nesting not deeper than any real journal's.

// Page layout (bbolt's common package): a 16-byte header — id (8), flags (2), count (2),
// overflow (4) — then count elements of 16 bytes. A branch element is pos (4), ksize (4),
// pgid (8); a leaf element is flags (4), pos (4), ksize (4), vsize (4); pos counts from the
// element itself. A bucket's value is its root pgid (8) and sequence (8), followed by the bucket's
// page itself when the root is 0 (an inline bucket).
const (
	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	bucketLeafFlag = 0x01
	elementLen     = 16
	maxTreeDepth   = 64
)

// pageTree is one walk over the page tree of the meta of one transaction.
type pageTree struct {
	f        *os.File
	pageSize uint64
	pages    uint64 // the meta's high-water mark: page ids must stay below it
	seen     map[uint64]bool
	bufs     [][]byte // a page's bytes, by depth
}

// checkPageTree follows the page tree of the meta whose transaction id is txid (the caller holds
// that read transaction, so none of its pages is rewritten meanwhile).
func checkPageTree(path string, txid uint64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	metas, pageSize := readMetas(f)
	for _, m := range metas {
		if m.txid != txid {
			continue
		}
		t := pageTree{f: f, pageSize: pageSize, pages: m.pgid, seen: map[uint64]bool{}}
		return t.walk(m.root, 0)
	}
	return fmt.Errorf("no meta page of transaction %d", txid)
}

// boltMeta is what checkLength and checkPageTree read of a meta page.
type boltMeta struct {
	txid, pgid, pageSize, root uint64
}

// readMetas reads the two meta pages and returns the valid ones (magic and checksum right) and
// the page size.
func readMetas(f *os.File) ([]boltMeta, uint64) {
	var out []boltMeta
	var pageSize int64
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
		if le.Uint32(buf[0:]) != boltMagic || !metaChecksumOK(buf) {
			continue
		}
		m := boltMeta{pageSize: uint64(le.Uint32(buf[8:])), root: le.Uint64(buf[16:]), pgid: le.Uint64(buf[40:]), txid: le.Uint64(buf[48:])}
		if i == 0 {
			pageSize = int64(m.pageSize)
		}
		out = append(out, m)
	}
	return out, uint64(pageSize)
}

func (t *pageTree) walk(pgid uint64, depth int) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: the tree is deeper than %d pages", pgid, maxTreeDepth)
	}
	if pgid < 2 || pgid >= t.pages {
		return fmt.Errorf("a page points to page %d, outside the file's %d pages", pgid, t.pages)
	}
	if t.seen[pgid] {
		return fmt.Errorf("page %d is reached twice (the tree loops or shares a page)", pgid)
	}
	// One read of the page, and a second only for a page with overflow pages, into a buffer of
	// its depth (a page's elements are followed before the next page of its depth is read).
	for len(t.bufs) <= depth {
		t.bufs = append(t.bufs, make([]byte, t.pageSize))
	}
	head := t.bufs[depth]
	if _, err := t.f.ReadAt(head, int64(pgid*t.pageSize)); err != nil {
		return fmt.Errorf("page %d: %v", pgid, err)
	}
	le := binary.LittleEndian
	overflow := uint64(le.Uint32(head[12:]))
	if le.Uint64(head) != pgid || pgid+overflow >= t.pages {
		return fmt.Errorf("page %d: its header says page %d with %d overflow pages", pgid, le.Uint64(head), overflow)
	}
	for p := pgid; p <= pgid+overflow; p++ {
		if t.seen[p] {
			return fmt.Errorf("page %d is reached twice (the tree loops or shares a page)", p)
		}
		t.seen[p] = true
	}
	page := head
	if overflow > 0 {
		page = make([]byte, (overflow+1)*t.pageSize)
		if _, err := t.f.ReadAt(page, int64(pgid*t.pageSize)); err != nil {
			return fmt.Errorf("page %d: %v", pgid, err)
		}
	}
	return t.page(pgid, page, depth)
}

// page checks one page's elements (page is its bytes, an inline bucket's too) and follows them.
func (t *pageTree) page(pgid uint64, page []byte, depth int) error {
	le := binary.LittleEndian
	if len(page) < pageHeaderLen {
		return fmt.Errorf("page %d is shorter than its header", pgid)
	}
	flags, count := le.Uint16(page[8:]), int(le.Uint16(page[10:]))
	if pageHeaderLen+count*elementLen > len(page) {
		return fmt.Errorf("page %d: %d elements do not fit in it", pgid, count)
	}
	if flags&(branchPageFlag|leafPageFlag) == 0 { // bbolt would take it for a branch, and loop
		return fmt.Errorf("page %d is neither a branch nor a leaf page (flags %#x)", pgid, flags)
	}
	if flags&leafPageFlag == 0 && count == 0 { // bbolt takes a page that is not a leaf for a branch
		return fmt.Errorf("page %d: a branch page without elements", pgid)
	}
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: buckets nested deeper than %d", pgid, maxTreeDepth)
	}
	for i := range count {
		at := pageHeaderLen + i*elementLen
		e := page[at : at+elementLen]
		switch {
		case flags&leafPageFlag == 0: // a branch, as bbolt reads it
			pos, ksize := int(le.Uint32(e[0:])), int(le.Uint32(e[4:]))
			if at+pos+ksize > len(page) || pos < 0 {
				return fmt.Errorf("page %d: element %d points outside the page", pgid, i)
			}
			if err := t.walk(le.Uint64(e[8:]), depth+1); err != nil {
				return err
			}
		default:
			eflags, pos, ksize, vsize := le.Uint32(e[0:]), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			end := at + pos + ksize + vsize
			if pos < 0 || ksize < 0 || vsize < 0 || end > len(page) || end < at {
				return fmt.Errorf("page %d: element %d points outside the page", pgid, i)
			}
			if eflags&bucketLeafFlag == 0 {
				continue
			}
			value := page[at+pos+ksize : end]
			if len(value) < 16 {
				return fmt.Errorf("page %d: element %d is a bucket too short for its header", pgid, i)
			}
			if root := le.Uint64(value); root != 0 {
				if err := t.walk(root, depth+1); err != nil {
					return err
				}
			} else if err := t.page(pgid, value[16:], depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// metaChecksumOK checks a meta page's FNV-64a checksum of its first 56 bytes.
func metaChecksumOK(buf []byte) bool {
	h := fnv.New64a()
	h.Write(buf[:56])
	return h.Sum64() == binary.LittleEndian.Uint64(buf[56:])
}
