package qfpay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testAppCode = "A1B2C3D4E5F60718293A4B5C6D7E8F90"

var fixedNow = time.Date(2026, 11, 21, 10, 30, 0, 0, time.FixedZone("HKT", 8*3600))

type captured struct {
	method, path string
	form         url.Values
	header       http.Header
}

// fakeGateway is an httptest server mounted under /api-v3 that records requests and answers
// with the given status, body and optional response signature.
type fakeGateway struct {
	mu     sync.Mutex
	reqs   []captured
	status int
	body   string
	sign   bool
	srv    *httptest.Server
}

func newFake(t *testing.T, status int, body string) *fakeGateway {
	t.Helper()
	f := &fakeGateway{status: status, body: body}
	mux := http.NewServeMux()
	mux.HandleFunc("/api-v3/", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.reqs = append(f.reqs, captured{r.Method, strings.TrimPrefix(r.URL.Path, "/api-v3"), r.Form, r.Header.Clone()})
		secret(r.Header.Get("X-QF-SIGN"))
		status, body, sign := f.status, f.body, f.sign
		f.mu.Unlock()
		if sign {
			w.Header().Set("X-QF-SIGN", SignBody(MD5, []byte(body), testKey))
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGateway) last(t *testing.T) captured {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no request reached the gateway")
	}
	return f.reqs[len(f.reqs)-1]
}

func newClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(base), WithClock(func() time.Time { return fixedNow }),
		WithRateLimit(0, 0), WithLogger(testLogger())}, opts...)
	c, err := New(testAppCode, testKey, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func formMap(v url.Values) map[string]string {
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

func checkSigned(t *testing.T, r captured, st SignType) {
	t.Helper()
	if got := r.header.Get("X-QF-APPCODE"); got != testAppCode {
		t.Errorf("X-QF-APPCODE = %q", got)
	}
	if got, want := r.header.Get("X-QF-SIGN"), SignParams(st, formMap(r.form), testKey); got != want {
		t.Errorf("X-QF-SIGN = %q, want %q", got, want)
	}
	for k, v := range r.form {
		if v[0] == "" {
			t.Errorf("empty parameter %s was sent", k)
		}
	}
}

func TestRefundRequestShape(t *testing.T) {
	f := newFake(t, 200, `{"respcd":"1143","syssn":"R1","orig_syssn":"S1","txamt":"1250"}`)
	c := newClient(t, f.srv.URL+"/api-v3", WithUDID("POS-01"))
	reply, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 1250})
	if seen(err) != nil {
		t.Fatal(err)
	}
	if reply.RespCD != "1143" || reply.SysSN != "R1" || reply.Amount != 1250 || reply.Endpoint != EndpointRefund {
		t.Fatalf("reply = %+v", reply)
	}
	if v := Classify(reply, err); v.Outcome != Processing {
		t.Fatalf("outcome %s", v.Outcome)
	}
	r := f.last(t)
	if r.method != http.MethodPost || r.path != "/trade/v1/refund" {
		t.Fatalf("%s %s", r.method, r.path)
	}
	want := map[string]string{"syssn": "S1", "out_trade_no": "RF_1", "txamt": "1250", "txdtm": "2026-11-21 10:30:00", "udid": "POS-01"}
	if got := formMap(r.form); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("form = %v, want %v (no mchid, no txzone at +0800)", got, want)
	}
	if r.header.Get("X-QF-SIGNTYPE") != "" {
		t.Errorf("MD5 request carries X-QF-SIGNTYPE %q", r.header.Get("X-QF-SIGNTYPE"))
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	checkSigned(t, r, MD5)
}

