package qfpaytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"qfpos/qfpay"
	"qfpos/qfpay/paytype"
)

// Request is one request the sandbox received, for tests to inspect.
type Request struct {
	Endpoint string
	Method   string
	AppCode  string
	Form     url.Values
	At       time.Time
}

// maxRequests bounds the request log of a long-running sandbox.
const maxRequests = 100_000

// Requests returns a copy of the request log.
func (s *Sandbox) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// answer is a reply body and the key to sign it with ("" leaves it unsigned).
type answer struct {
	body []byte
	key  string
}

func jsonBody(fields map[string]any) []byte {
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err) // only strings, numbers and nil go in
	}
	return b
}

// resperr is the sandbox's resperr for a refusal it was told to give, in QFPay's style.
func resperr(code string) string {
	if msg, ok := map[string]string{
		"1155": "refund request denied", "1265": "refund period exceeded", "1269": "insufficient unsettled balance for refund",
		"1272": "refund amount exceeds the refundable amount", "1294": "blocked by the bank", "1297": "bank busy, try later",
	}[code]; ok {
		return msg
	}
	return "error " + code
}

func codeAnswer(key, code, msg string) answer {
	return answer{body: jsonBody(map[string]any{"respcd": code, "resperr": msg, "respmsg": ""}), key: key}
}

