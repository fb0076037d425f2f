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

// rowList is a scrolling list of table rows. Rows are laid out into plain lines once, when they
// change; a keystroke only moves the cursor and View joins the visible lines, styling the
// selected one. (bubbles/table re-renders every visible cell on each move.)
type rowList struct {
	cols     []column
	lines    []string
	header   string
	cursor   int
	offset   int
	height   int
	selected lipgloss.Style
	head     lipgloss.Style
	keys     keyMap
}

func newRowList(st Styles, keys keyMap) rowList {
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

// setColumns lays the header out; call setRows afterwards.
func (l *rowList) setColumns(cols []column) {
	l.cols = cols
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.title
	}
	l.header = l.layout(cells)
}

// setRows lays every row out into a line.
func (l *rowList) setRows(rows [][]string) {
	l.lines = make([]string, len(rows))
	for i, r := range rows {
		l.lines[i] = l.layout(r)
	}
	l.setCursor(l.cursor)
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
	l.cursor = min(max(i, 0), max(len(l.lines)-1, 0))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = max(min(l.offset, len(l.lines)-l.height), 0)
}

// index is the selected row, or -1 when there are none.
func (l *rowList) index() int {
	if len(l.lines) == 0 {
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
		if i == l.cursor {
			b.WriteString(l.selected.Render(l.lines[i]))
		} else {
			b.WriteString(l.lines[i])
		}
	}
	return b.String()
}
