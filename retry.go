package ecloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// This file holds every retry rule and all of the wiring to
// go-retryablehttp, the retry engine. The decision and the backoff are pure
// functions of their inputs, table-tested in retry_test.go; the engine's hooks
// (the exchange below) feed them what an attempt produced.

// RetryPolicy says how often and how long the client retries. Both waits 0
// (RetryPolicy{MaxRetries: n}) retry at once, for tests; otherwise MinWait
// must be set: a MaxWait with a MinWait of 0 is an error from NewClient,
// since every backoff grows from MinWait.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 turns retries off
	MinWait    time.Duration // first backoff, and the floor of every wait, Retry-After or not
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
	case p.MinWait == 0 && p.MaxWait > 0:
		// Every backoff is a multiple of MinWait: such a policy would
		// retry at once, whatever MaxWait promises.
		return errors.New("ecloud: WithRetryPolicy: MaxWait is set but MinWait is 0, so no retry would wait: " +
			"set MinWait, the first and shortest wait (or leave both at 0 to retry at once)")
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
			wait = max(wait, ra) // it may lengthen the backoff, never shorten it (a "0" is no reason to hurry)
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
		case errors.Is(err, errAttemptTimeout): // no answer in time: the request may have arrived
			return idempotent
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
var errBodyTooLarge = fmt.Errorf("the response body is larger than the %d MiB limit", maxSuccessBody>>20)

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
	return strings.Contains(err.Error(), "unsupported protocol scheme")
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
	case errors.Is(err, errAttemptTimeout):
		return "attempt timeout"
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

// exchange carries one call through the retry engine: a retryablehttp.Client
// configured for this call, so that every hook reaches the call's state (the
// Backoff hook gets no response after a connection error, and so could not
// otherwise find the wait that checkRetry chose), and what the last attempt
// produced. The engine is handed the client's own http.Client (see
// NewClient), whose transport has no CloseIdleConnections for the engine to
// call. Exchanges are pooled: one belongs to one call at a time.
type exchange struct {
	c        *Client
	r        call
	rc       retryablehttp.Client
	attempts int           // attempts started
	start    time.Time     // when the current attempt started
	wait     time.Duration // the backoff checkRetry chose after the current attempt

	// The last attempt's answer: status 0 when none arrived.
	status  int
	header  http.Header
	body    []byte  // bounded (see readBody), in buf
	bodyErr error   // reading the body failed: cut short, timed out
	buf     *[]byte // the pooled buffer that holds body, handed back by dropBody
}

var exchanges = sync.Pool{New: func() any {
	x := new(exchange)
	x.rc = retryablehttp.Client{
		Logger:         nil, // the engine would log URLs, which carry tokens
		RequestLogHook: x.startAttempt,
		CheckRetry:     x.checkRetry,
		Backoff:        x.backoff,
		ErrorHandler:   keepLastResponse,
		PrepareRetry:   x.prepareRetry,
	}
	return x
}}

func newExchange(c *Client, r call) *exchange {
	x := exchanges.Get().(*exchange)
	x.c, x.r, x.attempts, x.status = c, r, 0, 0
	x.rc.HTTPClient = c.hc
	x.rc.RetryMax = c.retry.MaxRetries
	x.rc.RetryWaitMin, x.rc.RetryWaitMax = c.retry.MinWait, c.retry.MaxWait // unused by backoff; kept truthful
	return x
}

// run sends the call through the engine, attempt by attempt, and leaves the
// last answer in x. Its error is the engine's: the last attempt's connection
// error, or that of the context or of the rate limiter.
func (x *exchange) run(ctx context.Context, target string, body any) error {
	req, err := retryablehttp.NewRequestWithContext(ctx, x.r.method, target, body)
	if err != nil {
		return err
	}
	// No transport may send the request again by itself once it has sent
	// part of it (see mayUseHTTP2): every re-send is a retry, under the rules.
	req.GetBody = nil
	x.c.setHeaders(req.Header, &x.r)
	resp, err := x.rc.Do(req)
	if resp != nil {
		resp.Body.Close() // already read and closed by checkRetry; this only guards that
	}
	return err
}

