package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// column is one column of a rowList.
type column struct {
	title string
	width int
	right bool // align right (amounts)
}

// cursorGlyph marks the selected row whatever the colours (NO_COLOR, a monochrome terminal).
const cursorGlyph = "›"

// rowList is a scrolling list of table rows. Only the visible rows are laid out into lines, and
// only when they change or come into view: a keystroke moves the cursor, a new page of rows or a
// changed row lays out nothing that is not on the screen. (bubbles/table re-renders every visible
// cell on each move.)
type rowList struct {
	cols     []column
	cells    [][]string // every row's cells
	lines    []string   // laid out; "" where not laid out yet
	header   string
	cursor   int
	offset   int
	height   int
	selected lipgloss.Style
	head     lipgloss.Style
	keys     navKeys
}

func newRowList(st Styles, keys navKeys) rowList {
	return rowList{selected: st.Selected, head: st.Muted.Bold(true), keys: keys, height: 5}
}

// fill appends the last column, taking the width the others leave (at least 6).
func fill(cols []column, width int, last column) []column {
	used := 1
	for _, c := range cols {
		used += c.width + 1
	}
	last.width = max(width-used-1, 6)
	return append(cols, last)
}

// setColumns lays the header out and forgets the laid-out rows.
func (l *rowList) setColumns(cols []column) {
	l.cols = cols
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	l.header = l.layout(titles)
	clear(l.lines)
	l.layoutVisible()
}

// setRows replaces every row.
func (l *rowList) setRows(rows [][]string) {
	l.cells = rows
	l.lines = make([]string, len(rows))
	l.setCursor(l.cursor)
}

// appendRows adds rows at the end (an older page of sales).
func (l *rowList) appendRows(rows [][]string) {
	l.cells = append(l.cells, rows...)
	l.lines = append(l.lines, make([]string, len(rows))...)
	l.layoutVisible()
}

// setRow replaces one row.
func (l *rowList) setRow(i int, cells []string) {
	if i < 0 || i >= len(l.cells) {
		return
	}
	l.cells[i], l.lines[i] = cells, ""
	l.layoutVisible()
}

// layoutVisible lays out the rows on the screen that are not laid out yet.
func (l *rowList) layoutVisible() {
	end := min(l.offset+l.height, len(l.cells))
	for i := l.offset; i < end; i++ {
		if l.lines[i] == "" {
			l.lines[i] = l.layout(l.cells[i])
		}
	}
}

func (l *rowList) layout(cells []string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, c := range l.cols {
		if i >= len(cells) {
			break
		}
		text := cells[i]
		w := ansi.StringWidth(text)
		if w > c.width {
			text = ansi.Truncate(text, c.width, "…")
			w = ansi.StringWidth(text)
		}
		if c.right {
			b.WriteString(strings.Repeat(" ", c.width-w))
			b.WriteString(text)
		} else {
			b.WriteString(text)
			b.WriteString(strings.Repeat(" ", c.width-w))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

func (l *rowList) setHeight(h int) {
	l.height = max(h, 1)
	l.setCursor(l.cursor)
}

// setCursor moves the selection, keeping it visible.
func (l *rowList) setCursor(i int) {
	l.cursor = min(max(i, 0), max(len(l.cells)-1, 0))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = max(min(l.offset, len(l.cells)-l.height), 0)
	l.layoutVisible()
}

// index is the selected row, or -1 when there are none.
func (l *rowList) index() int {
	if len(l.cells) == 0 {
		return -1
	}
	return l.cursor
}

// move handles the navigation keys; it reports whether the key was one.
func (l *rowList) move(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, l.keys.Up):
		l.setCursor(l.cursor - 1)
	case key.Matches(msg, l.keys.Down):
		l.setCursor(l.cursor + 1)
	case key.Matches(msg, l.keys.PageUp):
		l.setCursor(l.cursor - l.height)
	case key.Matches(msg, l.keys.PageDown):
		l.setCursor(l.cursor + l.height)
	default:
		return false
	}
	return true
}

func (l *rowList) View() string {
	var b strings.Builder
	b.WriteString(l.head.Render(l.header))
	end := min(l.offset+l.height, len(l.lines))
	for i := l.offset; i < end; i++ {
		b.WriteByte('\n')
		line := l.lines[i]
		if line == "" { // not laid out (cannot happen after layoutVisible; kept safe)
			line = l.layout(l.cells[i])
		}
		if i == l.cursor {
			b.WriteString(l.selected.Render(cursorGlyph + line[1:]))
		} else {
			b.WriteString(line)
		}
	}
	return b.String()
}
