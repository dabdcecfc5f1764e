package ecloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// This file holds every retry rule. The decision and the backoff are pure
// functions of their inputs, table-tested in retry_test.go; client.go only
// feeds them what an attempt produced.

// RetryPolicy says how often and how long the client retries.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 turns retries off
	MinWait    time.Duration // first backoff, and the floor of every backoff
	MaxWait    time.Duration // cap for one backoff, and for an honoured Retry-After
}

// DefaultRetryPolicy is the policy used without WithRetryPolicy: 3 retries,
// waits between 500ms and 30s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0:
		return errors.New("ecloud: WithRetryPolicy: MaxRetries is negative")
	case p.MinWait < 0 || p.MaxWait < 0:
		return errors.New("ecloud: WithRetryPolicy: waits must not be negative")
	case p.MaxWait < p.MinWait:
		return errors.New("ecloud: WithRetryPolicy: MaxWait is below MinWait")
	}
	return nil
}

// attempt is what one attempt of a call produced.
type attempt struct {
	method      string
	number      int    // 1 for the first attempt
	status      int    // 0 when no response arrived
	retryAfter  string // the Retry-After header, if any
	err         error  // transport error, or error reading the body
	ctxErr      error  // the caller's context error, if it ended
	retryWrites bool   // WithRetryNonIdempotent
}

type decision struct {
	retry bool
	wait  time.Duration
}

// plan decides whether to send the call again and how long to wait first.
func (p RetryPolicy) plan(a attempt, now, deadline time.Time, rnd func(int64) int64) decision {
	if a.ctxErr != nil || a.number > p.MaxRetries || !shouldRetry(a.method, a.retryWrites, a.status, a.err) {
		return decision{}
	}
	wait := backoff(p, a.number, rnd)
	if a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable {
		if ra, ok := parseRetryAfter(a.retryAfter, now); ok {
			if ra > p.MaxWait {
				return decision{} // too long to sleep for the caller: return the error with RetryAfter set
			}
			wait = ra
		}
	}
	if !deadline.IsZero() && now.Add(wait).After(deadline) {
		return decision{} // the wait would outlive the caller's deadline: return the last answer now
	}
	return decision{retry: true, wait: wait}
}

// shouldRetry is the rule table. Idempotent methods (GET, PUT, DELETE) are
// retried on connection errors, 429, 502, 503 and 504. POST is retried only
// when the server refused it (429) or when the request never left (dial
// failure), unless retryWrites is set.
func shouldRetry(method string, retryWrites bool, status int, err error) bool {
	idempotent := retryWrites || (method != http.MethodPost && method != http.MethodPatch)
	if err != nil {
		switch {
		case permanentError(err):
			return false
		case idempotent:
			return true
		default:
			return neverSent(err)
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// errBodyTooLarge is returned when a success body exceeds maxSuccessBody.
var errBodyTooLarge = fmt.Errorf("response body larger than %d bytes", maxSuccessBody)

// permanentError reports errors that a retry cannot fix.
func permanentError(err error) bool {
	var (
		certErr     *tls.CertificateVerificationError
		unknownCA   x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidCert x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errBodyTooLarge):
		return true
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &invalidCert), errors.As(err, &recordErr):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after")
}

// neverSent reports errors that happen before any byte of the request
// reached a server: dial failures, including refused connections and DNS.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff returns the wait before retry n (1-based): a random duration
// between MinWait and min(MaxWait, MinWait·2^n) ("full jitter" above a floor),
// so that clients failing together do not retry in lockstep.
func backoff(p RetryPolicy, n int, rnd func(int64) int64) time.Duration {
	ceiling := p.MinWait
	for i := 0; i < n && ceiling < p.MaxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxWait)
	if ceiling <= p.MinWait {
		return p.MinWait
	}
	return p.MinWait + time.Duration(rnd(int64(ceiling-p.MinWait)+1))
}

func randInt64N(n int64) int64 { return rand.Int64N(n) }

// maxRetryAfter bounds parsed Retry-After values so arithmetic cannot overflow.
const maxRetryAfter = 1000 * time.Hour

// parseRetryAfter reads a Retry-After value: delta-seconds or an HTTP-date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxRetryAfter), true
}

// errorKind names a transport error for logs without its text, which may
// contain a URL.
func errorKind(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case neverSent(err):
		return "dial failed"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case permanentError(err):
		return "permanent"
	}
	return "transport error"
}
