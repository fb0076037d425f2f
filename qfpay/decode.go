package qfpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// maxBody caps how much of a reply is read (decision D7).
const maxBody = 1 << 20

// flexInt decodes an integer sent as a JSON number, a JSON string, or null (decision D7).
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		b = b[1 : len(b)-1] // json.Unmarshal hands over only well-formed strings; digits need no unescaping
		if len(b) == 0 {
			*f = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		// Amounts are integers in minor units; tolerate "10.0" but nothing fractional.
		fl, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("not an integer: %.40q", b)
		}
		n = int64(fl)
	}
	*f = flexInt(n)
	return nil
}

// flexString decodes a string sent as a JSON string, a number, a boolean, or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*f = ""
	case b[0] == '"':
		if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 {
			*f = flexString(inner) // no escapes: the bytes are the string
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '{' || b[0] == '[':
		*f = ""
	default:
		*f = flexString(b)
	}
	return nil
}

// wireReply is the union of the fields refund, reversal and close replies carry.
type wireReply struct {
	RespCD         flexString `json:"respcd"`
	RespErr        flexString `json:"resperr"`
	RespMsg        flexString `json:"respmsg"`
	SysSN          flexString `json:"syssn"`
	OrigSysSN      flexString `json:"orig_syssn"`
	OrigSysSN2     flexString `json:"origssn"`
	OrigOutTradeNo flexString `json:"orig_out_trade_no"`
	OutTradeNo     flexString `json:"out_trade_no"`
	TxAmt          flexInt    `json:"txamt"`
	TxCurrCD       flexString `json:"txcurrcd"`
	TxDtm          flexString `json:"txdtm"`
	SysDtm         flexString `json:"sysdtm"`
	PayDtm         flexString `json:"paydtm"`
	UDID           flexString `json:"udid"`
	ChnlSN         flexString `json:"chnlsn"`
	CardCD         flexString `json:"cardcd"`
	PayType        flexString `json:"pay_type"`
	TxStatus       flexString `json:"txstatus"`
}

// wireRecord is one entry of a query reply's data array.
type wireRecord struct {
	SysSN          flexString `json:"syssn"`
	OutTradeNo     flexString `json:"out_trade_no"`
	OrigSysSN      flexString `json:"origssn"`
	OrigSysSN2     flexString `json:"orig_syssn"`
	OrigOutTradeNo flexString `json:"orig_out_trade_no"`
	OrderType      flexString `json:"order_type"`
	PayType        flexString `json:"pay_type"`
	TxCurrCD       flexString `json:"txcurrcd"`
	TxAmt          flexInt    `json:"txamt"`
	TxDtm          flexString `json:"txdtm"`
	SysDtm         flexString `json:"sysdtm"`
	PayDtm         flexString `json:"paydtm"`
	RespCD         flexString `json:"respcd"`
	ErrMsg         flexString `json:"errmsg"`
	Cancel         flexString `json:"cancel"`
	UDID           flexString `json:"udid"`
	GoodsName      flexString `json:"goods_name"`
	ChnlSN         flexString `json:"chnlsn"`
	CardCD         flexString `json:"cardcd"`
	TxStatus       flexString `json:"txstatus"`
}

type wireQuery struct {
	RespCD   flexString   `json:"respcd"`
	RespErr  flexString   `json:"resperr"`
	RespMsg  flexString   `json:"respmsg"`
	Page     flexInt      `json:"page"`
	PageSize flexInt      `json:"page_size"`
	Data     []wireRecord `json:"data"`
}

// ErrMalformedReply is wrapped by every error about a reply body that is not QFPay's JSON.
var ErrMalformedReply = errors.New("reply is not QFPay JSON")

func firstNonEmpty(vals ...flexString) string {
	for _, v := range vals {
		if v != "" {
			return string(v)
		}
	}
	return ""
}

// decodeReply parses a refund, reversal or close reply.
func decodeReply(body []byte) (Reply, error) {
	var w wireReply
	if err := unmarshalObject(body, &w); err != nil {
		return Reply{}, err
	}
	return Reply{
		RespCD:         string(w.RespCD),
		RespErr:        string(w.RespErr),
		RespMsg:        string(w.RespMsg),
		SysSN:          string(w.SysSN),
		OrigSysSN:      firstNonEmpty(w.OrigSysSN, w.OrigSysSN2),
		OrigOutTradeNo: string(w.OrigOutTradeNo),
		OutTradeNo:     string(w.OutTradeNo),
		Amount:         int64(w.TxAmt),
		Currency:       string(w.TxCurrCD),
		TxDtm:          string(w.TxDtm),
		SysDtm:         string(w.SysDtm),
		PayDtm:         string(w.PayDtm),
		UDID:           string(w.UDID),
		ChnlSN:         string(w.ChnlSN),
		CardCD:         string(w.CardCD),
		PayType:        string(w.PayType),
		TxStatus:       string(w.TxStatus),
	}, nil
}

// decodeQuery parses a query reply.
func decodeQuery(body []byte) (QueryPage, error) {
	var w wireQuery
	if err := unmarshalObject(body, &w); err != nil {
		return QueryPage{}, err
	}
	page := QueryPage{
		RespCD:   string(w.RespCD),
		RespErr:  string(w.RespErr),
		RespMsg:  string(w.RespMsg),
		Page:     int(w.Page),
		PageSize: int(w.PageSize),
		Records:  make([]Record, len(w.Data)),
	}
	for i := range w.Data {
		r := &w.Data[i]
		page.Records[i] = Record{
			SysSN:          string(r.SysSN),
			OutTradeNo:     string(r.OutTradeNo),
			OrigSysSN:      firstNonEmpty(r.OrigSysSN, r.OrigSysSN2),
			OrigOutTradeNo: string(r.OrigOutTradeNo),
			OrderType:      string(r.OrderType),
			PayType:        string(r.PayType),
			Currency:       string(r.TxCurrCD),
			Amount:         int64(r.TxAmt),
			TxDtm:          string(r.TxDtm),
			SysDtm:         string(r.SysDtm),
			PayDtm:         string(r.PayDtm),
			RespCD:         string(r.RespCD),
			ErrMsg:         string(r.ErrMsg),
			Cancel:         string(r.Cancel),
			UDID:           string(r.UDID),
			GoodsName:      string(r.GoodsName),
			ChnlSN:         string(r.ChnlSN),
			CardCD:         string(r.CardCD),
			TxStatus:       string(r.TxStatus),
		}
	}
	return page, nil
}

// unmarshalObject decodes a JSON object, wrapping every failure in ErrMalformedReply.
func unmarshalObject(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty body", ErrMalformedReply)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: body starts with %q", ErrMalformedReply, firstRunes(trimmed, 12))
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedReply, err)
	}
	return nil
}

func firstRunes(b []byte, n int) string {
	s := []rune(string(b))
	if len(s) > n {
		s = s[:n]
	}
	return string(s)
}
