package qfpay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"syscall"
	"testing"
	"time"

	"qfpos/qfpay/respcd"
)

// wantOutcome is written out from decision D12 and the reference's code table, independently of
// codeTable, so that a wrong row fails here.
var wantOutcome = map[string]Outcome{
	"0000": Succeeded,
	"1143": Processing, "1145": Processing, "1298": Processing, "1161": Processing, "2999": Processing, "1295": Processing,
	"1102": Unknown, "2011": Unknown, "1296": Unknown,
	"1100": RetryLater, "1205": RetryLater, "1251": RetryLater, "1252": RetryLater, "1254": RetryLater,
	"1269": RetryLater, "1297": RetryLater, "2009": RetryLater, "2010": RetryLater,
	"1101": Failed, "1103": Failed, "1104": Failed, "1105": Failed, "1106": Failed, "1107": Failed, "1108": Failed,
	"1118": Failed, "1124": Failed, "1125": Failed, "1136": Failed, "1142": Failed, "1147": Failed, "1150": Failed,
	"1155": Failed, "1181": Failed, "1201": Failed, "1202": Failed, "1203": Failed, "1204": Failed, "1212": Failed,
	"1241": Failed, "1242": Failed, "1243": Failed, "1250": Failed, "1260": Failed, "1261": Failed, "1262": Failed,
	"1263": Failed, "1264": Failed, "1265": Failed, "1266": Failed, "1267": Failed, "1268": Failed, "1270": Failed,
	"1271": Failed, "1272": Failed, "1294": Failed, "2004": Failed, "2005": Failed, "2006": Failed, "2007": Failed,
}

func TestClassifyEveryCode(t *testing.T) {
	known := respcd.Known()
	slices.Sort(known)
	for _, code := range known {
		want, ok := wantOutcome[code]
		if !ok {
			t.Errorf("code %s has no expected outcome in this test", code)
			continue
		}
		t.Run(code, func(t *testing.T) {
			reply := &Reply{Endpoint: EndpointRefund, RespCD: code, SysSN: "1", Signature: SignatureVerified}
			var err error
			if c := respcd.Lookup(code, "").Class; c != respcd.FinalOK && c != respcd.Pending {
				err = &APIError{Endpoint: EndpointRefund, HTTPStatus: 200, RespCD: code}
			}
			v := Classify(reply, err)
			if v.Outcome != want {
				t.Fatalf("Classify(%s) = %s, want %s", code, v.Outcome, want)
			}
			if info := respcd.Lookup(code, ""); info.Text != code || info.Code != code {
				t.Fatalf("code %s: %+v", code, info)
			}
		})
	}
	for code := range wantOutcome {
		if !slices.Contains(respcd.Known(), code) {
			t.Errorf("code %s expected but missing from the table", code)
		}
	}
}

// The codes a refund or cancel can meet, which the issue names explicitly.
func TestExplainedCodes(t *testing.T) {
	for _, code := range []string{"1100", "1104", "1108", "1124", "1125", "1142", "1143", "1145", "1150", "1155",
		"1262", "1263", "1264", "1265", "1268", "1269", "1270", "1271", "1272", "1294", "1297", "1298"} {
		if !slices.Contains(respcd.Known(), code) {
			t.Errorf("no explanation for %s", code)
		}
	}
}

func Test1265TwoMeanings(t *testing.T) {
	night := respcd.Lookup("1265", "不能在23:30-00:30之间退款")
	if night.Class != respcd.RetryLater || night.Text != "1265-night" {
		t.Fatalf("night window: %+v", night)
	}
	expired := respcd.Lookup("1265", "refund period exceeded")
	if expired.Class != respcd.Final {
		t.Fatalf("expired: %+v", expired)
	}
	if v := Classify(&Reply{RespCD: "1265"}, &APIError{HTTPStatus: 200, RespCD: "1265", RespErr: "refunds are not available between 23:30 and 00:30"}); v.Outcome != RetryLater {
		t.Fatalf("night via Classify = %s", v.Outcome)
	}
}

