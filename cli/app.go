package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"qfpos/cli/config"
	"qfpos/cli/relay"
	"qfpos/qfpay"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// app is what the commands share, built on first use and closed once: the configuration, the
// journal, the log, the QFPay client and the lifecycle. A command asks for what it needs; the
// set-up lines live here once instead of in every command.
type app struct {
	ctx            context.Context
	stdout, stderr io.Writer
	env            func(string) string
	now            func() time.Time

	configFlag, journalFlag, langFlag string   // the persistent flags
	args                              []string // the command line, as given

	// files are the files named on the command line: this process's, or the caller's when the
	// command runs for another qfpos.
	files relay.Files
	// owner: this command holds the journal and serves it (the desk, demo, serve); it never hands
	// itself to another owner. owned: the command runs inside the owner for a caller, whose
	// lifecycle loop already runs.
	owner, owned bool
	// guest: a command that holds the journal when it is free and runs in its owner when another
	// qfpos holds it (the line mode).
	guest bool
	// accessibleFlag is --accessible (the line mode); accessibleSet: it was given, so it decides.
	accessibleFlag, accessibleSet bool

	cfg    *config.Config
	j      *storage.Journal
	log    *slog.Logger
	client *qfpay.Client
	udid   string
	desk   *reversal.Desk
	// limitsDiffer says, when it is not nil, that [refunds] differs from the journal's limits
	// (which hold): refund and the desk say so.
	limitsDiffer *message
	closers      []func()
}

func newApp(ctx context.Context, stdout, stderr io.Writer, env func(string) string) *app {
	return &app{ctx: ctx, stdout: stdout, stderr: stderr, env: env, now: time.Now, files: relay.Local{}}
}

// close releases what was opened, last first.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// config reads the configuration once; a mistake in it is a usage error.
func (a *app) config() (config.Config, error) {
	if a.cfg != nil {
		return *a.cfg, nil
	}
	c, err := config.Load(config.Find(a.configFlag), a.env)
	if err != nil {
		return c, &exitError{code: ExitUsage, err: err}
	}
	a.cfg = &c
	return c, nil
}

// deskPrinter is the desk's catalog: --lang, else the language the cashier last chose with L
// (kept in the journal), else [terminal] language, else the locale.
func (a *app) deskPrinter(j *storage.Journal) (*catalog.Printer, error) {
	p, err := a.printer()
	if err != nil || a.langFlag != "" {
		return p, err
	}
	c, _ := a.config()
	if lang, err := j.CashierLanguage(c.Terminal.Cashier); err == nil && lang != "" {
		if tag, err := config.ParseLanguage(lang); err == nil {
			return catalog.New(tag), nil
		}
	}
	return p, nil
}

// printer is the message catalog in the cashier's language (--lang, else [terminal] language,
// else the locale).
func (a *app) printer() (*catalog.Printer, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	tag, err := c.Language(a.langFlag, a.env)
	if err != nil {
		return nil, flagError("lang", a.langFlag, err)
	}
	return catalog.New(tag), nil
}

// journalMode says whether a command may create the journal.
type journalMode int

const (
	mustExist journalMode = iota // refund, pending, report…: a typo must not start an empty journal
	mayCreate                    // the desk, sales add/import/sync: create it the first time
	// inspect opens an existing journal even when it has been found damaged, to read it (journal
	// check, audit verify and export, journal backup): nothing is written to a damaged one.
	inspect
)

// journalPath is --journal, else [journal] path, else the user's data directory (the only place
// where missing directories are created).
func (a *app) journalPath() (path string, isDefault bool, err error) {
	c, err := a.config()
	if err != nil {
		return "", false, err
	}
	switch {
	case a.journalFlag != "":
		return a.journalFlag, false, nil
	case c.Journal.Path != "":
		return c.Journal.Path, false, nil
	}
	p, err := storage.DefaultPath()
	if err != nil {
		return "", false, badInput(err)
	}
	return p, true, nil
}

