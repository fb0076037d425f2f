package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func docsCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "docs markdown",
		Short:  "Print the command table of the README, generated from this command tree",
		Hidden: true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 || args[0] != "markdown" {
				return usage("say qfpos docs markdown")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			CommandTable(cmd.OutOrStdout(), cmd.Root())
			return nil
		},
	}
}

// CommandTable writes the README's table of commands: every command that is not hidden, with its
// usage line and its one-line description, in the order of qfpos help.
func CommandTable(w io.Writer, root *cobra.Command) {
	root.InitDefaultCompletionCmd() // cobra adds it only when it executes
	fmt.Fprintln(w, "| Command | What it does |")
	fmt.Fprintln(w, "| --- | --- |")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Name() == "completion" {
			fmt.Fprintf(w, "| `%s bash\\|zsh\\|fish\\|powershell` | %s. |\n", c.CommandPath(), "Print a shell completion script")
			return
		}
		if c.Runnable() && (!c.HasSubCommands() || !c.HasParent()) {
			use := c.CommandPath()
			if _, args, ok := strings.Cut(c.Use, " "); ok {
				use += " " + args
			}
			fmt.Fprintf(w, "| `%s` | %s. |\n", strings.ReplaceAll(use, "|", `\|`), strings.ReplaceAll(c.Short, "|", `\|`))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
