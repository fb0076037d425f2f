package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the journal layout this qfpos writes.
const SchemaVersion = 11

const magic = "qfpos-journal"

var (
	bMeta          = []byte("meta")
	bSales         = []byte("sales")
	bSalesSysSN    = []byte("sales_syssn")
	bSalesOTN      = []byte("sales_otn")
	bSalesAmount   = []byte("sales_amount")
	bReversals     = []byte("reversals")
	bReversalsSale = []byte("reversals_sale")
	bReversalsDay  = []byte("reversals_day")
	bReversalsOpen = []byte("reversals_open")
	bReversalsOTN  = []byte("reversals_otn")
	bEvents        = []byte("events")
	bSalesQFPay    = []byte("sales_qfpay")
	bSalesPayType  = []byte("sales_paytype")

	kMagic   = []byte("magic")
	kVersion = []byte("version")
	kUDID    = []byte("udid")
)

// bucketsV1 are the buckets of schema 1; schema 2 added sales_amount, schema 3 sales_qfpay,
// schema 4 sales_paytype, schema 5 audit, schema 6 staff, schema 7 day_closes; schema 8 stores new
// audit events compact and a new sale as a pointer to its audit event (older values stay as they
// were, so a qfpos before 8 must not read it); schema 9 keys sales_syssn and sales_otn by the
// numbers as they are (not reversed), drops sales_amount and stores a sale as a saleRef; schema 10
// keeps a reversal's new events only in the audit trail (the reversal lists their numbers); schema
// 11 hashes each new audit event over the bytes stored (a qfpos before 11 could not verify them).
var bucketsV1 = [][]byte{bMeta, bSales, bSalesSysSN, bSalesOTN, bReversals, bReversalsSale,
	bReversalsDay, bReversalsOpen, bReversalsOTN, bEvents}

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	db      *bolt.DB
	path    string
	created bool // Open made a new file
	mode    openMode
	now     func() time.Time
	loc     *time.Location
	qfpay   *time.Location
	broken  atomic.Bool   // a damaged page or value was met: no more writes
	writes  atomic.Uint64 // write transactions committed (Version)
	search  searchColumn  // what a search by amount or digits compares, in memory
	// boltOptions changes bbolt's options (benchmarks compare freelists).
	boltOptions func(*bolt.Options)
	forDemo     bool // opened by qfpos demo
	demo        bool // the journal is a demo's
	unclean     bool // the last shutdown was not clean (the journal was checked whole)
	// checkAfterMigrating: an unclean journal of an older schema had its file's structure checked
	// before migrating; today's checks of its records run once it has today's layout.
	checkAfterMigrating bool
	staleVerdict        bool   // a damage marker about other bytes goes once the journal is found sound
	migratedFrom        uint64 // the schema Open found, when it migrated the journal
	keptAs              string // where the journal's file before its upgrade stays
	inspect             bool   // open a damaged journal to read it (Inspect)
	damage              damage
}

// Option configures Open.
type Option func(*Journal)

// WithClock sets the clock used for created/updated times and the recent-sales window.
func WithClock(now func() time.Time) Option { return func(j *Journal) { j.now = now } }

// WithLocation sets the terminal's time zone: days are its days.
func WithLocation(loc *time.Location) Option { return func(j *Journal) { j.loc = loc } }

// WithQFPayZone sets the merchant's QFPay zone (default +08:00): QFPay's txdtm are read in it.
func WithQFPayZone(zone *time.Location) Option { return func(j *Journal) { j.qfpay = zone } }

// hongKong is QFPay's default zone.
var hongKong = time.FixedZone("+08:00", 8*3600)

// openMode says what Open may create.
type openMode int

const (
	createAll  openMode = iota // create the file and any missing directories
	createFile                 // create the file, but only in an existing directory
	existing                   // only open a journal that exists
)

// Existing makes Open refuse a path where no journal exists (ErrNoJournal): for commands that
// only make sense on a journal with sales in it, so that a typo does not start an empty one.
func Existing() Option { return func(j *Journal) { j.mode = existing } }