// Test1265ByQFPaysClock: inside 23:30–00:30 on QFPay's clock a 1265 is the night window even when
// resperr does not say so; both meanings are always in the explanation (D9′).
func Test1265ByQFPaysClock(t *testing.T) {
	hk := time.FixedZone("+08:00", 8*3600)
	for _, c := range []struct {
		at   time.Time
		want Outcome
	}{
		{time.Date(2026, 11, 21, 23, 45, 0, 0, hk), RetryLater},
		{time.Date(2026, 11, 22, 0, 10, 0, 0, hk), RetryLater},
		{time.Date(2026, 11, 21, 23, 29, 0, 0, hk), Failed},
		{time.Date(2026, 11, 22, 0, 30, 0, 0, hk), Failed},
		{time.Date(2026, 11, 21, 15, 45, 0, 0, time.UTC), RetryLater}, // 23:45 in +08:00
	} {
		reply := &Reply{Endpoint: EndpointRefund, RespCD: "1265", RespErr: "refused", QFPayTime: c.at.In(hk)}
		v := Classify(reply, &APIError{HTTPStatus: 200, RespCD: "1265", RespErr: "refused", QFPayTime: c.at.In(hk)})
		if v.Outcome != c.want {
			t.Errorf("%s: %s, want %s", c.at, v.Outcome, c.want)
		}
		if want := map[Outcome]string{RetryLater: "1265-night", Failed: "1265"}[c.want]; v.Info.Text != want {
			t.Errorf("%s: text %q", c.at, v.Info.Text)
		}
	}
}

func TestClassifyUnknownCodeIsFinalButReconciled(t *testing.T) {
	v := Classify(&Reply{RespCD: "9999"}, &APIError{HTTPStatus: 200, RespCD: "9999"})
	if v.Outcome != Failed || !v.Reconcile || v.Info.Text != "unknown" {
		t.Fatalf("got %+v", v)
	}
}

func TestClassifyErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want Outcome
	}{
		{"validation", &ValidationError{Field: "txamt", Reason: "is 0"}, Failed},
		{"timeout before written", &TransportError{Endpoint: EndpointRefund, Sent: false, Err: context.DeadlineExceeded}, RetryLater},
		{"timeout after written", &TransportError{Endpoint: EndpointRefund, Sent: true, Err: context.DeadlineExceeded}, Unknown},
		{"connection reset", &TransportError{Endpoint: EndpointRefund, Sent: true, Err: syscall.ECONNRESET}, Unknown},
		{"connection refused", &TransportError{Endpoint: EndpointRefund, Sent: false, Err: syscall.ECONNREFUSED}, RetryLater},
		{"eof mid-body", &TransportError{Endpoint: EndpointRefund, Sent: true, Err: io.ErrUnexpectedEOF}, Unknown},
		{"502 html", &APIError{Endpoint: EndpointRefund, HTTPStatus: 502}, Unknown},
		{"500", &APIError{Endpoint: EndpointRefund, HTTPStatus: 500}, Unknown},
		{"429", &APIError{Endpoint: EndpointRefund, HTTPStatus: 429}, Unknown},
		{"503 with final code", &APIError{Endpoint: EndpointRefund, HTTPStatus: 503, RespCD: "1272"}, Unknown},
		{"non-json", &DecodeError{Endpoint: EndpointRefund, HTTPStatus: 200, Err: fmt.Errorf("%w: x", ErrMalformedReply)}, Unknown},
		{"empty body", &DecodeError{Endpoint: EndpointRefund, HTTPStatus: 200, Err: fmt.Errorf("%w: empty body", ErrMalformedReply)}, Unknown},
		{"signature mismatch", fmt.Errorf("qfpay refund: %w", ErrSignatureMismatch), Unknown},
		{"bare cancel", context.Canceled, Unknown},
		{"anything else", errors.New("boom"), Unknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if v := Classify(nil, c.err); v.Outcome != c.want {
				t.Fatalf("got %s (%s), want %s", v.Outcome, v.Reason, c.want)
			}
		})
	}
}

func TestClassifyCloseWithoutSysSN(t *testing.T) {
	v := Classify(&Reply{Endpoint: EndpointClose, RespCD: "0000", OrigSysSN: "1"}, nil)
	if v.Outcome != Failed || !v.CannotCancel {
		t.Fatalf("got %+v", v)
	}
	if v := Classify(&Reply{Endpoint: EndpointClose, RespCD: "0000", SysSN: "2", Signature: SignatureVerified}, nil); v.Outcome != Succeeded {
		t.Fatalf("close with syssn: %+v", v)
	}
	if v := Classify(&Reply{Endpoint: EndpointReversal, RespCD: "1297"}, &APIError{HTTPStatus: http.StatusOK, RespCD: "1297"}); !v.CannotCancel {
		t.Fatalf("1297 on reversal: %+v", v)
	}
}