func TestRefundMchIDTxzoneSHA256(t *testing.T) {
	f := newFake(t, 200, `{"respcd":"0000","syssn":"R1"}`)
	tokyo := time.FixedZone("JST", 9*3600)
	c := newClient(t, f.srv.URL+"/api-v3", WithMchID("ZaMVg12345"), WithSignType(SHA256), WithZone(tokyo))
	_, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 5, Time: fixedNow})
	if seen(err) != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if r.form.Get("mchid") != "ZaMVg12345" || r.form.Get("txzone") != "+0900" || r.form.Get("txdtm") != "2026-11-21 11:30:00" {
		t.Fatalf("form = %v", r.form)
	}
	if r.form.Has("udid") {
		t.Fatal("udid sent although not configured")
	}
	if r.header.Get("X-QF-SIGNTYPE") != "SHA256" {
		t.Fatal("no X-QF-SIGNTYPE: SHA256")
	}
	checkSigned(t, r, SHA256)
}

func TestTxzone(t *testing.T) {
	for _, c := range []struct {
		off  int
		want string
	}{{8 * 3600, ""}, {0, "+0000"}, {-(5*3600 + 1800), "-0530"}, {5*3600 + 2700, "+0545"}} {
		if got := txzone(time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", c.off))); got != c.want {
			t.Errorf("offset %d: %q want %q", c.off, got, c.want)
		}
	}
}

func TestCloseMethods(t *testing.T) {
	f := newFake(t, 200, `{"respcd":"0000","syssn":"C1","orig_syssn":"S1"}`)
	req := CancelRequest{SysSN: "S1", OutTradeNo: "POS_1", Amount: 3000, TxDtm: "2026-11-21 09:00:00"}
	c := newClient(t, f.srv.URL+"/api-v3", WithUDID("POS-01"))
	if _, err := c.Close(context.Background(), req); seen(err) != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if r.method != http.MethodGet || r.path != "/trade/v1/close" || r.form.Get("txdtm") != req.TxDtm || r.form.Get("out_trade_no") != "POS_1" {
		t.Fatalf("GET close: %s %s %v", r.method, r.path, r.form)
	}
	checkSigned(t, r, MD5)
	c = newClient(t, f.srv.URL+"/api-v3", WithCloseMethod("post"))
	if _, err := c.Close(context.Background(), req); seen(err) != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.method != http.MethodPost {
		t.Fatalf("POST close sent %s", r.method)
	}
	if _, err := c.Reverse(context.Background(), req); seen(err) != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.method != http.MethodPost || r.path != "/trade/v1/reversal" {
		t.Fatalf("reversal: %s %s", r.method, r.path)
	}
	if _, err := New(testAppCode, testKey, WithCloseMethod("PUT")); seen(err) == nil {
		t.Fatal("PUT accepted")
	}
}

func TestValidationBeforeSending(t *testing.T) {
	f := newFake(t, 200, `{"respcd":"0000"}`)
	c := newClient(t, f.srv.URL)
	long := strings.Repeat("9", 129)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"no syssn", func() error {
			_, err := c.Refund(context.Background(), RefundRequest{OutTradeNo: "a", Amount: 1})
			return err
		}, "syssn"},
		{"long syssn", func() error {
			_, err := c.Refund(context.Background(), RefundRequest{SysSN: long, OutTradeNo: "a", Amount: 1})
			return err
		}, "syssn"},
		{"ampersand", func() error {
			_, err := c.Refund(context.Background(), RefundRequest{SysSN: "1", OutTradeNo: "a&b=c", Amount: 1})
			return err
		}, "out_trade_no"},
		{"zero amount", func() error {
			_, err := c.Refund(context.Background(), RefundRequest{SysSN: "1", OutTradeNo: "a"})
			return err
		}, "txamt"},
		{"huge amount", func() error {
			_, err := c.Refund(context.Background(), RefundRequest{SysSN: "1", OutTradeNo: "a", Amount: MaxAmount + 1})
			return err
		}, "txamt"},
		{"bad txdtm", func() error {
			_, err := c.Reverse(context.Background(), CancelRequest{SysSN: "1", Amount: 1, TxDtm: "21/11/2026"})
			return err
		}, "txdtm"},
		{"no ids", func() error {
			_, err := c.Close(context.Background(), CancelRequest{Amount: 1, TxDtm: "2026-11-21 10:00:00"})
			return err
		}, "syssn"},
		{"cross-month window", func() error {
			_, err := c.Query(context.Background(), QueryRequest{OutTradeNos: []string{"a"}, Start: fixedNow.AddDate(0, -1, 0), End: fixedNow})
			return err
		}, "end_time"},
		{"half window", func() error { _, err := c.Query(context.Background(), QueryRequest{Start: fixedNow}); return err }, "start_time"},
		{"page size", func() error { _, err := c.Query(context.Background(), QueryRequest{PageSize: 101}); return err }, "page_size"},
		{"pay type", func() error {
			_, err := c.Query(context.Background(), QueryRequest{PayTypes: []string{"80020"}})
			return err
		}, "pay_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := seen(tc.call())
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("err = %v, want a ValidationError on %s", err, tc.field)
			}
		})
	}
	if f.count() != 0 {
		t.Fatalf("%d requests were sent", f.count())
	}
	for _, o := range []Option{WithUDID(strings.Repeat("u", 41)), WithMchID("m&1"), WithBaseURL("ftp://x"), WithBaseURL("bogus")} {
		if _, err := New(testAppCode, testKey, o); seen(err) == nil {
			t.Error("bad option accepted")
		}
	}
	if _, err := New("", testKey); seen(err) == nil {
		t.Error("empty app code accepted")
	}
	if _, err := New(testAppCode, ""); seen(err) == nil {
		t.Error("empty key accepted")
	}
}

func TestResolveBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"sandbox": "https://openapi-int.qfapi.com", "live-test": "https://test-openapi-hk.qfapi.com",
		"Production": "https://openapi-hk.qfapi.com", "http://127.0.0.1:8787/": "http://127.0.0.1:8787",
	} {
		if got, err := ResolveBaseURL(in); err != nil || got != want {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	if _, err := ResolveBaseURL("https://user:pw@example.com"); seen(err) == nil {
		t.Error("credentials in URL accepted")
	}
}

// Replies that are not a clean success, each with the outcome it must lead to.
func TestReplyErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   Outcome
		check  func(error) bool
	}{
		{"final code", 200, `{"respcd":"1272","resperr":"exceeds"}`, Failed, func(err error) bool {
			var ae *APIError
			return errors.As(err, &ae) && ae.RespCD == "1272" && ae.RespErr == "exceeds" && ae.HTTPStatus == 200
		}},
		{"duplicate", 200, `{"respcd":"1102"}`, Unknown, nil},
		{"502 html", 502, `<html><body>502 Bad Gateway</body></html>`, Unknown, func(err error) bool {
			var ae *APIError
			return errors.As(err, &ae) && ae.HTTPStatus == 502 && ae.RespCD == ""
		}},
		{"429", 429, `rate limited`, Unknown, nil},
		{"non-json", 200, `OK`, Unknown, func(err error) bool { return errors.Is(err, ErrMalformedReply) }},
		{"empty body", 200, ``, Unknown, func(err error) bool { return errors.Is(err, ErrMalformedReply) }},
		{"no respcd", 200, `{"syssn":"1"}`, Unknown, func(err error) bool { return errors.Is(err, ErrMalformedReply) }},
		{"truncated", 200, `{"respcd":"0000","sys`, Unknown, func(err error) bool { return errors.Is(err, ErrMalformedReply) }},
		{"huge", 200, `{"respcd":"0000","x":"` + strings.Repeat("a", maxBody) + `"}`, Unknown, func(err error) bool { return errors.Is(err, ErrMalformedReply) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.status, tc.body)
			c := newClient(t, f.srv.URL+"/api-v3")
			reply, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
			seen(err)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.check != nil && !tc.check(err) {
				t.Fatalf("error %v (%T) is not as expected", err, err)
			}
			if v := Classify(reply, err); v.Outcome != tc.want {
				t.Fatalf("outcome %s (%s), want %s", v.Outcome, v.Reason, tc.want)
			}
		})
	}
}

