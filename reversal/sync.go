package reversal

import (
	"context"
	"fmt"
	"time"

	"qfpos/qfpay"
	"qfpos/storage"
)

// SyncResult counts what a sales sync did.
type SyncResult struct {
	Added, Updated, Unchanged int
	OtherTerminals            int // payments of other terminals that were left out
	Refused                   []string
}

// monthWindows splits [from, to] into windows that each stay within one calendar month (QFPay's
// rule for query time windows), in loc.
func monthWindows(from, to time.Time, loc *time.Location) [][2]time.Time {
	from, to = from.In(loc), to.In(loc)
	var out [][2]time.Time
	for start := from; !start.After(to); {
		next := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, loc)
		end := minTime(to, next.Add(-time.Second))
		out = append(out, [2]time.Time{start, end})
		start = next
	}
	return out
}

// SyncSales pulls the payments QFPay recorded in [now-since, now] (every page, one query per
// calendar month) and upserts them into the journal: never a duplicate, and a payment whose
// status changed is updated. With udid set, only that terminal's payments are kept.
func SyncSales(ctx context.Context, j *storage.Journal, gw Gateway, now time.Time, since time.Duration, udid string) (SyncResult, error) {
	var res SyncResult
	if since <= 0 {
		return res, fmt.Errorf("the window must be positive")
	}
	var sales []storage.Sale
	for _, w := range monthWindows(now.Add(-since), now, j.Location()) {
		err := queryEach(ctx, gw, qfpay.QueryRequest{Start: w[0], End: w[1]}, func(rec qfpay.Record) {
			if rec.OrderType != "" && rec.OrderType != "payment" {
				return
			}
			if udid != "" && rec.UDID != udid {
				res.OtherTerminals++
				return
			}
			sales = append(sales, storage.Sale{SysSN: rec.SysSN, OutTradeNo: rec.OutTradeNo, Amount: rec.Amount,
				Currency: rec.Currency, PayType: rec.PayType, TxDtm: rec.TxDtm, SysDtm: rec.SysDtm, RespCD: rec.RespCD,
				UDID: rec.UDID, GoodsName: truncateRunes(rec.GoodsName, 64), Source: storage.SourceSynced})
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
	return res, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
