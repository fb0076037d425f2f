package storage

import (
	"encoding/binary"
	"time"
)

// timeKey is <unix nanos 8><seq 8>, big-endian: byte order is time order.
func timeKey(t time.Time, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

func idKey(id uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id) }

func keyID(k []byte) uint64 { return binary.BigEndian.Uint64(k) }

// amountKey is a key of the schema-2 to schema-8 index of sales by amount (tests write journals
// as those schemas did; an upgrade drops it).
func amountKey(amount int64, saleKey []byte) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(saleKey)), uint64(amount))
	return append(k, saleKey...)
}

// payTypeKey is a sales_paytype key: the pay type, 0x00, the sale key (so that one pay type's
// sales sort by time).
func payTypeKey(payType string, saleKey []byte) []byte {
	k := make([]byte, 0, len(payType)+1+len(saleKey))
	k = append(append(k, payType...), 0)
	return append(k, saleKey...)
}

func saleReversalKey(syssn string, id uint64) []byte {
	k := make([]byte, 0, len(syssn)+9)
	k = append(k, syssn...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, id)
}
