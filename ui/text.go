package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// truncate cuts a line to the width, ending it with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 || len(s) <= width { // a line is never wider than its bytes
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// wrapIndent wraps text and indents the lines after the first, so that a wrapped item stays
// visibly one.
func wrapIndent(s string, width, indent int) string {
	lines := strings.Split(wrap(s, max(width-indent, 10)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines no wider than width, at spaces where it can.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Wrap(s, width, "")
}

// hang writes a list item: the prefix ("• "), then the text wrapped so that every line after the
// first starts under the text, not under the prefix.
func hang(prefix, s string, width int) string {
	return prefix + wrapIndent(s, width, ansi.StringWidth(prefix))
}
