package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serve starts an owner for a journal path in a temporary directory with handler h.
func serve(t *testing.T, h Handler) (*Listener, string) {
	t.Helper()
	journal := filepath.Join(t.TempDir(), "j.db")
	l, err := Listen(journal, Owner{PID: 42, Command: "qfpos serve"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Serve(h) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return l, journal
}

func TestSocketIsPrivate(t *testing.T) {
	l, journal := serve(t, func(context.Context, *Session) int { return 0 })
	st, err := os.Lstat(l.Path())
	if err != nil || st.Mode()&fs.ModeSocket == 0 || st.Mode().Perm() != 0o600 || l.Path() != journal+".sock" {
		t.Fatalf("%s: %v %v", l.Path(), st.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(journal))
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	c, err := Dial(journal)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := c.Who(); err != nil || o.String() != "qfpos serve (pid 42)" {
		t.Fatalf("who: %v %v", o, err)
	}
}

func TestRunCarriesOutputFilesAndStatus(t *testing.T) {
	t.Setenv("LANG", "zh_HK.UTF-8")
	_, journal := serve(t, func(ctx context.Context, s *Session) int {
		if s.Env["LANG"] != "zh_HK.UTF-8" {
			fmt.Fprintf(s.Stderr, "the caller's locale did not come: %v\n", s.Env)
			return 9
		}
		fmt.Fprintf(s.Stdout, "args %q\n", s.Args)
		in, err := s.Files.Open(s.Args[0])
		if err != nil {
			fmt.Fprintln(s.Stderr, err)
			return 2
		}
		body, _ := io.ReadAll(in)
		in.Close()
		out, err := s.Files.Create(s.Args[1])
		if err != nil {
			fmt.Fprintln(s.Stderr, err)
			return 2
		}
		out.Write(bytes.ToUpper(body))
		if err := out.Commit(); err != nil {
			fmt.Fprintln(s.Stderr, err)
			return 1
		}
		fmt.Fprintf(s.Stderr, "%d bytes, %s\n", len(body), s.Files.Abs(s.Args[1]))
		return 3
	})
	dir := t.TempDir()
	t.Chdir(dir)
	big := strings.Repeat("a sale,", 40000) // several chunks
	if err := os.WriteFile("in.csv", []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Dial(journal)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code, err := c.Run(context.Background(), []string{"in.csv", "out.csv"}, &out, &errOut)
	if err != nil || code != 3 {
		t.Fatalf("%d %v", code, err)
	}
	if out.String() != "args [\"in.csv\" \"out.csv\"]\n" || errOut.String() != fmt.Sprintf("%d bytes, %s\n", len(big), filepath.Join(dir, "out.csv")) {
		t.Fatalf("%q %q", out.String(), errOut.String())
	}
	got, err := os.ReadFile("out.csv")
	if err != nil || string(got) != strings.ToUpper(big) {
		t.Fatalf("out.csv: %d bytes, %v", len(got), err)
	}
	if st, _ := os.Stat("out.csv"); st.Mode().Perm() != 0o600 {
		t.Fatalf("out.csv mode %v", st.Mode())
	}
	// A missing file: the caller's own words, and no file written.
	c, _ = Dial(journal)
	out.Reset()
	errOut.Reset()
	code, err = c.Run(context.Background(), []string{"nope.csv", "x.csv"}, &out, &errOut)
	if err != nil || code != 2 || errOut.String() != "open nope.csv: no such file or directory\n" {
		t.Fatalf("%d %v %q", code, err, errOut.String())
	}
	c, _ = Dial(journal)
	errOut.Reset()
	code, _ = c.Run(context.Background(), []string{"in.csv", "missing/dir/x.csv"}, &out, &errOut)
	if code != 2 || errOut.String() != "cannot write missing/dir/x.csv: no such file or directory\n" {
		t.Fatalf("%d %q", code, errOut.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestInterruptCancelsTheCommandOnly(t *testing.T) {
	started := make(chan struct{})
	_, journal := serve(t, func(ctx context.Context, s *Session) int {
		close(started)
		<-ctx.Done()
		fmt.Fprintln(s.Stderr, "interrupted: it stays journaled")
		return 3
	})
	c, err := Dial(journal)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	var out, errOut bytes.Buffer
	code, err := c.Run(ctx, []string{"refund"}, &out, &errOut)
	if err != nil || code != 3 || errOut.String() != "interrupted: it stays journaled\n" {
		t.Fatalf("%d %v %q", code, err, errOut.String())
	}
}

func TestCallerHangingUpCancels(t *testing.T) {
	ended := make(chan struct{})
	_, journal := serve(t, func(ctx context.Context, s *Session) int {
		<-ctx.Done()
		close(ended)
		return 3
	})
	c, err := Dial(journal)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.w.send(frame{T: tRun, Args: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the command went on waiting for a caller that hung up")
	}
}

func TestStaleAndForeignSockets(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "j.db")
	if _, err := Dial(journal); !errors.Is(err, ErrNoOwner) {
		t.Fatalf("no socket: %v", err)
	}
	// A dead owner's socket: nobody answers, so there is no owner; the next owner replaces it.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(journal), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	os.Chmod(SocketPath(journal), 0o600)
	if _, err := Dial(journal); !errors.Is(err, ErrNoOwner) {
		t.Fatalf("stale socket: %v", err)
	}
	l, err := Listen(journal, Owner{PID: 1, Command: "qfpos"})
	if err != nil {
		t.Fatalf("replacing a stale socket: %v", err)
	}
	go l.Serve(func(context.Context, *Session) int { return 0 })
	// Wider permissions: never used.
	os.Chmod(SocketPath(journal), 0o666)
	var ue *UntrustedError
	if _, err := Dial(journal); !errors.As(err, &ue) || !strings.Contains(err.Error(), "has mode 0666 (want 0600): not trusted") {
		t.Fatalf("mode 0666: %v", err)
	}
	os.Chmod(SocketPath(journal), 0o600)
	l.Close()
	// Another user is refused with a line that says why.
	if l, err = Listen(journal, Owner{PID: 1, Command: "qfpos"}); err != nil {
		t.Fatal(err)
	}
	l.uid = os.Getuid() + 1
	go l.Serve(func(context.Context, *Session) int { return 0 })
	c, err := Dial(journal)
	if err != nil {
		t.Fatal(err)
	}
	code, err := c.Run(context.Background(), nil, io.Discard, io.Discard)
	if err == nil || code != 0 || !strings.Contains(err.Error(), "refused: the journal belongs to user") {
		t.Fatalf("another user: %d %v", code, err)
	}
	l.Close()
	if _, err := os.Lstat(SocketPath(journal)); !os.IsNotExist(err) {
		t.Fatal("Close left the socket")
	}
	// A file that is not a socket is neither used nor replaced.
	os.WriteFile(SocketPath(journal), nil, 0o600)
	if _, err := Dial(journal); !errors.As(err, &ue) {
		t.Fatalf("a plain file: %v", err)
	}
	if _, err := Listen(journal, Owner{}); err == nil || !strings.Contains(err.Error(), "is not a socket") {
		t.Fatalf("listen over a plain file: %v", err)
	}
}