func TestResponseSignature(t *testing.T) {
	body := `{"respcd":"0000","syssn":"R1"}`
	f := newFake(t, 200, body)
	f.sign = true
	c := newClient(t, f.srv.URL+"/api-v3", WithStrictResponseSignature(true))
	reply, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if seen(err) != nil || reply.Signature != SignatureVerified || Classify(reply, err).Outcome != Succeeded {
		t.Fatalf("signed reply: %v %v", err, reply)
	}
	// Strict: a missing signature is a mismatch (decision D6′).
	f.mu.Lock()
	f.sign, f.body = false, body
	f.mu.Unlock()
	reply, err = c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if !errors.Is(seen(err), ErrSignatureMismatch) || Classify(reply, err).Outcome != Unknown {
		t.Fatalf("strict, unsigned reply: %v %+v", err, reply)
	}
	if _, err := c.Query(context.Background(), QueryRequest{SysSNs: []string{"S1"}}); !errors.Is(seen(err), ErrSignatureMismatch) {
		t.Fatalf("strict, unsigned query reply: %v", err)
	}
	// Lenient: an unsigned 0000 is only a claim; one query decides.
	lenientUnsigned := newClient(t, f.srv.URL+"/api-v3")
	reply, err = lenientUnsigned.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if v := Classify(reply, seen(err)); err != nil || reply.Signature != SignatureAbsent || v.Outcome != Unknown || !v.Unverified {
		t.Fatalf("lenient, unsigned 0000: %v %+v %+v", err, reply, v)
	}
	// A signature over another body: mismatch.
	bad := newFake(t, 200, body)
	bad.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-QF-SIGN", SignBody(MD5, []byte(body+" "), testKey))
		_, _ = io.WriteString(w, body)
	})
	lenient := newClient(t, bad.srv.URL)
	reply, err = lenient.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if v := Classify(reply, seen(err)); err != nil || reply.Signature != SignatureMismatch || v.Outcome != Unknown || !v.Unverified {
		t.Fatalf("lenient mismatch: %v %+v %+v", err, reply, v)
	}
	// A refusal needs no confirmation: an unsigned 1143 still means "poll".
	pending := newFake(t, 200, `{"respcd":"1143"}`)
	reply, err = newClient(t, pending.srv.URL+"/api-v3").Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if Classify(reply, seen(err)).Outcome != Processing {
		t.Fatalf("unsigned 1143: %v", err)
	}
	strict := newClient(t, bad.srv.URL, WithStrictResponseSignature(true))
	reply, err = strict.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if !errors.Is(seen(err), ErrSignatureMismatch) || Classify(reply, err).Outcome != Unknown {
		t.Fatalf("strict mismatch: %v", err)
	}
}

// TestNoRedirects: a 3xx is never followed (decision D22): the signed request does not go to the
// other host, a write's outcome is unknown, and a query fails naming the target.
func TestNoRedirects(t *testing.T) {
	var elsewhere int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere++
		_, _ = io.WriteString(w, `{"respcd":"0000","syssn":"FORGED","page":1,"page_size":100,"data":[]}`)
	}))
	t.Cleanup(other.Close)
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFake(t, status, "")
			f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/trade/v1/refund?txamt=100&sign=x", status)
			})
			c := newClient(t, f.srv.URL)
			reply, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
			var re *RedirectError
			if !errors.As(seen(err), &re) || re.HTTPStatus != status || Classify(reply, err).Outcome != Unknown {
				t.Fatalf("refund: %v (%T)", err, err)
			}
			_, err = c.Query(context.Background(), QueryRequest{SysSNs: []string{"S1"}})
			if !errors.As(seen(err), &re) || !strings.Contains(err.Error(), other.URL+"/trade/v1/refund") || strings.Contains(err.Error(), "txamt") {
				t.Fatalf("query: %v", err)
			}
		})
	}
	if elsewhere != 0 {
		t.Fatalf("%d requests followed a redirect", elsewhere)
	}
}