// journal opens the journal once.
func (a *app) journal(mode journalMode) (*storage.Journal, error) {
	if a.j != nil {
		return a.j, nil
	}
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	path, isDefault, err := a.journalPath()
	if err != nil {
		return nil, err
	}
	// A qfpos that serves the journal runs the command; a dead one's socket is passed over.
	conn, derr := relay.Dial(path)
	if derr == nil {
		return nil, a.heldBy(path, conn)
	}
	opts := []storage.Option{storage.WithLocation(c.Location), storage.WithQFPayZone(c.Zone)}
	switch {
	case mode == inspect:
		opts = append(opts, storage.Existing(), storage.Inspect())
	case mode == mustExist:
		opts = append(opts, storage.Existing())
	case !isDefault:
		opts = append(opts, storage.InExistingDir())
	}
	j, err := storage.Open(path, opts...)
	if errors.Is(err, storage.ErrInUse) {
		var ue *relay.UntrustedError
		if errors.As(derr, &ue) {
			return nil, failed(says("journal %s is in use, and %v", path, ue))
		}
		if conn, derr := relay.Dial(path); derr == nil { // its owner has just started serving
			return nil, a.heldBy(path, conn)
		}
	}
	if err != nil {
		return nil, journalError(err)
	}
	if j.Created() {
		a.say(a.stderr, "created journal %s", path)
	}
	a.closers = append(a.closers, func() { j.Close() }) // closed with the command, whatever follows
	if err := j.Damaged(); err != nil {                 // opened to be read: nothing is written to it
		a.say(a.stderr, "qfpos: %v", err)
		a.j = j
		return j, nil
	}
	from, migrated := j.MigratedFrom()
	switch {
	case migrated:
		a.say(a.stderr, "journal %s was written by an older qfpos (schema %d): written anew in schema %d and checked whole: sound; the old file stays as %s (delete it when no longer needed)", path, from, storage.SchemaVersion, j.KeptAs())
	case j.Unclean():
		a.say(a.stderr, "journal %s was not closed cleanly last time; checked it whole: sound", path)
	}
	// Settings other than the last ones seen go on the audit trail (the client key as a fingerprint).
	if _, err := j.SeeConfig(c.Settings()); err != nil {
		return nil, journalError(err)
	}
	// The approval limits are the journal's: the configuration's only the first time.
	limits, err := j.AdoptLimits(c.Limits())
	if err != nil {
		return nil, journalError(err)
	}
	a.j = j
	if limits != c.Limits() {
		a.limitsDiffer = says("[refunds] in the configuration differs from the journal's approval limits (%s); the journal's hold (a manager applies the file's with qfpos limits apply)", rule(reversal.DescribeLimits(limits)))
		a.logger().Warn("configured approval limits differ from the journal's; the journal's hold", "journal", reversal.DescribeLimits(limits), "configured", reversal.DescribeLimits(c.Limits()))
	}
	return j, nil
}

// logger writes qfpos.log beside the journal (nothing is logged to the terminal).
func (a *app) logger() *slog.Logger {
	if a.log != nil {
		return a.log
	}
	a.log = slog.New(slog.DiscardHandler)
	if a.j != nil {
		if f, err := openLog(filepath.Join(filepath.Dir(a.j.Path()), "qfpos.log")); err == nil {
			a.log = slog.New(slog.NewTextHandler(f, nil))
			a.closers = append(a.closers, func() { f.Close() })
		}
	}
	return a.log
}

// maxLog is the size at which qfpos.log is moved to qfpos.log.1 (replacing the older one) when a
// command starts.
const maxLog = 10 << 20

// openLog opens a log file for appending, owner-only, rotating it once it is past maxLog.
func openLog(path string) (*os.File, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > maxLog {
		_ = os.Rename(path, path+".1")
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}

// terminalUDID is the udid from the configuration, else from the journal (generated once).
func (a *app) terminalUDID(j *storage.Journal) (string, error) {
	if a.udid != "" {
		return a.udid, nil
	}
	c, err := a.config()
	if err != nil {
		return "", err
	}
	a.udid = c.Terminal.UDID
	if a.udid == "" {
		if a.udid, err = j.TerminalUDID(reversal.NewUDID); err != nil {
			return "", failed(err)
		}
	}
	return a.udid, nil
}

// gateway builds the QFPay client once; it needs the journal (for the udid) opened first.
func (a *app) gateway(j *storage.Journal) (*qfpay.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	if c.QFPay.AppCode == "" || c.QFPay.ClientKey == "" {
		var where any = says("the configuration file")
		if c.Path != "" {
			where = c.Path
		}
		return nil, usage("no QFPay credentials: set app_code and client_key in %s, or QFPAY_APP_CODE and QFPAY_CLIENT_KEY (or try qfpos demo)", where)
	}
	if base, _ := qfpay.ResolveBaseURL(c.QFPay.BaseURL); j.Demo() && !qfpay.IsLoopback(base) {
		return nil, usage("journal %s belongs to qfpos demo: nothing is sent from it to %s (pass a real journal with --journal, or point base_url at a sandbox on this machine)", j.Path(), base)
	}
	udid, err := a.terminalUDID(j)
	if err != nil {
		return nil, err
	}
	client, err := qfpay.New(c.QFPay.AppCode, c.QFPay.ClientKey, append(c.ClientOptions(udid), qfpay.WithLogger(a.logger()))...)
	if err != nil {
		return nil, badInput(err)
	}
	a.client = client
	return client, nil
}

// lifecycle builds the desk (the refund lifecycle) over the journal and the client once.
func (a *app) lifecycle(j *storage.Journal) (*reversal.Desk, error) {
	if a.desk != nil {
		return a.desk, nil
	}
	client, err := a.gateway(j)
	if err != nil {
		return nil, err
	}
	c, _ := a.config()
	a.desk = reversal.New(j, client, reversal.WithPolicy(c.Policy()), reversal.WithUDID(a.udid), reversal.WithReasons(c.Refunds.Reasons),
		reversal.WithCancelEndpoints(c.QFPay.CancelEndpoint), reversal.WithLogger(a.logger()))
	return a.desk, nil
}

// remoteTimeout bounds a report, sync or reconciliation's talk with QFPay.
const remoteTimeout = 2 * time.Minute

// remote is a context for talking to QFPay outside the lifecycle.
func (a *app) remote() (context.Context, context.CancelFunc) {
	return context.WithTimeout(a.ctx, remoteTimeout)
}
