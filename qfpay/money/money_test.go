package money

import (
	"strings"
	"testing"
)

func TestExponents(t *testing.T) {
	want := map[string]int{"AED": 2, "AUD": 2, "CAD": 2, "CNY": 2, "EUR": 2, "HKD": 2, "IDR": 2, "JPY": 0,
		"MMK": 2, "MYR": 2, "SGD": 2, "THB": 2, "USD": 2}
	for _, code := range Supported {
		c, err := Lookup(strings.ToLower(code))
		if err != nil || c.Exponent != want[code] || c.Code != code {
			t.Errorf("%s: %+v %v", code, c, err)
		}
	}
	for _, bad := range []string{"", "XYZ", "GBP", "HK"} {
		if _, err := Lookup(bad); err == nil || !strings.Contains(err.Error(), "HKD") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestFormat(t *testing.T) {
	hkd, jpy := MustLookup("HKD"), MustLookup("JPY")
	cases := []struct {
		v    int64
		c    Currency
		want string
	}{
		{0, hkd, "0.00"}, {5, hkd, "0.05"}, {1250, hkd, "12.50"}, {128050, hkd, "1,280.50"},
		{99999999999, hkd, "999,999,999.99"}, {-1250, hkd, "-12.50"}, {1500, jpy, "1,500"}, {7, jpy, "7"},
	}
	for _, c := range cases {
		if got := Format(c.v, c.c); got != c.want {
			t.Errorf("Format(%d, %s) = %q, want %q", c.v, c.c, got, c.want)
		}
	}
	if got := FormatCode(1250, hkd); got != "12.50 HKD" {
		t.Errorf("FormatCode = %q", got)
	}
}

func TestParse(t *testing.T) {
	hkd, jpy := MustLookup("HKD"), MustLookup("JPY")
	good := []struct {
		s    string
		c    Currency
		want int64
	}{
		{"12.50", hkd, 1250}, {"12.5", hkd, 1250}, {"12", hkd, 1200}, {" 0.05 ", hkd, 5}, {".5", hkd, 50},
		{"1,280.50", hkd, 128050}, {"1280", jpy, 1280}, {"1,280", jpy, 1280}, {"0", hkd, 0},
		// Full-width, as a Chinese input method types them.
		{"１２．５０", hkd, 1250}, {"１，２８０", hkd, 128000}, {"　１２　", hkd, 1200},
	}
	for _, g := range good {
		if got, err := Parse(g.s, g.c); err != nil || got != g.want {
			t.Errorf("Parse(%q, %s) = %d, %v; want %d", g.s, g.c, got, err, g.want)
		}
	}
	bad := map[string]string{"": "empty", "12.345": "more than 2", "-5": "not a number", "+5": "not a number",
		"1e3": "not a number", "12.": "decimal point", "1,28": "commas", ",100": "commas", "12,34.5": "commas",
		"abc": "not a number", "99999999999999999999": "too large", "92233720368547758.08": "too large", ".": "decimal point"}
	for s, want := range bad {
		if _, err := Parse(s, hkd); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", s, err, want)
		}
	}
	if _, err := Parse("10.5", jpy); err == nil || !strings.Contains(err.Error(), "JPY has none") {
		t.Errorf("JPY decimals: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.50", "1,280.5", "0", ".5", "99999999999.99", "-1", "１２"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, yen bool) {
		c := MustLookup("HKD")
		if yen {
			c = MustLookup("JPY")
		}
		v, err := Parse(s, c)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if v < 0 {
			t.Fatalf("Parse(%q) = %d, negative", s, v)
		}
		back, err := Parse(Format(v, c), c)
		if err != nil || back != v {
			t.Fatalf("round trip %q → %d → %q → %d, %v", s, v, Format(v, c), back, err)
		}
	})
}

func TestTextAndExample(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Text(128050, "HKD"), "1,280.50"}, {Text(1500, "JPY"), "1,500"}, {Text(42, "XYZ"), "42"},
		{TextCode(1250, "HKD"), "12.50 HKD"}, {TextCode(42, "XYZ"), "42 XYZ"},
		{Example(MustLookup("HKD")), "12.50"}, {Example(MustLookup("JPY")), "12"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
