package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const goodCSV = `syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid,note
20261121000100020000000001,POS_1,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01,first
20261121000100020000000002,POS_2,8800,hkd,800101,2026-11-21 10:05:00,1143,POS-01,unpaid QR
20261121000100020000000003,POS_3,1500,JPY,802808,2026-11-21 10:10:00,0000,,card
`

func TestImportGoodFileThenReimport(t *testing.T) {
	j := openTest(t, nil)
	res, err := j.ImportCSV(strings.NewReader(goodCSV))
	if err != nil || res.Added != 3 || len(res.Refused) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	v, ok, _ := j.Sale("20261121000100020000000002")
	if !ok || v.Currency != "HKD" || v.Source != SourceImported || v.State() != SaleStateUnpaid {
		t.Fatalf("imported sale: %+v", v)
	}
	res, err = j.ImportCSV(strings.NewReader(goodCSV))
	if err != nil || res.Unchanged != 3 || res.Added+res.Updated != 0 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	// A changed status updates the sale, never duplicates it.
	res, _ = j.ImportCSV(strings.NewReader(strings.Replace(goodCSV, "1143", "0000", 1)))
	if res.Updated != 1 || res.Unchanged != 2 {
		t.Fatalf("status change: %+v", res)
	}
	page, _ := j.RecentSales(Cursor{}, 10, 3650)
	if len(page.Sales) != 3 {
		t.Fatalf("%d sales", len(page.Sales))
	}
}

func TestImportBadRows(t *testing.T) {
	j := openTest(t, nil)
	file := `out_trade_no,syssn,txamt,txcurrcd,pay_type,txdtm,respcd,udid
POS_1,S1,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01
POS_2,S2,1250,HKD,800208,2026-11-21 10:00:00,0000
POS_3,S3,12.50,HKD,800208,2026-11-21 10:00:00,0000,POS-01
POS_4,S4,1250,HKD,800208,21/11/2026,0000,POS-01
POS_5,S5,1250,XYZ,800208,2026-11-21 10:00:00,0000,POS-01
POS_6,S1,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01
POS_1,S7,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01
POS_8,S8,-5,HKD,800208,2026-11-21 10:00:00,0000,POS-01
POS_9,S9,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01
`
	res, err := j.ImportCSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Refused {
		got = append(got, r.String())
	}
	want := []string{
		"line 3: has 7 columns; the header has 8",
		`line 4: txamt "12.50" is not a whole number of minor units (write 12.50 HKD as 1250)`,
		`line 5: txdtm "21/11/2026" is not YYYY-MM-DD hh:mm:ss`,
		`line 6: currency "XYZ" is not one QFPay supports`,
		"line 7: syssn S1 already appears on line 2",
		"line 8: sale S7: the id is already used (out_trade_no POS_1 already belongs to sale S1)",
		"line 9: txamt -5 is out of range",
	}
	if len(got) != len(want) {
		t.Fatalf("refused:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("row %d: %q\nwant prefix %q", i, got[i], want[i])
		}
	}
	if res.Added != 2 {
		t.Fatalf("added %d", res.Added)
	}
}

// TestImportRefusesTextThatIsNotUTF8: a goods name saved as Big5 is refused with its line.
func TestImportRefusesTextThatIsNotUTF8(t *testing.T) {
	j := openTest(t, nil)
	file := "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid,goods_name\n" +
		"S1,POS_1,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01,Milk tea\n" +
		"S2,POS_2,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01,\xa5\xa4\xaf\xf9\n" // 奶茶 in Big5
	res, err := j.ImportCSV(strings.NewReader(file))
	if err != nil || res.Added != 1 || len(res.Refused) != 1 || res.Refused[0].String() != "line 3: column goods_name is not UTF-8 text (save the file as UTF-8)" {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestImportWholeFileErrors(t *testing.T) {
	j := openTest(t, nil)
	for file, want := range map[string]string{
		"":                                    "empty",
		"syssn,txamt\nS1,100\n":               `no "out_trade_no" column`,
		"syssn,syssn\n":                       "twice",
		"\"unterminated\n":                    "header",
		"\ufeff" + strings.TrimSpace(goodCSV): "",
	} {
		_, err := j.ImportCSV(strings.NewReader(file))
		if want == "" {
			if err != nil {
				t.Errorf("BOM file: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", file, err, want)
		}
	}
}

func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString(strings.Join(ImportColumns, ",") + "\n")
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, hk)
	for i := range n {
		fmt.Fprintf(&b, "2026110100%016d,POS_%d,%d,HKD,800208,%s,0000,POS-01\n", i, i, 100+i%5000,
			base.Add(time.Duration(i)*time.Second).Format(TxDtmLayout))
	}
	return b.String()
}

func TestImport100kRows(t *testing.T) {
	if testing.Short() {
		t.Skip("100k rows")
	}
	j := openTest(t, nil)
	file := bigCSV(100_000)
	res, err := j.ImportCSV(strings.NewReader(file))
	if err != nil || res.Added != 100_000 || len(res.Refused) != 0 {
		t.Fatalf("%+v %v", res.Added, err)
	}
	res, err = j.ImportCSV(strings.NewReader(file))
	if err != nil || res.Unchanged != 100_000 {
		t.Fatalf("re-import: %+v %v", res.Unchanged, err)
	}
	if v, ok, _ := j.Sale(fmt.Sprintf("2026110100%016d", 99_999)); !ok || v.OutTradeNo != "POS_99999" {
		t.Fatal("last row missing")
	}
}

func TestWriteSales(t *testing.T) {
	j := openTest(t, nil)
	if _, err := j.ImportCSV(strings.NewReader(goodCSV)); err != nil {
		t.Fatal(err)
	}
	s, _, _ := j.Sale("20261121000100020000000001")
	r, _ := j.Create(refundIntent(s.Sale, "RF_1", 250))
	_, _ = j.Transition(r.ID, Change{State: StateSucceeded})
	page, _ := j.RecentSales(Cursor{}, 10, 3650)

	var table bytes.Buffer
	if err := WriteSales(&table, "table", page.Sales); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"12.50", "HKD", "WeChat Pay", "partly-refunded (10.00 left)", "1,500", "JPY", "unpaid"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	var csvOut bytes.Buffer
	if err := WriteSales(&csvOut, "csv", page.Sales); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	if lines[0] != strings.Join(ExportColumns, ",") || len(lines) != 4 ||
		!strings.Contains(csvOut.String(), "20261121000100020000000001,POS_1,1250,HKD,800208,2026-11-21 10:00:00,0000,POS-01,WeChat Pay,,,imported,partly-refunded,250,1000") {
		t.Fatalf("csv:\n%s", csvOut.String())
	}
	// The CSV imports again without changing anything.
	if res, err := j.ImportCSV(strings.NewReader(csvOut.String())); err != nil || res.Unchanged != 3 {
		t.Fatalf("round trip: %+v %v", res, err)
	}
	var jsonOut bytes.Buffer
	if err := WriteSales(&jsonOut, "json", page.Sales); err != nil {
		t.Fatal(err)
	}
	var recs []SaleRecord
	if err := json.Unmarshal(jsonOut.Bytes(), &recs); err != nil || len(recs) != 3 || recs[2].Remaining != 1000 || recs[2].State != SaleStatePartlyRefunded {
		t.Fatalf("json: %v %+v", err, recs)
	}
	if err := WriteSales(&jsonOut, "xml", nil); err == nil {
		t.Fatal("xml accepted")
	}
}
