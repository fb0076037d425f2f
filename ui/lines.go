package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/width"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// The line mode is the desk's flows as plain prompts, for screen readers, braille displays, serial
// consoles and terminals that cannot draw: every line is appended, nothing is redrawn or cleared,
// no colour, cursor movement or spinner is written, and the bell rings only where the cashier must
// act. It asks the same lifecycle and says the same catalog's words as the desk.

// LineIO is where the line mode reads and writes.
type LineIO struct {
	In  io.Reader
	Out io.Writer
	// Echo, when set, turns the echo of the terminal behind In off while a PIN is typed, and on
	// again (the caller's terminal, through the journal's socket).
	Echo func(on bool)
	// After is the timer of [terminal] lock_after (nil: time.After).
	After func(time.Duration) <-chan time.Time
}

// errQuit ends the session: the cashier quit, the input ended, or ctx ended.
var errQuit = errors.New("quit")

// bell rings where the cashier must act (a manager's approval, a failure, an unknown outcome).
const bell = "\a"

// lineSession is one run of the line mode.
type lineSession struct {
	ctx     context.Context
	d       *Deps
	out     io.Writer
	reqs    chan bool // a line is wanted (true: a PIN)
	reading bool      // a line was asked for and has not come yet
	lines   chan lineRead
	after   func(time.Duration) <-chan time.Time
	updates <-chan reversal.Update
	// mine are the operations started here and not yet finished: a change of their state is said
	// as soon as the cashier is at a prompt.
	mine map[uint64]storage.Reversal
	// said is what was last said of each operation (its state and attempt), so that a state is
	// said once.
	said map[uint64]string
	// last is the newest operation of this session with a slip to give the customer.
	last storage.Reversal
	// synced brings the start-up sync's outcome ([journal] sync_on_start), said at a prompt.
	synced chan syncedMsg
}

type lineRead struct {
	text   string
	hidden bool // typed with the echo off: its Enter was not shown either
	err    error
}

