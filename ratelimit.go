package ecloud

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit holds the x-ratelimit-* headers of a response. The API does not
// document their format, so each is kept raw and also parsed leniently.
// Client.RateLimit returns the latest seen; APIError.RateLimit has those of
// a 429.
type RateLimit struct {
	// Limit is the leading integer of x-ratelimit-limit: how many requests
	// the API allows per Interval. -1 when the header is absent or does not
	// start with a digit.
	Limit int
	// Remaining is the leading integer of x-ratelimit-remaining: how many
	// requests are left in the current interval. -1 when the header is
	// absent or does not start with a digit.
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

func (c *Client) observeRateLimit(h http.Header) {
	if rl := parseRateLimit(h); rl != nil {
		c.rateLimit.Store(rl)
	}
}

// parseRateLimit returns nil when the response has none of the headers.
func parseRateLimit(h http.Header) *RateLimit {
	limit, remaining, interval := h["X-Ratelimit-Limit"], h["X-Ratelimit-Remaining"], h["X-Ratelimit-Interval"]
	if len(limit)+len(remaining)+len(interval) == 0 {
		return nil
	}
	rl := &RateLimit{RawLimit: first(limit), RawRemaining: first(remaining), RawInterval: first(interval), ObservedAt: time.Now()}
	rl.Limit = leadingInt(rl.RawLimit)
	rl.Remaining = leadingInt(rl.RawRemaining)
	rl.Interval = lenientDuration(rl.RawInterval)
	return rl
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return strings.TrimSpace(values[0])
}

func leadingInt(s string) int {
	end := 0
	for end < len(s) && end < 18 && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return -1
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
