package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/lipgloss"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// fadeAfter is how long a finished operation stays in the status pane.
const fadeAfter = time.Minute

// maxStatusLines is the most the status pane takes of the screen.
const maxStatusLines = 9

// spinFrames turn while something is in flight (and only then: an idle desk does no work).
var spinFrames = spinner.Line.Frames

// spinEvery is how often the spinner turns.
var spinEvery = spinner.Line.FPS

// statusPane lists the refunds and cancels in flight or just finished, live.
type statusPane struct {
	d     *Deps
	ops   map[uint64]*opRow
	frame int
	width int
	offer uint64 // the operation p prints (0: p does not print from the pane now)
	retry uint64 // an operation whose slip did not print: p offers it first, and it stays until printed
}

type opRow struct {
	r        storage.Reversal
	finished time.Time // when it was seen finished (zero while in flight)
}

func newStatusPane(d *Deps) *statusPane {
	return &statusPane{d: d, ops: map[uint64]*opRow{}, width: 80}
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

// prune drops finished rows that have been shown long enough; it reports whether it dropped any.
func (p *statusPane) prune(now time.Time) bool {
	dropped := false
	for id, row := range p.ops {
		if !row.finished.IsZero() && now.Sub(row.finished) >= fadeAfter && id != p.retry {
			delete(p.ops, id)
			dropped = true
		}
	}
	return dropped
}

// dismiss drops every finished row (the cashier has seen them, a slip not printed included).
func (p *statusPane) dismiss() {
	p.retry = 0
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

// printable is the operation whose slip did not print, else the newest in the pane with a slip to
// give the customer: succeeded, or unknown (its slip says so and is never called a refund). The
// zero Reversal if there is none.
func (p *statusPane) printable() storage.Reversal {
	if row, ok := p.ops[p.retry]; ok {
		return row.r
	}
	var newest storage.Reversal
	for _, row := range p.ops {
		if (row.r.State == storage.StateSucceeded || row.r.State == storage.StateUnknown) && row.r.ID > newest.ID {
			newest = row.r
		}
	}
	return newest
}

// lines is the pane as it shows at now: a title, then each operation newest first (its QFPay
// reference, or why it failed, on lines of their own), at most maxStatusLines with "+N more".
func (p *statusPane) lines(now time.Time) []string {
	if len(p.ops) == 0 {
		return nil
	}
	t, st := p.d.t, p.d.Styles
	rows := make([]*opRow, 0, len(p.ops))
	for _, row := range p.ops {
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b *opRow) int { return cmp.Compare(b.r.ID, a.r.ID) })
	blocks := make([][]string, len(rows))
	total := 1
	for i, row := range rows {
		blocks[i] = p.block(row.r, now)
		total += len(blocks[i])
	}
	out := []string{st.Title.Render(t(catalog.TitleStatus))}
	for i, b := range blocks {
		if total > maxStatusLines && len(out)+len(b) > maxStatusLines-1 {
			return append(out, st.Muted.Render(t(catalog.StatusMore, len(rows)-i)))
		}
		out = append(out, b...)
	}
	return out
}

// block is one operation's lines.
func (p *statusPane) block(r storage.Reversal, now time.Time) []string {
	t, st := p.d.t, p.d.Styles
	var sym string
	switch r.State {
	case storage.StateSucceeded:
		sym = st.OK.Render("✓")
	case storage.StateFailed:
		sym = st.Bad.Render("✗")
	case storage.StateUnknown:
		sym = st.Warn.Render("?")
	default:
		sym = spinFrames[p.frame%len(spinFrames)]
	}
	head := []string{sym + " " + p.d.kind(r.Kind) + " " + amount(r.Amount, r.Currency) + " " + short(r.SaleSysSN, 6),
		p.d.stateText(r)}
	var times []string
	if !r.State.Finished() && !r.NextCheck.IsZero() && r.NextCheck.After(now) {
		times = append(times, t(catalog.StatusNext, clock(r.NextCheck.Sub(now))))
	}
	end := now
	if r.State.Finished() {
		end = r.Finished
	}
	times = append(times, t(catalog.StatusElapsed, clock(end.Sub(r.Created))))
	if r.Attempts > 1 {
		times = append(times, t(catalog.StatusAttempt, r.Attempts))
	}
	if r.ID == p.offer && p.offer != 0 {
		times = append(times, st.Muted.Render(t(catalog.StatusPrintHint)))
	}
	// The countdown and the time elapsed are never cut: on a narrow screen they take a line.
	var out []string
	if line := strings.Join(append(head, times...), " · "); lipgloss.Width(line) <= p.width {
		out = []string{line}
	} else {
		out = []string{truncate(strings.Join(head, " · "), p.width), truncate("  "+strings.Join(times, " · "), p.width)}
	}
	var detail string
	style := st.Pane
	switch r.State {
	case storage.StateFailed:
		exp, next := p.d.Printer.Code(r.Operation(), r.RespCD, r.RespErr)
		detail, style = exp+" "+next, st.Bad
	case storage.StateUnknown:
		detail, style = t(catalog.UnknownFor(string(r.Kind))), st.Warn
	case storage.StateSucceeded:
		if r.SysSN != "" {
			detail = t(catalog.StatusRef, r.SysSN)
		}
	}
	if detail != "" {
		for _, l := range strings.Split(wrap(detail, p.width-2), "\n") {
			out = append(out, "  "+style.Render(l))
		}
	}
	return out
}

// height is how many lines View takes at now (0 when there is nothing to show).
func (p *statusPane) height(now time.Time) int { return len(p.lines(now)) }

func (p *statusPane) View(now time.Time) string { return strings.Join(p.lines(now), "\n") }