func (x *exchange) release() {
	x.dropBody()
	x.c, x.r, x.header, x.bodyErr = nil, call{}, nil, nil
	x.rc.HTTPClient = nil
	exchanges.Put(x)
}

// startAttempt is the engine's RequestLogHook: it runs before each attempt.
func (x *exchange) startAttempt(retryablehttp.Logger, *http.Request, int) {
	x.attempts++
	x.start = time.Now()
}

// checkRetry is the engine's CheckRetry, called once after each attempt. It
// reads the answer's whole body first (bounded), so that the connection is
// reused even when the attempt is retried (the engine itself would drain only
// 4 KiB), and so that a body cut short is judged here: for a success it is a
// connection error; an error status keeps its status and what was read, and
// the status alone decides.
func (x *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	x.dropBody()
	x.status, x.header, x.bodyErr = 0, nil, nil
	status := 0
	if err == nil {
		x.status, x.header, status = resp.StatusCode, resp.Header, resp.StatusCode
		x.c.observeRateLimit(resp.Header, &x.r)
		x.readBody(resp)
		if x.bodyErr != nil && status >= 200 && status <= 299 {
			err, status = x.bodyErr, 0
		}
	}
	now := time.Now()
	deadline, _ := ctx.Deadline()
	d := x.c.retry.plan(attempt{
		method:      x.r.method,
		number:      x.attempts,
		status:      status,
		retryAfter:  x.header.Get("Retry-After"),
		err:         err,
		ctxErr:      ctx.Err(),
		retryWrites: x.c.retryWrites,
	}, now, deadline, randInt64N)
	x.wait = d.wait
	if err == nil {
		err = x.bodyErr
	}
	x.c.logAttempt(ctx, x, err, d, now)
	return d.retry, nil
}

// readBody reads and closes resp's body: up to maxSuccessBody for a success,
// up to maxErrorBody (and one byte more, to tell it was cut) otherwise. A 1xx
// answer (a protocol switch the API never asks for) is not read: its body
// would be the raw connection. The body is replaced by http.NoBody, so that
// the engine finds nothing left to drain.
func (x *exchange) readBody(resp *http.Response) {
	defer func() {
		resp.Body.Close()
		resp.Body = http.NoBody
	}()
	if resp.StatusCode < 200 {
		return
	}
	var over bool
	if resp.StatusCode <= 299 {
		x.body, x.buf, over, x.bodyErr = readCapped(resp.Body, maxSuccessBody, resp.ContentLength)
		if over {
			x.bodyErr = errBodyTooLarge
		}
	} else {
		const limit = maxErrorBody + 1 // one byte more says the body was cut
		x.body, x.buf, _, x.bodyErr = readCapped(io.LimitReader(resp.Body, limit), limit, resp.ContentLength)
	}
}

// dropBody forgets the last answer's body and hands its buffer back to the
// pool, for the next attempt or call.
func (x *exchange) dropBody() {
	if x.buf != nil {
		buffers.put(x.buf)
	}
	x.body, x.buf = nil, nil
}

// backoff is the engine's Backoff: the wait that checkRetry chose, also after
// a connection error (when the engine passes no response).
func (x *exchange) backoff(time.Duration, time.Duration, int, *http.Response) time.Duration {
	return x.wait
}

// prepareRetry is the engine's PrepareRetry, called after the backoff and
// before a retry: retries wait for the rate limiter like first attempts.
func (x *exchange) prepareRetry(req *http.Request) error {
	return x.c.pace(req.Context())
}

// keepLastResponse is the engine's ErrorHandler: return what the last
// attempt produced instead of the engine's opaque "giving up" error.
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}

func (c *Client) logAttempt(ctx context.Context, x *exchange, err error, d decision, now time.Time) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", x.r.method),
		slog.String("operation", x.r.op),
		slog.Int("status", x.status),
		slog.Int("attempt", x.attempts),
		slog.Duration("duration", now.Sub(x.start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
	}
	if d.retry {
		attrs = append(attrs, slog.Duration("retry_in", d.wait))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "ecloud request", attrs...)
}
