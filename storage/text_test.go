package storage

import (
	"errors"
	"testing"
)

func TestCheckAndEscapeText(t *testing.T) {
	for _, c := range []struct {
		in, escaped string
		ok          bool
	}{
		{"damaged box 破損", "damaged box 破損", true},
		{"", "", true},
		{"tab\there", `tab\x09here`, false},
		{"kick\x1bp\x00", `kick\x1bp\x00`, false},
		{"del\x7f", `del\x7f`, false},
		{"csi\u009b2J", `csi\u009b2J`, false},
		{"bad\xff", `bad\ufffd`, false},
		{"real \ufffd", "real \ufffd", true},
	} {
		err := CheckText(c.in)
		if (err == nil) != c.ok {
			t.Errorf("CheckText(%q): %v", c.in, err)
		}
		if got := EscapeText(c.in); got != c.escaped {
			t.Errorf("EscapeText(%q) = %q, want %q", c.in, got, c.escaped)
		}
		if err := CheckText(EscapeText(c.in)); err != nil {
			t.Errorf("escaped %q still %v", c.in, err)
		}
	}
}

// TestFreeTextIsRefusedAtTheJournal: a sale's goods or cashier and an intent's reason words or
// cashier with a control character are refused whoever writes.
func TestFreeTextIsRefusedAtTheJournal(t *testing.T) {
	j := openTest(t, newClock())
	s := sale(1, 5000, newClock().now())
	s.GoodsName = "tea\x1bp\x00"
	if _, err := j.PutSale(s); err == nil {
		t.Fatal("a sale with a control character in its goods was written")
	}
	s.GoodsName, s.Cashier = "tea", "amy\x07"
	if _, err := j.PutSale(s); err == nil {
		t.Fatal("a sale with a control character in its cashier was written")
	}
	s.Cashier = "amy"
	mustPut(t, j, s)
	in := refundIntent(s, "RF_1", 100)
	in.ReasonText = "left\x1dV\x00"
	if _, err := j.Create(in); !errors.Is(err, ErrText) {
		t.Fatalf("an intent with a control character: %v", err)
	}
}
