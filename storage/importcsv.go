package storage

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ImportColumns are the columns a sales CSV must have, named as QFPay names the fields (txamt
// in minor units). Other columns are ignored; the order is free.
var ImportColumns = []string{"syssn", "out_trade_no", "txamt", "txcurrcd", "pay_type", "txdtm", "respcd", "udid"}

// RowError is a CSV row that was not imported.
type RowError struct {
	Line   int
	Reason string
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ImportResult counts what an import did.
type ImportResult struct {
	Added, Updated, Unchanged int
	Refused                   []RowError
}

// importBatch is how many rows share one transaction.
const importBatch = 100_000

// ImportCSV imports sales from CSV. Good rows are written (re-importing a file changes nothing);
// each bad row is reported with its line number and the reason. The error is for problems with
// the file as a whole (no header, a missing column, an unreadable file); then nothing is written.
func (j *Journal) ImportCSV(r io.Reader) (ImportResult, error) {
	var res ImportResult
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	header = slices.Clone(header) // the reader reuses its record
	if err == io.EOF {
		return res, fmt.Errorf("the file is empty; the first line must be the header %s", strings.Join(ImportColumns, ","))
	}
	if err != nil {
		return res, fmt.Errorf("cannot read the header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; dup {
			return res, fmt.Errorf("the header names column %q twice", h)
		}
		col[h] = i
	}
	for _, c := range ImportColumns {
		if _, ok := col[c]; !ok {
			return res, fmt.Errorf("the header has no %q column (it needs %s)", c, strings.Join(ImportColumns, ","))
		}
	}
	cr.FieldsPerRecord = len(header)

	seen := map[string]int{} // syssn -> line
	var batch []Sale
	var lines []int
	flush := func() error {
		results, errs, err := j.PutSales(batch)
		if err != nil {
			return err
		}
		for i, r := range results {
			if e, bad := errs[i]; bad {
				res.Refused = append(res.Refused, RowError{Line: lines[i], Reason: strings.TrimPrefix(e.Error(), errInvalidSale.Error()+": ")})
				continue
			}
			switch r {
			case SaleAdded:
				res.Added++
			case SaleUpdated:
				res.Updated++
			case SaleUnchanged:
				res.Unchanged++
			}
		}
		batch, lines = batch[:0], lines[:0]
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return res, fmt.Errorf("cannot read the file: %v", err)
			}
			line = pe.StartLine
			reason := pe.Err.Error()
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				reason = fmt.Sprintf("has %d columns; the header has %d", len(rec), len(header))
			}
			res.Refused = append(res.Refused, RowError{Line: line, Reason: reason})
			continue
		}
		s, reason := rowSale(rec, col)
		if bad := notUTF8(rec, header); bad != "" {
			reason = bad
		}
		if reason == "" {
			if first, dup := seen[s.SysSN]; dup {
				reason = fmt.Sprintf("syssn %s already appears on line %d", s.SysSN, first)
			}
		}
		if reason != "" {
			res.Refused = append(res.Refused, RowError{Line: line, Reason: reason})
			continue
		}
		seen[s.SysSN] = line
		batch, lines = append(batch, s), append(lines, line)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return res, err
		}
	}
	slices.SortStableFunc(res.Refused, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	return res, nil
}

// notUTF8 names the first column of a row whose text is not UTF-8 (a file saved as Big5 or GBK,
// say), or returns "".
func notUTF8(rec, header []string) string {
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return fmt.Sprintf("column %s is not UTF-8 text (save the file as UTF-8)", strings.TrimSpace(header[i]))
		}
	}
	return ""
}

// rowSale reads one CSV row; reason says what is wrong with it.
func rowSale(rec []string, col map[string]int) (Sale, string) {
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	amount, err := strconv.ParseInt(get("txamt"), 10, 64)
	if err != nil {
		return Sale{}, fmt.Sprintf("txamt %q is not a whole number of minor units (write 12.50 HKD as 1250)", get("txamt"))
	}
	s := Sale{
		SysSN: get("syssn"), OutTradeNo: get("out_trade_no"), Amount: amount,
		Currency: strings.ToUpper(get("txcurrcd")), PayType: get("pay_type"), TxDtm: get("txdtm"),
		RespCD: get("respcd"), UDID: get("udid"), Source: SourceImported,
	}
	if v, ok := col["sysdtm"]; ok {
		s.SysDtm = strings.TrimSpace(rec[v])
	}
	if v, ok := col["goods_name"]; ok {
		s.GoodsName = strings.TrimSpace(rec[v])
	}
	if v, ok := col["cashier"]; ok {
		s.Cashier = strings.TrimSpace(rec[v])
	}
	if err := s.Validate(); err != nil {
		return Sale{}, err.Error()
	}
	return s, ""
}
