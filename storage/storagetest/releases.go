package storagetest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// Released is a journal that the qfpos of an earlier schema wrote (storage/testdata/releases,
// written by its generate.sh).
type Released struct {
	Schema uint64
	Path   string // the committed file: never opened for writing
}

// Golden returns the path of the golden beside the journal for what kind shows of it
// (schema-N.KIND.golden).
func (r Released) Golden(kind string) string {
	return filepath.Join(filepath.Dir(r.Path), "schema-"+strconv.FormatUint(r.Schema, 10)+"."+kind+".golden")
}

// ReleasedJournals lists the journals in dir, oldest schema first; it fails the test when one of
// the schemas from 2 to current-1 has none.
func ReleasedJournals(t testing.TB, dir string, current uint64) []Released {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "schema-*.db"))
	var out []Released
	for _, p := range paths {
		m := regexp.MustCompile(`schema-(\d+)\.db$`).FindStringSubmatch(p)
		n, _ := strconv.ParseUint(m[1], 10, 64)
		out = append(out, Released{Schema: n, Path: p})
	}
	slices.SortFunc(out, func(a, b Released) int { return int(a.Schema) - int(b.Schema) })
	for n := uint64(2); n < current; n++ {
		if !slices.ContainsFunc(out, func(r Released) bool { return r.Schema == n }) {
			t.Errorf("no journal written by the qfpos of schema %d in %s (run its generate.sh %d)", n, dir, n)
		}
	}
	return out
}

// Copy copies a journal file into a new temporary folder and returns the copy's path.
func Copy(t testing.TB, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "journal.db")
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// Golden compares got with the file at path, or rewrites the file when update is set; how says
// which command rewrites it.
func Golden(t testing.TB, path, got string, update bool, how string) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s)", err, how)
	}
	if got != string(want) {
		t.Errorf("got\n%s\nwant (%s)\n%s", got, path, want)
	}
}
