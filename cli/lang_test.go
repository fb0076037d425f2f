package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"qfpos/ui"
	"qfpos/ui/catalog"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/language"
)

var updateLines = flag.Bool("update-lines", false, "rewrite testdata/lines-*.golden")

// TestEveryLineInTheReadersLanguage runs the command line's everyday results and mistakes — a
// sale added, a wrong amount, a wrong currency, an unknown command or flag, a CSV with a bad
// header or a bad row, a missing file, a wrong configuration, the journal's and the trail's checks,
// a refund refused — under --lang en, zh-Hant and zh-Hans. In Chinese every line it writes must
// be in Chinese (values such as paths, numbers and flags kept as typed); the three transcripts are
// goldens (testdata/lines-*.golden; -update-lines rewrites them).
func TestEveryLineInTheReadersLanguage(t *testing.T) {
	for _, lang := range []string{"en", "zh-Hant", "zh-Hans"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			j := filepath.Join(dir, "j.db")
			sale := []string{"sales", "add", "--journal", j, "--syssn", "20261121000100020000000001", "--out-trade-no", "P1",
				"--amount", "12.50", "--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00"}
			bad := func(flags ...string) []string {
				return append([]string{"sales", "add", "--journal", j, "--syssn", "20261121000100020000000002", "--pay-type", "800208",
					"--txdtm", "2026-11-21 10:00:00"}, flags...)
			}
			write := func(name, text string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			header := write("header.csv", "syssn,out_trade_no,txamt,txamt\n")
			rows := write("rows.csv", "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid\n"+
				"20261121000100020000000003,P3,880,HKD,800101,2026-11-21 10:05:00,0000,POS-01\n"+
				"20261121000100020000000004,P4,12.5,HKD,800101,2026-11-21 10:05:00,0000,POS-01\n")
			zone := write("zone.toml", "[terminal]\ntimezone = \"Mars/Olympus\"\n")
			runs := [][]string{
				sale, sale,
				bad("--amount", "abc"), bad("--amount", "1", "--pay-type", "1"), bad("--amount", "1", "--currency", "XYZ"),
				bad("--amount", "1", "--txdtm", "yesterday"), bad(),
				{"sales", "lst", "--journal", j}, {"frobnicate", "--journal", j}, {"sales", "list", "--bogus", "--journal", j},
				{"sales", "list", "--days", "x", "--journal", j}, {"sales", "list", "--format", "xml", "--journal", j},
				{"sales", "import", filepath.Join(dir, "missing.csv"), "--journal", j}, {"sales", "import", header, "--journal", j},
				{"sales", "import", rows, "--journal", j},
				{"pending", "--journal", j}, {"journal", "check", "--journal", j}, {"audit", "verify", "--journal", j},
				{"journal", "backup", j, "--journal", j}, {"staff", "list", "--journal", j}, {"limits", "--journal", j},
				{"staff", "add", "amy", "--role", "boss", "--journal", j},
				{"refund", "--syssn", "nope", "--reason", "damaged", "--journal", j},
				{"refund", "--syssn", "20261121000100020000000001", "--reason", "damaged", "--journal", j},
				{"pending", "--config", filepath.Join(dir, "none.toml")}, {"pending", "--config", zone},
			}
			var transcript strings.Builder
			for _, args := range runs {
				args = append(args, "--lang", lang)
				code, out, errOut := runCmd(t, args...)
				fmt.Fprintf(&transcript, "$ qfpos %s\n%s%sexit %d\n\n", strings.Join(args, " "), out, errOut, code)
				if lang == "en" {
					continue
				}
				for _, line := range strings.Split(strings.TrimSpace(out+errOut), "\n") {
					if line != "" && !strings.ContainsFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
						t.Errorf("%v: %q is not in %s", args, line, lang)
					}
				}
			}
			got := strings.ReplaceAll(transcript.String(), dir, "$DIR")
			got = regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(got, "<hash>")
			got = regexp.MustCompile(`\d+ (pages|頁|页)`).ReplaceAllString(got, "<n> $1") // bbolt's pages are the system's
			golden := filepath.Join("testdata", "lines-"+lang+".golden")
			if *updateLines {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("the transcript differs from %s (-update-lines rewrites it):\n%s", golden, got)
			}
		})
	}
}

// jsonList parses a JSON array of objects.
func jsonList(t testing.TB, out string) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not a JSON array (%v): %q", err, out)
	}
	return list
}

// TestEveryJSONOutputOnAnEmptyJournal runs each command that prints JSON on a journal with
// nothing in it (and on one with nothing to do): each prints one valid JSON value, [] or {}.
func TestEveryJSONOutputOnAnEmptyJournal(t *testing.T) {
	h := newHeadless(t, "")
	empty := filepath.Join(t.TempDir(), "empty.db")
	if code, _, errOut := runCmd(t, "sales", "add", "--journal", empty, "--syssn", "20261121000100020000000001", "--amount", "1",
		"--pay-type", "800208", "--txdtm", "2026-11-21 10:00:00"); code != 0 { // a journal to open; its day has nothing
		t.Fatal(errOut)
	}
	for _, c := range []struct {
		args []string
		want string // the JSON kind: array or object
	}{
		{[]string{"pending", "--json", "--config", h.cfg}, "array"},
		{[]string{"pending", "--json", "--journal", empty}, "array"},
		{[]string{"resume", "--json", "--config", h.cfg}, "array"},
		{[]string{"sales", "list", "--format", "json", "--days", "1", "--journal", empty, "--config", h.cfg}, "array"},
		{[]string{"audit", "export", "--format", "json", "--since", "1000000", "--journal", empty}, "array"},
		{[]string{"report", "--format", "json", "--date", "2026-01-01", "--journal", empty}, "object"},
		{[]string{"reconcile", "--json", "--date", "2026-01-01", "--config", h.cfg}, "object"},
	} {
		code, out, errOut := runCmd(t, c.args...)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v: exit %d, not JSON (%v): %q %q", c.args, code, err, out, errOut)
			continue
		}
		_, isArray := v.([]any)
		_, isObject := v.(map[string]any)
		if c.want == "array" && !isArray || c.want == "object" && !isObject {
			t.Errorf("%v: %q is not a JSON %s", c.args, out, c.want)
		}
	}
}

// TestQuitNoteOfATemporaryJournal: quitting with operations in flight promises a resume only
// where the journal stays; the demo's temporary journal says they end with it.
func TestQuitNoteOfATemporaryJournal(t *testing.T) {
	en := catalog.New(language.English)
	if got := quitNote(ui.Deps{Printer: en}, ui.Result{InFlight: 2}); !strings.Contains(got, "resume") {
		t.Errorf("a real journal: %q", got)
	}
	if got := quitNote(ui.Deps{Printer: en, TemporaryJournal: true}, ui.Result{InFlight: 2}); strings.Contains(got, "resume") || !strings.Contains(got, "temporary") {
		t.Errorf("the demo's temporary journal: %q", got)
	}
	if got := quitNote(ui.Deps{Printer: en}, ui.Result{}); got != "" {
		t.Errorf("nothing in flight: %q", got)
	}
}
