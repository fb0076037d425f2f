package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Listener is the owner's end: a socket beside the journal, mode 0600, that serves connections
// from processes of the same user only.
type Listener struct {
	path  string
	owner Owner
	uid   int // the only user served: this process's
	ln    *net.UnixListener

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// Handler runs one command for a caller and returns its exit status.
type Handler func(ctx context.Context, s *Session) int

// Session is one caller's command as the owner sees it.
type Session struct {
	Args   []string
	Dir    string            // the caller's working directory
	Env    map[string]string // the caller's LocaleVars that are set
	Stdout io.Writer         // to the caller's stdout
	Stderr io.Writer         // to the caller's stderr
	Files  Files             // the caller's files

	w     *wire
	mu    sync.Mutex
	next  int
	reply map[int]chan frame
}

// Listen opens the socket for the journal at journal. Call it only while holding the journal:
// a socket left there is then a dead owner's, and is replaced (anything else is refused).
func Listen(journal string, owner Owner) (*Listener, error) {
	path := SocketPath(journal)
	if st, err := os.Lstat(path); err == nil {
		if st.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s is not a socket: move it away so that other qfpos commands can reach this one", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("cannot replace the stale socket %s: %w", path, err)
		}
	}
	// Bind a private name, make it owner-only, then move it into place: no caller ever sees the
	// socket with wider permissions.
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d", filepath.Base(path), os.Getpid()))
	_ = os.Remove(tmp)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("cannot make %s private: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	l := &Listener{path: path, owner: owner, uid: os.Getuid(), ln: ln}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l, nil
}

// Path is the socket's path.
func (l *Listener) Path() string { return l.path }

// Serve accepts connections until Close, running each command with h.
func (l *Listener) Serve(h Handler) error {
	for {
		c, err := l.ln.AcceptUnix()
		if err != nil {
			if l.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		l.wg.Go(func() { l.serveConn(c, h) })
	}
}

// Close stops accepting, cancels the commands running for callers (their operations stay
// journaled) and waits for them to end, then removes the socket.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		l.cancel()
		err = l.ln.Close()
		l.wg.Wait()
		os.Remove(l.path)
	})
	return err
}

func (l *Listener) serveConn(c *net.UnixConn, h Handler) {
	defer c.Close()
	w := newWire(c)
	uid, err := peerUID(c)
	if err != nil || uid != l.uid {
		reason := fmt.Sprintf("refused: the journal belongs to user %d; run qfpos as that user", l.uid)
		if err != nil {
			reason = "refused: " + err.Error()
		}
		_ = w.send(frame{T: tRefused, Err: reason})
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	first, err := w.recv()
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		return
	}
	switch first.T {
	case tWho:
		_ = w.send(frame{T: tOwner, Owner: &l.owner})
		return
	case tRun:
	default:
		_ = w.send(frame{T: tRefused, Err: fmt.Sprintf("refused: unknown request %q", first.T)})
		return
	}
	ctx, cancel := context.WithCancel(l.ctx)
	defer cancel()
	s := &Session{Args: first.Args, Dir: first.Dir, Env: first.Env, w: w, reply: map[int]chan frame{}}
	s.Stdout, s.Stderr = streamWriter{w, tStdout}, streamWriter{w, tStderr}
	s.Files = remoteFiles{s}
	go s.readLoop(cancel)
	code := h(ctx, s)
	_ = w.send(frame{T: tExit, Code: code})
}

// readLoop routes the caller's frames: file answers to whoever waits for them; an interrupt or a
// closed connection cancels the command's context.
func (s *Session) readLoop(cancel context.CancelFunc) {
	defer cancel()
	defer s.failAll()
	for {
		f, err := s.w.recv()
		if err != nil {
			return
		}
		if f.T == tInterrupt {
			cancel()
			continue
		}
		s.mu.Lock()
		ch := s.reply[f.ID]
		s.mu.Unlock()
		if ch != nil {
			ch <- f
		}
	}
}

// failAll ends every wait for a file answer when the caller has gone.
func (s *Session) failAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ch := range s.reply {
		close(ch)
		delete(s.reply, id)
	}
}

