// Package relay lets the one process that holds a journal run the commands of the others: a Unix
// socket beside the journal, open only to processes of the same user, that carries a command's
// arguments in and its output, its files and its exit status back.
//
// One connection carries one exchange. The caller sends "who" (and gets the owner) or "run" with
// its arguments and working directory; the owner streams the command's stdout and stderr, asks
// the caller to open or write the files named on the command line (so that paths mean what the
// caller means), and ends with the exit status. "interrupt" from the caller cancels the command's
// wait; an operation it started stays journaled and goes on in the owner.
package relay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// SocketPath is where the owner of the journal at journal listens.
func SocketPath(journal string) string { return journal + ".sock" }

// Owner says which process holds a journal.
type Owner struct {
	PID     int    `json:"pid"`
	Command string `json:"command"` // "qfpos serve", "qfpos (the desk)", "qfpos demo"
}

func (o Owner) String() string { return fmt.Sprintf("%s (pid %d)", o.Command, o.PID) }

// Frame types.
const (
	tWho       = "who"       // caller: which process is the owner?
	tOwner     = "owner"     // owner: Owner
	tRun       = "run"       // caller: Args, Dir
	tInterrupt = "interrupt" // caller: stop waiting (Ctrl+C)
	tRefused   = "refused"   // owner: Err (another user, an unknown request)
	tStdout    = "out"       // owner: Data
	tStderr    = "err"       // owner: Data
	tOpen      = "open"      // owner: ID, Name — the caller answers opened|failed, then data… eof
	tCreate    = "create"    // owner: ID, Name — the caller answers opened|failed
	tWrite     = "write"     // owner: ID, Data
	tCommit    = "commit"    // owner: ID — the caller answers closed
	tDiscard   = "discard"   // owner: ID
	tOpened    = "opened"    // caller: ID
	tFailed    = "failed"    // caller: ID, Err, NotExist
	tData      = "data"      // caller: ID, Data
	tEOF       = "eof"       // caller: ID, Err (a read error, or "")
	tClosed    = "closed"    // caller: ID, Err
	tExit      = "exit"      // owner: Code
	tEcho      = "echo"      // owner: Code 0 turns the caller's terminal echo off, 1 on (a PIN)
)

// frame is one message on the socket, a JSON object per message.
type frame struct {
	T        string            `json:"t"`
	ID       int               `json:"id,omitempty"`
	Args     []string          `json:"args,omitempty"`
	Dir      string            `json:"dir,omitempty"`
	Env      map[string]string `json:"env,omitempty"`
	Name     string            `json:"name,omitempty"`
	Data     []byte            `json:"data,omitempty"`
	Err      string            `json:"err,omitempty"`
	NotExist bool              `json:"not_exist,omitempty"`
	Code     int               `json:"code,omitempty"`
	Owner    *Owner            `json:"owner,omitempty"`
}

// maxFrame bounds what one frame may carry; a bigger one is a broken peer.
const maxFrame = 4 << 20

// LocaleVars are the caller's environment the owner uses for its command: the cashier's language
// is the caller's, not the owner's.
var LocaleVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// chunk is how much file data one frame carries.
const chunk = 64 << 10

// wire reads and writes frames; writes are safe from several goroutines.
type wire struct {
	mu  sync.Mutex
	enc *json.Encoder
	dec *json.Decoder
}

func newWire(rw io.ReadWriter) *wire {
	return &wire{enc: json.NewEncoder(rw), dec: json.NewDecoder(rw)}
}

func (w *wire) send(f frame) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.enc.Encode(f)
}

func (w *wire) recv() (frame, error) {
	var f frame
	if err := w.dec.Decode(&f); err != nil {
		return f, err
	}
	if len(f.Data) > maxFrame {
		return f, errors.New("relay: frame too large")
	}
	return f, nil
}

// streamWriter sends what is written as frames of one type.
type streamWriter struct {
	w *wire
	t string
}

func (s streamWriter) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		n := min(len(rest), chunk)
		if err := s.w.send(frame{T: s.t, Data: rest[:n]}); err != nil {
			return len(p) - len(rest), err
		}
		rest = rest[n:]
	}
	return len(p), nil
}
