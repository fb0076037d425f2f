package paytype

import (
	"maps"
	"testing"
)

func TestCancelMapIsDecisionD2(t *testing.T) {
	want := map[string]string{
		"800101": "reversal", "801501": "reversal", "800201": "reversal", "800108": "reversal",
		"800008": "close", "800208": "close", "801008": "close",
	}
	if got := DefaultCancelEndpoints(); !maps.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
}

func TestLookup(t *testing.T) {
	if i := Lookup("800208"); i.Name != "WeChat Pay" || i.Mode != CPM || i.Code != "800208" {
		t.Fatalf("%+v", i)
	}
	// 800008 as both reversal pages name it (EN "CPM for WeChat", ZH-T 微信反掃).
	if i := Lookup("800008"); i.Name != "WeChat Pay CPM" || i.Mode != CPM {
		t.Fatalf("800008: %+v", i)
	}
	if i := Lookup("809901"); i.Mode != MPM || i.Name != "Pay type 809901" {
		t.Fatalf("unknown MPM: %+v", i)
	}
	if i := Lookup("809908"); i.Mode != CPM {
		t.Fatalf("unknown CPM: %+v", i)
	}
	for _, c := range []string{"802801", "802808", "806708", "806808"} {
		if !SameDayFullRefundOnly(c) || Lookup(c).Mode != Card && c != "802801" {
			t.Errorf("%s", c)
		}
	}
	if SameDayFullRefundOnly("800208") {
		t.Error("WeChat is not a card")
	}
}
