package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qfpos/ui"
)

// The line mode: the desk's flows as plain prompts (ui.RunLines), for screen readers, braille
// displays, serial consoles and TERM=dumb. It holds the journal like the desk when the journal is
// free; when the desk, qfpos demo or qfpos serve holds it, it runs there, its lines carried by
// the journal's socket like any other command's.

const accessibleUsage = "the desk as plain line prompts, for screen readers and terminals that cannot draw (also [terminal] accessible, TERM=dumb or ACCESSIBLE set)"

// ownerLines names the line mode as the journal's owner.
const ownerLines = "qfpos --accessible"

// accessible reports whether the desk runs as line prompts: --accessible (which, given, decides),
// TERM=dumb, ACCESSIBLE set (not "0" or "false"), or [terminal] accessible (qfpos demo reads no
// configuration).
func (a *app) accessible() bool {
	if a.accessibleSet {
		return a.accessibleFlag
	}
	if a.env("TERM") == "dumb" {
		return true
	}
	if v := strings.TrimSpace(a.env("ACCESSIBLE")); v != "" && v != "0" && !strings.EqualFold(v, "false") {
		return true
	}
	if len(a.args) > 0 && firstWord(a.args) == "demo" {
		return false
	}
	c, err := a.config()
	return err == nil && c.Terminal.Accessible
}

// showLines runs the line mode on the command's standard input and output (the caller's, in the
// owner). A PIN is typed with the terminal's echo off, the caller's through the socket too.
func (a *app) showLines(deps ui.Deps) error {
	in, err := a.files.Open("-")
	if err != nil {
		return failed(err)
	}
	defer in.Close()
	lio := ui.LineIO{In: in, Out: a.stdout, Echo: a.files.Echo}
	if fd := os.Stdin.Fd(); !a.owned && term.IsTerminal(fd) {
		if st, err := term.GetState(fd); err == nil {
			defer func() { _ = term.Restore(fd, st) }() // interrupted while a PIN was typed: the echo comes back
		}
	}
	res, err := ui.RunLines(a.ctx, deps, lio)
	if err != nil {
		a.logger().Error("line mode", "err", err)
		return failed(err)
	}
	if note := quitNote(deps, res); note != "" && !deps.GoesOn { // the session said what goes on
		fmt.Fprintln(a.stderr, note)
	}
	return nil
}

// linesFor reports whether a command line run for a caller is the line mode (qfpos --accessible),
// which an owner runs like the commands it forwards.
func linesFor(c *cobra.Command, args []string) bool {
	return !c.HasParent() && slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--accessible") })
}
