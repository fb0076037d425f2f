package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oldestRelease is the last commit whose qfpos wrote schema 2, the oldest schema any qfpos wrote
// (schema 1 never left the first commit's work; storage/testdata/releases/generate.sh lists
// the release of each schema).
const oldestRelease = "eaeea03"

// oldImporter is built from oldestRelease's own code: it puts the rows of a sales CSV (the import's
// columns) into a journal through that release's storage package, 10,000 a transaction, as its
// qfpos wrote them.
const oldImporter = `package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"qfpos/storage"
)

func main() {
	j, err := storage.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var batch []storage.Sale
	put := func() {
		if _, errs, err := j.PutSales(batch); err != nil || len(errs) > 0 {
			fmt.Fprintln(os.Stderr, err, errs)
			os.Exit(1)
		}
		batch = batch[:0]
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		amount, _ := strconv.ParseInt(row[2], 10, 64)
		batch = append(batch, storage.Sale{SysSN: row[0], OutTradeNo: row[1], Amount: amount, Currency: row[3],
			PayType: row[4], TxDtm: row[5], RespCD: row[6], UDID: row[7], Source: storage.SourceImported})
		if len(batch) == 10000 {
			put()
		}
	}
	if len(batch) > 0 {
		put()
	}
	if err := j.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// BenchmarkUpgradeOldest upgrades a journal of QFPOS_BIG_SALES sales (default 1,000,000) written
// by the oldest release's own code (schema 2, built from this repository's history in a git
// worktree) with the built qfpos (qfpos sales list opens it, which upgrades it), and in the same
// run imports the same sales into a new journal. It reports the upgrade's seconds and peak
// resident memory (s-upgrade, MB-upgrade), its ratio to the old journal's size (x-old), the sizes
// of the old, upgraded and freshly imported journals (MB-old, MB-upgraded, MB-fresh) and the
// upgraded journal's size over the fresh one's (x-fresh). A run takes minutes:
//
//	QFPOS_BENCH_BIG=1 go test -run '^$' -bench UpgradeOldest -benchtime 1x -count 3 -timeout 60m ./cli
func BenchmarkUpgradeOldest(b *testing.B) {
	if os.Getenv("QFPOS_BENCH_BIG") == "" {
		b.Skip("set QFPOS_BENCH_BIG=1: it writes gigabytes and takes minutes")
	}
	if err := exec.Command("git", "cat-file", "-e", oldestRelease+"^{commit}").Run(); err != nil {
		b.Skipf("commit %s is not in this clone's history", oldestRelease)
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	if out, err := exec.Command("git", "worktree", "add", "--detach", src, oldestRelease).CombinedOutput(); err != nil {
		b.Fatalf("git worktree: %v\n%s", err, out)
	}
	defer exec.Command("git", "worktree", "remove", "--force", src).Run()
	if err := os.MkdirAll(filepath.Join(src, "cmd", "oldimport"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "cmd", "oldimport", "main.go"), []byte(oldImporter), 0o644); err != nil {
		b.Fatal(err)
	}
	importer := filepath.Join(dir, "oldimport")
	build := exec.Command("go", "build", "-o", importer, "./cmd/oldimport")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building %s's importer: %v\n%s", oldestRelease, err, out)
	}
	csv := filepath.Join(dir, "sales.csv")
	writeSalesCSV(b, csv, bigSales())
	old := filepath.Join(dir, "old.db")
	if out, err := exec.Command(importer, old, csv).CombinedOutput(); err != nil {
		b.Fatalf("the old importer: %v\n%s", err, out)
	}
	bin := builtQfpos(b)
	fresh := filepath.Join(dir, "fresh.db")
	if out, err := exec.Command(bin, "sales", "import", "--journal", fresh, csv).CombinedOutput(); err != nil {
		b.Fatalf("import: %v\n%s", err, out)
	}
	os.Remove(csv)
	up := filepath.Join(dir, "up.db")
	var took []time.Duration
	var peak int64
	for b.Loop() {
		b.StopTimer()
		copyFile(b, old, up)
		os.Remove(up + ".clean")
		b.StartTimer()
		d, rss := measured(b, nil, bin, "sales", "list", "--journal", up, "--days", "1")
		took, peak = append(took, d), max(peak, rss)
	}
	if out, err := exec.Command(bin, "journal", "check", "--journal", up).CombinedOutput(); err != nil || !strings.Contains(string(out), "ok") {
		b.Fatalf("the upgraded journal: %v\n%s", err, out)
	}
	oldSize, upSize, freshSize := sizeOf(b, old), sizeOf(b, up), sizeOf(b, fresh)
	b.ReportMetric(took[len(took)-1].Seconds(), "s-upgrade")
	b.ReportMetric(float64(peak)/1e6, "MB-upgrade")
	b.ReportMetric(float64(peak)/float64(oldSize), "x-old")
	b.ReportMetric(float64(oldSize)/1e6, "MB-old")
	b.ReportMetric(float64(upSize)/1e6, "MB-upgraded")
	b.ReportMetric(float64(freshSize)/1e6, "MB-fresh")
	b.ReportMetric(float64(upSize)/float64(freshSize), "x-fresh")
}

func sizeOf(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
