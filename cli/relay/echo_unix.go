//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package relay

import "golang.org/x/sys/unix"

// setEcho turns a terminal's echo of typed characters off or on; its line editing stays.
func setEcho(fd int, on bool) error {
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return err
	}
	if on {
		t.Lflag |= unix.ECHO
	} else {
		t.Lflag &^= unix.ECHO
	}
	return unix.IoctlSetTermios(fd, ioctlSetTermios, t)
}
