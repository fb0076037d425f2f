package storage

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"qfpos/qfpay/money"
	"qfpos/qfpay/paytype"
)

// SaleRecord is the stable shape of a sale in JSON output. Amounts are minor units.
type SaleRecord struct {
	SysSN      string    `json:"syssn"`
	OutTradeNo string    `json:"out_trade_no"`
	Amount     int64     `json:"txamt"`
	Currency   string    `json:"txcurrcd"`
	PayType    string    `json:"pay_type"`
	PayMethod  string    `json:"pay_method"`
	TxDtm      string    `json:"txdtm"`
	RespCD     string    `json:"respcd"`
	UDID       string    `json:"udid"`
	Cashier    string    `json:"cashier"`
	GoodsName  string    `json:"goods_name"`
	Source     Source    `json:"source"`
	State      SaleState `json:"state"`
	Refunded   int64     `json:"refunded"`
	Remaining  int64     `json:"remaining"`
}

// Record turns a view into its output shape.
func (v SaleView) Record() SaleRecord {
	return SaleRecord{SysSN: v.SysSN, OutTradeNo: v.OutTradeNo, Amount: v.Amount, Currency: v.Currency,
		PayType: v.PayType, PayMethod: paytype.Name(v.PayType), TxDtm: v.TxDtm, RespCD: v.RespCD, UDID: v.UDID,
		Cashier: v.Cashier, GoodsName: v.GoodsName, Source: v.Source, State: v.State(), Refunded: v.Refunded,
		Remaining: v.Remaining()}
}

// ExportColumns is the header of `qfpos sales list --format csv`: the import columns first, so
// the file can be imported again, then what qfpos knows of each sale.
var ExportColumns = append(append([]string{}, ImportColumns...), "pay_method", "goods_name", "cashier", "source", "state", "refunded", "remaining")

// WriteSales writes sales as a table (amounts formatted), CSV or JSON (amounts in minor units).
func WriteSales(w io.Writer, format string, sales []SaleView) error {
	switch format {
	case "", "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "txdtm\t%14s\t\tpay method\tsyssn\tout_trade_no\tstate\n", "amount")
		for _, v := range sales {
			fmt.Fprintf(tw, "%s\t%14s\t%s\t%s\t%s\t%s\t%s\n", v.TxDtm, money.Text(v.Amount, v.Currency), v.Currency,
				paytype.Name(v.PayType), v.SysSN, v.OutTradeNo, stateText(v))
		}
		return tw.Flush()
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(ExportColumns)
		for _, v := range sales {
			r := v.Record()
			_ = cw.Write([]string{r.SysSN, r.OutTradeNo, strconv.FormatInt(r.Amount, 10), r.Currency, r.PayType, r.TxDtm,
				r.RespCD, r.UDID, r.PayMethod, r.GoodsName, r.Cashier, string(r.Source), string(r.State),
				strconv.FormatInt(r.Refunded, 10), strconv.FormatInt(r.Remaining, 10)})
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]SaleRecord, len(sales))
		for i, v := range sales {
			out[i] = v.Record()
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return fmt.Errorf("format %q is not table, csv or json", format)
}

func stateText(v SaleView) string {
	st := v.State()
	if st == SaleStatePartlyRefunded {
		return fmt.Sprintf("%s (%s left)", st, money.Text(v.Remaining(), v.Currency))
	}
	return string(st)
}
