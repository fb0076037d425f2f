// Package money parses and formats QFPay amounts: int64 minor units of a currency, with the
// currency's exponent (decision D11).
package money

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/width"
)

// Currency is a currency QFPay accepts, with the number of decimal places of its minor unit.
type Currency struct {
	Code     string
	Exponent int
}

func (c Currency) String() string { return c.Code }

// Supported lists the currency codes QFPay documents.
var Supported = []string{"AED", "AUD", "CAD", "CNY", "EUR", "HKD", "IDR", "JPY", "MMK", "MYR", "SGD", "THB", "USD"}

// isoExponent overrides CLDR where it differs from ISO 4217's minor unit, which decision D11
// follows (CLDR shows IDR and MMK without decimals; ISO 4217 and QFPay's "cents" use two).
var isoExponent = map[string]int{"IDR": 2, "MMK": 2}

// Lookup returns a supported currency by its ISO code (any case).
func Lookup(code string) (Currency, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !slices.Contains(Supported, code) {
		return Currency{}, fmt.Errorf("currency %q is not one QFPay supports (%s)", code, strings.Join(Supported, ", "))
	}
	if e, ok := isoExponent[code]; ok {
		return Currency{Code: code, Exponent: e}, nil
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return Currency{}, fmt.Errorf("currency %q: %v", code, err)
	}
	scale, _ := currency.Standard.Rounding(u)
	return Currency{Code: code, Exponent: scale}, nil
}

// MustLookup is Lookup for codes known to be supported (tests, constants); it panics otherwise.
func MustLookup(code string) Currency {
	c, err := Lookup(code)
	if err != nil {
		panic(err)
	}
	return c
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Format renders minor units as a decimal with the currency's exponent and grouping commas:
// 128050 HKD → "1,280.50"; 1500 JPY → "1,500".
func Format(minor int64, c Currency) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
		if minor == math.MinInt64 {
			u = uint64(math.MaxInt64) + 1
		}
	}
	p := uint64(pow10(c.Exponent))
	whole, frac := u/p, u%p
	ws := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range ws {
		if i > 0 && (len(ws)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if c.Exponent > 0 {
		fs := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", c.Exponent-len(fs)))
		b.WriteString(fs)
	}
	return b.String()
}

// FormatCode renders an amount followed by its currency code: "1,280.50 HKD".
func FormatCode(minor int64, c Currency) string { return Format(minor, c) + " " + c.Code }

// Parse reads a decimal amount typed by a person ("12.5", "12.50", "1,280", "1280.00") into minor
// units. Full-width digits and marks, as a Chinese input method types them ("１２．５０"), are read
// as their ASCII forms. It refuses signs, exponents, more decimals than the currency has, and
// overflow.
func Parse(s string, c Currency) (int64, error) {
	s = strings.TrimSpace(width.Narrow.String(s))
	if s == "" {
		return 0, fmt.Errorf("amount is empty")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && c.Exponent == 0 {
		return 0, fmt.Errorf("amount %q has decimals, but %s has none", s, c.Code)
	}
	if len(frac) > c.Exponent {
		return 0, fmt.Errorf("amount %q has more than %d decimal places for %s", s, c.Exponent, c.Code)
	}
	if hasDot && frac == "" {
		return 0, fmt.Errorf("amount %q ends with a decimal point", s)
	}
	if whole == "" {
		whole = "0"
		if !hasDot {
			return 0, fmt.Errorf("amount %q is not a number", s)
		}
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, fmt.Errorf("amount %q has misplaced commas", s)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, fmt.Errorf("amount %q has misplaced commas", s)
			}
		}
		whole = strings.Join(groups, "")
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, fmt.Errorf("amount %q is not a number like 12.50", s)
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	p := pow10(c.Exponent)
	if w > math.MaxInt64/p {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", c.Exponent-len(frac)), 10, 64)
	}
	if w*p > math.MaxInt64-f {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	return w*p + f, nil
}

// Text formats minor units of the currency named by code ("12.50"); an unsupported code gets the
// bare minor units, so that a display never fails.
func Text(minor int64, code string) string {
	c, err := Lookup(code)
	if err != nil {
		return strconv.FormatInt(minor, 10)
	}
	return Format(minor, c)
}

// TextCode is Text followed by the code ("12.50 HKD").
func TextCode(minor int64, code string) string { return Text(minor, code) + " " + code }

// Example is an amount written the way the currency is typed: "12.50", or "12" without decimals.
func Example(c Currency) string { return Format(1250*pow10(c.Exponent)/100, c) }
