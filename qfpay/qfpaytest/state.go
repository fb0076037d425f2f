package qfpaytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

type stateFile struct {
	Version   int        `json:"version"`
	Merchants []Merchant `json:"merchants"`
	Txns      []*Txn     `json:"txns"`
	Seq       uint64     `json:"seq"`
}

// load reads the state file; a missing file is an empty sandbox.
func (s *Sandbox) load() error {
	b, err := os.ReadFile(s.statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox state %s: %w", s.statePath, err)
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("sandbox state %s is not a qfpos sandbox state file (%v); move it away or pass another --state", s.statePath, err)
	}
	if st.Version != 1 {
		return fmt.Errorf("sandbox state %s has version %d; this qfpos reads version 1", s.statePath, st.Version)
	}
	for _, m := range st.Merchants {
		s.merchants[m.AppCode] = m
	}
	for _, t := range st.Txns {
		s.insertLocked(t)
	}
	s.seq = st.Seq
	return nil
}

// saveLocked writes the state file atomically (temp file and rename). Errors are logged: the
// sandbox keeps serving from memory.
func (s *Sandbox) saveLocked() {
	if s.statePath == "" {
		return
	}
	st := stateFile{Version: 1, Txns: s.txns, Seq: s.seq}
	for _, m := range s.merchants {
		st.Merchants = append(st.Merchants, m)
	}
	b, err := json.Marshal(st)
	if err == nil {
		tmp := filepath.Join(filepath.Dir(s.statePath), "."+filepath.Base(s.statePath)+".tmp")
		if err = os.WriteFile(tmp, b, 0o600); err == nil {
			err = os.Rename(tmp, s.statePath)
		}
	}
	if err != nil {
		s.log.Error("sandbox state not saved", "path", s.statePath, "err", err)
	}
}
