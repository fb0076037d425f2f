// Package config reads qfpos's configuration file: TOML whose keys are a contract (other tools
// write these files), every mistake reported with the file, the line and the key.
package config

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/pelletier/go-toml/v2"

	"qfpos/qfpay"
	"qfpos/qfpay/money"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/receipt/escpos"
)

// Duration is a TOML string like "2s" or "15m".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like 2s, 3m or 1h", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Config is qfpos's configuration. The TOML keys are a contract: other tools write these files.
type Config struct {
	QFPay struct {
		BaseURL                 string            `toml:"base_url"`
		AppCode                 string            `toml:"app_code"`
		ClientKey               string            `toml:"client_key"`
		MchID                   string            `toml:"mchid"`
		SignType                string            `toml:"sign_type"`
		Timeout                 Duration          `toml:"timeout"`
		RateLimit               int               `toml:"rate_limit"`
		CloseMethod             string            `toml:"close_method"`
		StrictResponseSignature bool              `toml:"strict_response_signature"`
		AllowInsecureHTTP       bool              `toml:"allow_insecure_http"`
		Zone                    string            `toml:"zone"`
		CancelEndpoint          map[string]string `toml:"cancel_endpoint"`
	} `toml:"qfpay"`
	Terminal struct {
		UDID     string `toml:"udid"`
		Cashier  string `toml:"cashier"`
		Timezone string `toml:"timezone"`
		Currency string `toml:"currency"`
		// Background is "auto" (COLORFGBG, else ask the terminal once), "dark" or "light".
		Background string `toml:"background"`
		// Language is "en", "zh-Hant" or "zh-Hans"; empty: from the locale (LC_ALL, LANG).
		Language string `toml:"language"`
		// LockAfter: with staff, the desk locks after this long without a key ("0s": never).
		LockAfter Duration `toml:"lock_after"`
		// Accessible runs the desk as plain line prompts (qfpos --accessible).
		Accessible bool `toml:"accessible"`
	} `toml:"terminal"`
	Journal struct {
		Path        string   `toml:"path"`
		RecentDays  int      `toml:"recent_days"`
		SyncOnStart bool     `toml:"sync_on_start"`
		SyncEvery   Duration `toml:"sync_every"`
		BackupDir   string   `toml:"backup_dir"`
		BackupKeep  int      `toml:"backup_keep"`
	} `toml:"journal"`
	Refunds struct {
		// ApprovalOver: one refund above this amount (in the terminal's currency) needs a
		// manager's approval; "" none.
		ApprovalOver string `toml:"approval_over"`
		// CashierDailyLimit: a cashier's refunds of the day above this in all need one.
		CashierDailyLimit string `toml:"cashier_daily_limit"`
		// MaxSaleAge: refunding a sale older than this ("90d", "720h") needs one.
		MaxSaleAge string `toml:"max_sale_age"`
		// ApprovalOtherCashier: refunding a sale another cashier made needs one.
		ApprovalOtherCashier bool `toml:"approval_other_cashier"`
		// Reasons are the store's reason codes; every refund needs one, and "other" needs words.
		Reasons []string `toml:"reasons"`
	} `toml:"refunds"`
	Receipt struct {
		ShopName string `toml:"shop_name"`
		Address  string `toml:"address"`
		// Width is 32 (58 mm paper) or 48 (80 mm).
		Width int `toml:"width"`
		// Language of the slip ("" the desk's): the customer's.
		Language string `toml:"language"`
		// Encoding for the printer: "utf-8", "gb18030" or "big5".
		Encoding string `toml:"encoding"`
		// QR prints QFPay's reference as a QR code too.
		QR bool `toml:"qr"`
		// Printer: "tcp://HOST:9100", a device such as "/dev/usb/lp0", "file:PATH", or "" (none).
		Printer string `toml:"printer"`
		// AutoPrint prints each final outcome's slip once, on Printer.
		AutoPrint bool `toml:"auto_print"`
	} `toml:"receipt"`
	Audit struct {
		// SigningKeyFile is an Ed25519 private key (PEM, PKCS #8: openssl genpkey -algorithm
		// ed25519) that signs each day close; "" leaves closes unsigned.
		SigningKeyFile string `toml:"signing_key_file"`
	} `toml:"audit"`
	Poll struct {
		First        Duration `toml:"first"`
		Interval     Duration `toml:"interval"`
		FastFor      Duration `toml:"fast_for"`
		MaxInterval  Duration `toml:"max_interval"`
		GiveUpAfter  Duration `toml:"give_up_after"`
		RecheckEvery Duration `toml:"recheck_every"`
		RecheckFor   Duration `toml:"recheck_for"`
		ResendAfter  Duration `toml:"resend_after"`
		MaxResends   int      `toml:"max_resends"`
	} `toml:"poll"`

	// Path is the file the configuration came from ("" when none was found).
	Path string `toml:"-"`
	// Location is the terminal's time zone, resolved from Terminal.Timezone.
	Location *time.Location `toml:"-"`
	// Zone is the merchant's QFPay zone, resolved from QFPay.Zone: times sent to QFPay are in it.
	Zone *time.Location `toml:"-"`
	// limits are the [refunds] table read (amounts in minor units).
	limits storage.Limits
}

