// Package termquery keeps qfpos from asking the terminal anything before main runs.
//
// Bubble Tea v1 asks the terminal for its background colour in an init function (tea_init.go,
// through Lip Gloss and termenv) whenever standard output is a terminal. A terminal that never
// answers — a pseudo-terminal of a script, a serial console, some remote shells — costs every
// command termenv's 5 s timeout, and the question's bytes (ESC ] 11;? and ESC [ 6n) land in the
// command's output. This package tells Lip Gloss the background first, so that Bubble Tea's init
// has nothing to ask; the desk asks once itself, bounded by 0.3 s (ui.Run), and sets the real
// answer.
//
// It is a module of its own, boot.qfpos/termquery, because Go initialises packages in the order
// of their import paths once their imports are initialised (the language specification's
// "Package initialization"): this path sorts before github.com/charmbracelet/bubbletea, so its
// init runs first; a package under qfpos/ would run after. main imports it for that init alone.
package termquery

import "github.com/charmbracelet/lipgloss"

func init() {
	// Dark until the desk knows better: nothing prints in colour before ui.Run has asked.
	lipgloss.SetHasDarkBackground(true)
}
