package config

import (
	"fmt"
	"golang.org/x/text/language"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qfpos/qfpay"
	"qfpos/reversal"
)

func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "qfpos.toml")
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) string { return "" }

func TestDefaultsWithoutAFile(t *testing.T) {
	c, err := Load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.QFPay.BaseURL != "sandbox" || c.Terminal.Currency != "HKD" || c.Journal.RecentDays != 7 || c.Policy() != withTimeout(reversal.DefaultPolicy(), 15*time.Second) {
		t.Fatalf("%+v", c)
	}
}

func withTimeout(p reversal.Policy, d time.Duration) reversal.Policy { p.RequestTimeout = d; return p }

// TestExampleConfigIsTheDefaults loads config.example.toml: it must parse and equal the defaults.
func TestExampleConfigIsTheDefaults(t *testing.T) {
	c, err := Load("../../config.example.toml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	d.Path = c.Path
	if c.String() != d.String() || c.Policy() != d.Policy() || c.QFPay.SignType != d.QFPay.SignType ||
		c.QFPay.CloseMethod != d.QFPay.CloseMethod || c.Journal != d.Journal || c.Terminal != d.Terminal {
		t.Fatalf("example differs from the defaults:\n%+v\n%+v", c, d)
	}
}

func TestFullConfig(t *testing.T) {
	p := writeConfig(t, `
[qfpay]
base_url = "http://127.0.0.1:8787"
app_code = "A1B2"
client_key = "secret-key"
mchid = "ZaMVg12345"
sign_type = "SHA256"
timeout = "5s"
close_method = "POST"
strict_response_signature = true
[qfpay.cancel_endpoint]
"800208" = "reversal"
[terminal]
udid = "POS-07"
cashier = "amy"
timezone = "Asia/Tokyo"
currency = "jpy"
[journal]
path = "/tmp/j.db"
recent_days = 3
[poll]
first = "1s"
max_resends = 2
`, 0o600)
	c, err := Load(p, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.QFPay.CancelEndpoint["800208"] != "reversal" || c.Terminal.Currency != "JPY" || c.Location.String() != "Asia/Tokyo" ||
		c.Policy().First != time.Second || c.Policy().MaxResends != 2 || c.Policy().RequestTimeout != 5*time.Second {
		t.Fatalf("%+v", c)
	}
	if strings.Contains(c.String(), "secret-key") {
		t.Fatal("String leaks the key")
	}
	set := c.Settings()
	if set["qfpay.client_key"] != Fingerprint("secret-key") || set["qfpay.cancel_endpoint.800208"] != "reversal" ||
		set["terminal.currency"] != "JPY" || set["poll.first"] != "1s" || strings.Contains(fmt.Sprint(set), "secret-key") {
		t.Fatalf("settings: %v", set)
	}
	env := map[string]string{"QFPAY_APP_CODE": "ENVAPP", "QFPAY_CLIENT_KEY": "envkey"}
	c, _ = Load(p, func(k string) string { return env[k] })
	if c.QFPay.AppCode != "ENVAPP" || c.QFPay.ClientKey != "envkey" {
		t.Fatalf("env override: %+v", c.QFPay)
	}
}

func TestConfigErrorsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		text string
		want string
	}{
		{"[qfpay]\nbase_url = \"sandbox\"\nbogus = 1\n", ":3: unknown key qfpay.bogus"},
		{"[terminal]\nudid = \"x\"\n[nope]\nx = 1\n", ":3: unknown key nope"},
		{"[qfpay]\n\ntimeout = \"soon\"\n", ":3: qfpay.timeout:"},
		{"[journal]\nrecent_days = \"seven\"\n", ":2: journal.recent_days"},
		{"[qfpay]\nsign_type = \"HMAC\"\n", `:2: qfpay.sign_type: "HMAC" is not MD5 or SHA256`},
		{"[qfpay]\nbase_url = \"ftp://x\"\n", ":2: qfpay.base_url:"},
		{"[qfpay]\nclose_method = \"PUT\"\n", ":2: qfpay.close_method"},
		{"[qfpay.cancel_endpoint]\n\"800208\" = \"refund\"\n", ":2: qfpay.cancel_endpoint"},
		{"[terminal]\n# comment\ntimezone = \"Mars/Base\"\n", ":3: terminal.timezone"},
		{"[terminal]\ncurrency = \"XYZ\"\n", ":2: terminal.currency"},
		{"[terminal]\nudid = \"has space\"\n", ":2: terminal.udid"},
		{"[poll]\ninterval = \"0s\"\n", ":2: poll.interval: must be more than 0s"},
		{"[poll]\nmax_interval = \"1s\"\n", ":2: poll.max_interval"},
		{"this is not toml", ":1:"},
		{"[qfpay]\n\ntimeout = 5\n", `:3: qfpay.timeout: 5 is not a duration; write it in quotes with a unit, like "15s"`},
		{"[journal]\nrecent_days = \"seven\"\n", ":2: journal.recent_days: is text; it must be a whole number, like 7"},
		{"[qfpay]\nstrict_response_signature = \"yes\"\n", ":2: qfpay.strict_response_signature: is text; it must be true or false"},
		{"[qfpay]\nbase_url = 3\n", ":2: qfpay.base_url: is a number; it must be text in quotes"},
		{"[qfpay]\nbase_url = \"http://openapi-hk.qfapi.com\"\n", ":2: qfpay.base_url: base URL http://openapi-hk.qfapi.com is plain http"},
		{"[qfpay]\nzone = \"Asia/Hong_Kong\"\n", ":2: qfpay.zone:"},
		{"[terminal]\nlanguage = \"fr\"\n", `:2: terminal.language: "fr" is not en, zh-Hant or zh-Hans`},
		{"[terminal]\nbackground = \"black\"\n", `:2: terminal.background: "black" is not auto, dark or light`},
		{"[refunds]\napproval_over = \"lots\"\n", `:2: refunds.approval_over: "lots" is not an amount in HKD like 500.00`},
		{"[refunds]\ncashier_daily_limit = \"-5\"\n", `:2: refunds.cashier_daily_limit: "-5" is not an amount`},
		{"[refunds]\nmax_sale_age = \"3 months\"\n", `:2: refunds.max_sale_age: "3 months" is not an age like 90d or 720h`},
		{"[qfpay]\nrate_limit = 500\n", ":2: qfpay.rate_limit: must be 1 to 400"},
		{"[qfpay]\nrate_limit = 0\n", ":2: qfpay.rate_limit: must be 1 to 400"},
		{"[journal]\nsync_every = \"-5m\"\n", ":2: journal.sync_every: must not be negative"},
		{"[journal]\nsync_every = \"10s\"\n", ":2: journal.sync_every: must be at least 1m"},
		{"[receipt]\nprinter = \"192.168.1.50:9100\"\n", `:2: receipt.printer: "192.168.1.50:9100" is not tcp://HOST:PORT, a /dev/ device or file:PATH`},
		{"[receipt]\nprinter = \"tcp://192.168.1.50\"\n", `:2: receipt.printer: "tcp://192.168.1.50" is not tcp://HOST:PORT`},
		{"[receipt]\nencoding = \"latin1\"\n", `:2: receipt.encoding: "latin1" is not utf-8, gb18030 or big5`},
		{"[receipt]\nwidth = 40\n", ":2: receipt.width: must be 32 (58 mm paper) or 48 (80 mm)"},
		{"[refunds]\nreasons = []\n", ":2: refunds.reasons: must list at least one reason"},
		{"[refunds]\nreasons = [\"damaged\", \"Damaged\"]\n", `:2: refunds.reasons: "Damaged" is listed twice`},
	}
	for _, c := range cases {
		p := writeConfig(t, c.text, 0o600)
		_, err := Load(p, noEnv)
		if err == nil || !strings.Contains(err.Error(), "config "+p+c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q:\n got %v\nwant config %s%s (one line)", c.text, err, p, c.want)
		}
	}
	for _, c := range cases {
		p := writeConfig(t, c.text, 0o600)
		if _, err := Load(p, noEnv); strings.Contains(fmt.Sprint(err), "struct") {
			t.Errorf("%q: a Go type in the message", c.text)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml"), noEnv); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
}

// TestConfigTransportAndZone: plain http only to loopback or with allow_insecure_http; a byte-order
// mark is read; the QFPay zone is its own key.
func TestConfigTransportAndZone(t *testing.T) {
	for text, ok := range map[string]bool{
		"[qfpay]\nbase_url = \"http://127.0.0.1:8787\"\n":                            true,
		"[qfpay]\nbase_url = \"http://10.0.0.5:8787\"\n":                             false,
		"[qfpay]\nbase_url = \"http://10.0.0.5:8787\"\nallow_insecure_http = true\n": true,
		"\ufeff[qfpay]\nbase_url = \"production\"\n":                                 true,
		"[qfpay]\nzone = \"+09:00\"\n":                                               true,
	} {
		p := writeConfig(t, text, 0o600)
		c, err := Load(p, noEnv)
		if (err == nil) != ok {
			t.Errorf("%q: %v", text, err)
		}
		if err == nil && strings.Contains(text, "+09:00") {
			if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, c.Zone).Zone(); off != 9*3600 {
				t.Errorf("zone offset %d", off)
			}
		}
	}
	if c := Default(); c.Zone != qfpay.HongKongZone || c.QFPay.Zone != "+08:00" {
		t.Errorf("default zone %v %q", c.Zone, c.QFPay.Zone)
	}
}

func TestKeyFileMustBePrivate(t *testing.T) {
	p := writeConfig(t, "[qfpay]\nclient_key = \"k\"\n", 0o644)
	_, err := Load(p, noEnv)
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+p) {
		t.Fatalf("%v", err)
	}
	// Without a key the same mode is fine.
	p = writeConfig(t, "[qfpay]\napp_code = \"A\"\n", 0o644)
	if _, err := Load(p, noEnv); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("HOME", dir)
	if got := Find(""); got != "" {
		t.Fatalf("nothing present: %q", got)
	}
	user := filepath.Join(dir, "cfg", "qfpos", "config.toml")
	_ = os.MkdirAll(filepath.Dir(user), 0o700)
	_ = os.WriteFile(user, nil, 0o600)
	if got := Find(""); got != user {
		t.Fatalf("user config: %q", got)
	}
	_ = os.WriteFile("qfpos.toml", nil, 0o600)
	if got := Find(""); got != "qfpos.toml" {
		t.Fatalf("local file first: %q", got)
	}
	if got := Find("/x.toml"); got != "/x.toml" {
		t.Fatalf("explicit: %q", got)
	}
}