// Default returns every setting at its default (config.example.toml shows the same).
func Default() Config {
	var c Config
	c.QFPay.BaseURL = "sandbox"
	c.QFPay.SignType = "MD5"
	c.QFPay.Timeout = Duration{15 * time.Second}
	c.QFPay.RateLimit = qfpay.DefaultRatePerMinute
	c.QFPay.CloseMethod = "GET"
	c.QFPay.Zone = "+08:00"
	c.Zone = qfpay.HongKongZone
	c.Terminal.Currency = "HKD"
	c.Terminal.Background = "auto"
	c.Refunds.Reasons = slices.Clone(reversal.DefaultReasons)
	c.Terminal.LockAfter = Duration{5 * time.Minute}
	c.Receipt.Width, c.Receipt.Encoding = 32, "utf-8"
	c.Journal.RecentDays = 7
	c.Journal.BackupKeep = 7
	p := reversal.DefaultPolicy()
	c.Poll.First, c.Poll.Interval, c.Poll.FastFor = Duration{p.First}, Duration{p.Interval}, Duration{p.FastFor}
	c.Poll.MaxInterval, c.Poll.GiveUpAfter = Duration{p.MaxInterval}, Duration{p.GiveUpAfter}
	c.Poll.RecheckEvery, c.Poll.RecheckFor = Duration{p.RecheckEvery}, Duration{p.RecheckFor}
	c.Poll.ResendAfter, c.Poll.MaxResends = Duration{p.ResendAfter}, p.MaxResends
	c.Location = time.Local
	return c
}

// String describes the configuration without the client key.
func (c Config) String() string {
	return fmt.Sprintf("config{file=%q base=%s app=%s mchid=%s key=%s udid=%s}", c.Path, c.QFPay.BaseURL,
		c.QFPay.AppCode, c.QFPay.MchID, redacted(c.QFPay.ClientKey), c.Terminal.UDID)
}

// LogValue keeps the key out of structured logs.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redacted(s string) string {
	if s == "" {
		return "(none)"
	}
	return "[redacted]"
}