// ask sends a request about a file and returns the channel its answers come on.
func (s *Session) ask(t, name string) (int, chan frame, error) {
	s.mu.Lock()
	s.next++
	id := s.next
	ch := make(chan frame, 16)
	s.reply[id] = ch
	s.mu.Unlock()
	if err := s.w.send(frame{T: t, ID: id, Name: name}); err != nil {
		s.forget(id)
		return 0, nil, errGone
	}
	return id, ch, nil
}

func (s *Session) forget(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reply, id)
}

// errGone is a file operation whose caller has hung up.
var errGone = errors.New("the command that asked has gone")

// remoteFiles are the caller's files, reached through the session.
type remoteFiles struct{ s *Session }

// Echo asks the caller to turn its terminal's echo off or on.
func (r remoteFiles) Echo(on bool) {
	code := 0
	if on {
		code = 1
	}
	_ = r.s.w.send(frame{T: tEcho, Code: code})
}

func (r remoteFiles) Abs(name string) string {
	if filepath.IsAbs(name) || r.s.Dir == "" {
		return filepath.Clean(name)
	}
	return filepath.Join(r.s.Dir, name)
}

func (r remoteFiles) Open(name string) (io.ReadCloser, error) {
	id, ch, err := r.s.start(tOpen, name)
	if err != nil {
		return nil, err
	}
	return &remoteReader{s: r.s, id: id, ch: ch}, nil
}

// start asks the caller to open (or create) a file and waits for its answer.
func (s *Session) start(t, name string) (int, chan frame, error) {
	id, ch, err := s.ask(t, name)
	if err != nil {
		return 0, nil, err
	}
	f, ok := <-ch
	switch {
	case !ok:
		return 0, nil, errGone
	case f.T == tFailed:
		s.forget(id)
		return 0, nil, remoteError(f)
	}
	return id, ch, nil
}

// remoteError rebuilds the caller's error with its words, keeping "does not exist" recognisable.
func remoteError(f frame) error {
	if f.NotExist {
		return &notExist{msg: f.Err}
	}
	return errors.New(f.Err)
}

type notExist struct{ msg string }

func (e *notExist) Error() string   { return e.msg }
func (e *notExist) Is(t error) bool { return t == fs.ErrNotExist }

type remoteReader struct {
	s    *Session
	id   int
	ch   chan frame
	buf  []byte
	err  error
	done bool
}

func (r *remoteReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, r.err
		}
		f, ok := <-r.ch
		switch {
		case !ok:
			r.done, r.err = true, errGone
		case f.T == tEOF:
			r.done, r.err = true, io.EOF
			if f.Err != "" {
				r.err = errors.New(f.Err)
			}
			r.s.forget(r.id)
		default:
			r.buf = f.Data
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *remoteReader) Close() error {
	if !r.done {
		// Drain what the caller still sends so that the read loop never blocks on this file.
		go func() {
			for f := range r.ch {
				if f.T == tEOF {
					r.s.forget(r.id)
					return
				}
			}
		}()
	}
	return nil
}

func (r remoteFiles) Create(name string) (NewFile, error) {
	id, ch, err := r.s.start(tCreate, name)
	if err != nil {
		return nil, err
	}
	return &remoteFile{s: r.s, id: id, ch: ch}, nil
}

type remoteFile struct {
	s  *Session
	id int
	ch chan frame
}

func (r *remoteFile) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		n := min(len(rest), chunk)
		if err := r.s.w.send(frame{T: tWrite, ID: r.id, Data: rest[:n]}); err != nil {
			return len(p) - len(rest), errGone
		}
		rest = rest[n:]
	}
	return len(p), nil
}

func (r *remoteFile) Commit() error {
	defer r.s.forget(r.id)
	if err := r.s.w.send(frame{T: tCommit, ID: r.id}); err != nil {
		return errGone
	}
	f, ok := <-r.ch
	if !ok {
		return errGone
	}
	if f.Err != "" {
		return errors.New(f.Err)
	}
	return nil
}

func (r *remoteFile) Discard() {
	_ = r.s.w.send(frame{T: tDiscard, ID: r.id})
	r.s.forget(r.id)
}
