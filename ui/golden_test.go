package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"qfpos/reversal"
	"qfpos/storage"
)

// TestViews snapshots every screen at 80×24 and 120×40 (ASCII, fixed clock). Run with -update
// after an intended change and read the diff.
func TestViews(t *testing.T) {
	states := []struct {
		name string
		keys []string
	}{
		{"sales", nil},
		{"sale", []string{"enter"}},
		{"unpaid-sale", []string{"down", "enter"}},
		{"refund-form", []string{"down", "down", "down", "r"}},
		{"refund-invalid", []string{"down", "down", "down", "r", "9", "9"}},
		{"refund-confirm", []string{"down", "down", "down", "r", "enter"}},
		{"cancel", []string{"down", "enter", "c"}},
		{"find", []string{"1", "2", ".", "5"}},
		{"status", nil},
		{"today", []string{"t"}},
		{"today-filtered", []string{"t", "k"}},
		{"today-timeline", []string{"t", "enter"}},
		{"today-store", []string{"t", "S"}},
		{"help", []string{"?"}},
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, st := range states {
			t.Run(fmt.Sprintf("%s-%dx%d", st.name, size[0], size[1]), func(t *testing.T) {
				j := managerJournal()
				a := newTestApp(j, &fakeDesk{}, size[0], size[1])
				if st.name == "status" {
					for _, r := range statusRows() {
						send(a, updateMsg(reversal.Update{Reversal: r}))
					}
				}
				keys(a, st.keys...)
				golden.RequireEqual(t, []byte(a.View()))
			})
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
