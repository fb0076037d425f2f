package qfpay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"qfpos/qfpay/respcd"
)

// Presets are QFPay's documented Hong Kong environments (reference section 1).
var Presets = map[string]string{
	"sandbox":    "https://openapi-int.qfapi.com",
	"live-test":  "https://test-openapi-hk.qfapi.com",
	"production": "https://openapi-hk.qfapi.com",
}

// ResolveBaseURL accepts a preset name (sandbox, live-test, production) or an http(s) URL.
func ResolveBaseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if u, ok := Presets[strings.ToLower(s)]; ok {
		return u, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("base URL %q is neither a preset (sandbox, live-test, production) nor an http(s) URL", s)
	}
	if u.User != nil {
		return "", fmt.Errorf("base URL must not carry a user name or password")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// IsLoopback reports whether a base URL's host is this machine (localhost or a loopback IP):
// the only place plain http is accepted without allow_insecure_http (decision D22).
func IsLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckTransport refuses a base URL that would carry real money in clear text: http is only for
// a loopback host (the sandbox) unless insecure is set (decision D22).
func CheckTransport(base string, insecure bool) error {
	if insecure || !strings.HasPrefix(strings.ToLower(base), "http://") || IsLoopback(base) {
		return nil
	}
	return fmt.Errorf("base URL %s is plain http: QFPay is reached only over https (use https://, or allow_insecure_http = true for a lab)", base)
}

// Default limits.
const (
	DefaultRatePerMinute = 60
	DefaultBurst         = 3
	DefaultTimeout       = 15 * time.Second
	DefaultDialTimeout   = 5 * time.Second
)

// Client talks to one QFPay merchant account. It is safe for concurrent use.
type Client struct {
	baseURL     string
	appCode     string
	key         string
	mchID       string
	udid        string
	signType    SignType
	closeMethod string
	strict      bool
	insecure    bool
	http        *http.Client
	now         func() time.Time
	zone        *time.Location
	limiter     *rate.Limiter
	log         *slog.Logger
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the gateway: a preset name or any http(s) URL (default: the sandbox preset).
func WithBaseURL(s string) Option {
	return func(c *Client) error {
		u, err := ResolveBaseURL(s)
		c.baseURL = u
		return err
	}
}

// WithMchID sets the mchid QFPay issued, sent on every call; leave it unset when none was issued.
func WithMchID(id string) Option {
	return func(c *Client) error {
		c.mchID = id
		return CheckMchID(id)
	}
}

// WithUDID sets the terminal id sent on every write (refund, reversal, close).
func WithUDID(id string) Option {
	return func(c *Client) error {
		c.udid = id
		return CheckUDID(id)
	}
}

// WithSignType selects MD5 (default) or SHA256 request signatures.
func WithSignType(t SignType) Option {
	return func(c *Client) error { c.signType = t; return nil }
}

// WithHTTPClient replaces the default HTTP client (5 s connect, 15 s whole request).
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error {
		if h == nil {
			return errors.New("HTTP client is nil")
		}
		c.http = h
		return nil
	}
}

// WithTimeout sets the whole-request timeout of the default HTTP client.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("timeout %s must be positive", d)
		}
		c.http.Timeout = d
		return nil
	}
}

// WithClock sets the clock used for txdtm (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Client) error { c.now = now; return nil }
}

// WithZone sets the merchant's QFPay zone (default +08:00): every time sent to QFPay (a refund's
// txdtm, query windows) is written in it, whatever the host's zone, and txzone is sent on refund
// and query only when it is not +08:00 (decision D13′).
func WithZone(zone *time.Location) Option {
	return func(c *Client) error {
		if zone == nil {
			return errors.New("QFPay zone is nil")
		}
		c.zone = zone
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL on a host other than loopback (a lab only).
func WithInsecureHTTP(allow bool) Option {
	return func(c *Client) error { c.insecure = allow; return nil }
}

// WithRateLimit limits requests per minute with the given burst; perMinute 0 turns limiting off.
func WithRateLimit(perMinute, burst int) Option {
	return func(c *Client) error {
		if perMinute < 0 || burst < 0 {
			return errors.New("rate limit must not be negative")
		}
		if perMinute == 0 {
			c.limiter = nil
			return nil
		}
		if burst == 0 {
			burst = 1
		}
		c.limiter = rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), burst)
		return nil
	}
}

