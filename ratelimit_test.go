package ecloud

import (
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRateLimitHeaderEdges: any one of the three headers makes a RateLimit,
// the others reading as absent; numbers too long for an int, and intervals
// that are negative or too long, are bounded rather than wrapped or cut.
func TestRateLimitHeaderEdges(t *testing.T) {
	t.Parallel()
	const none = "\x00" // the header is not sent
	cases := []struct {
		name                       string
		limit, remaining, interval string
		want                       RateLimit
	}{
		{"limit and remaining, no interval", "100", "7", none, RateLimit{Limit: 100, Remaining: 7, RawLimit: "100", RawRemaining: "7"}},
		{"remaining and interval, no limit", none, "7", "60", RateLimit{Limit: -1, Remaining: 7, Interval: time.Minute, RawRemaining: "7", RawInterval: "60"}},
		{"interval alone", none, none, "1m", RateLimit{Limit: -1, Remaining: -1, Interval: time.Minute, RawInterval: "1m"}},
		{"limit alone", "5", none, none, RateLimit{Limit: 5, Remaining: -1, RawLimit: "5"}},
		{"19 digits that fit an int", "1000000000000000000", "999999999999999999", none,
			RateLimit{Limit: 1000000000000000000, Remaining: 999999999999999999, RawLimit: "1000000000000000000", RawRemaining: "999999999999999999"}},
		{"more digits than an int holds", "12345678901234567890", "99999999999999999999999 left", none,
			RateLimit{Limit: math.MaxInt, Remaining: math.MaxInt, RawLimit: "12345678901234567890", RawRemaining: "99999999999999999999999 left"}},
		{"negative interval", none, none, "-1m", RateLimit{Limit: -1, Remaining: -1, RawInterval: "-1m"}},
		{"negative seconds", none, none, "-60", RateLimit{Limit: -1, Remaining: -1, RawInterval: "-60"}},
		{"zero interval", none, none, "0", RateLimit{Limit: -1, Remaining: -1, RawInterval: "0"}},
		{"seconds at the clamp", none, none, "3600000", RateLimit{Limit: -1, Remaining: -1, Interval: clampedWait, RawInterval: "3600000"}},
		{"seconds just below the clamp", none, none, "3599999", RateLimit{Limit: -1, Remaining: -1, Interval: 3599999 * time.Second, RawInterval: "3599999"}},
		{"seconds past an int", none, none, "99999999999999999999", RateLimit{Limit: -1, Remaining: -1, Interval: clampedWait, RawInterval: "99999999999999999999"}},
	}
	for _, tc := range cases {
		h := http.Header{}
		for name, v := range map[string]string{"X-Ratelimit-Limit": tc.limit, "X-Ratelimit-Remaining": tc.remaining, "X-Ratelimit-Interval": tc.interval} {
			if v != none {
				h.Set(name, v)
			}
		}
		got := parseRateLimit(h)
		if got == nil {
			t.Errorf("%s: no RateLimit", tc.name)
			continue
		}
		tc.want.ObservedAt = got.ObservedAt
		if *got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, *got, tc.want)
		}
	}
}

// TestRateLimitRawValueBound: a raw value of the documented 64 bytes is
// kept; one byte more and it is dropped, its parsed value kept.
func TestRateLimitRawValueBound(t *testing.T) {
	t.Parallel()
	for _, size := range []int{documentedRawLimit, documentedRawLimit + 1} {
		raw := "9" + strings.Repeat(" ", size-2) + "9"
		h := http.Header{"X-Ratelimit-Limit": {raw}}
		got := parseRateLimit(h)
		want := raw
		if size > documentedRawLimit {
			want = ""
		}
		if got == nil || got.RawLimit != want || got.Limit != 9 {
			t.Errorf("a %d-byte value: got %+v, want RawLimit %q and Limit 9", size, got, want)
		}
	}
}
