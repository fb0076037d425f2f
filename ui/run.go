package ui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"golang.org/x/text/language"

	"qfpos/ui/catalog"
)

// ErrNoTerminal is returned by Run when standard input or output is not a terminal.
var ErrNoTerminal = errors.New("no terminal")

// Result is what the desk left behind when it closed.
type Result struct {
	// InFlight is how many refunds and cancels were still in flight when the cashier quit; they
	// resume on the next start (or with qfpos resume).
	InFlight int
}

// Run shows the program on the terminal until the cashier quits or ctx ends. It settles the
// terminal's background before the program takes the screen, and builds the styles from it.
func Run(ctx context.Context, d Deps) (Result, error) {
	if d.Printer == nil {
		d.Printer = catalog.New(language.English)
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return Result{}, errors.Join(ErrNoTerminal, errors.New(d.Printer.T(catalog.NeedsTerminal)))
	}
	r := lipgloss.NewRenderer(os.Stdout)
	r.SetHasDarkBackground(r.HasDarkBackground())
	d.Styles = NewStyles(r)
	if d.Now == nil {
		d.Now = time.Now
	}
	app := New(d)
	defer app.Close()
	p := tea.NewProgram(app, tea.WithAltScreen(), tea.WithContext(ctx))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	return Result{InFlight: app.InFlight()}, err
}