func TestHTTPSForRealMoney(t *testing.T) {
	for _, base := range []string{"http://openapi-hk.qfapi.com", "http://192.168.1.20:8787", "HTTP://example.com"} {
		if _, err := New(testAppCode, testKey, WithBaseURL(base)); seen(err) == nil || !strings.Contains(err.Error(), "https") {
			t.Errorf("%s accepted: %v", base, err)
		}
		if _, err := New(testAppCode, testKey, WithBaseURL(base), WithInsecureHTTP(true)); seen(err) != nil {
			t.Errorf("%s with allow_insecure_http: %v", base, err)
		}
	}
	for _, base := range []string{"http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:9", "https://example.com", "sandbox"} {
		if _, err := New(testAppCode, testKey, WithBaseURL(base)); seen(err) != nil {
			t.Errorf("%s refused: %v", base, err)
		}
	}
}

// TestTimesAreOnQFPaysClock: txdtm and query windows are written in the QFPay zone whatever zone
// the host's clock is in, and txzone goes only with refund and query when the zone is not +08:00;
// reversal and close send only their documented parameters (decision D13′).
func TestTimesAreOnQFPaysClock(t *testing.T) {
	vancouver, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, 200, `{"respcd":"0000","syssn":"R1","page":1,"page_size":100,"data":[]}`)
	hostNow := fixedNow.In(vancouver)
	c := newClient(t, f.srv.URL+"/api-v3", WithClock(func() time.Time { return hostNow }))
	if _, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100}); seen(err) != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.form.Get("txdtm") != "2026-11-21 10:30:00" || r.form.Has("txzone") {
		t.Fatalf("refund form %v", r.form)
	}
	start, end := hostNow.Add(-time.Hour), hostNow
	if _, err := c.Query(context.Background(), QueryRequest{OutTradeNos: []string{"RF_1"}, Start: start, End: end}); seen(err) != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.form.Get("start_time") != "2026-11-21 09:30:00" || r.form.Get("end_time") != "2026-11-21 10:30:00" || r.form.Has("txzone") {
		t.Fatalf("query form %v", r.form)
	}
	tokyo := newClient(t, f.srv.URL+"/api-v3", WithZone(time.FixedZone("+09:00", 9*3600)), WithUDID("POS-01"))
	req := CancelRequest{SysSN: "S1", Amount: 100, TxDtm: "2026-11-21 09:00:00"}
	for _, call := range []func(context.Context, CancelRequest) (*Reply, error){tokyo.Reverse, tokyo.Close} {
		if _, err := call(context.Background(), req); seen(err) != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for k := range f.last(t).form {
			got[k] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(map[string]bool{"syssn": true, "txamt": true, "txdtm": true, "udid": true}) {
			t.Fatalf("cancel parameters %v: only the documented ones", got)
		}
	}
	if _, err := tokyo.Query(context.Background(), QueryRequest{OutTradeNos: []string{"RF_1"}, Start: start, End: end}); seen(err) != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.form.Get("txzone") != "+0900" || r.form.Get("start_time") != "2026-11-21 10:30:00" {
		t.Fatalf("query in +09:00: %v", r.form)
	}
}