// ServeHTTP answers /trade/v1/{refund,reversal,close,query}, under any path prefix.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := strings.Index(r.URL.Path, "/trade/v1/")
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	ep := r.URL.Path[i+len("/trade/v1/"):]
	switch ep {
	case "refund", "reversal", "query":
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
	case "close":
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	appCode := r.Header.Get("X-QF-APPCODE")

	s.mu.Lock()
	now := s.now()
	if len(s.requests) < maxRequests {
		s.requests = append(s.requests, Request{Endpoint: ep, Method: r.Method, AppCode: appCode, Form: r.Form, At: now})
	}
	if s.down {
		s.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	limited := s.overRateLocked(appCode, now)
	fault, faulty := s.nextFaultLocked(ep)
	s.mu.Unlock()
	s.log.Debug("sandbox request", "endpoint", ep, "method", r.Method, "fault", fault.Kind.String())

	if faulty && fault.Kind == FaultLatency {
		s.sleep(fault.Latency)
	}
	if limited || (faulty && fault.Kind == FaultTooMany) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("<html><body><h1>429 Too Many Requests</h1></body></html>"))
		return
	}
	if faulty && fault.Kind == FaultForgedSuccess {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"respcd":"0000","resperr":"success","syssn":"FORGED00000000000000000001","page":"1","page_size":"100","data":[]}`))
		return
	}
	if faulty && fault.Kind == FaultRedirect {
		http.Redirect(w, r, fault.Location, http.StatusTemporaryRedirect)
		return
	}
	if faulty && fault.Kind == FaultBadGateway {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"))
		return
	}

	s.mu.Lock()
	s.settleDueLocked(s.now())
	a := s.handleLocked(ep, appCode, r)
	s.saveLocked()
	s.mu.Unlock()

	if faulty && fault.Kind == FaultLostReply {
		panic(http.ErrAbortHandler) // the write is committed; the reply never arrives
	}
	if faulty && fault.Kind == FaultSlowReply {
		s.sleep(fault.Latency)
	}
	body := a.body
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if a.key != "" && !(faulty && fault.Kind == FaultUnsigned) {
		key := a.key
		if faulty && fault.Kind == FaultBadSignature {
			key += "-wrong"
		}
		w.Header().Set("X-QF-SIGN", qfpay.SignBody(qfpay.MD5, body, key))
	}
	if faulty && fault.Kind == FaultTruncated {
		body = body[:len(body)/2]
	}
	_, _ = w.Write(body)
}

// overRateLocked counts a request against the merchant's per-minute limit.
func (s *Sandbox) overRateLocked(appCode string, now time.Time) bool {
	if s.ratePerMinute <= 0 {
		return false
	}
	hits := s.hits[appCode]
	cut := 0
	for cut < len(hits) && now.Sub(hits[cut]) >= time.Minute {
		cut++
	}
	hits = hits[cut:]
	if len(hits) >= s.ratePerMinute {
		s.hits[appCode] = hits
		return true
	}
	s.hits[appCode] = append(hits, now)
	return false
}

// handleLocked authenticates the request and runs the endpoint.
func (s *Sandbox) handleLocked(ep, appCode string, r *http.Request) answer {
	m, ok := s.merchants[appCode]
	if !ok {
		return codeAnswer("", "1108", "app code not recognised")
	}
	params := make(map[string]string, len(r.Form))
	for k, v := range r.Form {
		params[k] = v[0]
	}
	st, err := qfpay.ParseSignType(r.Header.Get("X-QF-SIGNTYPE"))
	if err != nil {
		return codeAnswer(m.Key, "1108", "unsupported X-QF-SIGNTYPE")
	}
	if !strings.EqualFold(qfpay.SignParams(st, params, m.Key), r.Header.Get("X-QF-SIGN")) {
		return codeAnswer(m.Key, "1108", "signature error")
	}
	switch {
	case m.MchID != "" && params["mchid"] != m.MchID:
		return codeAnswer(m.Key, "1104", "mchid is missing or wrong")
	case m.MchID == "" && params["mchid"] != "":
		return codeAnswer(m.Key, "1104", "mchid was not issued to this merchant")
	}
	if u := params["udid"]; len(u) > qfpay.MaxUDIDLen {
		return codeAnswer(m.Key, "1104", "udid is longer than 40 characters")
	}
	switch ep {
	case "refund":
		return s.refundLocked(m, params)
	case "reversal", "close":
		return s.cancelLocked(m, ep, params)
	default:
		return s.queryLocked(m, params)
	}
}

func parseAmount(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0 && n <= qfpay.MaxAmount
}

func (s *Sandbox) refundLocked(m Merchant, p map[string]string) answer {
	for _, f := range []string{"syssn", "out_trade_no", "txamt", "txdtm"} {
		if p[f] == "" {
			return codeAnswer(m.Key, "1104", f+" is required")
		}
	}
	amount, ok := parseAmount(p["txamt"])
	if !ok {
		return codeAnswer(m.Key, "1104", "txamt is not a valid amount")
	}
	if _, err := time.Parse(txdtmLayout, p["txdtm"]); err != nil {
		return codeAnswer(m.Key, "1104", "txdtm format is YYYY-MM-DD hh:mm:ss")
	}
	if qfpay.CheckTransactionID("out_trade_no", p["out_trade_no"]) != nil {
		return codeAnswer(m.Key, "1104", "out_trade_no is not valid")
	}
	sc, _ := s.scriptLocked(p["out_trade_no"], amount)
	if sc.RespCD != "" {
		return codeAnswer(m.Key, sc.RespCD, sc.RespErr)
	}
	if prev, dup := s.byOTN[otnKey(m.AppCode, p["out_trade_no"])]; dup {
		if s.dup.Replay && prev.FirstReply != nil {
			return answer{body: prev.FirstReply, key: m.Key}
		}
		msg := "duplicate request"
		if s.dup.Code == "2011" {
			msg = "transaction serial number repeats"
		}
		return codeAnswer(m.Key, s.dup.Code, msg)
	}
	orig, ok := s.bySysSN[p["syssn"]]
	if !ok || orig.AppCode != m.AppCode || orig.OrderType != "payment" {
		return codeAnswer(m.Key, "1268", "order does not exist")
	}
	if orig.Cancel == qfpay.CancelReversed || orig.Cancel == qfpay.CancelClosed {
		return codeAnswer(m.Key, "1263", "order already cancelled")
	}
	if orig.RespCD != "0000" {
		return codeAnswer(m.Key, "1261", "order not paid")
	}
	s.refundsSeen++
	if r := s.refusals; r.Rate > 0 && len(r.Codes) > 0 && s.refundsSeen > r.After && s.refusalRng.Float64() < r.Rate {
		code := r.Codes[s.refusalRng.IntN(len(r.Codes))]
		return codeAnswer(m.Key, code, resperr(code))
	}
	now := s.now().In(s.loc)
	if s.nightWindow {
		hm := now.Hour()*60 + now.Minute()
		if hm >= 23*60+30 || hm < 30 {
			return codeAnswer(m.Key, "1265", "refunds are not available between 23:30 and 00:30")
		}
	}
	partial := amount < orig.Amount
	if partial && slices.Contains(s.noPartialCur, orig.Currency) {
		return codeAnswer(m.Key, "1270", "currency does not support partial refund")
	}
	if partial && slices.Contains(s.noPartialPay, orig.PayType) {
		return codeAnswer(m.Key, "1271", "transaction does not support partial refund")
	}
	if partial && paytype.SameDayFullRefundOnly(orig.PayType) && orig.SysTime.In(s.loc).Format("20060102") == now.Format("20060102") {
		return codeAnswer(m.Key, "1124", "invalid transaction: a same-day card refund is a void and must be for the full amount")
	}
	if orig.Cancel == qfpay.CancelRefunded || s.reservedLocked(orig.SysSN)+amount > orig.Amount {
		return codeAnswer(m.Key, "1272", "refund amount exceeds the refundable amount")
	}

	tx := &Txn{
		AppCode: m.AppCode, SysSN: s.newSysSNLocked(now), OutTradeNo: p["out_trade_no"], OrigSysSN: orig.SysSN,
		OrderType: "refund", Endpoint: "refund", PayType: orig.PayType, Currency: orig.Currency,
		Amount: amount, TxDtm: p["txdtm"], SysTime: now, Cancel: "0", UDID: p["udid"], Hidden: sc.HiddenQueries,
	}
	st := s.settle
	if sc.Settle != (Settle{}) {
		st = sc.Settle
		if st.PendingCode == "" {
			st.PendingCode = s.settle.PendingCode
		}
	}
	final := sc.SettleTo
	if final == "" {
		final = "0000"
	}
	if st.Delay == 0 && st.Queries == 0 && !sc.NeverSettle {
		tx.RespCD = final
	} else {
		tx.RespCD, tx.SettleTo, tx.NeverSettle, tx.QueriesLeft = st.PendingCode, final, sc.NeverSettle, st.Queries
		if st.Delay > 0 {
			extra := time.Duration(0)
			if st.Jitter > 0 {
				extra = time.Duration(s.rng.Int64N(int64(st.Jitter)))
			}
			tx.SettleAt = now.Add(st.Delay + extra)
		}
	}
	s.insertLocked(tx)
	s.refreshFlagLocked(orig)
	resperr := "success"
	if tx.Pending() {
		resperr = "processing, please wait"
	}
	tx.FirstReply = jsonBody(map[string]any{
		"syssn": tx.SysSN, "orig_syssn": orig.SysSN, "out_trade_no": tx.OutTradeNo,
		"txamt": strconv.FormatInt(amount, 10), "txcurrcd": orig.Currency, "txdtm": tx.TxDtm,
		"sysdtm": now.Format(txdtmLayout), "respcd": tx.RespCD, "resperr": resperr, "respmsg": "",
		"udid": tx.UDID, "chnlsn": "", "cardcd": "",
	})
	return answer{body: tx.FirstReply, key: m.Key}
}

func (s *Sandbox) cancelLocked(m Merchant, ep string, p map[string]string) answer {
	var orig *Txn
	switch {
	case p["syssn"] != "":
		orig = s.bySysSN[p["syssn"]]
	case p["out_trade_no"] != "":
		orig = s.byOTN[otnKey(m.AppCode, p["out_trade_no"])]
	default:
		return codeAnswer(m.Key, "1104", "syssn or out_trade_no is required")
	}
	for _, f := range []string{"txamt", "txdtm"} {
		if p[f] == "" {
			return codeAnswer(m.Key, "1104", f+" is required")
		}
	}
	if orig == nil || orig.AppCode != m.AppCode || orig.OrderType != "payment" {
		return codeAnswer(m.Key, "1268", "order does not exist")
	}
	sc, _ := s.scriptLocked(orig.OutTradeNo, orig.Amount)
	if sc.RespCD != "" {
		return codeAnswer(m.Key, sc.RespCD, sc.RespErr)
	}
	if !sc.Hollow {
		switch {
		case orig.Cancel == qfpay.CancelClosed && ep == "close":
			return codeAnswer(m.Key, "1142", "order already closed")
		case orig.Cancel != qfpay.CancelNone && orig.Cancel != qfpay.CancelPartlyRefunded && orig.RespCD != "0000":
			return codeAnswer(m.Key, "1263", "order already cancelled")
		case orig.RespCD == "0000":
			return codeAnswer(m.Key, "1260", "order already paid: refund it instead")
		case s.cancelEndpoints[orig.PayType] != ep:
			return codeAnswer(m.Key, "1297", "this order cannot be cancelled through /trade/v1/"+ep)
		}
	}
	if amount, ok := parseAmount(p["txamt"]); !ok || amount != orig.Amount {
		return codeAnswer(m.Key, "1266", "amount wrong")
	}
	if p["txdtm"] != orig.TxDtm {
		return codeAnswer(m.Key, "1267", "order information mismatch")
	}
	now := s.now().In(s.loc)
	fields := map[string]any{
		"orig_syssn": orig.SysSN, "out_trade_no": orig.OutTradeNo, "txamt": strconv.FormatInt(orig.Amount, 10),
		"txcurrcd": orig.Currency, "txdtm": orig.TxDtm, "sysdtm": now.Format(txdtmLayout),
		"chnlsn": "", "respcd": "0000", "resperr": "success", "respmsg": "", "udid": p["udid"],
	}
	if sc.OmitSysSN {
		return answer{body: jsonBody(fields), key: m.Key}
	}
	if sc.Hollow {
		fields["syssn"] = s.newSysSNLocked(now) // an id for a cancel that never took effect
		return answer{body: jsonBody(fields), key: m.Key}
	}
	tx := &Txn{
		AppCode: m.AppCode, SysSN: s.newSysSNLocked(now), OrigSysSN: orig.SysSN, OrderType: "close",
		Endpoint: ep, PayType: orig.PayType, Currency: orig.Currency, Amount: orig.Amount,
		TxDtm: orig.TxDtm, SysTime: now, RespCD: "0000", Cancel: "0", UDID: p["udid"],
	}
	s.insertLocked(tx)
	orig.Cancel = qfpay.CancelClosed
	if strings.HasSuffix(orig.PayType, "08") {
		orig.Cancel = qfpay.CancelReversed
	}
	fields["syssn"] = tx.SysSN
	return answer{body: jsonBody(fields), key: m.Key}
}

// reservedLocked is what refunds of the sale have taken or hold while processing.
func (s *Sandbox) reservedLocked(origSysSN string) int64 {
	var n int64
	for _, t := range s.txns {
		if t.OrderType == "refund" && t.OrigSysSN == origSysSN && (t.RespCD == "0000" || t.Pending()) {
			n += t.Amount
		}
	}
	return n
}

// refreshFlagLocked sets the sale's cancel flag from its completed refunds (3 full, 5 partial).
func (s *Sandbox) refreshFlagLocked(orig *Txn) {
	if orig == nil || orig.Cancel == qfpay.CancelReversed || orig.Cancel == qfpay.CancelClosed {
		return
	}
	var done int64
	for _, t := range s.txns {
		if t.OrderType == "refund" && t.OrigSysSN == orig.SysSN && t.RespCD == "0000" {
			done += t.Amount
		}
	}
	switch {
	case done == 0:
		orig.Cancel = qfpay.CancelNone
	case done >= orig.Amount:
		orig.Cancel = qfpay.CancelRefunded
	default:
		orig.Cancel = qfpay.CancelPartlyRefunded
	}
}

// settleDueLocked completes pending refunds whose time has come.
func (s *Sandbox) settleDueLocked(now time.Time) {
	for _, t := range s.txns {
		if t.Pending() && !t.NeverSettle && !t.SettleAt.IsZero() && !now.Before(t.SettleAt) {
			s.finishLocked(t)
		}
	}
}

func (s *Sandbox) finishLocked(t *Txn) {
	t.RespCD, t.SettleTo, t.SettleAt, t.QueriesLeft = t.SettleTo, "", time.Time{}, 0
	if t.RespCD != "0000" {
		t.ErrMsg = resperr(t.RespCD)
	}
	s.refreshFlagLocked(s.bySysSN[t.OrigSysSN])
}
