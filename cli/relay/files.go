package relay

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/charmbracelet/x/term"
)

// Files is where a command reads and writes the files named on its command line: the process's
// own (Local), or, for a command run by the owner, those of the process that asked.
type Files interface {
	// Open opens a file to read.
	Open(name string) (io.ReadCloser, error)
	// Create starts a new file that replaces name, readable only by its owner, when committed.
	Create(name string) (NewFile, error)
	// Abs is name made absolute against the working directory of the process it belongs to.
	Abs(name string) string
	// Echo turns off (and on again) the echo of the terminal behind standard input, while a PIN is
	// typed; it does nothing when standard input is not a terminal.
	Echo(on bool)
}

// NewFile is a file being written: nothing replaces the named file until Commit succeeds.
type NewFile interface {
	io.Writer
	Commit() error
	Discard()
}

// Local is the process's own files.
type Local struct{}

// Open opens name; "-" is standard input (left open when the reader is closed).
func (Local) Open(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(name)
}

// Echo turns the echo of this process's terminal off or on (nothing when stdin is not one).
func (Local) Echo(on bool) {
	if fd := int(os.Stdin.Fd()); term.IsTerminal(uintptr(fd)) {
		_ = setEcho(fd, on) // a terminal that cannot: the PIN shows as typed
	}
}

// Abs makes name absolute against the working directory.
func (Local) Abs(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	return abs
}

// Create writes a temporary file beside name; Commit syncs it, makes it owner-only and renames it
// over name.
func (Local) Create(name string) (NewFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return nil, fileError(name, err)
	}
	return &localFile{name: name, f: tmp}, nil
}

// fileError names the file the caller named, not the temporary one: "cannot write x.csv: …".
func fileError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s: %w", name, err)
}

type localFile struct {
	name string
	f    *os.File
	err  error
}

func (l *localFile) Write(p []byte) (int, error) {
	n, err := l.f.Write(p)
	if err != nil && l.err == nil {
		l.err = fileError(l.name, err)
		return n, l.err
	}
	return n, err
}

func (l *localFile) Commit() error {
	defer os.Remove(l.f.Name())
	err := l.err
	if err == nil {
		err = l.f.Sync()
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(l.f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(l.f.Name(), l.name)
	}
	if err != nil && err != l.err {
		return fileError(l.name, err)
	}
	return err
}

func (l *localFile) Discard() {
	l.f.Close()
	os.Remove(l.f.Name())
}
