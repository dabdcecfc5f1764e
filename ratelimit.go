package ecloud

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit holds the x-ratelimit-* headers of a response. The API does not
// document their format, so each is kept raw and also parsed leniently.
// Client.RateLimit returns the latest seen; APIError.RateLimit has those of
// a 429. A raw value is kept only up to 64 bytes (a longer one, which no real
// header is, is dropped), with credentials and invitation tokens in it
// redacted.
type RateLimit struct {
	// Limit is the leading integer of x-ratelimit-limit: how many requests
	// the API allows per Interval. -1 when the header is absent or does not
	// start with a digit; math.MaxInt when it is larger than an int holds.
	Limit int
	// Remaining is the leading integer of x-ratelimit-remaining: how many
	// requests are left in the current interval. -1 when the header is
	// absent or does not start with a digit; math.MaxInt when it is larger
	// than an int holds.
	Remaining int
	// Interval is x-ratelimit-interval read as a number of seconds ("60",
	// capped at 1000 hours) or as a positive Go duration ("1m"). 0 when the
	// header is absent or is neither.
	Interval time.Duration
	// RawLimit, RawRemaining and RawInterval are the headers' first values,
	// trimmed; "" when absent.
	RawLimit     string
	RawRemaining string
	RawInterval  string
	// ObservedAt is when the client received the response.
	ObservedAt time.Time
}

// RateLimit returns the rate-limit headers of the most recent response that
// carried any, and false when none has yet. Safe for concurrent use.
func (c *Client) RateLimit() (RateLimit, bool) {
	if c == nil {
		return RateLimit{}, false
	}
	if rl := c.rateLimit.Load(); rl != nil {
		return *rl, true
	}
	return RateLimit{}, false
}

func (c *Client) observeRateLimit(h http.Header, r *call) {
	if rl := parseRateLimit(h, c.cred.secrets, r.secrets); rl != nil {
		c.rateLimit.Store(rl)
	}
}

// maxRawRateLimit bounds a raw x-ratelimit-* value that RateLimit keeps.
const maxRawRateLimit = 64

// parseRateLimit returns nil when the response has none of the headers. The
// raw values it keeps are bounded, and the secrets of lists redacted.
func parseRateLimit(h http.Header, lists ...[]string) *RateLimit {
	limit, remaining, interval := h["X-Ratelimit-Limit"], h["X-Ratelimit-Remaining"], h["X-Ratelimit-Interval"]
	if len(limit)+len(remaining)+len(interval) == 0 {
		return nil
	}
	rl := &RateLimit{
		Limit:      leadingInt(first(limit)),
		Remaining:  leadingInt(first(remaining)),
		Interval:   lenientDuration(first(interval)),
		ObservedAt: time.Now(),
	}
	rl.RawLimit, rl.RawRemaining, rl.RawInterval = rawValue(limit, lists), rawValue(remaining, lists), rawValue(interval, lists)
	return rl
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return strings.TrimSpace(values[0])
}

// rawValue is the first of values as RateLimit keeps it: "" when longer
// than maxRawRateLimit, and redacted.
func rawValue(values []string, lists [][]string) string {
	v := first(values)
	if len(v) > maxRawRateLimit {
		return ""
	}
	return redact(v, lists...)
}

// leadingInt returns the integer that s starts with, -1 when it starts with
// no digit, and math.MaxInt when the number is larger than an int holds.
func leadingInt(s string) int {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return -1
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil { // too many digits: strconv stops at the first that overflows
		return math.MaxInt
	}
	return n
}

// maxRateLimitInterval bounds a parsed interval so that seconds far beyond
// any real window cannot overflow into a negative duration.
const maxRateLimitInterval = 1000 * time.Hour

func lenientDuration(s string) time.Duration {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		if n := leadingInt(s); n >= 0 {
			return min(time.Duration(n), maxRateLimitInterval/time.Second) * time.Second
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	return 0
}
