package storage

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestSaleForm: a sale's audit event is stored in binary only when the JSON made again from it is
// the hashed JSON byte for byte — across zones, empty fields and Chinese text — and is much
// smaller; anything else keeps its JSON.
func TestSaleForm(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, s := range []Sale{
		{SysSN: "20261121000100020000001001", OutTradeNo: "POS_1001", Amount: 8800, Currency: "HKD", PayType: "800208",
			TxDtm: "2026-11-21 14:55:00", Time: time.Date(2026, 11, 21, 14, 55, 0, 0, hk), RespCD: "0000", UDID: "POS-01",
			Cashier: "陳小明", GoodsName: "菠蘿包 ×2, 港式奶茶", Source: SourceSynced},
		{SysSN: "S2", Amount: -1, Time: time.Date(2026, 3, 8, 1, 30, 0, 123456789, ny)},
		{SysSN: "S3", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		raw, _ := json.Marshal(s)
		e := AuditEvent{Seq: 1, At: time.Unix(1_763_700_000, 0), Kind: AuditKindSale, Subject: s.SysSN, Record: raw, Hash: strings.Repeat("ab", 32)}
		form := saleForm(e, nil)
		if form == nil {
			t.Fatalf("%s: not stored in binary", s.SysSN)
		}
		v, err := encodeAudit(e, nil)
		if err != nil || v[0] != auditSale {
			t.Fatalf("%s: %v % x", s.SysSN, err, v[:1])
		}
		if given, _ := encodeAudit(e, &s); string(given) != string(v) {
			t.Fatalf("%s: the sale given and the record decoded store differently", s.SysSN)
		}
		back, err := decodeAudit(idKey(1), v, "", hk)
		if err != nil || string(back.Record) != string(raw) || back.Kind != AuditKindSale || back.Subject != s.SysSN || back.Hash != e.Hash {
			t.Fatalf("%s: %+v %v\n%s", s.SysSN, back, err, raw)
		}
		jsonForm := append([]byte{auditCompact}, raw...)
		if s.SysSN == "20261121000100020000001001" && len(v) > len(jsonForm)-100 {
			t.Errorf("binary %d bytes, JSON %d", len(v), len(jsonForm))
		}
	}
	for name, e := range map[string]AuditEvent{
		"not a sale":         {Kind: AuditKindStaff, Subject: "amy", Record: json.RawMessage(`{"action":"signed in"}`)},
		"another subject":    {Kind: AuditKindSale, Subject: "X", Record: json.RawMessage(`{"syssn":"Y"}`)},
		"a field of its own": {Kind: AuditKindSale, Subject: "Y", Record: json.RawMessage(`{"syssn":"Y","extra":1}`)},
		"spaces":             {Kind: AuditKindSale, Subject: "Y", Record: json.RawMessage(`{ "syssn": "Y" }`)},
	} {
		if saleForm(e, nil) != nil {
			t.Errorf("%s: stored in binary", name)
		}
	}
}