// WithCloseMethod selects GET (default, decision D1) or POST for /trade/v1/close.
func WithCloseMethod(m string) Option {
	return func(c *Client) error {
		m = strings.ToUpper(strings.TrimSpace(m))
		if m != http.MethodGet && m != http.MethodPost {
			return fmt.Errorf("close method %q is not supported (use GET or POST)", m)
		}
		c.closeMethod = m
		return nil
	}
}

// WithStrictResponseSignature makes a reply whose X-QF-SIGN is missing or wrong an error: a write's
// outcome is then unknown and a query fails (decision D6′).
func WithStrictResponseSignature(strict bool) Option {
	return func(c *Client) error { c.strict = strict; return nil }
}

// WithLogger sets where the client logs requests (never parameters' secrets: the key and
// signatures are never logged).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l != nil {
			c.log = l
		}
		return nil
	}
}

// DefaultHTTPClient returns an HTTP client with a 5 s connect and a 15 s whole-request timeout.
func DefaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: DefaultDialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = DefaultDialTimeout
	tr.ResponseHeaderTimeout = DefaultTimeout
	return &http.Client{Transport: tr, Timeout: DefaultTimeout}
}

// New builds a client for the merchant identified by appCode and key.
func New(appCode, key string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(appCode) == "" {
		return nil, errors.New("app code is empty (set app_code or QFPAY_APP_CODE)")
	}
	if err := checkID("app code", appCode, 64, "", true); err != nil {
		return nil, err
	}
	if key == "" {
		return nil, errors.New("client key is empty (set client_key or QFPAY_CLIENT_KEY)")
	}
	c := &Client{
		baseURL:     Presets["sandbox"],
		appCode:     appCode,
		key:         key,
		closeMethod: http.MethodGet,
		http:        DefaultHTTPClient(),
		now:         time.Now,
		zone:        HongKongZone,
		limiter:     rate.NewLimiter(rate.Every(time.Minute/DefaultRatePerMinute), DefaultBurst),
		log:         slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if err := CheckTransport(c.baseURL, c.insecure); err != nil {
		return nil, err
	}
	// Never follow a redirect: a 3xx would re-send the signed request to another host (decision D22).
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	return c, nil
}

// BaseURL returns the gateway the client talks to.
func (c *Client) BaseURL() string { return c.baseURL }

// UDID returns the terminal id sent on writes.
func (c *Client) UDID() string { return c.udid }

// Zone returns the merchant's QFPay zone, the clock every time sent to QFPay is written in.
func (c *Client) Zone() *time.Location { return c.zone }

// String describes the client without its key.
func (c *Client) String() string {
	return fmt.Sprintf("qfpay.Client{base=%s app=%s mchid=%s key=[redacted]}", c.baseURL, c.appCode, c.mchID)
}

// LogValue keeps the key out of structured logs.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base", c.baseURL), slog.String("app", c.appCode),
		slog.String("mchid", c.mchID), slog.String("key", "[redacted]"))
}

// HongKongZone is QFPay's default zone, +08:00.
var HongKongZone = time.FixedZone("+08:00", 8*3600)

// ParseZone reads a QFPay zone written "+08:00" or "+0800".
func ParseZone(s string) (*time.Location, error) {
	z := strings.ReplaceAll(strings.TrimSpace(s), ":", "")
	bad := fmt.Errorf("zone %q is not an offset like +08:00", s)
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return nil, bad
	}
	h, err1 := strconv.Atoi(z[1:3])
	m, err2 := strconv.Atoi(z[3:5])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return nil, bad
	}
	off := h*3600 + m*60
	if z[0] == '-' {
		off = -off
	}
	if off == 8*3600 {
		return HongKongZone, nil
	}
	return time.FixedZone(z[:3]+":"+z[3:], off), nil
}