// Inspect opens a journal even when it has been found damaged, to read it (journal check, audit
// verify and export, a backup): nothing is written to a damaged one. Without it, Open refuses a
// journal found damaged, now or by an earlier process.
func Inspect() Option { return func(j *Journal) { j.inspect = true } }

// InExistingDir makes Open create a new journal only in a directory that exists.
func InExistingDir() Option { return func(j *Journal) { j.mode = createFile } }

// ErrNoJournal is wrapped by Open's error when Existing was asked and there is no journal.
var ErrNoJournal = errors.New("no journal")

// LockTimeout is how long Open waits for another process to release the journal.
const LockTimeout = 1500 * time.Millisecond

// ErrInUse is wrapped by the error Open returns when another process holds the journal.
var ErrInUse = errors.New("in use by another qfpos")

// Open opens the journal at path, creating the directory (0700) and the file (0600) when needed,
// and migrating an older schema. It refuses files that are not qfpos journals and journals
// written by a newer qfpos, without changing them.
func Open(path string, opts ...Option) (*Journal, error) {
	j := &Journal{path: path, now: time.Now, loc: time.Local, qfpay: hongKong}
	for _, o := range opts {
		o(j)
	}
	if path == "" {
		return nil, errors.New("journal path is empty (pass --journal or set [journal] path)")
	}
	existed, present := false, false
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("journal %s is a directory (pass a file path with --journal)", path)
		}
		existed, present = st.Size() > 0, true
	}
	switch {
	case (!present || !existed) && j.mode == existing: // an empty file is no journal either
		return nil, fmt.Errorf("%w at %s (check --journal, or record sales first with qfpos sales add)", ErrNoJournal, path)
	case !present && j.mode == createFile:
		if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("cannot create journal %s: directory %s does not exist (check --journal)", path, filepath.Dir(path))
		}
	case !present:
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the journal's directory: %w", err)
		}
	}
	j.created = !existed // an empty file is made a journal too
	if existed {
		if err := checkLength(path); err != nil {
			return nil, err
		}
	}
	db, err := openBolt(path, j.boltOptions)
	if err != nil {
		return nil, err
	}
	j.db = db
	if stale := j.honourVerdict(); existed && !j.broken.Load() {
		if err := j.checkIfUnclean(stale); err != nil && !(j.inspect && errors.Is(err, ErrDamaged)) {
			db.Close()
			return nil, err
		}
	}
	if err := j.Damaged(); err != nil && !j.inspect {
		db.Close()
		return nil, err
	}
	if err := j.safePrepare(existed); err != nil {
		db.Close()
		return nil, err
	}
	if j.checkAfterMigrating {
		if err := j.verifyWhole(); err != nil && !(j.inspect && errors.Is(err, ErrDamaged)) {
			db.Close()
			return nil, err
		}
	}
	if err := j.markDemo(); err != nil {
		db.Close()
		return nil, err
	}
	return j, nil
}

// safePrepare runs prepare, reporting a panic inside bbolt (a damaged file) as an error.
func (j *Journal) safePrepare(existed bool) (err error) {
	defer panicOnFault()()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("journal %s is damaged or is not a qfpos journal (%v); move it away or pass another --journal", j.path, r)
		}
	}()
	return j.prepare(existed)
}

// openBolt opens the file, turning bbolt's failures into messages that say what to do. bbolt
// can panic on some damaged files; that is reported as damage too.
// boltOptions are the bbolt options of every journal. The freelist stays bbolt's default (an
// array, synced with each commit): measured beside a hashmap freelist and beside not syncing it
// (BenchmarkFreelist), see the README's Performance section for why.
func boltOptions() *bolt.Options { return &bolt.Options{Timeout: LockTimeout} }

func openBolt(path string, tweak func(*bolt.Options)) (db *bolt.DB, err error) {
	defer panicOnFault()()
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("journal %s is damaged or is not a qfpos journal (%v); move it away or pass another --journal", path, r)
		}
	}()
	opts := boltOptions()
	if tweak != nil {
		tweak(opts)
	}
	db, err = bolt.Open(path, 0o600, opts)
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("journal %s is %w (close it or pass --journal)", path, ErrInUse)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("journal %s is damaged or is not a qfpos journal (%v); move it away or pass another --journal", path, err)
	default:
		if runtime.GOOS != "windows" && errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("journal %s cannot be opened: permission denied (check the file's owner)", path)
		}
		return nil, fmt.Errorf("journal %s cannot be opened: %w", path, err)
	}
}

