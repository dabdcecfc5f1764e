package ecloud

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

var (
	dialRefused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	readReset   = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
)

func TestShouldRetry(t *testing.T) {
	t.Parallel()
	methods := []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPost}
	cases := []struct {
		name        string
		status      int
		err         error
		idempotent  bool // expected for GET, PUT, DELETE
		post        bool // expected for POST
		retryWrites bool // expected for POST with WithRetryNonIdempotent
	}{
		{"200", 200, nil, false, false, false},
		{"201", 201, nil, false, false, false},
		{"400", 400, nil, false, false, false},
		{"401", 401, nil, false, false, false},
		{"403", 403, nil, false, false, false},
		{"404", 404, nil, false, false, false},
		{"409", 409, nil, false, false, false},
		{"429", 429, nil, true, true, true},
		{"500", 500, nil, false, false, false},
		{"501", 501, nil, false, false, false},
		{"502", 502, nil, true, false, true},
		{"503", 503, nil, true, false, true},
		{"504", 504, nil, true, false, true},
		{"dial refused", 0, dialRefused, true, true, true},
		{"dns failure", 0, &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host"}}, true, true, true},
		{"reset mid-request", 0, readReset, true, false, true},
		{"eof mid-body", 0, io.ErrUnexpectedEOF, true, false, true},
		{"canceled", 0, context.Canceled, false, false, false},
		{"deadline", 0, fmt.Errorf("wrapped: %w", context.DeadlineExceeded), false, false, false},
		{"unknown CA", 0, x509.UnknownAuthorityError{}, false, false, false},
		{"body too large", 0, errBodyTooLarge, false, false, false},
		{"bad scheme", 0, errors.New(`unsupported protocol scheme "ftp"`), false, false, false},
	}
	for _, tc := range cases {
		for _, m := range methods {
			want := tc.idempotent
			if m == http.MethodPost {
				want = tc.post
			}
			if got := shouldRetry(m, false, tc.status, tc.err); got != want {
				t.Errorf("%s %s: shouldRetry = %v, want %v", m, tc.name, got, want)
			}
		}
		if got := shouldRetry(http.MethodPost, true, tc.status, tc.err); got != tc.retryWrites {
			t.Errorf("POST %s with retryWrites: shouldRetry = %v, want %v", tc.name, got, tc.retryWrites)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxRetries: 10, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }
	cases := []struct {
		n             int
		wantLow, high time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, 500 * time.Millisecond, 2 * time.Second},
		{3, 500 * time.Millisecond, 4 * time.Second},
		{6, 500 * time.Millisecond, 30 * time.Second},  // 32s capped to MaxWait
		{60, 500 * time.Millisecond, 30 * time.Second}, // no overflow
	}
	for _, tc := range cases {
		if got := backoff(p, tc.n, lowest); got != tc.wantLow {
			t.Errorf("backoff(n=%d, lowest) = %v, want %v", tc.n, got, tc.wantLow)
		}
		if got := backoff(p, tc.n, highest); got != tc.high {
			t.Errorf("backoff(n=%d, highest) = %v, want %v", tc.n, got, tc.high)
		}
	}
	// Jitter: real randomness spreads the waits of clients failing together.
	seen := map[time.Duration]bool{}
	for range 50 {
		w := backoff(p, 3, randInt64N)
		if w < p.MinWait || w > 4*time.Second {
			t.Fatalf("backoff(3) = %v outside [500ms, 4s]", w)
		}
		seen[w] = true
	}
	if len(seen) < 10 {
		t.Errorf("backoff is not jittered: %d distinct waits in 50 draws", len(seen))
	}
	if got := backoff(RetryPolicy{MaxRetries: 3}, 2, randInt64N); got != 0 {
		t.Errorf("zero-wait policy waits %v", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		// Seconds are clamped to 1000 hours: just below, at and above the
		// clamp, where time.Duration(secs)*time.Second would overflow (from
		// some 9.3e9 s on, to a negative wait: an immediate retry), the
		// largest uint64 and beyond it (a range error).
		{"3599999", 3599999 * time.Second, true},
		{"3600000", clampedWait, true},
		{"3600001", clampedWait, true},
		{"86400000", clampedWait, true},
		{"9300000000", clampedWait, true},
		{"9223372036854775807", clampedWait, true},
		{"18446744073709551615", clampedWait, true},
		{"18446744073709551616", clampedWait, true},
		{"99999999999999999999", clampedWait, true},
		{"Thu, 26 Nov 2026 13:00:00 GMT", time.Hour, true},
		{"Sat, 01 Jan 2100 00:00:00 GMT", clampedWait, true}, // a date far off: clamped too
		{"Thu, 26 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Thu, 26 Nov 2026 11:00:00 GMT", 0, true}, // in the past
		{"Thursday, 26-Nov-26 12:01:00 GMT", time.Minute, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestRetryPlan(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: 10 * time.Second}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }
	cases := []struct {
		name     string
		a        attempt
		deadline time.Time
		want     decision
		rnd      func(int64) int64 // lowest when nil
	}{
		{"GET 503 first attempt", attempt{method: "GET", number: 1, status: 503}, time.Time{}, decision{true, time.Second}, nil},
		{"GET 503 last retry used", attempt{method: "GET", number: 4, status: 503}, time.Time{}, decision{}, nil},
		{"GET 503 third attempt", attempt{method: "GET", number: 3, status: 503}, time.Time{}, decision{true, time.Second}, nil},
		{"POST 503", attempt{method: "POST", number: 1, status: 503}, time.Time{}, decision{}, nil},
		{"POST 429", attempt{method: "POST", number: 1, status: 429}, time.Time{}, decision{true, time.Second}, nil},
		{"GET 404", attempt{method: "GET", number: 1, status: 404}, time.Time{}, decision{}, nil},
		{"429 Retry-After within MaxWait", attempt{method: "GET", number: 1, status: 429, retryAfter: "4"}, time.Time{}, decision{true, 4 * time.Second}, nil},
		{"503 Retry-After date", attempt{method: "GET", number: 1, status: 503, retryAfter: "Thu, 26 Nov 2026 12:00:05 GMT"}, time.Time{}, decision{true, 5 * time.Second}, nil},
		{"429 Retry-After exactly MaxWait", attempt{method: "GET", number: 1, status: 429, retryAfter: "10"}, time.Time{}, decision{true, 10 * time.Second}, nil},
		{"503 Retry-After date exactly MaxWait", attempt{method: "GET", number: 1, status: 503, retryAfter: "Thu, 26 Nov 2026 12:00:10 GMT"}, time.Time{}, decision{true, 10 * time.Second}, nil},
		{"429 Retry-After of an overflowing wait", attempt{method: "GET", number: 1, status: 429, retryAfter: "9300000000"}, time.Time{}, decision{}, nil},
		{"503 Retry-After beyond the clamp", attempt{method: "GET", number: 1, status: 503, retryAfter: "3600001"}, time.Time{}, decision{}, nil},
		{"429 Retry-After above MaxWait", attempt{method: "GET", number: 1, status: 429, retryAfter: "11"}, time.Time{}, decision{}, nil},
		{"429 Retry-After 0 waits MinWait", attempt{method: "GET", number: 1, status: 429, retryAfter: "0"}, time.Time{}, decision{true, time.Second}, nil},
		{"503 Retry-After past date waits MinWait", attempt{method: "GET", number: 2, status: 503, retryAfter: "Thu, 26 Nov 2026 11:00:00 GMT"}, time.Time{}, decision{true, time.Second}, nil},
		{"429 Retry-After below the backoff", attempt{method: "GET", number: 3, status: 429, retryAfter: "4"}, time.Time{}, decision{true, 8 * time.Second}, highest},
		{"502 Retry-After ignored", attempt{method: "GET", number: 1, status: 502, retryAfter: "3600"}, time.Time{}, decision{true, time.Second}, nil},
		{"wait ends after deadline", attempt{method: "GET", number: 1, status: 503}, now.Add(500 * time.Millisecond), decision{}, nil},
		{"wait ends before deadline", attempt{method: "GET", number: 1, status: 503}, now.Add(2 * time.Second), decision{true, time.Second}, nil},
		{"context ended", attempt{method: "GET", number: 1, status: 503, ctxErr: context.Canceled}, time.Time{}, decision{}, nil},
		{"POST dial refused", attempt{method: "POST", number: 1, err: dialRefused}, time.Time{}, decision{true, time.Second}, nil},
		{"POST reset", attempt{method: "POST", number: 1, err: readReset}, time.Time{}, decision{}, nil},
		{"POST 503 retryWrites", attempt{method: "POST", number: 1, status: 503, retryWrites: true}, time.Time{}, decision{true, time.Second}, nil},
	}
	for _, tc := range cases {
		rnd := tc.rnd
		if rnd == nil {
			rnd = lowest
		}
		if got := p.plan(tc.a, now, tc.deadline, rnd); got != tc.want {
			t.Errorf("%s: plan = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := (RetryPolicy{}).plan(attempt{method: "GET", number: 1, status: 503}, now, time.Time{}, lowest); got.retry {
		t.Errorf("MaxRetries 0 retried: %+v", got)
	}
}

func TestRetryPolicyValidate(t *testing.T) {
	t.Parallel()
	bad := []RetryPolicy{
		{MaxRetries: -1},
		{MinWait: -time.Second},
		{MaxWait: -time.Second},
		{MinWait: 2 * time.Second, MaxWait: time.Second},
		{MaxRetries: 3, MaxWait: time.Second}, // would never wait
	}
	for _, p := range bad {
		if _, err := NewClient(WithAPIKey("k"), WithRetryPolicy(p)); err == nil {
			t.Errorf("NewClient accepted %+v", p)
		}
	}
	for _, p := range []RetryPolicy{DefaultRetryPolicy(), {}, {MaxRetries: 3}, {MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}} {
		if err := p.validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
		if c, err := NewClient(WithAPIKey("k"), WithRetryPolicy(p)); err != nil {
			t.Errorf("WithRetryPolicy(%+v): %v", p, err)
		} else if c.retry != p {
			t.Errorf("WithRetryPolicy(%+v): the client has %+v", p, c.retry)
		}
	}
	want := RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
	if got := DefaultRetryPolicy(); got != want {
		t.Errorf("DefaultRetryPolicy() = %+v, want %+v", got, want)
	}
}
