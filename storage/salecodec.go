package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// A sale's audit event (kind "sale", subject its syssn) keeps the sale in binary: the strings with
// their lengths, the amount, and the time as Unix nanoseconds with its zone's offset. From schema
// 11 (auditSaleStored) the event's hash covers these bytes; before (auditSale, legacy) it covered
// the sale's JSON (legacySaleJSON).
const auditSale = 0x03

// appendSale appends the binary form of s.
func appendSale(v []byte, s Sale) []byte {
	for _, str := range []string{s.SysSN, s.OutTradeNo, s.Currency, s.PayType, s.TxDtm, s.SysDtm, s.RespCD, s.UDID,
		s.Cashier, s.GoodsName, string(s.Source)} {
		v = binary.AppendUvarint(v, uint64(len(str)))
		v = append(v, str...)
	}
	_, offset := s.Time.Zone()
	v = binary.AppendVarint(v, s.Amount)
	v = binary.AppendVarint(v, s.Time.UnixNano())
	return binary.AppendVarint(v, int64(offset))
}

var errSaleForm = errors.New("a sale's binary form is damaged")

// readSale reads the binary form of a sale, all of b.
func readSale(b []byte) (Sale, error) {
	var s Sale
	strs := make([]string, 11)
	for i := range strs {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return s, errSaleForm
		}
		strs[i], b = string(b[n:n+int(l)]), b[n+int(l):]
	}
	var nums [3]int64
	for i := range nums {
		x, n := binary.Varint(b)
		if n <= 0 {
			return s, errSaleForm
		}
		nums[i], b = x, b[n:]
	}
	if len(b) != 0 || nums[2] < -24*3600 || nums[2] > 24*3600 {
		return s, errSaleForm
	}
	s = Sale{SysSN: strs[0], OutTradeNo: strs[1], Currency: strs[2], PayType: strs[3], TxDtm: strs[4], SysDtm: strs[5],
		RespCD: strs[6], UDID: strs[7], Cashier: strs[8], GoodsName: strs[9], Source: Source(strs[10]), Amount: nums[0]}
	s.Time = time.Unix(0, nums[1]).In(time.FixedZone("", int(nums[2])))
	return s, nil
}

// saleV10 is a sale's JSON as the Sale struct of schemas 5 to 10 encoded it (legacy: frozen). The
// hash of a sale event stored in binary before schema 11 (auditSale) covers this JSON, made again
// from the binary; today's Sale may grow fields without changing it.
type saleV10 struct {
	SysSN      string    `json:"syssn"`
	OutTradeNo string    `json:"out_trade_no"`
	Amount     int64     `json:"txamt"`
	Currency   string    `json:"txcurrcd"`
	PayType    string    `json:"pay_type"`
	TxDtm      string    `json:"txdtm"`
	Time       time.Time `json:"time"`
	SysDtm     string    `json:"sysdtm,omitempty"`
	RespCD     string    `json:"respcd"`
	UDID       string    `json:"udid,omitempty"`
	Cashier    string    `json:"cashier,omitempty"`
	GoodsName  string    `json:"goods_name,omitempty"`
	Source     string    `json:"source"`
}

// legacySaleJSON is the JSON a legacy binary sale event's hash covers.
func legacySaleJSON(s Sale) (json.RawMessage, error) {
	return json.Marshal(saleV10{SysSN: s.SysSN, OutTradeNo: s.OutTradeNo, Amount: s.Amount, Currency: s.Currency, PayType: s.PayType,
		TxDtm: s.TxDtm, Time: s.Time, SysDtm: s.SysDtm, RespCD: s.RespCD, UDID: s.UDID, Cashier: s.Cashier, GoodsName: s.GoodsName,
		Source: string(s.Source)})
}
