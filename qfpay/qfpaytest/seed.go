package qfpaytest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// NewCredentials returns a random app code and client key in QFPay's shape (32 hex characters).
func NewCredentials() Merchant {
	return Merchant{AppCode: randomHex(16), Key: randomHex(16)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return strings.ToUpper(hex.EncodeToString(b))
}

type seedKind struct {
	payType string
	respcd  string
	goods   []string
	weight  int
}

// The mix of a small Hong Kong shop's day: mostly wallets, some cards, a few QR orders left unpaid.
var seedKinds = []seedKind{
	{"800208", "0000", []string{"Milk tea", "菠蘿包", "叉燒飯套餐"}, 6},
	{"801008", "0000", []string{"Coffee beans 250g", "Notebook"}, 3},
	{"800108", "0000", []string{"Umbrella", "Phone case"}, 4},
	{"800101", "0000", []string{"Gift card", "茶具套裝"}, 2},
	{"800201", "0000", []string{"二人晚餐", "Birthday cake"}, 2},
	{"805808", "0000", []string{"Snacks", "Magazine"}, 2},
	{"802808", "0000", []string{"Headphones", "Desk lamp", "Running shoes"}, 3},
	{"800101", "1143", []string{"Flowers (unpaid QR)"}, 1},
	{"800201", "1143", []string{"Hot pot set (unpaid QR)"}, 1},
	{"800208", "1143", []string{"Sandwich (customer left)"}, 1},
}

var seedAmounts = []int64{1250, 2800, 3850, 4500, 6800, 8800, 12000, 15800, 23800, 38000, 56800, 128000}

// SeedSales adds n realistic sales for the merchant, spread over today (up to now) and yesterday
// (the sandbox seed makes them repeatable). Each sale carries the udid given.
func (s *Sandbox) SeedSales(appCode string, now time.Time, n int, udid string) ([]Txn, error) {
	total := 0
	for _, k := range seedKinds {
		total += k.weight
	}
	out := make([]Txn, 0, n)
	for i := range n {
		s.mu.Lock()
		pick := s.rng.IntN(total)
		amount := seedAmounts[s.rng.IntN(len(seedAmounts))]
		local := now.In(s.loc)
		sinceYesterday := int(now.Sub(time.Date(local.Year(), local.Month(), local.Day()-1, 0, 0, 0, 0, s.loc)).Minutes())
		minutesAgo := 5 + s.rng.IntN(max(sinceYesterday-5, 1))
		goodsIdx := s.rng.IntN(3)
		s.mu.Unlock()
		var k seedKind
		for _, c := range seedKinds {
			if pick < c.weight {
				k = c
				break
			}
			pick -= c.weight
		}
		// The first sales are the cases a demo needs: unpaid QR orders and a same-day card sale.
		switch i {
		case 0:
			k = seedKinds[7]
		case 1:
			k = seedKinds[6]
		case 2:
			k = seedKinds[8]
		}
		at := now.Add(-time.Duration(minutesAgo) * time.Minute)
		if k.respcd != "0000" || k.payType == "802808" {
			at = now.Add(-time.Duration(5+minutesAgo%180) * time.Minute)
			if at.Before(time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.loc)) {
				at = now.Add(-time.Duration(minutesAgo%60) * time.Second) // keep it today, even just after midnight
			}
		}
		tx, err := s.AddPayment(Payment{AppCode: appCode, Amount: amount, PayType: k.payType, Time: at,
			RespCD: k.respcd, UDID: udid, GoodsName: k.goods[goodsIdx%len(k.goods)]})
		if err != nil {
			return out, err
		}
		out = append(out, tx)
	}
	return out, nil
}
