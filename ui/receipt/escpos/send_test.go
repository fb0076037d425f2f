package escpos

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakePrinter listens on 127.0.0.1 like a raw network printer (port 9100) and hands over what it
// received on each connection; with stall it takes the connection and never reads.
func fakePrinter(t *testing.T, stall bool) (addr string, got <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan []byte, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release); ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if stall {
			<-release
			return
		}
		b, _ := io.ReadAll(c)
		ch <- b
	}()
	return ln.Addr().String(), ch
}

func TestSendTCP(t *testing.T) {
	addr, got := fakePrinter(t, false)
	want := []byte("\x1b@hello\n\x1dVB\x00")
	if err := Send("tcp://"+addr, want, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("the printer got % x", b)
	}
}

// TestSendRefused: nobody listening is an error at once (not a timeout).
func TestSendRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := Send("tcp://"+addr, []byte("x"), 5*time.Second); err == nil || errors.Is(err, ErrTimeout) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("%v", err)
	}
}

// TestSendStalls: a printer that takes the connection and stops reading (out of paper, off line)
// gives ErrTimeout once the timeout has passed, however much is left to write.
func TestSendStalls(t *testing.T) {
	addr, _ := fakePrinter(t, true)
	big := bytes.Repeat([]byte("slip line\n"), 4<<20/10) // more than the sockets' buffers
	if err := Send("tcp://"+addr, big, 50*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("%v", err)
	}
}

// TestSendDeviceStalls: a device that never opens (a FIFO nobody reads stands in for a printer
// that does not answer) gives ErrTimeout; one that takes the bytes gets all of them.
func TestSendDeviceStalls(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "lp0")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := writeDevice(fifo, []byte("x"), time.Now().Add(50*time.Millisecond)); !errors.Is(err, ErrTimeout) {
		t.Fatalf("%v", err)
	}
	// A reader that comes late lets the abandoned open finish (it closes at once, writing nothing).
	if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		defer r.Close()
	}
	fifo = filepath.Join(t.TempDir(), "lp1")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	if err := writeDevice(fifo, []byte("slip\n"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "slip\n" {
		t.Fatalf("the device got %q", b)
	}
}

func TestSendFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slip.bin")
	if err := Send("file:"+path, []byte("slip"), time.Second); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "slip" {
		t.Fatalf("%q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
}

func TestCheckTarget(t *testing.T) {
	for _, ok := range []string{"tcp://192.168.1.50:9100", "tcp://printer.local:9100", "tcp://[::1]:9100", "/dev/usb/lp0", "file:/tmp/slip.bin"} {
		if err := CheckTarget(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"tcp://192.168.1.50", "tcp://:9100", "tcp://host:9100/path", "http://host:9100", "lpt1", "/dev/", "file:", "usb"} {
		err := CheckTarget(bad)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: %v", bad, err)
		}
		if err := Send(bad, []byte("x"), time.Second); err == nil {
			t.Errorf("%s: sent", bad)
		}
	}
}
