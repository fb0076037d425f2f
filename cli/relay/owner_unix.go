//go:build unix

package relay

import (
	"io/fs"
	"syscall"
)

// fileOwner is the user id that owns a file.
func fileOwner(st fs.FileInfo) (int, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid), true
	}
	return -1, false
}
