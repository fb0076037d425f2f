package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qfpos/storage"
)

func journalCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "journal",
		Short:   "Check the journal, or copy it while qfpos runs",
		GroupID: "sales",
		Args:    subcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage("say check or backup (qfpos help journal)")
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Walk the whole journal (every page, value and index) and say whether it is sound",
		Long: `Walks the whole journal: every bucket's keys in order, every sale, refund, cancel and event
decoded, every index entry followed, bbolt's own page check, then the audit trail (which holds
the sales) event by event, the day closes, the staff and the limits against what the trail
recorded. Exit status 0 when it is sound, 1 when it is damaged. A damaged journal is marked so
(JOURNAL.damaged): no refund or cancel is sent from it until the latest backup is restored in
its place (see the README).`,
		Example: `  qfpos journal check --journal /var/lib/qfpos/journal.db`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal(inspect)
			var de *storage.DamagedError
			if errors.As(err, &de) {
				a.say(a.stdout, "journal %s: damaged: %s", de.Path, de.Cause)
				return status(ExitFailed)
			}
			if err != nil {
				return err
			}
			h := j.Verify()
			if h.OK() {
				a.say(a.stdout, "journal %s: ok: %d sales, %d refunds and cancels, %d events (%d pages)", j.Path(), h.Sales, h.Reversals, h.Events, h.Pages)
			} else {
				a.say(a.stdout, "journal %s: damaged: %d problem(s), the first: %s", j.Path(), len(h.Problems), h.Problems[0])
			}
			for _, p := range h.Problems[min(1, len(h.Problems)):] {
				a.say(a.stdout, "  %s", p)
			}
			if !h.OK() {
				return status(ExitFailed)
			}
			if errors.As(j.Damaged(), &de) { // sound now, but a verdict stands until a backup is restored
				a.say(a.stdout, "found damaged earlier (%s): nothing is sent from it until a backup is restored in its place", de.Cause)
				return status(ExitFailed)
			}
			return nil
		},
	}, &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the journal to FILE, readable only by its owner",
		Long: `Writes a consistent copy of the journal (a read transaction: the journal keeps working
meanwhile) to FILE, readable only by its owner. To restore one, stop qfpos, move the damaged
journal away and copy the backup in its place; then run qfpos resume.`,
		Example: `  qfpos journal backup /media/usb/qfpos-$(date +%F).db`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("name one file to write (qfpos journal backup FILE)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := a.journal(inspect) // a damaged journal's bytes can still be kept aside
			if err != nil {
				return err
			}
			n, err := a.backupTo(j, args[0])
			if err != nil {
				return failed(err)
			}
			a.say(a.stdout, "wrote %s (%d bytes)", args[0], n)
			return nil
		},
	})
	return c
}

// backupTo writes a copy of the journal to the file name (the caller's file, when the command runs
// for another qfpos).
func (a *app) backupTo(j *storage.Journal, name string) (int64, error) {
	if self, _ := filepath.Abs(j.Path()); a.files.Abs(name) == self {
		return 0, says("backup %s is the journal itself (name another file)", name)
	}
	f, err := a.files.Create(name)
	if err != nil {
		return 0, err
	}
	n, err := j.BackupTo(f)
	if err != nil {
		f.Discard()
		return 0, err
	}
	return n, f.Commit()
}

// writeFile writes a whole file (the caller's, when the command runs for another qfpos).
func (a *app) writeFile(name string, data []byte) error {
	f, err := a.files.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Discard()
		return err
	}
	return f.Commit()
}

// backups writes the scheduled copies of [journal] backup_dir: one when the desk starts and one
// each time the day changes while it runs, keeping the newest backup_keep.
type backups struct {
	dir  string
	keep int
	now  func() time.Time
	loc  *time.Location
}

const backupPrefix, backupSuffix = "journal-", ".db"

// write makes one backup now and prunes the oldest beyond keep.
func (b backups) write(j *storage.Journal) (string, error) {
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return "", says("backup directory %s: %v", b.dir, err)
	}
	path := filepath.Join(b.dir, backupPrefix+b.now().In(b.loc).Format("20060102-150405")+backupSuffix)
	if _, err := j.Backup(path); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return path, nil
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), backupPrefix) && strings.HasSuffix(e.Name(), backupSuffix) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names) // the time stamp sorts them oldest first
	for len(names) > max(b.keep, 1) {
		_ = os.Remove(filepath.Join(b.dir, names[0]))
		names = names[1:]
	}
	return path, nil
}

// run writes a backup now and then at each change of day, until ctx ends.
func (b backups) run(ctx context.Context, j *storage.Journal, log func(string, ...any)) {
	day := func() string { return b.now().In(b.loc).Format("2006-01-02") }
	last := day()
	if path, err := b.write(j); err != nil {
		log("backup failed", "err", err)
	} else {
		log("backup written", "path", path)
	}
	every(ctx, time.Minute, func() {
		if d := day(); d != last {
			last = d
			if path, err := b.write(j); err != nil {
				log("backup failed", "err", err)
			} else {
				log("backup written", "path", path)
			}
		}
	})
}

// every calls fn each interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
