package qfpay

import (
	"fmt"
	"testing"
	"time"
)

func TestMonthWindows(t *testing.T) {
	hk := HongKongZone
	w := MonthWindows(time.Date(2026, 11, 30, 3, 0, 0, 0, hk), time.Date(2027, 1, 2, 3, 0, 0, 0, hk), hk)
	got := fmt.Sprintf("%d %s %s %s %s", len(w), w[0][1].Format("01-02 15:04:05"), w[1][0].Format("01-02 15:04:05"), w[1][1].Format("01-02"), w[2][0].Format("2006-01-02"))
	if got != "3 11-30 23:59:59 12-01 00:00:00 12-31 2027-01-01" {
		t.Fatal(got)
	}
	// Months are QFPay's: 2026-11-30 20:00 UTC is already December in +08:00.
	w = MonthWindows(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC), hk)
	if len(w) != 2 || w[0][1].Format("2006-01-02 15:04:05") != "2026-11-30 23:59:59" || w[1][0].Format("2006-01-02 15:04:05") != "2026-12-01 00:00:00" {
		t.Fatalf("split in +08:00: %v", w)
	}
}
