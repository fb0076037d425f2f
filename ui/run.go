package ui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/text/language"

	"qfpos/ui/catalog"
)

// Run shows the program on the terminal until the cashier quits or ctx ends. It settles the
// terminal's background before the program takes the screen, and builds the styles from it.
func Run(ctx context.Context, d Deps) error {
	r := lipgloss.NewRenderer(os.Stdout)
	r.SetHasDarkBackground(r.HasDarkBackground())
	d.Styles = NewStyles(r)
	if d.Printer == nil {
		d.Printer = catalog.New(language.English)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	app := New(d)
	defer app.Close()
	p := tea.NewProgram(app, tea.WithAltScreen(), tea.WithContext(ctx))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
