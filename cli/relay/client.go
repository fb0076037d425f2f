package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

// ErrNoOwner means nobody serves the journal: no socket, or a dead owner's. Open the journal.
var ErrNoOwner = errors.New("no qfpos serves this journal")

// UntrustedError is a socket that is not this user's private one: it is never used.
type UntrustedError struct {
	Path, Why string
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("socket %s %s: not trusted (remove it if no qfpos of yours is running)", e.Path, e.Why)
}

// Conn is the caller's end of one exchange with the owner.
type Conn struct {
	c *net.UnixConn
	w *wire
}

// dialTimeout bounds connecting to the owner (a live owner accepts at once).
const dialTimeout = 2 * time.Second

// Dial connects to the owner of the journal at journal. ErrNoOwner when there is none; an
// *UntrustedError when the socket or the process behind it is not this user's.
func Dial(journal string) (*Conn, error) {
	path := SocketPath(journal)
	st, err := os.Lstat(path)
	if err != nil {
		return nil, ErrNoOwner
	}
	if st.Mode()&fs.ModeSocket == 0 {
		return nil, &UntrustedError{Path: path, Why: "is not a socket"}
	}
	if owner, ok := fileOwner(st); ok && owner != os.Getuid() {
		return nil, &UntrustedError{Path: path, Why: fmt.Sprintf("belongs to user %d", owner)}
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, &UntrustedError{Path: path, Why: fmt.Sprintf("has mode %04o (want 0600)", perm)}
	}
	d := net.Dialer{Timeout: dialTimeout}
	nc, err := d.Dial("unix", path)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoOwner // a dead owner's socket; the next owner replaces it
		}
		return nil, fmt.Errorf("cannot reach the qfpos holding the journal through %s: %w", path, err)
	}
	c := nc.(*net.UnixConn)
	if uid, err := peerUID(c); err != nil || uid != os.Getuid() {
		c.Close()
		why := "is served by another user's process"
		if err != nil {
			why = "cannot say who serves it: " + err.Error()
		}
		return nil, &UntrustedError{Path: path, Why: why}
	}
	return &Conn{c: c, w: newWire(c)}, nil
}

// Close hangs up.
func (c *Conn) Close() error { return c.c.Close() }

// Who asks which process holds the journal.
func (c *Conn) Who() (Owner, error) {
	defer c.Close()
	_ = c.c.SetDeadline(time.Now().Add(dialTimeout))
	if err := c.w.send(frame{T: tWho}); err != nil {
		return Owner{}, err
	}
	f, err := c.w.recv()
	switch {
	case err != nil:
		return Owner{}, err
	case f.T == tRefused:
		return Owner{}, errors.New(f.Err)
	case f.T != tOwner || f.Owner == nil:
		return Owner{}, fmt.Errorf("unexpected answer %q", f.T)
	}
	return *f.Owner, nil
}

// ErrOwnerGone is an exchange cut off before the owner said how the command ended.
var ErrOwnerGone = errors.New("the qfpos holding the journal stopped before the command ended")

// interruptGrace is how long the caller waits for the owner to end a command it interrupted.
const interruptGrace = 5 * time.Second

// Run has the owner run args (a command line without the program name) for this process: its
// output goes to stdout and stderr, the files it names are opened and written here, relative to
// this process's working directory. It returns the command's exit status. When ctx ends the
// command is interrupted (an operation it started stays journaled and goes on in the owner).
func (c *Conn) Run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	defer c.Close()
	dir, _ := os.Getwd()
	env := map[string]string{}
	for _, k := range LocaleVars {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	if err := c.w.send(frame{T: tRun, Args: args, Dir: dir, Env: env}); err != nil {
		if f, rerr := c.w.recv(); rerr == nil && f.T == tRefused {
			return 0, errors.New(f.Err) // refused before it read the request
		}
		return 0, ErrOwnerGone
	}
	stop := context.AfterFunc(ctx, func() {
		_ = c.w.send(frame{T: tInterrupt})
		_ = c.c.SetReadDeadline(time.Now().Add(interruptGrace))
	})
	defer stop()
	files := &callerFiles{w: c.w, open: map[int]NewFile{}}
	defer files.discardAll()
	echoOff := false
	defer func() {
		if echoOff { // the owner stopped while a PIN was typed: the terminal shows typing again
			Local{}.Echo(true)
		}
	}()
	for {
		f, err := c.w.recv()
		if err != nil {
			return 0, ErrOwnerGone
		}
		switch f.T {
		case tExit:
			return f.Code, nil
		case tRefused:
			return 0, errors.New(f.Err)
		case tEcho:
			echoOff = f.Code == 0
			Local{}.Echo(!echoOff)
		case tStdout:
			_, _ = stdout.Write(f.Data)
		case tStderr:
			_, _ = stderr.Write(f.Data)
		case tOpen:
			go files.read(f.ID, f.Name)
		case tCreate, tWrite, tCommit, tDiscard:
			files.handle(f)
		}
	}
}

// callerFiles does the owner's file requests on this process's files.
type callerFiles struct {
	w    *wire
	open map[int]NewFile // only the receive loop touches it
}

func failure(id int, err error) frame {
	return frame{T: tFailed, ID: id, Err: err.Error(), NotExist: errors.Is(err, fs.ErrNotExist)}
}

// read sends a file in chunks (in its own goroutine, so that the exchange goes on meanwhile).
func (c *callerFiles) read(id int, name string) {
	f, err := Local{}.Open(name)
	if err != nil {
		_ = c.w.send(failure(id, err))
		return
	}
	defer f.Close()
	if c.w.send(frame{T: tOpened, ID: id}) != nil {
		return
	}
	buf := make([]byte, chunk)
	for {
		n, err := f.Read(buf)
		if n > 0 && c.w.send(frame{T: tData, ID: id, Data: buf[:n]}) != nil {
			return
		}
		if err == io.EOF {
			_ = c.w.send(frame{T: tEOF, ID: id})
			return
		}
		if err != nil {
			_ = c.w.send(frame{T: tEOF, ID: id, Err: err.Error()})
			return
		}
	}
}

func (c *callerFiles) handle(f frame) {
	switch f.T {
	case tCreate:
		nf, err := Local{}.Create(f.Name)
		if err != nil {
			_ = c.w.send(failure(f.ID, err))
			return
		}
		c.open[f.ID] = nf
		_ = c.w.send(frame{T: tOpened, ID: f.ID})
	case tWrite:
		if nf := c.open[f.ID]; nf != nil {
			_, _ = nf.Write(f.Data) // a write error comes back from Commit
		}
	case tCommit:
		nf := c.open[f.ID]
		delete(c.open, f.ID)
		var msg string
		if nf == nil {
			msg = "no such file in this exchange"
		} else if err := nf.Commit(); err != nil {
			msg = err.Error()
		}
		_ = c.w.send(frame{T: tClosed, ID: f.ID, Err: msg})
	case tDiscard:
		if nf := c.open[f.ID]; nf != nil {
			nf.Discard()
			delete(c.open, f.ID)
		}
	}
}

func (c *callerFiles) discardAll() {
	for id, nf := range c.open {
		nf.Discard()
		delete(c.open, id)
	}
}