// txzone returns the +hhmm offset of t's zone, or "" when it is +0800.
func txzone(t time.Time) string {
	_, off := t.Zone()
	if off == 8*3600 {
		return ""
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
}

// Refund asks QFPay to refund (part of) a paid sale. A nil error means the reply's respcd is
// 0000 or a still-processing code; pass the result to Classify either way.
func (c *Client) Refund(ctx context.Context, r RefundRequest) (*Reply, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	t := r.Time
	if t.IsZero() {
		t = c.now()
	}
	t = t.In(c.zone)
	params := map[string]string{
		"syssn":        r.SysSN,
		"out_trade_no": r.OutTradeNo,
		"txamt":        strconv.FormatInt(r.Amount, 10),
		"txdtm":        t.Format(TxDtmLayout),
		"txzone":       txzone(t),
		"udid":         c.udid,
	}
	return c.write(ctx, EndpointRefund, http.MethodPost, params)
}

// Reverse cancels a sale that did not complete through /trade/v1/reversal.
func (c *Client) Reverse(ctx context.Context, r CancelRequest) (*Reply, error) {
	return c.cancel(ctx, EndpointReversal, http.MethodPost, r)
}

// Close cancels a sale that did not complete through /trade/v1/close (GET unless configured).
func (c *Client) Close(ctx context.Context, r CancelRequest) (*Reply, error) {
	return c.cancel(ctx, EndpointClose, c.closeMethod, r)
}

func (c *Client) cancel(ctx context.Context, ep Endpoint, method string, r CancelRequest) (*Reply, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	// Only the documented parameters: reversal and close take no txzone (decision D13′).
	params := map[string]string{
		"syssn":        r.SysSN,
		"out_trade_no": r.OutTradeNo,
		"txamt":        strconv.FormatInt(r.Amount, 10),
		"txdtm":        r.TxDtm,
		"udid":         c.udid,
	}
	return c.write(ctx, ep, method, params)
}

func (c *Client) write(ctx context.Context, ep Endpoint, method string, params map[string]string) (*Reply, error) {
	res, err := c.do(ctx, ep, method, params)
	if err != nil {
		return nil, err
	}
	if res.redirect != nil {
		return nil, res.redirect // a 3xx on a write: the outcome is unclear, settled by query
	}
	reply, derr := decodeReply(res.body)
	reply.Endpoint, reply.HTTPStatus = ep, res.status
	reply.Signature, reply.QFPayTime = res.sig, res.at
	if derr != nil {
		if res.status != http.StatusOK {
			return nil, &APIError{Endpoint: ep, HTTPStatus: res.status}
		}
		return nil, &DecodeError{Endpoint: ep, HTTPStatus: res.status, Err: derr}
	}
	if reply.RespCD == "" {
		if res.status != http.StatusOK {
			return nil, &APIError{Endpoint: ep, HTTPStatus: res.status}
		}
		return nil, &DecodeError{Endpoint: ep, HTTPStatus: res.status, Err: fmt.Errorf("%w: no respcd", ErrMalformedReply)}
	}
	if c.strict && res.sig != SignatureVerified {
		return &reply, fmt.Errorf("qfpay %s: reply signature %s: %w", ep, res.sig, ErrSignatureMismatch)
	}
	switch respcd.Lookup(reply.RespCD, reply.RespErr).Class {
	case respcd.FinalOK, respcd.Pending:
		if res.status == http.StatusOK {
			return &reply, nil
		}
	}
	return &reply, &APIError{Endpoint: ep, HTTPStatus: res.status, RespCD: reply.RespCD, RespErr: reply.RespErr,
		RespMsg: reply.RespMsg, QFPayTime: res.at}
}

// Query fetches one page of records.
func (c *Client) Query(ctx context.Context, q QueryRequest) (*QueryPage, error) {
	if !q.Start.IsZero() {
		q.Start, q.End = q.Start.In(c.zone), q.End.In(c.zone)
	}
	if err := q.validate(); err != nil {
		return nil, err
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 100
	}
	params := map[string]string{
		"syssn":        strings.Join(q.SysSNs, ","),
		"out_trade_no": strings.Join(q.OutTradeNos, ","),
		"pay_type":     strings.Join(q.PayTypes, ","),
		"respcd":       q.RespCD,
		"page":         strconv.Itoa(q.Page),
		"page_size":    strconv.Itoa(q.PageSize),
	}
	if !q.Start.IsZero() {
		params["start_time"] = q.Start.Format(TxDtmLayout)
		params["end_time"] = q.End.Format(TxDtmLayout)
		params["txzone"] = txzone(q.Start)
	}
	res, err := c.do(ctx, EndpointQuery, http.MethodPost, params)
	if err != nil {
		return nil, err
	}
	if res.redirect != nil {
		return nil, res.redirect
	}
	page, derr := decodeQuery(res.body)
	if derr != nil {
		if res.status != http.StatusOK {
			return nil, &APIError{Endpoint: EndpointQuery, HTTPStatus: res.status}
		}
		return nil, &DecodeError{Endpoint: EndpointQuery, HTTPStatus: res.status, Err: derr}
	}
	page.HTTPStatus, page.Signature = res.status, res.sig
	if c.strict && res.sig != SignatureVerified {
		return nil, fmt.Errorf("qfpay %s: reply signature %s: %w", EndpointQuery, res.sig, ErrSignatureMismatch)
	}
	if res.status != http.StatusOK || page.RespCD != "0000" {
		return nil, &APIError{Endpoint: EndpointQuery, HTTPStatus: res.status, RespCD: page.RespCD, RespErr: page.RespErr, RespMsg: page.RespMsg}
	}
	if page.Page == 0 {
		page.Page = q.Page
	}
	if page.PageSize == 0 {
		page.PageSize = q.PageSize
	}
	return &page, nil
}

// QueryAll walks every page of a query (page_size 100 unless set) and yields each record. It
// stops at the first error, which it yields.
func (c *Client) QueryAll(ctx context.Context, q QueryRequest) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		if q.Page == 0 {
			q.Page = 1
		}
		if q.PageSize == 0 {
			q.PageSize = 100
		}
		for {
			page, err := c.Query(ctx, q)
			if err != nil {
				yield(Record{}, err)
				return
			}
			for _, r := range page.Records {
				if !yield(r, nil) {
					return
				}
			}
			if page.Last() {
				return
			}
			q.Page++
		}
	}
}