// Find returns the configuration file to read: the explicit path when given, else
// ./qfpos.toml when present, else qfpos/config.toml in the user's config directory when present,
// else "" (defaults only).
func Find(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if _, err := os.Stat("qfpos.toml"); err == nil {
		return "qfpos.toml"
	}
	if dir, err := os.UserConfigDir(); err == nil {
		p := filepath.Join(dir, "qfpos", "config.toml")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Load reads the file at path ("" for defaults only), applies QFPAY_APP_CODE and
// QFPAY_CLIENT_KEY from env, and validates everything. Errors name the file, line and key.
func Load(path string, env func(string) string) (Config, error) {
	var src []byte
	if path != "" {
		var err error
		if src, err = os.ReadFile(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Default(), fmt.Errorf("config %s does not exist (check --config)", path)
			}
			return Default(), fmt.Errorf("config %s: %v", path, err)
		}
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff")) // a file saved with a UTF-8 byte-order mark
	c, err := parseConfig(path, src)
	if err != nil {
		return c, err
	}
	if c.QFPay.ClientKey != "" && path != "" {
		if err := checkPrivate(path); err != nil {
			return c, err
		}
	}
	if env != nil {
		if v := env("QFPAY_APP_CODE"); v != "" {
			c.QFPay.AppCode = v
		}
		if v := env("QFPAY_CLIENT_KEY"); v != "" {
			c.QFPay.ClientKey = v
		}
	}
	return c, nil
}

// parseConfig decodes and validates a configuration text read from path.
func parseConfig(path string, src []byte) (Config, error) {
	c := Default()
	c.Path = path
	if err := decodeConfig(path, src, &c); err != nil {
		return c, err
	}
	return c, c.validate(src)
}

func decodeConfig(path string, src []byte, c *Config) error {
	if err := checkDurations(path, src); err != nil {
		return err
	}
	dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields().EnableUnmarshalerInterface()
	err := dec.Decode(c)
	if err == nil {
		return nil
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		row, _ := e.Position()
		return fmt.Errorf("config %s:%d: unknown key %s (see config.example.toml for the keys)", path, row, strings.Join(e.Key(), "."))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		if k := de.Key(); len(k) > 0 {
			return fmt.Errorf("config %s:%d: %s: %s", path, row, strings.Join(k, "."), plainTypeError(de.Error()))
		}
		return fmt.Errorf("config %s:%d: %s", path, row, oneLine(de.Error()))
	}
	return fmt.Errorf("config %s: %s", path, oneLine(err.Error()))
}

// typeError matches go-toml's "cannot decode TOML integer into struct field … of type int".
var typeError = regexp.MustCompile(`cannot decode TOML (\w+) into .*?(?:of type )?(\w+)$`)

// plainTypeError says a type mismatch in words instead of Go struct definitions.
func plainTypeError(msg string) string {
	msg = oneLine(msg)
	m := typeError.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{"string": "text in quotes, like \"sandbox\"", "int": "a whole number, like 7",
		"bool": "true or false", "map": "a table of keys"}[m[2]]
	if want == "" {
		want = "a table [" + m[2] + "]"
	}
	return fmt.Sprintf("is %s; it must be %s", article(m[1]), want)
}

func article(tomlType string) string {
	switch tomlType {
	case "integer":
		return "a number"
	case "string":
		return "text"
	case "bool", "boolean":
		return "true or false"
	}
	return "a " + tomlType
}

// checkDurations finds every duration key the file sets and refuses one that is not text: go-toml
// would report it without its line or key.
func checkDurations(path string, src []byte) error {
	var doc map[string]any
	if toml.Unmarshal(src, &doc) != nil {
		return nil // the typed decode reports syntax errors with their position
	}
	t := reflect.TypeOf(Config{})
	for i := range t.NumField() {
		table := t.Field(i)
		name, _, _ := strings.Cut(table.Tag.Get("toml"), ",")
		sub, _ := doc[name].(map[string]any)
		if table.Type.Kind() != reflect.Struct || sub == nil {
			continue
		}
		for j := range table.Type.NumField() {
			f := table.Type.Field(j)
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			v, set := sub[key]
			if f.Type != reflect.TypeOf(Duration{}) || !set {
				continue
			}
			if _, ok := v.(string); !ok {
				return fmt.Errorf("config %s:%d: %s.%s: %v is not a duration; write it in quotes with a unit, like \"15s\"",
					path, lineOf(src, name, key), name, key, v)
			}
		}
	}
	return nil
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimPrefix(s, "toml: ")
}

// checkPrivate refuses a key file that group or others can read.
func checkPrivate(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("config %s: %v", path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("config %s holds client_key but other users can read it (mode %o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	return nil
}

// validate checks every value; src (the file's text) lets errors name the line.
func (c *Config) validate(src []byte) error {
	bad := func(table, key, format string, args ...any) error {
		where := "config"
		if c.Path != "" {
			where = "config " + c.Path
			if line := lineOf(src, table, key); line > 0 {
				where = fmt.Sprintf("config %s:%d", c.Path, line)
			}
		}
		return fmt.Errorf("%s: %s.%s: %s", where, table, key, fmt.Sprintf(format, args...))
	}
	q := &c.QFPay
	base, err := qfpay.ResolveBaseURL(q.BaseURL)
	if err != nil {
		return bad("qfpay", "base_url", "%v", err)
	}
	if err := qfpay.CheckTransport(base, q.AllowInsecureHTTP); err != nil {
		return bad("qfpay", "base_url", "%v", err)
	}
	zone, err := qfpay.ParseZone(q.Zone)
	if err != nil {
		return bad("qfpay", "zone", "%v (QFPay's zone is +08:00 unless QFPay told you otherwise)", err)
	}
	c.Zone = zone
	if _, err := qfpay.ParseSignType(q.SignType); err != nil {
		return bad("qfpay", "sign_type", "%q is not MD5 or SHA256", q.SignType)
	}
	if m := strings.ToUpper(q.CloseMethod); m != "GET" && m != "POST" {
		return bad("qfpay", "close_method", "%q is not GET or POST", q.CloseMethod)
	}
	if q.Timeout.Duration <= 0 {
		return bad("qfpay", "timeout", "must be more than 0s")
	}
	if err := qfpay.CheckMchID(q.MchID); err != nil {
		return bad("qfpay", "mchid", "%v", err)
	}
	for pt, ep := range q.CancelEndpoint {
		if len(pt) != 6 || strings.Trim(pt, "0123456789") != "" {
			return bad("qfpay", "cancel_endpoint", "%q is not a 6-digit pay_type", pt)
		}
		if ep != "reversal" && ep != "close" {
			return bad("qfpay", "cancel_endpoint", "%s = %q: use \"reversal\" or \"close\"", pt, ep)
		}
	}
	if err := qfpay.CheckUDID(c.Terminal.UDID); err != nil {
		return bad("terminal", "udid", "%v", err)
	}
	loc := time.Local
	if tz := c.Terminal.Timezone; tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return bad("terminal", "timezone", "%q is not a time zone name like Asia/Hong_Kong", tz)
		}
		loc = l
	}
	c.Location = loc
	cur, err := money.Lookup(c.Terminal.Currency)
	if err != nil {
		return bad("terminal", "currency", "%v", err)
	}
	c.Terminal.Currency = cur.Code
	if err := reversal.CheckReasonCodes(c.Refunds.Reasons); err != nil {
		return bad("refunds", "reasons", "%v", err)
	}
	c.limits = storage.Limits{Currency: cur.Code, OtherCashier: c.Refunds.ApprovalOtherCashier}
	for key, v := range map[string]struct {
		text string
		to   *int64
	}{"approval_over": {c.Refunds.ApprovalOver, &c.limits.ApprovalOver}, "cashier_daily_limit": {c.Refunds.CashierDailyLimit, &c.limits.CashierDaily}} {
		if v.text == "" {
			continue
		}
		minor, err := money.Parse(v.text, cur)
		if err != nil || minor <= 0 {
			return bad("refunds", key, "%q is not an amount in %s like 500.00", v.text, cur.Code)
		}
		*v.to = minor
	}
	if age := c.Refunds.MaxSaleAge; age != "" {
		d, err := parseAge(age)
		if err != nil {
			return bad("refunds", "max_sale_age", "%q is not an age like 90d or 720h", age)
		}
		c.limits.MaxSaleAge = d
	}
	if c.Journal.RecentDays < 1 {
		return bad("journal", "recent_days", "must be 1 or more")
	}
	if c.Terminal.Language != "" {
		if _, err := ParseLanguage(c.Terminal.Language); err != nil {
			return bad("terminal", "language", "%v", err)
		}
	}
	switch c.Terminal.Background {
	case "auto", "dark", "light":
	default:
		return bad("terminal", "background", "%q is not auto, dark or light", c.Terminal.Background)
	}
	if c.QFPay.RateLimit < 1 || c.QFPay.RateLimit > 400 {
		return bad("qfpay", "rate_limit", "must be 1 to 400 requests a minute (QFPay's limit per merchant, shared by its terminals)")
	}
	for _, f := range []struct{ table, key, value string }{{"terminal", "cashier", c.Terminal.Cashier},
		{"receipt", "shop_name", c.Receipt.ShopName}, {"receipt", "address", c.Receipt.Address}} {
		if err := storage.CheckText(f.value); err != nil {
			return bad(f.table, f.key, "%v (a printer or a terminal would act on it)", err)
		}
	}
	if c.Receipt.Width != 32 && c.Receipt.Width != 48 {
		return bad("receipt", "width", "must be 32 (58 mm paper) or 48 (80 mm)")
	}
	if c.Receipt.Language != "" {
		if _, err := ParseLanguage(c.Receipt.Language); err != nil {
			return bad("receipt", "language", "%v", err)
		}
	}
	if _, err := escpos.ParseEncoding(c.Receipt.Encoding); err != nil {
		return bad("receipt", "encoding", "%v", err)
	}
	if c.Receipt.Printer != "" {
		if err := escpos.CheckTarget(c.Receipt.Printer); err != nil {
			return bad("receipt", "printer", "%v", err)
		}
	}
	if c.Audit.SigningKeyFile != "" { // read now, so that a bad key stops every command before it writes anything
		if _, err := c.SigningKey(); err != nil {
			return bad("audit", "signing_key_file", "%s", strings.TrimPrefix(err.Error(), "audit.signing_key_file "))
		}
	}
	if c.Terminal.LockAfter.Duration < 0 {
		return bad("terminal", "lock_after", "must not be negative (0s: never)")
	}
	if c.Journal.SyncEvery.Duration < 0 {
		return bad("journal", "sync_every", "must not be negative (0 turns it off)")
	}
	if c.Journal.SyncEvery.Duration > 0 && c.Journal.SyncEvery.Duration < time.Minute {
		return bad("journal", "sync_every", "must be at least 1m (each round queries QFPay)")
	}
	if c.Journal.BackupKeep < 1 {
		return bad("journal", "backup_keep", "must be 1 or more")
	}
	for key, d := range map[string]Duration{"first": c.Poll.First, "interval": c.Poll.Interval, "fast_for": c.Poll.FastFor,
		"max_interval": c.Poll.MaxInterval, "give_up_after": c.Poll.GiveUpAfter, "recheck_every": c.Poll.RecheckEvery,
		"recheck_for": c.Poll.RecheckFor, "resend_after": c.Poll.ResendAfter} {
		if d.Duration <= 0 {
			return bad("poll", key, "must be more than 0s")
		}
	}
	if c.Poll.MaxInterval.Duration < c.Poll.Interval.Duration {
		return bad("poll", "max_interval", "must not be less than interval")
	}
	if c.Poll.MaxResends < 0 {
		return bad("poll", "max_resends", "must not be negative")
	}
	return nil
}

// lineOf finds the line where key is set inside [table] (or a table below it), or 0.
func lineOf(src []byte, table, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(src))
	current := ""
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			current = strings.Trim(line, "[] ")
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == key && (current == table || strings.HasPrefix(current, table+".")) {
			return n
		}
		if current == table+"."+key && ok {
			return n
		}
	}
	return 0
}

