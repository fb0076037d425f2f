package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boltWalkEnv makes the test binary run boltWalk instead of the tests.
const boltWalkEnv = "QFPOS_BOLT_WALK"

// boltWalk is BenchmarkJournalCheck's reference: what bbolt alone does to read a whole file —
// its own page check and every key of every bucket — with no qfpos code.
func boltWalk(path string) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		var walk func(b *bolt.Bucket) error
		walk = func(b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return walk(b.Bucket(k))
				}
				return nil
			})
		}
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// bigSales is how many sales the big benchmarks import: QFPOS_BIG_SALES, or 1,000,000.
func bigSales() int {
	if v, err := strconv.Atoi(os.Getenv("QFPOS_BIG_SALES")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// bigJournal imports n sales (writeSalesCSV) into a new terminal's journal and returns its
// configuration and the journal's path.
func bigJournal(b *testing.B, n int) (cfg, path string) {
	b.Helper()
	h := newHeadlessAt(b, "", 0, time.Now().Add(-26*time.Hour))
	csv := filepath.Join(h.dir, "sales.csv")
	writeSalesCSV(b, csv, n)
	if code, out, errOut := runCmd(b, "sales", "import", "--config", h.cfg, csv); code != 0 {
		b.Fatalf("import: %d %s %s", code, out, errOut)
	}
	os.Remove(csv)
	return h.cfg, filepath.Join(h.dir, "journal.db")
}

// measured runs a command to its end and returns its wall time and its peak resident memory. The
// memory is read by GNU time, a small process of its own: Linux counts a child's peak from the
// process it was forked from, so the test binary's own memory would otherwise be part of it.
func measured(b *testing.B, env []string, name string, args ...string) (time.Duration, int64) {
	b.Helper()
	timeBin, err := exec.LookPath("time")
	if err != nil {
		timeBin = "/usr/bin/time"
	}
	if _, err := os.Stat(timeBin); err != nil {
		b.Skip("GNU time is not installed (it measures a command's peak memory)")
	}
	rssFile := filepath.Join(b.TempDir(), "rss")
	cmd := exec.Command(timeBin, append([]string{"-f", "%M", "-o", rssFile, name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	data, err := os.ReadFile(rssFile)
	if err != nil {
		b.Fatal(err)
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		b.Fatalf("GNU time wrote %q", data)
	}
	return took, kb * 1024
}

// BenchmarkJournalCheck runs the built `qfpos journal check` on a journal of QFPOS_BIG_SALES
// sales (default 1,000,000) and, in the same run, bbolt alone reading the same file (its own page
// check and every key: boltWalk). It reports each one's seconds and peak resident memory
// (s-check, MB-check, s-bolt, MB-bolt) and the ratios; the journal's size is MB-file. Each
// iteration runs both once; -count 3 gives three:
//
//	go test -run '^$' -bench JournalCheck -benchtime 1x -count 3 ./cli
func BenchmarkJournalCheck(b *testing.B) {
	cfg, path := bigJournal(b, bigSales())
	bin := builtQfpos(b)
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	var checks, bolts []time.Duration
	var checkRSS, boltRSS int64
	for b.Loop() {
		took, rss := measured(b, nil, bin, "journal", "check", "--config", cfg)
		checks, checkRSS = append(checks, took), max(checkRSS, rss)
		took, rss = measured(b, []string{boltWalkEnv + "=" + path}, self)
		bolts, boltRSS = append(bolts, took), max(boltRSS, rss)
	}
	check, bolt := slices.Max(checks).Seconds(), slices.Max(bolts).Seconds()
	b.ReportMetric(check, "s-check")
	b.ReportMetric(float64(checkRSS)/1e6, "MB-check")
	b.ReportMetric(bolt, "s-bolt")
	b.ReportMetric(float64(boltRSS)/1e6, "MB-bolt")
	b.ReportMetric(check/bolt, "x-bolt")
	b.ReportMetric(float64(fi.Size())/1e6, "MB-file")
}
