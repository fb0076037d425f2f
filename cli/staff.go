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
a row lock a person for 15 minutes. Without staff, the desk works with [terminal] cashier.

Who may change what: adding a person, disabling one and changing another's PIN need a manager's
id (--manager) and PIN; a person changes their own PIN with the current one; a lock is lifted by
a manager (a new PIN) or by time. The first person on a journal without staff is its first
manager, added once without one. With --pin-stdin the PINs are lines of standard input, in the
order the command asks for them: the manager's (or your current one), then the new one.`,
		Args: subcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage("say add, list, disable or pin (qfpos help staff)")
		},
	}
	var role, manager string
	var fromStdin bool
	add := &cobra.Command{
		Use:   "add NAME --role cashier|manager [--manager ID] [--pin-stdin]",
		Short: "Add a cashier or a manager (a manager's id and PIN, then the new PIN typed twice, unseen, or read from stdin)",
		Example: `  qfpos staff add 陳小明 --role manager                  # the journal's first manager
  qfpos staff add amy --role cashier --manager 陳小明
  printf '4321\n1234\n' | qfpos staff add bo --role cashier --manager 陳小明 --pin-stdin`,
		Args: oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if role != storage.RoleCashier && role != storage.RoleManager {
				return flagError("role", role, says("is not cashier or manager"))
			}
			if err := storage.CheckStaffID(args[0]); err != nil {
				return usage("staff id %q %v", args[0], err)
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			pins := a.pins(fromStdin)
			defer pins.close()
			by, err := pins.manager(manager)
			if err != nil {
				return err
			}
			pin, err := pins.read(says("PIN of %s", args[0]), true)
			if err != nil {
				return err
			}
			if err := j.AddStaff(by, args[0], role, pin); err != nil {
				return staffError(err)
			}
			a.say(a.stdout, "added %s (%s)", args[0], role)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", storage.RoleCashier, "cashier or manager")
	var pinManager, disableManager string
	var pinFromStdin, disableFromStdin bool
	pin := &cobra.Command{
		Use:   "pin NAME [--manager ID] [--pin-stdin]",
		Short: "Change a PIN: your own with the current one, another's (and lift a lock) with a manager's",
		Example: `  qfpos staff pin amy                      # amy, with her current PIN
  printf '5678\n4444\n' | qfpos staff pin amy --manager mgr --pin-stdin`,
		Args: oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			pins := a.pins(pinFromStdin)
			defer pins.close()
			by, err := pins.manager(pinManager)
			if err != nil {
				return err
			}
			if pinManager == "" { // one's own PIN: the current one first
				if by.PIN, err = pins.read(says("current PIN of %s", args[0]), false); err != nil {
					return err
				}
				by.ID = args[0]
			}
			p, err := pins.read(says("new PIN of %s", args[0]), true)
			if err != nil {
				return err
			}
			if err := j.SetPIN(by, args[0], p); err != nil {
				return staffError(err)
			}
			a.say(a.stdout, "PIN of %s changed", args[0])
			return nil
		},
	}
	disable := &cobra.Command{
		Use:   "disable NAME --manager ID [--pin-stdin]",
		Short: "Stop a person from signing in or approving (their history stays)",
		Args:  oneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if disableManager == "" {
				return usage("disabling %s needs a manager: pass --manager ID (and the PIN, typed or with --pin-stdin)", args[0])
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			pins := a.pins(disableFromStdin)
			defer pins.close()
			by, err := pins.manager(disableManager)
			if err != nil {
				return err
			}
			if err := j.DisableStaff(by, args[0]); err != nil {
				return staffError(err)
			}
			a.say(a.stdout, "disabled %s", args[0])
			return nil
		},
	}
	for _, f := range []struct {
		c       *cobra.Command
		manager *string
		stdin   *bool
	}{{add, &manager, &fromStdin}, {pin, &pinManager, &pinFromStdin}, {disable, &disableManager, &disableFromStdin}} {
		f.c.Flags().StringVar(f.manager, "manager", "", "the manager who makes the change (their PIN is asked, or read first from stdin)")
		f.c.Flags().BoolVar(f.stdin, "pin-stdin", false, "read the PINs from standard input, one a line")
	}
	c.AddCommand(add, pin, disable, &cobra.Command{
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
				a.say(a.stdout, "no staff: the desk works with [terminal] cashier")
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
	switch {
	case errors.Is(err, storage.ErrNeedsManager):
		return usage("%v: pass --manager ID (and the PIN, typed or with --pin-stdin); nothing changed", err)
	case errors.As(err, &se) || strings.Contains(err.Error(), "PIN") || strings.Contains(err.Error(), "role"):
		return usage("%v; nothing changed", err)
	}
	return failed(err)
}

// pinLines reads the PINs a command needs, in the order it asks for them: lines of standard input
// with --pin-stdin (the caller's, through the journal's owner), else typed unseen at the terminal.
type pinLines struct {
	a     *app
	stdin bool
	r     *bufio.Reader
	in    io.Closer
}

func (a *app) pins(fromStdin bool) *pinLines { return &pinLines{a: a, stdin: fromStdin} }

// close releases standard input once the PINs are read.
func (p *pinLines) close() {
	if p.in != nil {
		p.in.Close()
	}
}

// manager is the credential of the manager named by --manager ("": none; nothing is read).
func (p *pinLines) manager(id string) (storage.Credential, error) {
	if id == "" {
		return storage.Credential{}, nil
	}
	pin, err := p.read(says("PIN of %s", id), false)
	return storage.Credential{ID: id, PIN: pin}, err
}

// read reads one PIN: the next line of standard input, or typed unseen at the terminal (twice
// when confirm is set). It checks the PIN's form.
func (p *pinLines) read(prompt *message, confirm bool) (string, error) {
	var pin string
	switch {
	case p.stdin:
		if p.r == nil {
			in, err := p.a.files.Open("-")
			if err != nil {
				return "", failed(err)
			}
			p.in, p.r = in, bufio.NewReader(io.LimitReader(in, 256))
		}
		line, err := p.r.ReadString('\n')
		if err != nil && line == "" {
			return "", usage("no PIN on standard input for %v (--pin-stdin reads one PIN a line)", prompt)
		}
		pin = strings.TrimSpace(line)
	case p.a.owned || !term.IsTerminal(os.Stdin.Fd()):
		return "", usage("give the PIN with --pin-stdin (no terminal to type it on)")
	default:
		first, err := askPIN(p.a.stderr, prompt.in(p.a.words()))
		if err != nil {
			return "", failed(err)
		}
		if confirm {
			again, err := askPIN(p.a.stderr, says("again, %v", prompt).in(p.a.words()))
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
		return "", badInput(err)
	}
	return pin, nil
}

// askPIN prompts and reads a PIN without echo.
func askPIN(w io.Writer, prompt string) (string, error) {
	fmt.Fprint(w, prompt+": ")
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
