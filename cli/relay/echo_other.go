//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package relay

import "errors"

func setEcho(int, bool) error { return errors.New("the terminal's echo cannot be turned off here") }
