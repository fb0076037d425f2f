package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qfpos/storage"
)

func staffCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "staff",
		Short:   "Cashiers and managers: add, list, disable, change a PIN",
		GroupID: "manager",
		Long: `The people who work the desk, each with a role (cashier or manager) and a PIN of 4 to 12
digits, kept only as a bcrypt hash. A manager approves refunds over the limits. Five wrong PINs in
a row lock a person for 15 minutes. Without staff, the desk works with [terminal] cashier.`,
		Args: subcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage("say add, list, disable or pin (qfpos help staff)")
		},
	}
	var role string
	var fromStdin bool
	add := &cobra.Command{
		Use:   "add NAME --role cashier|manager [--pin-stdin]",
		Short: "Add a cashier or a manager (the PIN is typed twice, unseen, or read from stdin)",
		Example: `  qfpos staff add amy --role cashier
  echo 4321 | qfpos staff add 陳小明 --role manager --pin-stdin`,
		Args: oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if role != storage.RoleCashier && role != storage.RoleManager {
				return flagError("role", role, errors.New("is not cashier or manager"))
			}
			if err := storage.CheckStaffID(args[0]); err != nil {
				return usage("staff id %q %v", args[0], err)
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			pin, err := a.readPIN(fromStdin, true)
			if err != nil {
				return err
			}
			if err := j.AddStaff(args[0], role, pin); err != nil {
				return staffError(err)
			}
			fmt.Fprintf(a.stdout, "added %s (%s)\n", args[0], role)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", storage.RoleCashier, "cashier or manager")
	add.Flags().BoolVar(&fromStdin, "pin-stdin", false, "read the PIN from standard input (one line)")
	var pinFromStdin bool
	pin := &cobra.Command{
		Use:   "pin NAME [--pin-stdin]",
		Short: "Change a person's PIN (and lift a lock)",
		Args:  oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			p, err := a.readPIN(pinFromStdin, true)
			if err != nil {
				return err
			}
			if err := j.SetPIN(args[0], p); err != nil {
				return staffError(err)
			}
			fmt.Fprintf(a.stdout, "PIN of %s changed\n", args[0])
			return nil
		},
	}
	pin.Flags().BoolVar(&pinFromStdin, "pin-stdin", false, "read the PIN from standard input (one line)")
	c.AddCommand(add, pin, &cobra.Command{
		Use:   "list",
		Short: "List the staff: role, and whether disabled or locked",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			people, err := j.Staff()
			if err != nil {
				return failed(err)
			}
			if len(people) == 0 {
				fmt.Fprintln(a.stdout, "no staff: the desk works with [terminal] cashier")
				return nil
			}
			rows := [][]string{{"id", "role", "state"}}
			for _, p := range people {
				state := "active"
				switch {
				case p.Disabled:
					state = "disabled"
				case a.now().Before(p.LockedUntil):
					state = "locked until " + p.LockedUntil.In(j.Location()).Format("15:04")
				}
				rows = append(rows, []string{p.ID, p.Role, state})
			}
			return writeTable(a.stdout, rows)
		},
	}, &cobra.Command{
		Use:   "disable NAME",
		Short: "Stop a person from signing in or approving (their history stays)",
		Args:  oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			if err := j.DisableStaff(args[0]); err != nil {
				return staffError(err)
			}
			fmt.Fprintf(a.stdout, "disabled %s\n", args[0])
			return nil
		},
	})
	return c
}

// oneName takes exactly one person's id.
func oneName(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usage("name one person (qfpos staff list shows them)")
	}
	return nil
}

// staffError is a staff rule broken (exit 2: nothing changed) or a journal failure (exit 1).
func staffError(err error) error {
	var se *storage.StaffError
	if errors.As(err, &se) || strings.Contains(err.Error(), "PIN") || strings.Contains(err.Error(), "role") {
		return usage("%v", err)
	}
	return failed(err)
}

// readPIN reads a PIN: one line of standard input (the caller's, through the journal's owner), or
// typed unseen at the terminal (twice when confirm is set).
func (a *app) readPIN(fromStdin, confirm bool) (string, error) {
	var pin string
	switch {
	case fromStdin:
		in, err := a.files.Open("-")
		if err != nil {
			return "", failed(err)
		}
		line, err := bufio.NewReader(io.LimitReader(in, 64)).ReadString('\n')
		in.Close()
		if err != nil && line == "" {
			return "", usage("no PIN on standard input")
		}
		pin = strings.TrimSpace(line)
	case a.owned || !term.IsTerminal(os.Stdin.Fd()):
		return "", usage("give the PIN with --pin-stdin (no terminal to type it on)")
	default:
		first, err := askPIN(a.stderr, "PIN: ")
		if err != nil {
			return "", failed(err)
		}
		if confirm {
			again, err := askPIN(a.stderr, "PIN again: ")
			if err != nil {
				return "", failed(err)
			}
			if again != first {
				return "", usage("the two PINs differ; nothing changed")
			}
		}
		pin = first
	}
	if err := storage.CheckPIN(pin); err != nil {
		return "", usage("%v", err)
	}
	return pin, nil
}

// askPIN prompts and reads a PIN without echo.
func askPIN(w io.Writer, prompt string) (string, error) {
	fmt.Fprint(w, prompt)
	b, err := term.ReadPassword(os.Stdin.Fd())
	fmt.Fprintln(w)
	return strings.TrimSpace(string(b)), err
}

// writeTable writes rows in columns two spaces apart, measured in terminal cells (a Chinese
// character is two), which text/tabwriter does not do.
func writeTable(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		if _, err := fmt.Fprintln(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}
