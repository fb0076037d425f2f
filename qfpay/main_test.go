package qfpay

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// testKey is the client key every test in this package uses; TestMain proves it never appears in
// an error or a log line.
const testKey = "0E32A59A8B454940A2FF39SANDBOXKEY"

var (
	leakMu   sync.Mutex
	leakErrs []error
	leakLog  bytes.Buffer
	// leakSecrets are signatures that crossed the wire; none may show up in an error or a log line.
	leakSecrets []string
)

// secret records a value (a signature) that must never appear in errors or logs.
func secret(v string) {
	if v == "" {
		return
	}
	leakMu.Lock()
	leakSecrets = append(leakSecrets, v)
	leakMu.Unlock()
}

// seen records an error for the leak check and returns it.
func seen(err error) error {
	if err != nil {
		leakMu.Lock()
		leakErrs = append(leakErrs, err)
		leakMu.Unlock()
	}
	return err
}

type lockedWriter struct{}

func (lockedWriter) Write(p []byte) (int, error) {
	leakMu.Lock()
	defer leakMu.Unlock()
	return leakLog.Write(p)
}

// testLogger logs at debug level into the buffer the leak check reads.
func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestMain(m *testing.M) {
	code := m.Run()
	leakMu.Lock()
	// The key, any signature, and any signing string (which always holds "txamt=" or "page=").
	forbidden := append([]string{testKey, "txamt=", "page_size="}, leakSecrets...)
	texts := []string{leakLog.String()}
	for _, err := range leakErrs {
		texts = append(texts, fmt.Sprintf("%v %+v", err, err))
	}
	for _, text := range texts {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				fmt.Fprintf(os.Stderr, "FAIL: %q leaked into an error or log line: %s\n", f, text)
				code = 1
			}
		}
	}
	// On a full run the check must have had material to read.
	full := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.list").Value.String() == ""
	if full && code == 0 && len(leakErrs) < 20 {
		fmt.Fprintf(os.Stderr, "FAIL: only %d errors were collected for the key-leak check\n", len(leakErrs))
		code = 1
	}
	leakMu.Unlock()
	os.Exit(code)
}

// Seen lets the external test package feed the key-leak check.
func Seen(err error) error { return seen(err) }

// LeakCheckedLogger gives the external test package a logger the key-leak check reads.
func LeakCheckedLogger() *slog.Logger { return testLogger() }
