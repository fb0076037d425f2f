package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"qfpos/storage"
	"qfpos/storage/storagetest"
)

var updateReleases = flag.Bool("update-releases", false, "rewrite ../storage/testdata/releases/*.cli.golden")

// TestJournalsOfEarlierReleases runs today's commands on copies of the journals that the qfpos of
// each earlier schema wrote (../storage/testdata/releases, written by its generate.sh): the
// journal migrates on first open and says so, `journal check`, `audit verify` and `limits` pass,
// and what `sales list`, `pending`, `report` and `staff list` show is the golden beside the
// journal (schema-N.cli.golden). The commands run at a fixed "now": a minute after the journal's
// newest refund or cancel.
func TestJournalsOfEarlierReleases(t *testing.T) {
	for _, r := range storagetest.ReleasedJournals(t, filepath.Join("..", "storage", "testdata", "releases"), storage.SchemaVersion) {
		t.Run(fmt.Sprintf("schema-%d", r.Schema), func(t *testing.T) {
			journal := storagetest.Copy(t, r.Path)
			dir := filepath.Dir(journal)
			cfg := filepath.Join(dir, "qfpos.toml")
			if err := os.WriteFile(cfg, []byte(`[qfpay]
base_url = "sandbox"

[terminal]
udid = "FIXTURE-TILL"
timezone = "Asia/Hong_Kong"
currency = "HKD"
`), 0o600); err != nil {
				t.Fatal(err)
			}
			now, days := releasedAt(t, r.Path)
			cmds := [][]string{
				{"journal", "check"},
				{"audit", "verify"},
				{"limits"},
				{"sales", "list", "--days", "3650"},
				{"pending"},
				{"staff", "list"},
			}
			for _, d := range days {
				cmds = append(cmds, []string{"report", "--date", d})
			}
			var got strings.Builder
			for i, args := range cmds {
				var out, errOut syncBuffer
				a := newApp(context.Background(), &out, &errOut, os.Getenv)
				a.now = func() time.Time { return now }
				code, held := execute(a, append([]string{"--config", cfg, "--journal", journal}, args...))
				a.close()
				if held != nil {
					t.Fatalf("%v: the journal is held by another qfpos", args)
				}
				fmt.Fprintf(&got, "$ qfpos %s\n[exit %d]\n%s", strings.Join(args, " "), code, out.String())
				if s := errOut.String(); s != "" {
					fmt.Fprintf(&got, "[stderr]\n%s", s)
				}
				switch {
				case i == 0 && !strings.Contains(errOut.String(), "was written by an older qfpos"):
					t.Errorf("the first command does not say the journal was upgraded: %q", errOut.String())
				case slices.Contains([]string{"journal", "audit", "limits"}, args[0]) && code != ExitOK:
					t.Errorf("%v: exit %d\n%s%s", args, code, out.String(), errOut.String())
				}
			}
			text := strings.ReplaceAll(got.String(), dir, "$DIR")
			// The audit trail's head covers the settings event, whose fingerprint of the
			// configuration file differs with the temporary folder.
			text = regexp.MustCompile(`head [0-9a-f]{64}`).ReplaceAllString(text, "head …")
			storagetest.Golden(t, r.Golden("cli"), text, *updateReleases, "go test ./cli -run EarlierReleases -update-releases")
		})
	}
}

// releasedAt returns a minute after a journal's newest refund or cancel and the days (in Hong
// Kong) they were made on.
func releasedAt(t *testing.T, src string) (time.Time, []string) {
	t.Helper()
	hk, _ := time.LoadLocation("Asia/Hong_Kong")
	j, err := storage.Open(storagetest.Copy(t, src), storage.WithLocation(hk))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var last time.Time
	var days []string
	for id := uint64(1); ; id++ {
		r, err := j.Reversal(id)
		if err != nil {
			break
		}
		if r.Updated.After(last) {
			last = r.Updated
		}
		if d := r.Created.In(hk).Format(time.DateOnly); !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	return last.Add(time.Minute), days
}

// TestReportInThreeLanguages: `qfpos report` of the newest earlier release's journal in English,
// Traditional and Simplified Chinese (goldens in testdata/report-LANG.golden): words and cells
// (kinds, endpoints, states, pay methods, reasons) in the language, and every line of the table
// as wide on a terminal as its header, so the columns line up under Chinese headers.
func TestReportInThreeLanguages(t *testing.T) {
	released := storagetest.ReleasedJournals(t, filepath.Join("..", "storage", "testdata", "releases"), storage.SchemaVersion)
	src := released[len(released)-1].Path
	now, days := releasedAt(t, src)
	journal := storagetest.Copy(t, src)
	cfg := filepath.Join(filepath.Dir(journal), "qfpos.toml")
	if err := os.WriteFile(cfg, []byte("[terminal]\nudid = \"FIXTURE-TILL\"\ntimezone = \"Asia/Hong_Kong\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh-Hant", "zh-Hans"} {
		var out, errOut syncBuffer
		a := newApp(context.Background(), &out, &errOut, os.Getenv)
		a.now = func() time.Time { return now }
		code, _ := execute(a, []string{"--config", cfg, "--journal", journal, "report", "--date", days[0], "--lang", lang})
		a.close()
		if code != ExitOK {
			t.Fatalf("%s: %d %s", lang, code, errOut.String())
		}
		lines := strings.Split(out.String(), "\n")
		header := slices.IndexFunc(lines, func(l string) bool {
			return strings.Contains(l, "FIXTURE-TILL") && strings.Contains(l, "  ") && !strings.Contains(l, "—")
		}) - 1
		if header < 0 {
			t.Fatalf("%s: no table in\n%s", lang, out.String())
		}
		width := ansi.StringWidth(lines[header])
		for _, l := range lines[header:] {
			if l == "" {
				break
			}
			if ansi.StringWidth(l) != width {
				t.Errorf("%s: a line %d cells wide under a header of %d:\n%s\n%s", lang, ansi.StringWidth(l), width, lines[header], l)
			}
		}
		if lang != "en" {
			for _, english := range []string{" refund ", " succeeded ", " processing ", "Damaged item", "WeChat Pay "} {
				if strings.Contains(out.String(), english) {
					t.Errorf("%s: %q stays English in\n%s", lang, english, out.String())
				}
			}
		}
		storagetest.Golden(t, filepath.Join("testdata", "report-"+lang+".golden"), out.String(), *updateReleases, "go test ./cli -run ReportInThreeLanguages -update-releases")
	}
}
