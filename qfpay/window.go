package qfpay

import "time"

// MonthWindows splits [from, to] into windows that each stay within one calendar month of zone,
// QFPay's rule for a query's start_time and end_time (reference §3.5). The windows are in zone.
func MonthWindows(from, to time.Time, zone *time.Location) [][2]time.Time {
	from, to = from.In(zone), to.In(zone)
	var out [][2]time.Time
	for start := from; !start.After(to); {
		next := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, zone)
		end := next.Add(-time.Second)
		if to.Before(end) {
			end = to
		}
		out = append(out, [2]time.Time{start, end})
		start = next
	}
	return out
}
