package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"qfpos/cli/relay"
	"qfpos/reversal"
	"qfpos/reversal/report"
	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt/escpos"
)

// One journal, one owner: the process that holds the journal (the desk, qfpos demo or qfpos
// serve) listens on a socket beside it, and every other qfpos command that finds the journal held
// runs through that socket, with the same output and exit status as if it had opened the journal
// itself (package relay carries the bytes).

// Owner names, as the desk and the error lines show them.
const (
	ownerServe = "qfpos serve"
	ownerDesk  = "the qfpos desk"
	ownerDemo  = "qfpos demo"
)

// heldError is what a.journal returns when another qfpos holds the journal and serves it:
// Execute then runs the whole command line there.
type heldError struct {
	path string
	conn *relay.Conn
	args []string // the command line to run there, when it is not the one given
}

func (e *heldError) Error() string {
	return says("journal %s is held by another qfpos", e.path).Error()
}

// heldBy turns a reachable owner into the heldError, or, for a command that would own the
// journal itself, into one line that says who holds it and how to stop it.
func (a *app) heldBy(path string, conn *relay.Conn) error {
	if !a.owner || a.guest {
		return &heldError{path: path, conn: conn}
	}
	o, err := conn.Who()
	if err != nil {
		return failed(says("journal %s is in use by another qfpos (%v)", path, err))
	}
	if o.Command == ownerServe {
		return failed(says("journal %s is held by %s: stop it first (systemctl stop qfpos, or kill %d); while it runs, every other qfpos command works through it", path, o, o.PID))
	}
	return failed(says("journal %s is held by %s: close that one first (q, or kill %d)", path, o, o.PID))
}

// forward runs the command line in the owner and returns its exit status. If the owner stops
// before the command ends, a refund, cancel or resume ends as "outcome unknown" (what it started is
// journaled and resumes), anything else as failed.
func (e *heldError) forward(ctx context.Context, args []string, stdout, stderr io.Writer, p *catalog.Printer) int {
	code, err := e.conn.Run(ctx, args, stdout, stderr)
	if err == nil {
		return code
	}
	if errors.Is(err, relay.ErrOwnerGone) {
		fmt.Fprintln(stderr, says("qfpos: %v (journal %s); what it did is journaled: check with qfpos pending", err, e.path).in(p))
		switch firstWord(args) {
		case "refund", "cancel", "resume":
			return ExitUnknown
		}
		return ExitFailed
	}
	fmt.Fprintln(stderr, says("qfpos: journal %s: %v", e.path, err).in(p))
	return ExitFailed
}

// firstWord is the command's name in a command line (flags skipped).
func firstWord(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--config" || a == "--journal":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}
	return ""
}

// forwardable are the commands an owner runs for others; the ones that would own the journal
// themselves (the desk, demo, serve) and those that need no journal are not among them.
var forwardable = map[string]bool{
	"qfpos sales add": true, "qfpos sales import": true, "qfpos sales list": true, "qfpos sales sync": true,
	"qfpos refund": true, "qfpos cancel": true, "qfpos resume": true, "qfpos pending": true,
	"qfpos report": true, "qfpos reconcile": true, "qfpos journal backup": true, "qfpos journal check": true,
	"qfpos audit verify": true, "qfpos audit export": true, "qfpos close-day": true, "qfpos receipt": true,
	"qfpos staff add": true, "qfpos staff list": true, "qfpos staff disable": true, "qfpos staff pin": true,
	"qfpos limits": true, "qfpos limits apply": true,
}

// serveJournal makes this process the journal's server until stop is called. Call it once the
// journal and the lifecycle are open: commands run against them.
func (a *app) serveJournal(command string) (stop func(), err error) {
	l, err := relay.Listen(a.j.Path(), relay.Owner{PID: os.Getpid(), Command: command})
	if err != nil {
		return func() {}, err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := l.Serve(a.handle); err != nil {
			a.logger().Error("journal socket", "err", err)
		}
	})
	a.logger().Info("serving the journal", "socket", l.Path())
	return func() { l.Close(); wg.Wait() }, nil
}

// handle runs one caller's command against this process's journal, lifecycle and client. Its
// output and files are the caller's; ctx ends when the caller interrupts or hangs up, which
// stops the command's wait, never an operation it started.
func (a *app) handle(ctx context.Context, s *relay.Session) int {
	env := func(k string) string {
		if slices.Contains(relay.LocaleVars, k) {
			return s.Env[k] // the caller's language, not the owner's
		}
		return a.env(k)
	}
	child := &app{ctx: ctx, stdout: s.Stdout, stderr: s.Stderr, env: env, now: a.now, files: s.Files, owned: true,
		cfg: a.cfg, j: a.j, log: a.logger(), client: a.client, udid: a.udid, desk: a.desk}
	defer child.close()
	if c, _, err := newRoot(child).Find(s.Args); err != nil || !forwardable[c.CommandPath()] && !linesFor(c, s.Args) {
		child.say(s.Stderr, "qfpos: this command does not run through %s; stop it first", a.j.Path())
		return ExitUsage
	}
	start := time.Now()
	code, _ := execute(child, s.Args)
	a.logger().Info("ran a command for another qfpos", "command", firstWord(s.Args), "exit", code, "took", time.Since(start).Round(time.Millisecond))
	return code
}

func serveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "serve",
		Short:   "Hold the journal without a screen: drive refunds and cancels, and run the POS's qfpos commands",
		GroupID: "desk",
		Long: `Holds the journal for a terminal whose POS works headless: resumes unfinished refunds and
cancels at start and drives them, runs [journal] sync_on_start and the periodic sync_every, writes
the backups of [journal] backup_dir, and logs to qfpos.log beside the journal. While it runs,
every other qfpos command (sales add, refund, pending…) runs through it over the socket
JOURNAL.sock, with the same output and exit status. SIGTERM or Ctrl+C stops it cleanly:
operations in flight stay journaled and resume next time.`,
		Example: `  qfpos serve --config /etc/qfpos/qfpos.toml`,
		Args:    noArgs,
		RunE:    func(*cobra.Command, []string) error { return a.runServe() },
	}
}

// holding is a journal held by this process (the desk or qfpos serve) with what runs beside it:
// the lifecycle's loop, the scheduled backups and the journal's socket.
type holding struct {
	j   *storage.Journal
	d   *reversal.Desk
	ctx context.Context // ends when the holding is released
	// slipEncoding is the encoding the printer needs while [receipt] encoding is utf-8 and slips
	// are in Chinese ("" when none).
	slipEncoding escpos.Encoding
	serveErr     error       // why other commands cannot reach this process (nil: they can)
	unprinted    chan uint64 // operations whose slip auto_print could not print (nil without auto_print)
	cancel       context.CancelFunc
	stop         func()
	wg           sync.WaitGroup
}

// hold opens the journal as its owner, starts the lifecycle (which resumes unfinished work), the
// configured backups and the socket.
func (a *app) hold(command string) (*holding, error) {
	a.owner = true
	j, err := a.journal(mayCreate)
	if err != nil {
		return nil, err
	}
	d, err := a.lifecycle(j)
	if err != nil {
		return nil, err
	}
	cfg, _ := a.config()
	h := &holding{j: j, d: d}
	h.ctx, h.cancel = context.WithCancel(a.ctx)
	h.wg.Go(func() { _ = d.Run(h.ctx) })
	if cfg.Journal.BackupDir != "" {
		b := backups{dir: cfg.Journal.BackupDir, keep: cfg.Journal.BackupKeep, now: a.now, loc: cfg.Location}
		h.wg.Go(func() { b.run(h.ctx, j, a.logger().Info) })
	}
	if cfg.Receipt.Printer != "" { // the desk shows it; serve has only its standard error
		h.slipEncoding = a.warnSlipEncoding("", command == ownerServe)
	}
	if cfg.Receipt.AutoPrint && cfg.Receipt.Printer != "" {
		updates, unsubscribe := d.Subscribe()
		h.unprinted = make(chan uint64, 16)
		h.wg.Go(func() { a.autoPrint(h.ctx, j, updates, h.unprinted) })
		h.wg.Go(func() { <-h.ctx.Done(); unsubscribe() })
	}
	h.stop, h.serveErr = a.serveJournal(command)
	return h, nil
}

// release stops serving first (commands running for others end their waits), then the loops.
func (h *holding) release() {
	h.stop()
	h.cancel()
	h.wg.Wait()
}

// runServe is qfpos serve.
func (a *app) runServe() error {
	h, err := a.hold(ownerServe)
	if err != nil {
		return err
	}
	defer h.release()
	if h.serveErr != nil {
		return failed(h.serveErr)
	}
	cfg, _ := a.config()
	if cfg.Journal.SyncOnStart || cfg.Journal.SyncEvery.Duration > 0 {
		h.wg.Go(func() { a.syncLoop(h.ctx, cfg.Journal.SyncOnStart, cfg.Journal.SyncEvery.Duration) })
	}
	a.say(a.stderr, "qfpos serve: journal %s, terminal %s, gateway %s; other qfpos commands run through %s",
		h.j.Path(), a.udid, cfg.QFPay.BaseURL, relay.SocketPath(h.j.Path()))
	<-a.ctx.Done()
	h.release()
	open, _ := h.j.Unfinished()
	a.logger().Info("serve stopped", "in_flight", len(open))
	a.say(a.stderr, "qfpos serve: stopped; %d refund(s) or cancel(s) in flight stay journaled and resume next time", len(open))
	return nil
}

// syncLoop pulls this terminal's payments from QFPay: once at start (the last 24 hours) if asked,
// then every interval (twice that window, at least an hour), until ctx ends. Failures are logged;
// the next round tries again.
func (a *app) syncLoop(ctx context.Context, onStart bool, interval time.Duration) {
	syncOnce := func(window time.Duration) {
		sctx, cancel := context.WithTimeout(ctx, remoteTimeout)
		defer cancel()
		res, err := report.SyncSales(sctx, a.j, a.client, a.now(), window, a.udid)
		if err != nil {
			a.logger().Warn("sales sync failed", "err", err)
			return
		}
		a.logger().Info("sales synced", "added", res.Added, "updated", res.Updated)
	}
	if onStart {
		syncOnce(24 * time.Hour)
	}
	if interval <= 0 {
		return
	}
	every(ctx, interval, func() { syncOnce(max(2*interval, time.Hour)) })
}