type rawResponse struct {
	status   int
	body     []byte
	sig      SignatureStatus
	at       time.Time      // when the reply arrived, on QFPay's clock
	redirect *RedirectError // set for a 3xx, which is never followed
}

// do signs and sends one request and reads its reply. It returns a *TransportError when no
// reply arrived; HTTP statuses and bodies are left to the caller.
func (c *Client) do(ctx context.Context, ep Endpoint, method string, params map[string]string) (rawResponse, error) {
	params["mchid"] = c.mchID
	form := url.Values{}
	for k, v := range params {
		if v != "" {
			form.Set(k, v)
		}
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return rawResponse{}, &TransportError{Endpoint: ep, Err: fmt.Errorf("waiting for the rate limiter: %w", err)}
		}
	}
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { sent.Store(true) },
	}
	u := c.baseURL + ep.Path()
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, u, body)
	if err != nil {
		return rawResponse{}, &TransportError{Endpoint: ep, Err: errors.New("cannot build the request: check the base URL")}
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-QF-APPCODE", c.appCode)
	req.Header.Set("X-QF-SIGN", SignParams(c.signType, params, c.key))
	if c.signType == SHA256 {
		req.Header.Set("X-QF-SIGNTYPE", "SHA256")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.log.Warn("qfpay request failed", "endpoint", ep, "sent", sent.Load(), "err", scrubURLError(err))
		return rawResponse{}, &TransportError{Endpoint: ep, Sent: sent.Load(), Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		re := &RedirectError{Endpoint: ep, HTTPStatus: resp.StatusCode, Location: sanitizeLocation(resp.Header.Get("Location"))}
		c.log.Warn("qfpay reply is a redirect; not followed", "endpoint", ep, "status", resp.StatusCode, "location", re.Location)
		return rawResponse{status: resp.StatusCode, redirect: re}, nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		c.log.Warn("qfpay reply cut off", "endpoint", ep, "status", resp.StatusCode, "err", err)
		return rawResponse{}, &TransportError{Endpoint: ep, Sent: true, Err: fmt.Errorf("reading the reply: %w", err)}
	}
	if len(raw) > maxBody {
		return rawResponse{}, &DecodeError{Endpoint: ep, HTTPStatus: resp.StatusCode, Err: fmt.Errorf("%w: larger than 1 MiB", ErrMalformedReply)}
	}
	st := SignType(MD5)
	if strings.EqualFold(resp.Header.Get("X-QF-SIGNTYPE"), "SHA256") {
		st = SHA256
	}
	sig := VerifyBody(st, raw, c.key, resp.Header.Get("X-QF-SIGN"))
	c.log.Info("qfpay request", "endpoint", ep, "method", method, "status", resp.StatusCode,
		"bytes", len(raw), "signature", sig.String(), "elapsed", time.Since(start).Round(time.Millisecond))
	return rawResponse{status: resp.StatusCode, body: raw, sig: sig, at: c.now().In(c.zone)}, nil
}

// sanitizeLocation keeps a redirect target's scheme, host and path: its query could carry
// parameters of the request.
func sanitizeLocation(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return "(no Location)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// scrubURLError drops the URL (which, for GET, carries the parameters) from *url.Error.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
