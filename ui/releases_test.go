package ui

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/storage/storagetest"
)

var updateReleases = flag.Bool("update-releases", false, "rewrite ../storage/testdata/releases/*.desk.golden")

// TestDeskOnJournalsOfEarlierReleases opens the desk on copies of the journals that the qfpos of
// each earlier schema wrote (../storage/testdata/releases): the sales list, every sale's screen,
// today's review and the first operation's timeline are the golden beside the journal
// (schema-N.desk.golden), at a fixed "now" a minute after the journal's newest refund or cancel.
func TestDeskOnJournalsOfEarlierReleases(t *testing.T) {
	for _, r := range storagetest.ReleasedJournals(t, filepath.Join("..", "storage", "testdata", "releases"), storage.SchemaVersion) {
		t.Run(fmt.Sprintf("schema-%d", r.Schema), func(t *testing.T) {
			path := storagetest.Copy(t, r.Path)
			var now time.Time
			j, err := storage.Open(path, storage.WithLocation(hk), storage.WithClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			rows := 0
			for id := uint64(1); ; id++ {
				r, err := j.Reversal(id)
				if err != nil {
					break
				}
				if r.Updated.After(now) {
					now = r.Updated
				}
			}
			now = now.Add(time.Minute)
			d := testDeps(j, &fakeDesk{})
			d.Now = func() time.Time { return now }
			d.Reports = report.Reporter{Journal: j, UDID: "FIXTURE-TILL"}
			d.Terminal.UDID, d.Terminal.RecentDays = "FIXTURE-TILL", 30
			a := New(d)
			send(a, tea.WindowSizeMsg{Width: 100, Height: 40})
			send(a, a.sales.Init()())
			send(a, loadUnfinished(j)())
			var got strings.Builder
			shot := func(title string) {
				fmt.Fprintf(&got, "==== %s\n%s\n", title, a.View())
			}
			shot("sales")
			page, err := j.RecentSales(storage.Cursor{}, 100, 30)
			if err != nil {
				t.Fatal(err)
			}
			rows = len(page.Sales)
			for i := range rows {
				keys(a, "enter")
				shot(fmt.Sprintf("sale %d of %d", i+1, rows))
				keys(a, "esc", "down")
			}
			keys(a, "t")
			shot("today")
			keys(a, "enter")
			shot("today, the first operation's timeline")
			storagetest.Golden(t, r.Golden("desk"), got.String(), *updateReleases, "go test ./ui -run EarlierReleases -update-releases")
		})
	}
}