// RunLines runs the line mode until the cashier quits, the input ends or ctx ends.
func RunLines(ctx context.Context, d Deps, lio LineIO) (Result, error) {
	if d.Printer == nil {
		d.Printer = catalog.New(language.English)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if lio.After == nil {
		lio.After = time.After
	}
	s := &lineSession{ctx: ctx, d: &d, out: lio.Out, reqs: make(chan bool), lines: make(chan lineRead),
		after: lio.After, mine: map[uint64]storage.Reversal{}, said: map[uint64]string{}}
	var stop func()
	s.updates, stop = d.Desk.Subscribe()
	defer stop()
	// Lines are read only when one is asked for, so that what a terminal echoes stays in order
	// with what is written, and a PIN can be read with the echo off.
	done := make(chan struct{})
	defer close(done)
	go readLines(bufio.NewReader(lio.In), lio.Echo, s.reqs, s.lines, done)
	if d.Sync != nil { // as the desk does, in the background
		synced := make(chan syncedMsg, 1)
		s.synced = synced
		go func() { synced <- syncSales(d.Sync)().(syncedMsg) }() // the desk's own command
	}
	err := s.run()
	if who := s.d.Terminal.Cashier; s.d.staffed && who != "" && d.Staff != nil {
		_ = d.Staff.SignOut(who, "desk closed")
	}
	res := Result{InFlight: s.inFlight()}
	if errors.Is(err, errQuit) {
		err = nil
	}
	return res, err
}

// readLines reads a line each time one is asked for; a PIN with the terminal's echo off.
func readLines(r *bufio.Reader, echo func(bool), reqs <-chan bool, out chan<- lineRead, done <-chan struct{}) {
	for {
		var pin bool
		select {
		case pin = <-reqs:
		case <-done:
			return
		}
		var l lineRead
		if pin && echo != nil {
			echo(false)
		}
		l.text, l.err = r.ReadString('\n')
		if pin && echo != nil {
			echo(true)
			l.hidden = true
		}
		if l.err == io.EOF && l.text != "" {
			l.err = nil // the last line without its newline
		}
		select {
		case out <- l:
		case <-done:
			return
		}
	}
}

// say writes one line (or several) in the cashier's language.
func (s *lineSession) say(k catalog.Key, args ...any) { s.write(s.d.t(k, args...)) }

// write appends text and a newline.
func (s *lineSession) write(text string) { fmt.Fprintln(s.out, text) }

// ask writes a prompt and reads the answer, trimmed; a PIN is read without showing it when the
// input can. While it waits, the changes of this session's operations are said, and the prompt
// again after them. It returns errQuit when the input or ctx ends, and errLocked when
// [terminal] lock_after passes without an answer.
func (s *lineSession) ask(pin bool, k catalog.Key, args ...any) (string, error) {
	prompt := s.d.t(k, args...)
	if !strings.HasSuffix(prompt, "：") { // a full-width colon has its space
		prompt += " "
	}
	s.announce()
	fmt.Fprint(s.out, prompt)
	var idle <-chan time.Time
	if s.d.staffed && s.d.LockAfter > 0 && s.d.Terminal.Cashier != "" && !pin { // a PIN is typed with the echo off
		idle = s.after(s.d.LockAfter)
	}
	if !s.reading { // a line asked for before the desk locked is still being read: it answers this
		select {
		case s.reqs <- pin:
			s.reading = true
		case <-s.ctx.Done():
			return "", errQuit
		}
	}
	for {
		select {
		case l := <-s.lines:
			s.reading = false
			if l.hidden && l.err == nil {
				fmt.Fprintln(s.out) // a hidden PIN's Enter was not shown
			}
			if l.err != nil {
				fmt.Fprintln(s.out)
				return "", errQuit
			}
			return strings.TrimSpace(width.Narrow.String(strings.TrimRight(l.text, "\r\n"))), nil
		case u, ok := <-s.updates:
			if !ok {
				s.updates = nil // the lifecycle has stopped: nothing more will be said
				continue
			}
			if s.track(u) {
				fmt.Fprintln(s.out)
				s.announce()
				fmt.Fprint(s.out, prompt)
			}
		case m := <-s.synced:
			s.synced = nil // said once
			fmt.Fprintln(s.out)
			if m.err != nil {
				s.say(catalog.SyncFailed, m.err)
			} else {
				s.say(catalog.SyncedSales, m.res.Added)
			}
			fmt.Fprint(s.out, prompt)
		case <-idle:
			fmt.Fprintln(s.out)
			s.write(s.d.t(catalog.LineIdleLocked, s.d.LockAfter.String()))
			s.signOut("idle")
			return "", errLocked // the line being read is the next question's answer: the staff id
		case <-s.ctx.Done():
			fmt.Fprintln(s.out)
			return "", errQuit
		}
	}
}

// errLocked: the desk locked while a question waited; the session goes back to the sign-in.
var errLocked = errors.New("locked")

// track takes a lifecycle update; it reports whether it changed what should be said of an
// operation of this session.
func (s *lineSession) track(u reversal.Update) bool {
	r := u.Reversal
	if _, ok := s.mine[r.ID]; !ok {
		return false
	}
	s.mine[r.ID] = r
	return s.said[r.ID] != sayKey(r)
}

// announce says what changed of this session's operations since it was last said.
func (s *lineSession) announce() {
	ids := make([]uint64, 0, len(s.mine))
	for id := range s.mine {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s.progress(s.mine[id])
	}
}

// sayKey is what decides whether an operation's state was said already.
func sayKey(r storage.Reversal) string { return fmt.Sprintf("%s/%d", r.State, r.Attempts) }

// progress says an operation's state in one line if it was not said yet; a finished operation is
// no longer followed.
func (s *lineSession) progress(r storage.Reversal) {
	if s.said[r.ID] == sayKey(r) {
		return
	}
	s.said[r.ID] = sayKey(r)
	if r.State.Finished() {
		delete(s.mine, r.ID)
	}
	// The command line's words, but for QFPay's "processing" (said as its answer, without the time
	// of the next check) and the reference, read in groups.
	words := Progress(s.d.Printer, r, s.d.Terminal.Location)
	switch r.State {
	case storage.StateProcessing:
		words = s.d.t(catalog.LineProcessing)
	case storage.StateSucceeded:
		if r.SysSN != "" {
			words = s.d.t(catalog.LineSucceededRef, grouped(r.SysSN))
		}
	case storage.StateFailed, storage.StateUnknown:
		words = bell + words
	}
	s.say(catalog.LineProgress, s.d.kind(r.Kind), amount(r.Amount, r.Currency), words)
	if (r.State == storage.StateSucceeded || r.State == storage.StateUnknown) && r.ID >= s.last.ID {
		s.last = r
		if s.d.PrintSlip != nil {
			s.say(catalog.LinePrintHint)
		}
	}
}

// inFlight counts this session's operations not yet finished.
func (s *lineSession) inFlight() int { return len(s.mine) }

// grouped writes a reference of digits (QFPay's syssn) in groups of four, as it is read aloud; any
// other text is written as it is.
func grouped(ref string) string {
	if strings.Trim(ref, "0123456789") != "" {
		return ref
	}
	var parts []string
	for len(ref) > 4 {
		parts = append(parts, ref[:4])
		ref = ref[4:]
	}
	return strings.Join(append(parts, ref), " ")
}

// is reports whether an answer is one of a command's words (its key, its English word, its word in
// the cashier's language).
func (s *lineSession) is(answer string, words catalog.Key) bool {
	a := strings.ToLower(strings.TrimSpace(answer))
	return a != "" && slices.Contains(strings.Fields(strings.ToLower(s.d.t(words))), a)
}

// run is the session: the welcome, the sign-in when the journal has staff, then commands until
// the cashier quits.
func (s *lineSession) run() error {
	s.welcome()
	if s.d.Staff != nil {
		people, err := s.d.Staff.Staff()
		s.d.staffed = len(people) > 0 || err != nil // a staff list that cannot be read keeps it locked
	}
	for {
		if s.d.staffed && s.d.session.ID == "" {
			if err := s.signIn(); err != nil {
				return err
			}
		}
		err := s.command()
		switch {
		case errors.Is(err, errLocked):
			continue
		case err != nil:
			return err
		}
	}
}

// welcome says where the cashier is and how to get help, and what the desk says at start.
func (s *lineSession) welcome() {
	s.say(catalog.LineWelcome, s.d.Terminal.UDID, s.environment())
	if s.d.Audit != nil {
		if m := checkAudit(s.d.Audit)().(auditMsg); !m.res.OK() { // the desk's own check
			s.write(bell + s.d.t(catalog.AuditBroken, m.res.BrokenAt))
		}
	}
	if s.d.LimitsDiffer {
		s.say(catalog.LimitsDiffer)
	}
	if s.d.SlipEncoding != "" {
		s.say(catalog.SlipEncodingUTF8, s.d.SlipEncoding)
	}
	if rs, err := s.d.Journal.Unfinished(); err == nil && len(rs) > 0 {
		s.say(catalog.LinePendingAtStart, len(rs))
	}
}

// environment is the gateway in words, as the desk's header badge says it.
func (s *lineSession) environment() string {
	switch s.d.Terminal.Environment {
	case EnvDemo:
		return s.d.t(catalog.Demo)
	case EnvSandbox:
		return s.d.t(catalog.EnvSandbox)
	case EnvLiveTest:
		return s.d.t(catalog.EnvLiveTest)
	case EnvProduction:
		return s.d.t(catalog.EnvProduction)
	}
	return s.d.t(catalog.EnvCustom, s.d.Terminal.Gateway)
}

// signIn asks for a staff id and PIN until someone signs in.
func (s *lineSession) signIn() error {
	s.say(catalog.LineSignIn)
	for _, l := range s.d.Logins { // the demo's people: nobody has to guess a PIN
		role := s.d.t(catalog.RoleCashier)
		if l.Role == storage.RoleManager {
			role = s.d.t(catalog.RoleManager)
		}
		s.say(catalog.DemoLogin, role, l.ID, l.PIN)
	}
	for {
		id, err := s.ask(false, catalog.LineAsk, s.d.t(catalog.SignInID))
		if err != nil {
			return err
		}
		if id == "" {
			continue
		}
		pin, err := s.ask(true, catalog.LineAsk, s.d.t(catalog.SignInPIN))
		if err != nil {
			return err
		}
		ss, err := s.d.Staff.SignIn(id, pin)
		if err != nil {
			s.write(s.d.staffProblem(err))
			continue
		}
		s.d.Terminal.Cashier, s.d.role, s.d.session = ss.ID, ss.Role, ss
		role := s.d.t(catalog.RoleCashier)
		if ss.Role == storage.RoleManager {
			role = s.d.t(catalog.RoleManager)
		}
		s.say(catalog.LineSignedIn, ss.ID, role)
		return nil
	}
}

// signOut records that the person left and empties who is at the desk.
func (s *lineSession) signOut(why string) {
	if who := s.d.Terminal.Cashier; who != "" && s.d.Staff != nil {
		_ = s.d.Staff.SignOut(who, why)
	}
	s.d.Terminal.Cashier, s.d.role, s.d.session = "", "", storage.Session{}
}

// command asks for one command (or a sale to find) and does it.
func (s *lineSession) command() error {
	answer, err := s.ask(false, catalog.LinePrompt)
	if err != nil {
		return err
	}
	switch {
	case answer == "":
		return nil
	case s.is(answer, catalog.LineWordsHelp):
		s.help()
	case s.is(answer, catalog.LineWordsQuit):
		return s.quit()
	case s.is(answer, catalog.LineWordsRecent):
		return s.recent()
	case s.is(answer, catalog.LineWordsPending):
		s.pending()
	case s.is(answer, catalog.LineWordsToday):
		return s.today()
	case s.is(answer, catalog.LineWordsPrint):
		return s.printLast()
	case s.is(answer, catalog.LineWordsLanguage):
		s.nextLanguage()
	case s.is(answer, catalog.LineWordsLock):
		if !s.d.staffed {
			s.say(catalog.LineNoStaff)
			return nil
		}
		s.signOut("locked")
		s.say(catalog.LineLocked)
		return errLocked
	default:
		return s.find(answer)
	}
	return nil
}

// help lists the commands.
func (s *lineSession) help() {
	for _, k := range []catalog.Key{catalog.LineHelpFind, catalog.LineHelpRecent, catalog.LineHelpPending, catalog.LineHelpToday,
		catalog.LineHelpPrint, catalog.LineHelpLanguage, catalog.LineHelpLock, catalog.LineHelpQuit} {
		s.say(k)
	}
}

// quit ends the session; with operations of this session in flight it asks first.
func (s *lineSession) quit() error {
	if n := s.inFlight(); n > 0 && s.d.GoesOn {
		s.say(catalog.LineGoesOn, n)
	} else if n > 0 {
		s.say(catalog.QuitInFlight, n)
		answer, err := s.ask(false, catalog.LineQuitAsk)
		if err != nil {
			return err
		}
		if !s.is(answer, catalog.LineWordsYes) {
			return nil
		}
	}
	return errQuit
}

// nextLanguage switches to the catalog's next language, as L does on the desk, and remembers it
// for the signed-in cashier.
func (s *lineSession) nextLanguage() {
	i := slices.Index(catalog.Languages, s.d.Printer.Language())
	next := catalog.Languages[(i+1)%len(catalog.Languages)]
	s.d.Printer = catalog.New(next)
	s.say(catalog.LineLanguage, s.d.t(catalog.LineLanguageName))
	if s.d.Memory != nil && s.d.Terminal.Cashier != "" {
		_ = s.d.Memory.SetCashierLanguage(s.d.Terminal.Cashier, next.String()) // a choice not kept is chosen again
	}
}

// choose asks for one of n numbered items; 0 is none (Enter, or back).
func (s *lineSession) choose(k catalog.Key, n int) (int, error) {
	for {
		answer, err := s.ask(false, k, n)
		if err != nil {
			return 0, err
		}
		if answer == "" || s.is(answer, catalog.LineWordsBack) {
			return 0, nil
		}
		var i int
		if _, err := fmt.Sscanf(answer, "%d", &i); err == nil && i >= 1 && i <= n && fmt.Sprint(i) == answer {
			return i, nil
		}
		s.say(catalog.LineNotANumber, answer, n)
	}
}
