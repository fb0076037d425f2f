package ui

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"golang.org/x/text/language"

	"qfpos/ui/catalog"
)

// deskFPS is how many frames a second the desk draws at most.
const deskFPS = 20

// ErrNoTerminal is returned by Run when standard input or output is not a terminal.
var ErrNoTerminal = errors.New("no terminal")

// NoTerminal is ErrNoTerminal with the words that say so in p's language when standard input or
// output is not a terminal (nil when both are): a command checks it before it prepares anything.
func NoTerminal(p *catalog.Printer) error {
	if term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) {
		return nil
	}
	return errors.Join(ErrNoTerminal, errors.New(p.T(catalog.NeedsTerminal)))
}

// Result is what the desk left behind when it closed.
type Result struct {
	// InFlight is how many refunds and cancels were still in flight when the cashier quit; they
	// resume on the next start (or with qfpos resume).
	InFlight int
}

// backgroundQueryTimeout bounds the wait for the terminal's answer about its background: a
// terminal that answers neither question costs the first frame this, once (termenv waits 5 s for
// each of two answers, and lipgloss asked twice).
const backgroundQueryTimeout = 300 * time.Millisecond

// darkBackground decides the terminal's background once: the configuration ([terminal]
// background), else COLORFGBG, else the terminal's own answer (ask).
func darkBackground(configured, colorfgbg string, ask func() bool) bool {
	switch configured {
	case "dark":
		return true
	case "light":
		return false
	}
	if dark, ok := fromCOLORFGBG(colorfgbg); ok {
		return dark
	}
	return ask()
}

// fromCOLORFGBG reads the background from COLORFGBG ("fg;bg" or "fg;default;bg"): colours 0–6 and
// 8 of the 16-colour palette are dark, 7 and 9–15 light.
func fromCOLORFGBG(v string) (dark, ok bool) {
	parts := strings.Split(v, ";")
	if len(parts) < 2 {
		return false, false
	}
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil || bg < 0 || bg > 15 {
		return false, false
	}
	return bg <= 6 || bg == 8, true
}

// Run shows the program on the terminal until the cashier quits or ctx ends. It settles the
// terminal's background before the program takes the screen, and builds the styles from it.
func Run(ctx context.Context, d Deps) (Result, error) {
	if d.Printer == nil {
		d.Printer = catalog.New(language.English)
	}
	if err := NoTerminal(d.Printer); err != nil {
		return Result{}, err
	}
	r := lipgloss.NewRenderer(os.Stdout)
	// The question to the terminal and the first reads of the journal go together: the first
	// frame waits for the slower of the two, not for both.
	darkc := make(chan bool, 1)
	go func() {
		darkc <- darkBackground(d.Terminal.Background, os.Getenv("COLORFGBG"), func() bool {
			dark, _ := askBackground(os.Stdin, os.Stdout, backgroundQueryTimeout)
			return dark
		})
	}()
	first := firstReads(d)
	dark := <-darkc
	r.SetHasDarkBackground(dark)
	lipgloss.SetHasDarkBackground(dark) // the bubbles' own styles use the default renderer: no second question
	d.Styles = NewStyles(r)
	if d.Now == nil {
		d.Now = time.Now
	}
	app := New(d)
	app.preload(first...)
	defer app.Close()
	// 20 frames a second at most: a key still shows within 50 ms, and an idle desk wakes a third as
	// often as at Bubble Tea's default 60 (BenchmarkIdleDesk, cli).
	p := tea.NewProgram(app, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithFPS(deskFPS))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	if who := app.SignedIn(); who != "" { // the screen has closed: the trail says who left
		_ = d.Staff.SignOut(who, "desk closed")
	}
	return Result{InFlight: app.InFlight()}, err
}
