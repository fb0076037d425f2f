package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// A sale's audit event (kind "sale", subject its syssn) is stored with the sale in binary
// (auditSale) instead of its JSON: the strings with their lengths, the amount, and the time as
// Unix nanoseconds with its zone's offset. The hash covers the JSON, so an event is stored this
// way only when the JSON made again from the binary is the hashed JSON, byte for byte; otherwise it
// is stored with its JSON (auditCompact).
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

// saleForm is the binary form of a sale event's record when it gives back the record exactly (nil
// when it does not: the event keeps its JSON). s, when given, is the sale the record was made
// from (it saves decoding the record).
func saleForm(e AuditEvent, s *Sale) []byte {
	if e.Kind != AuditKindSale {
		return nil
	}
	if s == nil {
		s = new(Sale)
		if json.Unmarshal(e.Record, s) != nil {
			return nil
		}
	}
	if s.SysSN != e.Subject {
		return nil
	}
	form := appendSale(nil, *s)
	back, err := readSale(form)
	if err != nil {
		return nil
	}
	if again, err := json.Marshal(back); err != nil || !bytes.Equal(again, e.Record) {
		return nil
	}
	return form
}
