package ui

import "github.com/charmbracelet/x/ansi"

// truncate cuts a line to the width, ending it with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 || len(s) <= width { // a line is never wider than its bytes
		return s
	}
	return ansi.Truncate(s, width, "…")
}
