// Package cli is qfpos's command line: a cobra command tree, one file per command group, over one
// lazily built application value (configuration → journal → QFPay client → lifecycle).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"qfpos/storage"
	"qfpos/ui/catalog"
)

// Exit statuses, one table for every command.
const (
	ExitOK      = 0 // done (every operation succeeded)
	ExitFailed  = 1 // failed: a final refusal, a journal in use, an I/O error, differences found
	ExitUsage   = 2 // usage, configuration or validation error: nothing was sent or changed
	ExitUnknown = 3 // an outcome is still unknown at the deadline (or the wait was interrupted)
)

// exitError ends a command with a status. An empty message means the command already said what
// happened.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usage is a mistake in what was typed or configured (exit 2), said in the catalog's words.
func usage(key catalog.Key, args ...any) error {
	return &exitError{code: ExitUsage, err: says(key, args...)}
}

// badInput is an error about what was typed or configured, as a lower layer said it (exit 2).
func badInput(err error) error { return &exitError{code: ExitUsage, err: err} }

// flagError names the flag that is wrong: "--syssn 2026…: not in the journal (…)".
func flagError(flag, value string, err error) error {
	if value == "" {
		return &exitError{code: ExitUsage, err: says("--%s: %v", flag, err)}
	}
	return &exitError{code: ExitUsage, err: says("--%s %s: %v", flag, value, err)}
}

// failed is an error of the operation itself (exit 1).
func failed(err error) error { return &exitError{code: ExitFailed, err: err} }

// status ends a command that printed its own result with a status.
func status(code int) error {
	if code == ExitOK {
		return nil
	}
	return &exitError{code: code}
}

// Execute runs the command line and returns the exit status. ctx ends on Ctrl+C or SIGTERM.
// When another qfpos holds the journal and serves it, the command runs there (see owner.go), with
// the same output and exit status.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := newApp(ctx, stdout, stderr, os.Getenv)
	code, held := execute(a, args)
	a.close()
	if held != nil {
		if held.args != nil {
			args = held.args
		}
		return held.forward(ctx, args, stdout, stderr, a.words())
	}
	return code
}

// execute runs args on an app and prints the error line; it returns the heldError instead when the
// journal is served by another qfpos.
func execute(a *app, args []string) (int, *heldError) {
	root := newRoot(a)
	root.SetArgs(args)
	a.args = args
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK, nil
	}
	var held *heldError
	if errors.As(err, &held) {
		return 0, held
	}
	code, msg := ExitFailed, errorIn(a.words(), err)
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case isUsage(err):
		code = ExitUsage
		a.langBeforeParsing(args)
		msg = errorIn(a.words(), unknownCommand(root, args, err))
	}
	if msg = oneLine(msg); msg != "" {
		fmt.Fprintf(a.stderr, "%s: %s\n", cmd.CommandPath(), msg)
	}
	return code, nil
}

// isUsage recognises cobra's own errors about what was typed (the flag errors come through
// SetFlagErrorFunc as exitErrors).
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// unknownCommand rewrites cobra's several-line "unknown command" error as one line with the
// nearest command: `unknown command "refunds" (did you mean refund?)`.
func unknownCommand(root *cobra.Command, args []string, err error) error {
	msg := err.Error()
	if !strings.HasPrefix(msg, "unknown command") || len(args) == 0 {
		return err
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(msg, "unknown command "), " for")
	parent := root
	if c, _, err := root.Find(args); err == nil && c != nil {
		parent = c
	}
	if s := parent.SuggestionsFor(strings.Trim(name, `"`)); len(s) > 0 {
		return says("unknown command %s (did you mean %s?)", name, strings.Join(s, ", "))
	}
	return says("unknown command %s (qfpos help lists the commands)", name)
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// version is the module version and VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (%s%s)", rev[:min(len(rev), 12)], modified)
	}
	return v + " " + info.GoVersion
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "qfpos [--accessible]",
		Short: "The refund desk on the configured gateway and journal (--accessible: as plain line prompts)",
		Long: `qfpos is a refund desk for shops that take payments through QFPay.

Without a command it opens the desk: recent sales, refund or cancel, and a live status pane.
Every refund or cancel is journaled before it is sent; an unclear answer is settled by asking
QFPay, never by sending it again.

Exit status: 0 done, 1 failed, 2 usage, configuration or validation error (nothing sent),
3 outcome still unknown (it stays journaled; run qfpos resume, do not refund again).`,
		Example: `  qfpos demo                       # try it on the embedded sandbox
  qfpos --config /etc/qfpos.toml   # the desk on a real gateway`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.accessibleSet = cmd.Flags().Changed("accessible")
			return a.runDesk()
		},
	}
	root.SetVersionTemplate("qfpos {{.Version}}\n")
	root.Flags().BoolVar(&a.accessibleFlag, "accessible", false, accessibleUsage)
	root.PersistentFlags().StringVar(&a.configFlag, "config", "", "configuration file (default ./qfpos.toml, else qfpos/config.toml in the user's config directory)")
	root.PersistentFlags().StringVar(&a.journalFlag, "journal", "", "journal file (overrides [journal] path)")
	root.PersistentFlags().StringVar(&a.langFlag, "lang", "", "language of the cashier's text: en, zh-Hant or zh-Hans (default [terminal] language, else the locale)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		a.langBeforeParsing(a.args)
		return usage("%v (qfpos help %s)", err, strings.TrimPrefix(c.CommandPath(), "qfpos "))
	})
	root.AddGroup(&cobra.Group{ID: "desk", Title: "The desk:"}, &cobra.Group{ID: "ops", Title: "Refunds and cancels:"},
		&cobra.Group{ID: "sales", Title: "Sales and the journal:"}, &cobra.Group{ID: "manager", Title: "For managers:"})
	root.AddCommand(demoCmd(a), serveCmd(a), sandboxCmd(a), refundCmd(a), cancelCmd(a), resumeCmd(a), pendingCmd(a),
		salesCmd(a), journalCmd(a), reportCmd(a), reconcileCmd(a), receiptCmd(a), closeDayCmd(a), auditCmd(a), staffCmd(a), limitsCmd(a), docsCmd())
	root.SetHelpCommandGroupID("desk")
	root.SetCompletionCommandGroupID("desk")
	return root
}

// noArgs refuses positional arguments with a usage error that names the first one.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage("unexpected argument %q (flags start with --; qfpos help lists them)", args[0])
	}
	return nil
}

// subcommand refuses an unknown subcommand of a command group, naming the nearest one.
func subcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		return usage("unknown command %s (did you mean %s?)", fmt.Sprintf("%q", args[0]), strings.Join(s, ", "))
	}
	return usage("unknown command %s (qfpos help %s lists the commands)", fmt.Sprintf("%q", args[0]), strings.TrimPrefix(c.CommandPath(), "qfpos "))
}

// journalError says whether a journal could not be opened because of what was typed (exit 2) or
// because of the file (in use, damaged, I/O: exit 1).
func journalError(err error) error {
	if errors.Is(err, storage.ErrNoJournal) {
		return &exitError{code: ExitUsage, err: err}
	}
	return failed(err)
}