// prepare checks the file is a journal this qfpos can read, creates a new one, or migrates.
func (j *Journal) prepare(existed bool) error {
	var version uint64
	err := j.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil || string(meta.Get(kMagic)) != magic {
			if existed && !isEmpty(tx) {
				return fmt.Errorf("journal %s is not a qfpos journal; move it away or pass another --journal", j.path)
			}
			return nil
		}
		if v := meta.Get(kVersion); len(v) == 8 {
			version = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("journal %s was written by a newer qfpos (schema %d; this one reads up to %d): upgrade qfpos", j.path, version, SchemaVersion)
	}
	if version == SchemaVersion {
		return nil
	}
	if version > 0 {
		j.migratedFrom = version
		if err := j.upgrade(version); err != nil {
			return err
		}
		j.checkAfterMigrating = false // the journal written anew was checked whole
		return nil
	}
	return j.update(func(tx *bolt.Tx) error { // a new journal
		for _, name := range todaysBuckets() {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bMeta).Put(kMagic, []byte(magic)); err != nil {
			return err
		}
		return putVersion(tx, SchemaVersion)
	})
}

// todaysBuckets are the buckets of SchemaVersion.
func todaysBuckets() [][]byte {
	return append(slices.Clone(bucketsV1), bSalesQFPay, bSalesPayType, bAudit, bStaff, bDayCloses)
}

func isEmpty(tx *bolt.Tx) bool {
	empty := true
	_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return errors.New("stop") })
	return empty
}

func putVersion(tx *bolt.Tx, v uint64) error {
	return tx.Bucket(bMeta).Put(kVersion, binary.BigEndian.AppendUint64(nil, v))
}

// Close leaves the clean-shutdown marker and releases the journal.
func (j *Journal) Close() error {
	j.markClean()
	return j.db.Close()
}

// Created reports whether Open made a new journal.
func (j *Journal) Created() bool { return j.created }

// Path returns the journal's file path.
func (j *Journal) Path() string { return j.path }

// Location returns the terminal time zone the journal uses for days.
func (j *Journal) Location() *time.Location { return j.loc }

// QFPayZone returns the zone QFPay's times are read in.
func (j *Journal) QFPayZone() *time.Location { return j.qfpay }

// Check runs bbolt's consistency check and returns every problem it finds.
func (j *Journal) Check() error {
	return j.view(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// TerminalUDID returns the udid kept in the journal, generating and storing one with gen the
// first time (decision D14: generated once, kept).
func (j *Journal) TerminalUDID(gen func() string) (string, error) {
	var udid string
	err := j.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if v := meta.Get(kUDID); len(v) > 0 {
			udid = string(v)
			return nil
		}
		udid = gen()
		return meta.Put(kUDID, []byte(udid))
	})
	return udid, err
}

// languagePrefix starts the meta keys that remember a cashier's language.
const languagePrefix = "language/"

// CashierLanguage is the language a cashier last chose on this terminal ("" when none).
func (j *Journal) CashierLanguage(cashier string) (string, error) {
	var lang string
	err := j.view(func(tx *bolt.Tx) error {
		lang = string(tx.Bucket(bMeta).Get([]byte(languagePrefix + cashier)))
		return nil
	})
	return lang, err
}

// SetCashierLanguage remembers a cashier's language.
func (j *Journal) SetCashierLanguage(cashier, lang string) error {
	return j.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put([]byte(languagePrefix+cashier), []byte(lang))
	})
}

// DefaultPath is the journal's default location: the user's data directory.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		switch runtime.GOOS {
		case "windows":
			dir = os.Getenv("LocalAppData")
		case "darwin":
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			dir = filepath.Join(home, "Library", "Application Support")
		default:
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "", errors.New("cannot find the user's data directory; pass --journal")
	}
	return filepath.Join(dir, "qfpos", "journal.db"), nil
}
