//go:build !unix

package ui

import (
	"os"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// askBackground asks the way lipgloss does on this system (no OSC query there).
func askBackground(_, out *os.File, _ time.Duration) (dark, ok bool) {
	return lipgloss.NewRenderer(out).HasDarkBackground(), true
}
