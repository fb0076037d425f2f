package qfpay

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeReplyLenient(t *testing.T) {
	cases := []struct {
		name string
		body string
		want Reply
	}{
		{"strings", `{"respcd":"0000","syssn":"1","orig_syssn":"9","txamt":"1250","txcurrcd":"HKD","udid":"POS1"}`,
			Reply{RespCD: "0000", SysSN: "1", OrigSysSN: "9", Amount: 1250, Currency: "HKD", UDID: "POS1"}},
		{"numbers", `{"respcd":"1143","txamt":1250,"syssn":123}`, Reply{RespCD: "1143", Amount: 1250, SysSN: "123"}},
		{"nulls", `{"respcd":"0000","txamt":null,"syssn":null,"origssn":null,"chnlsn":null}`, Reply{RespCD: "0000"}},
		{"origssn spelling", `{"respcd":"0000","origssn":"77"}`, Reply{RespCD: "0000", OrigSysSN: "77"}},
		{"orig_out_trade_no", `{"respcd":"0000","orig_out_trade_no":"S1"}`, Reply{RespCD: "0000", OrigOutTradeNo: "S1"}},
		{"unknown fields and nested", `{"respcd":"0000","extra":{"a":[1,2]},"surcharge_fee":0,"resperr":"\u4ea4\u6613\u6210\u529f"}`,
			Reply{RespCD: "0000", RespErr: "交易成功"}},
		{"float amount", `{"respcd":"0000","txamt":"10.0"}`, Reply{RespCD: "0000", Amount: 10}},
		{"empty amount", `{"respcd":"0000","txamt":""}`, Reply{RespCD: "0000"}},
		{"object in string field", `{"respcd":"0000","resperr":{"x":1}}`, Reply{RespCD: "0000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeReply([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestDecodeReplyMalformed(t *testing.T) {
	for _, body := range []string{"", "   ", "<html>502</html>", `{"respcd":"0000"`, `{"txamt":"12.5"}`, `[1]`, `{"txamt":true}`} {
		_, err := decodeReply([]byte(body))
		if !errors.Is(err, ErrMalformedReply) {
			t.Errorf("%q: err = %v, want ErrMalformedReply", body, err)
		}
	}
}

func queryBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"respcd": "0000", "resperr": "", "respmsg": "", "page": "1", "page_size": 100, "data": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"syssn": "2026112100000000000%07d", "out_trade_no": "RF_%d", "origssn": %s, "order_type": "refund", "pay_type": "800208", "txcurrcd": "HKD", "txamt": "%d", "txdtm": "2026-11-21 10:00:00", "sysdtm": "2026-11-21 10:00:01", "respcd": "0000", "errmsg": "", "cancel": "0", "udid": "POS-01", "goods_name": "tea", "chnlsn": null, "cardcd": ""}`,
			i, i, map[bool]string{true: "null", false: `"20261121000000000000000001"`}[i%2 == 0], 100+i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func TestDecodeQuery(t *testing.T) {
	p, err := decodeQuery(queryBody(3))
	if err != nil {
		t.Fatal(err)
	}
	if p.RespCD != "0000" || p.Page != 1 || p.PageSize != 100 || len(p.Records) != 3 {
		t.Fatalf("page = %+v", p)
	}
	r := p.Records[1]
	if r.Amount != 101 || r.OrigSysSN != "20261121000000000000000001" || r.OrderType != "refund" || r.UDID != "POS-01" {
		t.Fatalf("record = %+v", r)
	}
	if p.Records[0].OrigSysSN != "" {
		t.Fatalf("null origssn decoded as %q", p.Records[0].OrigSysSN)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"respcd":"0000","txamt":"100","syssn":"1"}`))
	f.Add(queryBody(2))
	f.Add([]byte(`<html>`))
	f.Add([]byte(`{"txamt":1e400}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := decodeReply(body)
		if err != nil && !errors.Is(err, ErrMalformedReply) {
			t.Fatalf("unwrapped error %v", err)
		}
		_ = Classify(&r, err)
		q, err := decodeQuery(body)
		if err != nil && !errors.Is(err, ErrMalformedReply) {
			t.Fatalf("unwrapped error %v", err)
		}
		if err == nil && q.Records == nil {
			t.Fatal("nil records on success")
		}
	})
}

func BenchmarkDecodeQueryPage(b *testing.B) {
	body := queryBody(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeQuery(body)
		if err != nil || len(p.Records) != 100 {
			b.Fatal(err)
		}
	}
}