// SigningKey reads [audit] signing_key_file (nil when none is configured). The file must be
// readable only by its owner.
func (c Config) SigningKey() (ed25519.PrivateKey, error) {
	path := c.Audit.SigningKeyFile
	if path == "" {
		return nil, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("audit.signing_key_file %s: %v", path, err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit.signing_key_file %s can be read by other users (mode %o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit.signing_key_file %s: %v", path, err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("audit.signing_key_file %s is not a PEM private key (make one with openssl genpkey -algorithm ed25519)", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	key, ok := k.(ed25519.PrivateKey)
	if err != nil || !ok {
		return nil, fmt.Errorf("audit.signing_key_file %s is not an Ed25519 key (make one with openssl genpkey -algorithm ed25519)", path)
	}
	return key, nil
}

// parseAge reads "90d" (days) or a Go duration ("720h"); it must be positive.
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, err
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	if d <= 0 {
		return 0, errors.New("not positive")
	}
	return d, nil
}

// Limits are the [refunds] table's approval rules: a journal takes them the first time it is
// opened with a configuration, and afterwards only from a manager (qfpos limits apply).
func (c Config) Limits() storage.Limits { return c.limits }

// Policy returns the polling policy the [poll] table describes.
func (c Config) Policy() reversal.Policy {
	return reversal.Policy{First: c.Poll.First.Duration, Interval: c.Poll.Interval.Duration, FastFor: c.Poll.FastFor.Duration,
		MaxInterval: c.Poll.MaxInterval.Duration, GiveUpAfter: c.Poll.GiveUpAfter.Duration,
		RecheckEvery: c.Poll.RecheckEvery.Duration, RecheckFor: c.Poll.RecheckFor.Duration,
		ResendAfter: c.Poll.ResendAfter.Duration, MaxResends: c.Poll.MaxResends,
		RequestTimeout: c.QFPay.Timeout.Duration}
}

// ClientOptions turns the [qfpay] and [terminal] tables into client options.
func (c Config) ClientOptions(udid string) []qfpay.Option {
	st, _ := qfpay.ParseSignType(c.QFPay.SignType)
	return []qfpay.Option{
		qfpay.WithBaseURL(c.QFPay.BaseURL), qfpay.WithMchID(c.QFPay.MchID), qfpay.WithSignType(st),
		qfpay.WithTimeout(c.QFPay.Timeout.Duration), qfpay.WithCloseMethod(c.QFPay.CloseMethod),
		qfpay.WithStrictResponseSignature(c.QFPay.StrictResponseSignature), qfpay.WithZone(c.Zone),
		qfpay.WithInsecureHTTP(c.QFPay.AllowInsecureHTTP),
		qfpay.WithUDID(udid), qfpay.WithRateLimit(c.QFPay.RateLimit, qfpay.DefaultBurst),
	}
}
