package ui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qfpos/storage"
	"qfpos/ui/catalog"
)

// Staff are the people who may work the desk (*storage.Journal). With staff, the desk starts
// locked: a cashier signs in with id and PIN; Ctrl+L and [terminal] lock_after lock it again.
type Staff interface {
	Staff() ([]storage.Person, error)
	// SignIn checks a PIN; the session it returns is the cashier of what the desk starts.
	SignIn(id, pin string) (storage.Session, error)
	// SignOut records that a person left the desk, and why ("locked", "idle", "desk closed").
	SignOut(id, why string) error
}

// Messages of the sign-in.
type (
	staffMsg struct {
		n   int
		err error
	}
	signedInMsg struct {
		s   storage.Session
		err error
	}
)

// staffLocksMsg lists the people locked after wrong PINs ("amy until 15:15").
type staffLocksMsg struct{ locked []string }

func loadStaffLocks(s Staff, now time.Time, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		people, _ := s.Staff()
		var locked []string
		for _, p := range people {
			if now.Before(p.LockedUntil) {
				locked = append(locked, p.ID+" "+p.LockedUntil.In(loc).Format("15:04"))
			}
		}
		return staffLocksMsg{locked: locked}
	}
}

func countStaff(s Staff) tea.Cmd {
	return func() tea.Msg {
		people, err := s.Staff()
		return staffMsg{n: len(people), err: err}
	}
}

func signOut(s Staff, id, why string) tea.Cmd {
	return func() tea.Msg {
		_ = s.SignOut(id, why) // the trail's record; the desk is locked whatever it says
		return nil
	}
}

func signIn(s Staff, id, pin string) tea.Cmd {
	return func() tea.Msg {
		ss, err := s.SignIn(id, pin)
		return signedInMsg{s: ss, err: err}
	}
}

// signinScreen asks for a staff id and a PIN: to sign in, or for a manager to approve a refund.
type signinScreen struct {
	d       *Deps
	title   catalog.Key
	submit  func(id, pin string) tea.Cmd
	id, pin textinput.Model
	focus   int // 0 the id, 1 the PIN
	problem string
	busy    bool
	keys    struct{ Next, Send key.Binding }
	width   int
}

func newSigninScreen(d *Deps) *signinScreen {
	s := &signinScreen{d: d, width: 80, title: catalog.SignInTitle}
	s.submit = func(id, pin string) tea.Cmd { return signIn(d.Staff, id, pin) }
	s.id = textinput.New()
	s.id.Prompt, s.id.CharLimit = "", 32
	s.pin = textinput.New()
	s.pin.Prompt, s.pin.CharLimit = "", 12
	s.pin.EchoMode, s.pin.EchoCharacter = textinput.EchoPassword, '•'
	s.id.Cursor.SetMode(cursor.CursorStatic)
	s.pin.Cursor.SetMode(cursor.CursorStatic)
	s.relanguage()
	s.reset()
	return s
}

func (s *signinScreen) relanguage() {
	s.keys.Next = bind(s.d.t(catalog.HelpNextField), "tab")
	s.keys.Send = bind(s.d.t(catalog.HelpSignIn), "enter")
}

// reset empties the fields (the desk locks).
func (s *signinScreen) reset() {
	s.id.SetValue("")
	s.pin.SetValue("")
	s.focus, s.busy = 0, false
	s.id.Focus()
	s.pin.Blur()
}

func (s *signinScreen) Typing() bool             { return true }
func (s *signinScreen) SetSize(w, _ int)         { s.width = w }
func (s *signinScreen) ShortHelp() []key.Binding { return []key.Binding{s.keys.Send, s.keys.Next} }
func (s *signinScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp()}
}

func (s *signinScreen) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok || s.busy {
		return nil
	}
	switch {
	case k.Type == tea.KeyTab || k.Type == tea.KeyShiftTab || k.Type == tea.KeyEnter && s.focus == 0:
		s.focus = 1 - s.focus
		if s.focus == 1 {
			s.id.Blur()
			s.pin.Focus()
		} else {
			s.pin.Blur()
			s.id.Focus()
		}
		return nil
	case k.Type == tea.KeyEnter:
		id, pin := strings.TrimSpace(s.id.Value()), s.pin.Value()
		if id == "" || pin == "" {
			return nil
		}
		s.busy, s.problem = true, ""
		return s.submit(id, pin)
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		s.id, cmd = s.id.Update(msg)
	} else {
		s.pin, cmd = s.pin.Update(msg)
	}
	return cmd
}