func TestParseZone(t *testing.T) {
	for in, off := range map[string]int{"+08:00": 8 * 3600, "+0800": 8 * 3600, "-05:30": -(5*3600 + 1800), "+00:00": 0} {
		z, err := ParseZone(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if _, got := time.Date(2026, 1, 1, 0, 0, 0, 0, z).Zone(); got != off {
			t.Errorf("%s: offset %d", in, got)
		}
	}
	for _, bad := range []string{"", "HKT", "8", "+8:00", "+15:00", "+08:61", "Asia/Hong_Kong"} {
		if _, err := ParseZone(bad); seen(err) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestPagingByReportedPageSize: a gateway that caps pages below what was asked still gets walked
// to the end (decision D10′).
func TestPagingByReportedPageSize(t *testing.T) {
	var pages int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		pages++
		page := r.Form.Get("page")
		n := map[string]int{"1": 20, "2": 20, "3": 7}[page]
		var recs []string
		for i := range n {
			recs = append(recs, fmt.Sprintf(`{"syssn":"%s%02d","respcd":"0000"}`, page, i))
		}
		fmt.Fprintf(w, `{"respcd":"0000","page":%q,"page_size":"20","data":[%s]}`, page, strings.Join(recs, ","))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	n := 0
	for _, err := range c.QueryAll(context.Background(), QueryRequest{}) {
		if seen(err) != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 47 || pages != 3 {
		t.Fatalf("%d records over %d pages", n, pages)
	}
}

func TestBatchIDs(t *testing.T) {
	var ids []string
	for i := range 10 {
		ids = append(ids, fmt.Sprintf("RF20261121150000_%016x", i)) // 33 characters, as qfpos makes them
	}
	batches := BatchIDs(ids)
	var flat []string
	for _, b := range batches {
		if n := len(strings.Join(b, ",")); n > MaxIDListLen {
			t.Fatalf("batch of %d characters", n)
		}
		flat = append(flat, b...)
	}
	if len(batches) != 4 || strings.Join(flat, ",") != strings.Join(ids, ",") {
		t.Fatalf("batches %v", batches)
	}
	f := newFake(t, 200, `{"respcd":"0000","data":[]}`)
	c := newClient(t, f.srv.URL)
	_, err := c.Query(context.Background(), QueryRequest{OutTradeNos: ids[:4]})
	var ve *ValidationError
	if !errors.As(seen(err), &ve) || ve.Field != "out_trade_no" || f.count() != 0 {
		t.Fatalf("4 long ids in one query: %v", err)
	}
}

func TestTransportErrors(t *testing.T) {
	// Timeout after the request was written: the server holds the reply.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-release
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	hc := &http.Client{Timeout: 50 * time.Millisecond}
	c := newClient(t, slow.URL, WithHTTPClient(hc))
	reply, err := c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	var te *TransportError
	if !errors.As(seen(err), &te) || !te.Sent || Classify(reply, err).Outcome != Unknown {
		t.Fatalf("timeout after write: %v", err)
	}

	// Timeout before the request was written: the connection never opens.
	blocked := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}}
	c = newClient(t, "http://qfpay.invalid", WithHTTPClient(blocked), WithInsecureHTTP(true))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	reply, err = c.Refund(ctx, RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if !errors.As(seen(err), &te) || te.Sent || Classify(reply, err).Outcome != RetryLater {
		t.Fatalf("timeout before write: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline not visible through errors.Is: %v", err)
	}

	// Connection reset after the request arrived.
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			conn.Close()
		}
	}))
	t.Cleanup(reset.Close)
	c = newClient(t, reset.URL)
	reply, err = c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if !errors.As(seen(err), &te) || !te.Sent || Classify(reply, err).Outcome != Unknown {
		t.Fatalf("reset: %v", err)
	}

	// Nothing listening: refused before sending.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c = newClient(t, "http://"+addr)
	reply, err = c.Refund(context.Background(), RefundRequest{SysSN: "S1", OutTradeNo: "RF_1", Amount: 100})
	if !errors.As(seen(err), &te) || te.Sent || Classify(reply, err).Outcome != RetryLater {
		t.Fatalf("refused: %v", err)
	}
}

func TestClientStringRedactsKey(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1")
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v", c, c), c.LogValue().String()} {
		if strings.Contains(s, testKey) {
			t.Fatalf("key in %q", s)
		}
	}
	testLogger().Info("client", "c", c)
}

func TestRateLimiterWaits(t *testing.T) {
	f := newFake(t, 200, `{"respcd":"0000","page":1,"page_size":100,"data":[]}`)
	c := newClient(t, f.srv.URL+"/api-v3", WithRateLimit(1, 1))
	if _, err := c.Query(context.Background(), QueryRequest{SysSNs: []string{"1"}}); seen(err) != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Query(ctx, QueryRequest{SysSNs: []string{"1"}})
	var te *TransportError
	if !errors.As(seen(err), &te) || te.Sent {
		t.Fatalf("second request within the minute: %v", err)
	}
	if n := f.count(); n != 1 {
		t.Fatalf("%d requests reached the gateway", n)
	}
}

func (f *fakeGateway) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}
