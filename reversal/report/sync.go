package report

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/reversal"
	"qfpos/storage"
)

// SyncResult counts what a sales sync did.
type SyncResult struct {
	Added, Updated, Unchanged int
	OtherTerminals            int // payments of other terminals that were left out
	AtQFPay                   int // sales whose cancel flag or refunds at QFPay changed what the journal knows
	Refused                   []string
}

// SyncSales pulls the records QFPay holds for [now-since, now] (every page, one query per QFPay
// calendar month) and upserts the payments into the journal: never a duplicate, and a payment
// whose status moved on is updated. With udid set, only that terminal's payments are kept. For
// every sale in the journal it also keeps QFPay's cancel flag and the refunds QFPay holds, so a
// sale refunded at another till or reversed in QFPay's portal shows what is really left (D21).
func SyncSales(ctx context.Context, j *storage.Journal, gw reversal.Gateway, now time.Time, since time.Duration, udid string) (SyncResult, error) {
	var res SyncResult
	if since <= 0 {
		return res, fmt.Errorf("the window must be positive")
	}
	var sales []storage.Sale
	updates := map[string]storage.RemoteUpdate{}
	for _, w := range qfpay.MonthWindows(now.Add(-since), now, gw.Zone()) {
		err := reversal.QueryEach(ctx, gw, qfpay.QueryRequest{Start: w[0], End: w[1]}, func(rec qfpay.Record) {
			switch rec.OrderType {
			case "refund":
				u := updates[rec.OrigSysSN]
				u.Refunds = append(u.Refunds, reversal.RemoteRefund(rec))
				updates[rec.OrigSysSN] = u
				return
			case "", "payment":
			default:
				return
			}
			if udid != "" && rec.UDID != udid {
				res.OtherTerminals++
				return
			}
			sales = append(sales, storage.Sale{SysSN: rec.SysSN, OutTradeNo: rec.OutTradeNo, Amount: rec.Amount,
				Currency: rec.Currency, PayType: rec.PayType, TxDtm: rec.TxDtm, SysDtm: rec.SysDtm, RespCD: rec.RespCD,
				UDID: rec.UDID, GoodsName: truncateRunes(rec.GoodsName, 64), Source: storage.SourceSynced})
			if rec.Cancel != "" && rec.Cancel != qfpay.CancelNone {
				u := updates[rec.SysSN]
				u.Cancel = rec.Cancel
				updates[rec.SysSN] = u
			}
		})
		if err != nil {
			return res, err
		}
	}
	results, errs, err := j.PutSales(sales)
	if err != nil {
		return res, err
	}
	for i, r := range results {
		if e, bad := errs[i]; bad {
			res.Refused = append(res.Refused, fmt.Sprintf("%s: %v", sales[i].SysSN, e))
			continue
		}
		switch r {
		case storage.SaleAdded:
			res.Added++
		case storage.SaleUpdated:
			res.Updated++
		case storage.SaleUnchanged:
			res.Unchanged++
		}
	}
	if res.AtQFPay, err = j.UpdateRemotes(updates); err != nil {
		return res, err
	}
	return res, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