// refused says why a sign-in failed, in the cashier's words, and empties the PIN.
func (s *signinScreen) refused(err error) {
	s.busy = false
	s.pin.SetValue("")
	s.problem = s.d.staffProblem(err)
}

// staffProblem says why a person's id and PIN were refused, in the cashier's words (a journal
// error as such).
func (d *Deps) staffProblem(err error) string {
	var se *storage.StaffError
	if !errors.As(err, &se) {
		return d.t(catalog.JournalError, err)
	}
	switch {
	case errors.Is(err, storage.ErrLockedOut):
		return d.t(catalog.SignInLocked, se.ID, se.Until.In(d.Terminal.Location).Format("15:04"))
	case errors.Is(err, storage.ErrWrongPIN):
		return d.t(catalog.SignInWrong, se.ID)
	case errors.Is(err, storage.ErrStaffDisabled):
		return d.t(catalog.SignInDisabled, se.ID)
	case errors.Is(err, storage.ErrNoSuchStaff):
		return d.t(catalog.SignInUnknown, se.ID)
	case errors.Is(err, storage.ErrNotManager):
		return d.t(catalog.ApprovalNotManager, se.ID)
	}
	return d.t(catalog.JournalError, err)
}

func (s *signinScreen) View() string {
	st, t := s.d.Styles, s.d.t
	marker := func(i int) string {
		if s.focus == i {
			return "›"
		}
		return " "
	}
	lines := []string{st.Title.Render(t(s.title)), "",
		marker(0) + st.Label.Render(t(catalog.SignInID)) + " " + s.id.View(),
		marker(1) + st.Label.Render(t(catalog.SignInPIN)) + " " + s.pin.View(), ""}
	if s.problem != "" {
		lines = append(lines, st.Bad.Render(wrap(s.problem, s.width)), "")
	}
	for _, l := range s.d.Logins { // the demo's people: nobody has to guess a PIN
		role := t(catalog.RoleCashier)
		if l.Role == storage.RoleManager {
			role = t(catalog.RoleManager)
		}
		lines = append(lines, st.Muted.Render(wrap(t(catalog.DemoLogin, role, l.ID, l.PIN), s.width)))
	}
	if tour := s.d.Tour; tour != nil && s.title == catalog.SignInTitle { // not on a manager's approval
		lines = append(lines, "", st.Label.Render(t(catalog.DemoTry)))
		for _, line := range []string{
			t(catalog.DemoTryApproval, tour.Cashier, amount(tour.ApprovalOver, tour.Currency), tour.Manager),
			t(catalog.DemoTryPrint, tour.Slips),
			t(catalog.DemoTryClose, tour.Manager),
		} {
			lines = append(lines, hang("• ", line, s.width))
		}
	}
	return strings.Join(lines, "\n")
}

// lockIfIdle locks the desk after [terminal] lock_after without a key.
func (a *App) lockIfIdle(now time.Time) tea.Cmd {
	if a.d.Staff == nil || !a.d.staffed || a.locked || a.d.LockAfter <= 0 || a.lastKey.IsZero() {
		return nil
	}
	if now.Sub(a.lastKey) >= a.d.LockAfter {
		return a.lock("idle")
	}
	return nil
}

// lock signs the cashier out: the sign-in screen covers every screen until someone signs in. The
// returned command records the sign-out on the trail (why: "locked", "idle"; "" at start, when
// nobody has signed in yet).
func (a *App) lock(why string) tea.Cmd {
	var cmd tea.Cmd
	if who := a.SignedIn(); who != "" && why != "" {
		cmd = signOut(a.d.Staff, who, why)
	}
	a.locked, a.printing = true, 0 // a question asked before the lock is not answered after it
	a.d.Terminal.Cashier, a.d.role, a.d.session = "", "", storage.Session{}
	a.signin.reset()
	// Lock means lock: what the last person half typed goes, and the next starts at the sales list.
	a.stack, a.notice = []screenID{salesID}, notice{}
	a.refund.approval, a.refund.confirming = nil, false
	a.today.closing = false
	if a.sales.finding || a.sales.find.Value() != "" {
		a.sales.blur()
		a.sales.find.SetValue("")
		return tea.Batch(cmd, a.sales.searchCmd())
	}
	return cmd
}

// SignedIn is the person signed in at the desk ("" when it is locked or has no staff).
func (a *App) SignedIn() string {
	if a.d.Staff == nil || !a.d.staffed || a.locked {
		return ""
	}
	return a.d.Terminal.Cashier
}

// manager reports whether the person at the desk may do a manager's work: the signed-in person is
// a manager, or the journal has no staff (the desk as before).
func (d *Deps) manager() bool { return !d.staffed || d.role == storage.RoleManager }
