package escpos

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// ErrTimeout is a printer that did not take the bytes in time (off line, out of paper, a stalled
// network).
var ErrTimeout = errors.New("the printer did not take the slip in time")

// Send writes b to a printer: "tcp://HOST:PORT" (a raw network printer, usually port 9100), a
// device ("/dev/usb/lp0") or "file:PATH". Connecting and writing together take at most timeout; a
// printer that stalls past it gives ErrTimeout.
func Send(target string, b []byte, timeout time.Duration) error {
	if err := CheckTarget(target); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	switch {
	case strings.HasPrefix(target, "tcp://"):
		u, _ := url.Parse(target)
		conn, err := net.DialTimeout("tcp", u.Host, timeout)
		if err != nil {
			return err
		}
		defer conn.Close()
		if err := conn.SetDeadline(deadline); err != nil {
			return err
		}
		if _, err := conn.Write(b); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return ErrTimeout
			}
			return err
		}
		return nil
	case strings.HasPrefix(target, "file:"):
		return os.WriteFile(strings.TrimPrefix(target, "file:"), b, 0o600)
	}
	return writeDevice(target, b, deadline)
}

// CheckTarget says what is wrong with a printer's address, nil if Send can use it.
func CheckTarget(target string) error {
	switch {
	case strings.HasPrefix(target, "tcp://"):
		u, err := url.Parse(target)
		if err != nil || u.Hostname() == "" || u.Port() == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" {
			return fmt.Errorf("%q is not tcp://HOST:PORT (a network printer, usually port 9100)", target)
		}
		return nil
	case strings.HasPrefix(target, "file:") && len(target) > len("file:"):
		return nil
	case strings.HasPrefix(target, "/dev/") && len(target) > len("/dev/"):
		return nil
	}
	return fmt.Errorf("%q is not tcp://HOST:PORT, a /dev/ device or file:PATH", target)
}

// writeDevice writes to a printer's device file by the deadline. Opening a device can block as well
// as writing to it, and most printer devices cannot take a deadline, so both run in a goroutine;
// past the deadline the file is closed (which ends a blocked write) and Send returns ErrTimeout.
func writeDevice(path string, b []byte, deadline time.Time) error {
	var (
		mu        sync.Mutex
		f         *os.File
		abandoned bool
	)
	done := make(chan error, 1)
	go func() {
		opened, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			done <- err
			return
		}
		mu.Lock()
		if abandoned {
			mu.Unlock()
			opened.Close()
			return
		}
		f = opened
		mu.Unlock()
		_ = f.SetWriteDeadline(deadline) // where the device can be polled
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		done <- err
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case err := <-done:
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return ErrTimeout
		}
		return err
	case <-timer.C:
		mu.Lock()
		abandoned = true
		if f != nil {
			f.Close()
		}
		mu.Unlock()
		return ErrTimeout
	}
}