func FuzzConfig(f *testing.F) {
	example, _ := os.ReadFile("../../config.example.toml")
	f.Add(string(example))
	f.Add("[qfpay]\ntimeout = \"5s\"\n[poll]\nfirst = \"-1s\"\n")
	f.Add("[qfpay.cancel_endpoint]\n\"80020\" = 3\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := parseConfig("fuzz.toml", []byte(text))
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "config fuzz.toml") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if c.Location == nil || c.Policy().Interval <= 0 {
			t.Fatalf("accepted an invalid config: %+v", c)
		}
	})
}

func TestLanguage(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, c := range []struct {
		vars map[string]string
		want language.Tag
	}{
		{map[string]string{"LANG": "zh_HK.UTF-8"}, language.TraditionalChinese},
		{map[string]string{"LANG": "zh_MO.UTF-8"}, language.TraditionalChinese},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, language.TraditionalChinese},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, language.SimplifiedChinese},
		{map[string]string{"LANG": "zh_SG.UTF-8"}, language.SimplifiedChinese},
		{map[string]string{"LANG": "zh"}, language.SimplifiedChinese},
		{map[string]string{"LANG": "C.UTF-8"}, language.English},
		{map[string]string{"LANG": "POSIX"}, language.English},
		{map[string]string{"LANG": "de_DE.UTF-8"}, language.English},
		{map[string]string{"LANG": "garbage!!"}, language.English},
		{map[string]string{}, language.English},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "zh_HK.UTF-8"}, language.SimplifiedChinese},
		{map[string]string{"LC_MESSAGES": "zh_HK.UTF-8", "LANG": "en_US.UTF-8"}, language.TraditionalChinese},
	} {
		if got := LanguageFromLocale(env(c.vars)); got != c.want {
			t.Errorf("%v: %s, want %s", c.vars, got, c.want)
		}
	}
	c := Default()
	c.Terminal.Language = "zh-hans"
	if tag, err := c.Language("", env(map[string]string{"LANG": "zh_HK.UTF-8"})); err != nil || tag != language.SimplifiedChinese {
		t.Errorf("config: %s %v", tag, err)
	}
	if tag, err := c.Language("zh-Hant", env(nil)); err != nil || tag != language.TraditionalChinese {
		t.Errorf("flag: %s %v", tag, err)
	}
	if _, err := c.Language("klingon", env(nil)); err == nil {
		t.Error("a bad --lang accepted")
	}
}
