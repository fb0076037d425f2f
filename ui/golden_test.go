package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/mattn/go-runewidth"
	"golang.org/x/text/language"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// goldenStates are the screens the goldens show, and the keys that reach each.
var goldenStates = []struct {
	name string
	keys []string
}{
	{"sales", nil},
	{"sale", []string{"enter"}},
	{"unpaid-sale", []string{"down", "enter"}},
	{"refund-form", []string{"down", "down", "down", "r"}},
	{"refund-invalid", []string{"down", "down", "down", "r", "9", "9"}},
	{"refund-no-reason", []string{"down", "down", "down", "r", "enter"}},
	{"refund-confirm", []string{"down", "down", "down", "r", "tab", "right", "enter"}},
	{"cancel", []string{"down", "enter", "c"}},
	{"find", []string{"1", "2", ".", "5"}},
	{"status", nil},
	{"today", []string{"t"}},
	{"today-filtered", []string{"t", "k"}},
	{"today-timeline", []string{"t", "enter"}},
	{"today-store", []string{"t", "S"}},
	{"help", []string{"?"}},
}

// TestViews snapshots every screen at 60×20, 80×24 and 120×40 (ASCII, fixed clock). Run with
// -update after an intended change and read the diff.
func TestViews(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, st := range goldenStates {
			t.Run(fmt.Sprintf("%s-%dx%d", st.name, size[0], size[1]), func(t *testing.T) {
				j := managerJournal()
				a := newTestApp(j, &fakeDesk{}, size[0], size[1])
				if st.name == "status" {
					for _, r := range statusRows() {
						send(a, updateMsg(reversal.Update{Reversal: r}))
					}
				}
				keys(a, st.keys...)
				v := a.View()
				fits(t, v, size[0], size[1])
				if size[0] >= 80 {
					helpWhole(t, v)
				}
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}

// TestViewsInChinese: every screen at 80×24 in Traditional and Simplified Chinese, the same
// whether or not the locale makes East Asian ambiguous characters wide (zh_HK.UTF-8 and
// zh_CN.UTF-8 against C.UTF-8), and no line wider than the window.
func TestViewsInChinese(t *testing.T) {
	for _, tag := range []language.Tag{language.TraditionalChinese, language.SimplifiedChinese} {
		for _, st := range goldenStates {
			t.Run(fmt.Sprintf("%s-%s-80x24", st.name, tag), func(t *testing.T) {
				view := func(eastAsian bool) string {
					old := runewidth.DefaultCondition.EastAsianWidth
					runewidth.DefaultCondition.EastAsianWidth = eastAsian
					defer func() { runewidth.DefaultCondition.EastAsianWidth = old }()
					d := testDeps(managerJournal(), &fakeDesk{})
					d.Printer = catalog.New(tag)
					a := New(d)
					send(a, tea.WindowSizeMsg{Width: 80, Height: 24})
					send(a, a.sales.Init()())
					send(a, loadUnfinished(d.Journal)())
					if st.name == "status" {
						for _, r := range statusRows() {
							send(a, updateMsg(reversal.Update{Reversal: r}))
						}
					}
					keys(a, st.keys...)
					return a.View()
				}
				v := view(false)
				if wide := view(true); wide != v {
					t.Errorf("the locale's ambiguous width changes the layout:\n%s\n---\n%s", v, wide)
				}
				fits(t, v, 80, 24)
				helpWhole(t, v)
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}

// helpWhole checks that the help bar (the view's last line) is not cut: from 80 columns on, the
// keys that work now fit on its one or two lines.
func helpWhole(t *testing.T, v string) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if last := strings.TrimRight(lines[len(lines)-1], " "); strings.HasSuffix(last, "…") {
		t.Errorf("the help bar is cut: %q", last)
	}
}

// fits checks that a view has no more lines than the window and no line wider.
func fits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%d lines in a window of %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide in a window of %d: %q", i+1, n, w, l)
		}
	}
}

func statusRows() []storage.Reversal {
	return []storage.Reversal{
		{ID: 11, Kind: storage.KindRefund, Amount: 1000, Currency: "HKD", State: storage.StateProcessing, SaleSysSN: "20261121000100020000001001",
			Created: fixedAt.Add(-7 * time.Second), Updated: fixedAt, Attempts: 1, NextCheck: fixedAt.Add(2 * time.Second)},
		{ID: 12, Kind: storage.KindCancel, Amount: 4500, Currency: "HKD", State: storage.StateUnknown, SaleSysSN: "20261121000100020000001002",
			Created: fixedAt.Add(-16 * time.Minute), Updated: fixedAt, Attempts: 2, NextCheck: fixedAt.Add(5 * time.Minute)},
		{ID: 13, Kind: storage.KindRefund, Amount: 30000, Currency: "HKD", State: storage.StateFailed, RespCD: "1272", SaleSysSN: "20261121000100020000001004",
			Created: fixedAt.Add(-40 * time.Second), Updated: fixedAt, Finished: fixedAt, Attempts: 1},
		{ID: 14, Kind: storage.KindRefund, Amount: 2500, Currency: "HKD", State: storage.StateSucceeded, SaleSysSN: "20261121000100020000001003",
			Created: fixedAt.Add(-9 * time.Second), Updated: fixedAt, Finished: fixedAt.Add(-time.Second), Attempts: 1, SysSN: "20261121000200020000012345"},
	}
}

// TestViewBeforeSize renders a sensible default before the first WindowSizeMsg.
func TestViewBeforeSize(t *testing.T) {
	a := New(testDeps(sampleJournal(), &fakeDesk{}))
	send(a, a.sales.Init()())
	golden.RequireEqual(t, []byte(a.View()))
	_ = tea.WindowSizeMsg{}
}
