//go:build unix

package ui

import (
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"golang.org/x/sys/unix"
)

// askBackground asks the terminal for its background colour (OSC 11), then for the cursor
// position (which every terminal answers, so the wait ends early on one that ignores OSC 11), and
// waits at most timeout. ok is false when no colour came back; the caller then assumes dark.
func askBackground(in, out *os.File, timeout time.Duration) (dark, ok bool) {
	if t := os.Getenv("TERM"); strings.HasPrefix(t, "screen") || strings.HasPrefix(t, "tmux") || t == "dumb" {
		return true, false // they may be attached to several terminals: no single answer
	}
	fd := in.Fd()
	state, err := term.MakeRaw(fd)
	if err != nil {
		return true, false
	}
	defer term.Restore(fd, state) //nolint:errcheck // nothing more to do if the terminal refuses
	if _, err := out.WriteString("\x1b]11;?\x07\x1b[6n"); err != nil {
		return true, false
	}
	deadline := time.Now().Add(timeout)
	var got []byte
	buf := make([]byte, 256)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			break
		}
		r, err := unix.Read(int(fd), buf)
		if err != nil || r <= 0 {
			break
		}
		got = append(got, buf[:r]...)
		if cursorReport(got) {
			break // the last answer: the colour, if any, came before it
		}
	}
	if dark, found := parseBackgroundReply(got); found {
		return dark, true
	}
	return true, false
}

// cursorReport says whether the answer to CSI 6n, "ESC [ row ; col R", has arrived.
func cursorReport(b []byte) bool {
	i := strings.LastIndex(string(b), "\x1b[")
	return i >= 0 && strings.Contains(string(b[i:]), "R")
}
