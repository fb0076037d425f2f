package qfpaytest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qfpos/qfpay"
)

// queryLocked answers /trade/v1/query: by syssn list (no window), or by out_trade_no list and/or
// filters within a sysdtm window of one calendar month (default: the current month).
func (s *Sandbox) queryLocked(m Merchant, p map[string]string) answer {
	page, size := 1, 10
	if v := p["page"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return codeAnswer(m.Key, "1104", "page must be a positive integer")
		}
		page = n
	}
	if v := p["page_size"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return codeAnswer(m.Key, "1104", "page_size must be between 1 and 100")
		}
		size = n
	}
	if s.maxPageSize > 0 && size > s.maxPageSize {
		size = s.maxPageSize
	}
	for _, f := range []string{"syssn", "out_trade_no"} {
		if len(p[f]) > qfpay.MaxIDListLen {
			return codeAnswer(m.Key, "1104", f+" is longer than 128 characters")
		}
	}
	loc := s.loc
	if z := p["txzone"]; z != "" && !s.ignoreTxzone {
		l, err := parseZone(z)
		if err != nil {
			return codeAnswer(m.Key, "1104", "txzone must look like +0800")
		}
		loc = l
	}
	start, end, msg := s.window(p["start_time"], p["end_time"], loc)
	if msg != "" {
		return codeAnswer(m.Key, "1104", msg)
	}
	sysSNs, otns := splitSet(p["syssn"]), splitSet(p["out_trade_no"])
	payTypes := splitSet(p["pay_type"])

	var hits []*Txn
	for _, t := range s.txns {
		if t.AppCode != m.AppCode {
			continue
		}
		if len(sysSNs) > 0 {
			if !sysSNs[t.SysSN] {
				continue
			}
		} else {
			// QFPay's sysdtm has whole seconds: a window's end includes its last second.
			if st := t.SysTime.Truncate(time.Second); st.Before(start) || st.After(end) {
				continue
			}
			if len(otns) > 0 && (t.OrderType == "close" || !otns[t.OutTradeNo]) {
				continue
			}
		}
		if len(payTypes) > 0 && !payTypes[t.PayType] {
			continue
		}
		if t.Hidden > 0 {
			t.Hidden--
			continue
		}
		hits = append(hits, t)
	}
	// A query that sees a pending refund moves it toward settlement.
	for _, t := range hits {
		if t.Pending() && !t.NeverSettle && t.QueriesLeft > 0 {
			t.QueriesLeft--
			if t.QueriesLeft == 0 {
				s.finishLocked(t)
			}
		}
	}
	if rc := p["respcd"]; rc != "" {
		hits = slices.DeleteFunc(hits, func(t *Txn) bool { return t.RespCD != rc })
	}
	slices.SortFunc(hits, func(a, b *Txn) int {
		if c := b.SysTime.Compare(a.SysTime); c != 0 {
			return c
		}
		return cmp.Compare(b.SysSN, a.SysSN)
	})
	from := min((page-1)*size, len(hits))
	to := min(from+size, len(hits))
	data := make([]map[string]any, 0, to-from)
	for _, t := range hits[from:to] {
		data = append(data, s.recordJSON(t))
	}
	return answer{key: m.Key, body: jsonBody(map[string]any{
		"respcd": "0000", "resperr": "", "respmsg": "",
		"page": strconv.Itoa(page), "page_size": strconv.Itoa(size), "data": data,
	})}
}

// window resolves start_time/end_time (local times over sysdtm) and enforces the one-calendar-
// month rule. An empty bound defaults to the edge of the other bound's month (or this month).
func (s *Sandbox) window(startS, endS string, loc *time.Location) (time.Time, time.Time, string) {
	var start, end time.Time
	var err error
	if startS != "" {
		if start, err = time.ParseInLocation(txdtmLayout, startS, loc); err != nil {
			return start, end, "start_time format is YYYY-MM-DD hh:mm:ss"
		}
	}
	if endS != "" {
		if end, err = time.ParseInLocation(txdtmLayout, endS, loc); err != nil {
			return start, end, "end_time format is YYYY-MM-DD hh:mm:ss"
		}
	}
	ref := s.now().In(loc)
	switch {
	case !start.IsZero():
		ref = start
	case !end.IsZero():
		ref = end
	}
	monthStart := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, loc)
	if start.IsZero() {
		start = monthStart
	}
	if end.IsZero() {
		end = monthStart.AddDate(0, 1, 0).Add(-time.Second)
	}
	if end.Before(start) {
		return start, end, "end_time is before start_time"
	}
	if start.Year() != end.Year() || start.Month() != end.Month() {
		return start, end, "start_time and end_time must be within one calendar month"
	}
	return start, end, ""
}

func (s *Sandbox) recordJSON(t *Txn) map[string]any {
	var orig any
	if t.OrigSysSN != "" {
		orig = t.OrigSysSN
	}
	orderType := t.OrderType
	return map[string]any{
		"syssn": t.SysSN, "out_trade_no": t.OutTradeNo, "origssn": orig, "order_type": orderType,
		"pay_type": t.PayType, "txcurrcd": t.Currency, "txamt": strconv.FormatInt(t.Amount, 10),
		"txdtm": t.TxDtm, "sysdtm": t.SysTime.In(s.loc).Format(txdtmLayout),
		"paydtm": t.SysTime.In(s.loc).Format(txdtmLayout), "respcd": t.RespCD, "errmsg": t.ErrMsg,
		"cancel": t.Cancel, "udid": t.UDID, "goods_name": t.GoodsName, "chnlsn": "", "cardcd": "",
	}
}

func splitSet(v string) map[string]bool {
	if v == "" {
		return nil
	}
	out := map[string]bool{}
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out[x] = true
		}
	}
	return out
}

// parseZone reads a txzone like +0800 or -0530.
func parseZone(z string) (*time.Location, error) {
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return nil, fmt.Errorf("bad zone %q", z)
	}
	h, err1 := strconv.Atoi(z[1:3])
	mi, err2 := strconv.Atoi(z[3:5])
	if err1 != nil || err2 != nil || h > 14 || mi > 59 {
		return nil, fmt.Errorf("bad zone %q", z)
	}
	off := h*3600 + mi*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone(z, off), nil
}
