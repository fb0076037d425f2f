package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// fadeAfter is how long a finished operation stays in the status pane.
const fadeAfter = time.Minute

// statusPane lists the operations in flight or just finished, live.
type statusPane struct {
	d       *Deps
	ops     map[uint64]*opRow
	spinner spinner.Model
	width   int
}

type opRow struct {
	r        storage.Reversal
	finished time.Time // when it was seen finished (zero while in flight)
}

func newStatusPane(d *Deps) *statusPane {
	sp := spinner.New(spinner.WithSpinner(spinner.Line))
	return &statusPane{d: d, ops: map[uint64]*opRow{}, spinner: sp, width: 80}
}

// load adds operations found unfinished at start (they appear at once).
func (p *statusPane) load(rs []storage.Reversal) {
	for _, r := range rs {
		if _, ok := p.ops[r.ID]; !ok {
			p.ops[r.ID] = &opRow{r: r}
		}
	}
}

// apply records an update from the lifecycle.
func (p *statusPane) apply(u reversal.Update, now time.Time) {
	row, ok := p.ops[u.Reversal.ID]
	if !ok {
		row = &opRow{}
		p.ops[u.Reversal.ID] = row
	}
	if u.Reversal.Updated.Before(row.r.Updated) {
		return // an older update arriving late
	}
	row.r = u.Reversal
	if u.Reversal.State.Finished() && row.finished.IsZero() {
		row.finished = now
	}
}

// prune drops finished rows that have been shown long enough.
func (p *statusPane) prune(now time.Time) {
	for id, row := range p.ops {
		if !row.finished.IsZero() && now.Sub(row.finished) >= fadeAfter {
			delete(p.ops, id)
		}
	}
}

// dismiss drops every finished row.
func (p *statusPane) dismiss() {
	for id, row := range p.ops {
		if !row.finished.IsZero() {
			delete(p.ops, id)
		}
	}
}

// inFlight counts the operations not yet finished.
func (p *statusPane) inFlight() int {
	n := 0
	for _, row := range p.ops {
		if row.finished.IsZero() {
			n++
		}
	}
	return n
}

func (p *statusPane) finishedCount() int { return len(p.ops) - p.inFlight() }

func (p *statusPane) spin(msg spinner.TickMsg) tea.Cmd {
	var cmd tea.Cmd
	p.spinner, cmd = p.spinner.Update(msg)
	return cmd
}

// height is how many lines View will take (0 when there is nothing to show).
func (p *statusPane) height() int {
	if len(p.ops) == 0 {
		return 0
	}
	n := 1
	for _, row := range p.ops {
		n++
		if row.r.State == storage.StateFailed || row.r.State == storage.StateUnknown {
			n++
		}
	}
	return min(n, 9)
}

func (p *statusPane) View(now time.Time) string {
	if len(p.ops) == 0 {
		return ""
	}
	t, st := p.d.t, p.d.Styles
	rows := make([]*opRow, 0, len(p.ops))
	for _, row := range p.ops {
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b *opRow) int { return cmp.Compare(b.r.ID, a.r.ID) })
	lines := []string{st.Title.Render(t(catalog.TitleStatus))}
	for _, row := range rows {
		r := row.r
		var sym string
		switch r.State {
		case storage.StateSucceeded:
			sym = st.OK.Render("✓")
		case storage.StateFailed:
			sym = st.Bad.Render("✗")
		case storage.StateUnknown:
			sym = st.Warn.Render("?")
		default:
			sym = p.spinner.View()
		}
		head := []string{sym + " " + p.d.kind(r.Kind) + " " + amount(r.Amount, r.Currency) + " " + short(r.SaleSysSN, 6)}
		var detail string
		switch r.State {
		case storage.StateFailed:
			detail = "  " + p.d.sentence(r)
			head = append(head, t(catalog.WordFailed))
		case storage.StateUnknown:
			detail = "  " + p.d.sentence(r)
			head = append(head, t(catalog.WordUnknown))
		default:
			head = append(head, p.d.sentence(r))
		}
		if r.Attempts > 0 {
			head = append(head, t(catalog.StatusAttempt, r.Attempts))
		}
		if !r.State.Finished() && !r.NextCheck.IsZero() && r.NextCheck.After(now) {
			head = append(head, t(catalog.StatusNext, clock(r.NextCheck.Sub(now))))
		}
		end := now
		if r.State.Finished() {
			end = r.Finished
		}
		head = append(head, t(catalog.StatusElapsed, clock(end.Sub(r.Created))))
		if r.SysSN != "" {
			head = append(head, t(catalog.StatusRef, r.SysSN))
		}
		lines = append(lines, truncate(strings.Join(head, " · "), p.width))
		if detail != "" {
			style := st.Bad
			if r.State == storage.StateUnknown {
				style = st.Warn
			}
			lines = append(lines, truncate(style.Render(detail), p.width))
		}
	}
	if len(lines) > 9 {
		lines = lines[:9]
	}
	return strings.Join(lines, "\n")
}
