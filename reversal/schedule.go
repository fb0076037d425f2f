package reversal

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"time"
)

// Policy is when the lifecycle checks, resends and gives up (the [poll] table).
type Policy struct {
	First          time.Duration // first query after a send
	Interval       time.Duration // between queries while fast
	FastFor        time.Duration // how long to query every Interval
	MaxInterval    time.Duration // cap of the backoff after that
	GiveUpAfter    time.Duration // then the outcome is "unknown" (parked)
	RecheckEvery   time.Duration // parked operations are checked this often...
	RecheckFor     time.Duration // ...for this long after they started (and on every start)
	ResendAfter    time.Duration // the least time since the last send before an identical resend
	MaxResends     int           // resends allowed per operation
	RequestTimeout time.Duration // one HTTP call
}

// DefaultPolicy is the schedule of the brief: 2 s, then every 3 s for a minute, then backoff with
// full jitter up to 30 s, for 15 minutes; then parked and re-checked every 5 minutes for a day.
func DefaultPolicy() Policy {
	return Policy{First: 2 * time.Second, Interval: 3 * time.Second, FastFor: time.Minute, MaxInterval: 30 * time.Second,
		GiveUpAfter: 15 * time.Minute, RecheckEvery: 5 * time.Minute, RecheckFor: 24 * time.Hour,
		ResendAfter: 20 * time.Second, MaxResends: 5, RequestTimeout: 15 * time.Second}
}

// backoff is the delay before the next query of an operation that started `since` ago and has
// been checked `slow` times since the fast phase ended; r is a random number in [0, 1).
func (p Policy) backoff(since time.Duration, slow int, r float64) time.Duration {
	if since < p.FastFor {
		return p.Interval
	}
	ceiling := p.MaxInterval
	if slow < 20 && p.Interval<<slow < p.MaxInterval {
		ceiling = p.Interval << slow
	}
	d := time.Duration(r * float64(ceiling)) // full jitter
	return max(d, time.Second)
}

// Clock is the lifecycle's time: Now, and After to wait. Tests use a virtual clock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// newOutTradeNo makes an operation id per decision D15: a prefix, the local time, and 64 random
// bits, only [A-Za-z0-9_], 33 characters.
func newOutTradeNo(prefix string, now time.Time, random io.Reader) (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", err
	}
	return prefix + now.Format("20060102150405") + "_" + hex.EncodeToString(b), nil
}

var cryptoRand io.Reader = rand.Reader

// NewUDID generates a terminal udid (decision D14): "qfpos-" and 12 random hex digits.
func NewUDID() string {
	b := make([]byte, 6)
	_, _ = io.ReadFull(cryptoRand, b)
	return "qfpos-" + hex.EncodeToString(b)
}
