package ecloud

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests run the client against real local servers that misbehave:
// they check what the server received (counts, headers, paths), not timings,
// except where a rule is about not waiting, and there the margin is wide.

// fakeAPI is an httptest server that counts requests and connections.
type fakeAPI struct {
	*httptest.Server
	requests atomic.Int32
	conns    atomic.Int32
}

func newFakeAPI(t *testing.T, h http.HandlerFunc) *fakeAPI { return startFakeAPI(t, h, false) }

func startFakeAPI(t *testing.T, h http.HandlerFunc, useTLS bool) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		h(w, r)
	}))
	f.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	if useTLS {
		f.StartTLS()
	} else {
		f.Start()
	}
	t.Cleanup(f.Close)
	return f
}

// noWait retries at once, so tests never sleep.
var noWait = RetryPolicy{MaxRetries: 3}

func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	return mustClient(t, append([]Option{WithAPIKey("test-key"), WithBaseURL(baseURL), WithRetryPolicy(noWait)}, opts...)...)
}

func mustClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Cloud-Error-Codes", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":%q}]}`, code, message)
}

const invitationsJSON = `{"invitations":[{"token":"t1","email":"a@example.com","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-04T00:00:00Z","expired":false,"organization":{"id":"o1","name":"Org"}}]}`

// sequence answers the n-th request with statuses[n] (the last one repeats).
func sequence(statuses ...int) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		status := statuses[min(i, len(statuses)-1)]
		switch {
		case status == 200 || status == 201:
			w.WriteHeader(status)
			io.WriteString(w, invitationsJSON)
		default:
			writeError(w, status, "test.code", "failure")
		}
	}
}

func TestRetryIdempotentUntilSuccessReusesConnection(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 502, 503, 504} {
		f := newFakeAPI(t, sequence(status, status, 200))
		c := newTestClient(t, f.URL)
		invs, err := c.ListOrganizationInvitations(context.Background(), "o1")
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if len(invs) != 1 || invs[0].Email != "a@example.com" {
			t.Errorf("%d: got %+v", status, invs)
		}
		if got := f.requests.Load(); got != 3 {
			t.Errorf("%d: server saw %d requests, want 3", status, got)
		}
		if got := f.conns.Load(); got != 1 {
			t.Errorf("%d: retried bodies were not drained: %d connections, want 1", status, got)
		}
	}
}

func TestRetryNotOnPermanentStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 500, 501} {
		f := newFakeAPI(t, sequence(status, 200))
		c := newTestClient(t, f.URL)
		_, err := c.GetOrganization(context.Background(), "o1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
			t.Errorf("%d: err = %v, want *APIError with status %d after 1 attempt", status, err, status)
		}
		if got := f.requests.Load(); got != 1 {
			t.Errorf("%d: server saw %d requests, want 1", status, got)
		}
	}
}

func TestRetryExhaustedReturnsLastAPIError(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 503, "root.unavailable", "try later")
	})
	c := newTestClient(t, f.URL)
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	if apiErr.StatusCode != 503 || apiErr.Attempts != 4 || !apiErr.HasCode("root.unavailable") || !errors.Is(err, ErrServer) {
		t.Errorf("got %+v", apiErr)
	}
	if msg := err.Error(); strings.Contains(msg, "giving up") || !strings.Contains(msg, "after 4 attempts") {
		t.Errorf("Error() = %q", msg)
	}
	if got := f.requests.Load(); got != 4 {
		t.Errorf("server saw %d requests, want 4 (1 + MaxRetries 3)", got)
	}
	if got := f.conns.Load(); got != 1 {
		t.Errorf("%d connections for 4 attempts, want 1", got)
	}
}

func TestRetryOffWithZeroMaxRetries(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, sequence(503, 200))
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{}))
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 1 {
		t.Fatalf("err = %v, want *APIError 503 after 1 attempt", err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestPOSTNotRetriedAfterServerError(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		f := newFakeAPI(t, sequence(status))
		c := newTestClient(t, f.URL)
		_, err := c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
		if !errors.Is(err, ErrServer) {
			t.Errorf("create %d: err = %v", status, err)
		}
		err = c.AcceptOrganizationInvitation(context.Background(), "tok")
		if !errors.Is(err, ErrServer) {
			t.Errorf("accept %d: err = %v", status, err)
		}
		if got := f.requests.Load(); got != 2 {
			t.Errorf("%d: server saw %d requests for two POSTs, want 2 (each exactly once)", status, got)
		}
	}
}

func TestPOSTRetriedOn429(t *testing.T) {
	t.Parallel()
	var bodies []string
	var mu sync.Mutex
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			writeError(w, 429, CodeOrganizationInvitationsRateLimitExceeded, "slow down")
			return
		}
		w.WriteHeader(201)
		io.WriteString(w, invitationsJSON)
	})
	c := newTestClient(t, f.URL)
	invs, err := c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
	if err != nil || len(invs) != 1 {
		t.Fatalf("got %v, %v", invs, err)
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] || bodies[0] != `{"emails":["a@example.com"]}` {
		t.Errorf("bodies sent: %q; want the same bytes twice", bodies)
	}
}

func TestPOSTRetriedLikeGETWithRetryNonIdempotent(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, sequence(503, 201))
	c := newTestClient(t, f.URL, WithRetryNonIdempotent())
	if _, err := c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.requests.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	// On 127.0.0.2 where the system has it (Linux): the test servers of
	// httptest, which listen on 127.0.0.1, cannot take the port once it is
	// free again and answer the connections meant to be refused.
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestPOSTRetriedWhenConnectionRefused(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://"+closedAddr(t))
	err := c.AcceptOrganizationInvitation(context.Background(), "secret-token")
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 4 {
		t.Fatalf("err = %v, want *RequestError after 4 attempts", err)
	}
	if !neverSent(err) {
		t.Errorf("err does not unwrap to the dial error: %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "secret-token") || strings.Contains(msg, "http://") {
		t.Errorf("Error() leaks the URL or token: %q", msg)
	}
}

func TestRetryAfterAboveMaxWaitReturnsAtOnce(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.Header().Set("X-Ratelimit-Limit", "100")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Interval", "60")
		writeError(w, 429, "root.rate_limited", "too many")
	})
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: time.Minute}))
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.RetryAfter != 2*time.Minute || apiErr.Attempts != 1 {
		t.Errorf("RetryAfter = %v, Attempts = %d; want 2m0s, 1", apiErr.RetryAfter, apiErr.Attempts)
	}
	if rl := apiErr.RateLimit; rl == nil || rl.Limit != 100 || rl.Remaining != 0 || rl.Interval != time.Minute {
		t.Errorf("RateLimit = %+v", rl)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
	if !strings.Contains(err.Error(), "retry after 2m0s") {
		t.Errorf("Error() = %q", err)
	}
}

// TestRetryAfterNeverShortensTheBackoff: a 429 or 503 whose Retry-After is
// 0 or a date in the past is retried after the backoff, at least MinWait,
// like any other: a server that sends "Retry-After: 0" does not get the
// whole retry budget at once.
func TestRetryAfterNeverShortensTheBackoff(t *testing.T) {
	t.Parallel()
	const wait = 60 * time.Millisecond
	for _, tc := range []struct {
		status     int
		retryAfter string
	}{
		{429, "0"},
		{503, "0"},
		{429, "Mon, 01 Jan 2001 00:00:00 GMT"},
	} {
		var seen arrivals
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			seen.add()
			w.Header().Set("Retry-After", tc.retryAfter)
			writeError(w, tc.status, "root.busy", "busy")
		})
		c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: wait, MaxWait: wait}))
		var apiErr *APIError
		if _, err := c.ListOrganizations(context.Background()); !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Attempts != 4 {
			t.Fatalf("%d, Retry-After %q: err = %v, want the %d *APIError after 4 attempts", tc.status, tc.retryAfter, err, tc.status)
		}
		for i, gap := range seen.gaps() {
			if gap < wait {
				t.Errorf("%d, Retry-After %q: retry %d came %v after the attempt before it, want at least MinWait (%v)", tc.status, tc.retryAfter, i+1, gap, wait)
			}
		}
	}
}

func TestCancelDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 503, "root.unavailable", "down")
		time.AfterFunc(20*time.Millisecond, cancel)
	})
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: time.Minute, MaxWait: time.Minute}))
	start := time.Now()
	_, err := c.ListOrganizations(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("returned after %v; the one-minute backoff was not interrupted", elapsed)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestBackoffPastDeadlineIsNotStarted(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 503, "root.unavailable", "down")
	})
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: time.Minute, MaxWait: time.Minute}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.ListOrganizations(ctx)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !apiErr.HasCode("root.unavailable") {
		t.Fatalf("err = %v, want the 503 *APIError", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("returned after %v; it waited although the deadline was closer than the backoff", elapsed)
	}
}

// hijack takes the connection over from the test server, to answer what
// net/http would not write; conn is nil after a test error.
func hijack(t *testing.T, w http.ResponseWriter) (conn net.Conn, buf *bufio.ReadWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return nil, nil
	}
	return conn, buf
}

// answerRaw writes raw on the connection as it is, and hangs up: with raw
// empty, without any answer.
func answerRaw(t *testing.T, w http.ResponseWriter, raw string) {
	if conn, buf := hijack(t, w); conn != nil {
		buf.WriteString(raw)
		buf.Flush()
		conn.Close()
	}
}

// dropMidBody answers the first request with half a body and closes the
// connection; later requests get handler.
func dropMidBody(t *testing.T, handler http.HandlerFunc) http.HandlerFunc {
	var first atomic.Bool
	return func(w http.ResponseWriter, r *http.Request) {
		if first.CompareAndSwap(false, true) {
			io.Copy(io.Discard, r.Body)
			answerRaw(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"invitations\":[{\"tok")
			return
		}
		handler(w, r)
	}
}

func TestConnectionDroppedMidResponse(t *testing.T) {
	t.Parallel()
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200); io.WriteString(w, invitationsJSON) }

	get := newFakeAPI(t, dropMidBody(t, ok))
	c := newTestClient(t, get.URL)
	invs, err := c.ListOrganizationInvitations(context.Background(), "o1")
	if err != nil || len(invs) != 1 {
		t.Fatalf("GET after a dropped response: %v, %v", invs, err)
	}
	if got := get.requests.Load(); got != 2 {
		t.Errorf("GET: server saw %d requests, want 2", got)
	}

	post := newFakeAPI(t, dropMidBody(t, ok))
	c = newTestClient(t, post.URL)
	_, err = c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || reqErr.Operation != "create-organization-invitations" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("POST: err = %v, want *RequestError wrapping io.ErrUnexpectedEOF", err)
	}
	if got := post.requests.Load(); got != 1 {
		t.Errorf("POST: server saw %d requests, want exactly 1", got)
	}
}

func TestStalledServerIsBoundedByContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newTestClient(t, f.URL)
	for _, call := range []func(ctx context.Context) error{
		func(ctx context.Context) error { _, err := c.ListOrganizations(ctx); return err },
		func(ctx context.Context) error { return c.AcceptOrganizationInvitation(ctx, "tok") },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
	}
	if got := f.requests.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2 (a stall past the deadline is not retried)", got)
	}
}

func TestHostileErrorBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		ctype    string
		body     string
		keepBody bool
		details  int
	}{
		{"html from a proxy", "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", true, 0},
		{"plain text", "text/plain", "upstream connect error", true, 0},
		{"empty", "", "", false, 0},
		{"truncated json", "application/json", `{"errors":[{"code":"a`, true, 0},
		{"other json shape", "application/json", `{"message":"nope","status":400}`, true, 0},
		{"errors not a list", "application/json", `{"errors":"nope"}`, true, 0},
		{"errors of wrong types", "application/json", `{"errors":[{"code":1}]}`, true, 0},
		{"json null", "application/json", `null`, true, 0},
		{"spec shape", "application/json", `{"errors":[{"code":"a.b","message":"m","fields":["f"]}]}`, false, 1},
	}
	for _, tc := range cases {
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if tc.ctype != "" {
				w.Header().Set("Content-Type", tc.ctype)
			}
			w.Header().Add("X-Cloud-Error-Codes", "root.permission_denied")
			w.WriteHeader(403)
			io.WriteString(w, tc.body)
		})
		c := newTestClient(t, f.URL)
		_, err := c.GetOrganization(context.Background(), "o1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: err = %v (%T)", tc.name, err, err)
		}
		if apiErr.StatusCode != 403 || !errors.Is(err, ErrForbidden) || !apiErr.HasCode(CodeRootPermissionDenied) {
			t.Errorf("%s: got %+v", tc.name, apiErr)
		}
		if got := string(apiErr.Body); tc.keepBody && got != tc.body || !tc.keepBody && got != "" {
			t.Errorf("%s: Body = %q", tc.name, got)
		}
		if len(apiErr.Errors) != tc.details {
			t.Errorf("%s: Errors = %+v", tc.name, apiErr.Errors)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "ecloud: get-organization: 403 Forbidden") || !strings.Contains(msg, "root.permission_denied") || strings.Contains(msg, "0x") {
			t.Errorf("%s: Error() = %q", tc.name, msg)
		}
	}
}

func TestHugeErrorBodyIsBounded(t *testing.T) {
	// Not parallel: it measures the process's allocations.
	const size = 100 << 20
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(size))
		w.WriteHeader(502)
		chunk := bytes.Repeat([]byte("<p>bad gateway</p>"), 4096)
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), size-written)]); err != nil {
				return // the client hung up, as it should
			}
		}
	})
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{}))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.ListOrganizations(context.Background())
	runtime.ReadMemStats(&after)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("err = %v", err)
	}
	if len(apiErr.Body) != documentedErrorCap {
		t.Errorf("Body is %d bytes, want the %d-byte cap", len(apiErr.Body), documentedErrorCap)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16<<20 {
		t.Errorf("reading a 100 MiB error body allocated %d MiB", allocated>>20)
	}
}

func TestSuccessWithBrokenJSON(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"invitations":[{"token":`, `<html>`, `{"invitations":"x"}`, ``} {
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
		c := newTestClient(t, f.URL)
		_, err := c.ListOrganizationInvitations(context.Background(), "o1")
		var apiErr *APIError
		if err == nil || errors.As(err, &apiErr) || !strings.Contains(err.Error(), "list-organization-invitations") {
			t.Errorf("body %q: err = %v, want a decode error naming the operation", body, err)
		}
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &syntaxErr) && !errors.As(err, &typeErr) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("body %q: err %v does not wrap the JSON error", body, err)
		}
		if got := f.requests.Load(); got != 1 {
			t.Errorf("body %q: %d requests; a decode error is not retried", body, got)
		}
	}
}

// arrivals records when each request reached a test server.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) add() {
	a.mu.Lock()
	a.times = append(a.times, time.Now())
	a.mu.Unlock()
}

// gaps returns the time between consecutive arrivals.
func (a *arrivals) gaps() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var gaps []time.Duration
	for i := 1; i < len(a.times); i++ {
		gaps = append(gaps, a.times[i].Sub(a.times[i-1]))
	}
	return gaps
}

// TestBackoffAfterConnectionErrors: after a connection error the client
// waits the backoff its policy and its debug log say, as it does after a 503.
func TestBackoffAfterConnectionErrors(t *testing.T) {
	t.Parallel()
	const wait = 60 * time.Millisecond
	policy := WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: wait, MaxWait: wait})

	// A server that hangs up on every request: it sees each attempt.
	var seen arrivals
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { seen.add(); answerRaw(t, w, "") })
	var logs bytes.Buffer
	c := newTestClient(t, f.URL, policy, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.ListOrganizations(context.Background())
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 4 {
		t.Fatalf("err = %v, want a *RequestError after 4 attempts", err)
	}
	gaps := seen.gaps()
	if len(gaps) != 3 {
		t.Fatalf("the server saw %d requests, want 4", len(gaps)+1)
	}
	for i, gap := range gaps {
		if gap < wait {
			t.Errorf("retry %d came %v after the attempt before it, want at least the %v backoff", i+1, gap, wait)
		}
	}
	if n := strings.Count(logs.String(), "retry_in=60ms"); n != 3 {
		t.Errorf("the debug log announces %d retries in 60ms, want 3:\n%s", n, logs.String())
	}

	// A refused POST (retried: it never left): nothing listens, so the waits
	// are measured at the client.
	refused := newTestClient(t, "http://"+closedAddr(t), policy)
	start := time.Now()
	err = refused.AcceptOrganizationInvitation(context.Background(), "tok-1")
	if !errors.As(err, &reqErr) || reqErr.Attempts != 4 {
		t.Fatalf("err = %v, want a *RequestError after 4 attempts", err)
	}
	if elapsed := time.Since(start); elapsed < 3*wait {
		t.Errorf("4 attempts on a refused connection took %v, want at least 3 backoffs of %v", elapsed, wait)
	}
}

// cutErrorBody answers status with its codes in the header and then only the
// start of the announced JSON body, and hangs up.
func cutErrorBody(t *testing.T, status int, code string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		answerRaw(t, w, fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nX-Cloud-Error-Codes: %s\r\nContent-Length: 500\r\n\r\n",
			status, http.StatusText(status), code)+`{"errors":[{"code":"`+code+`","mess`)
	}
}

// TestCutErrorBodyKeepsStatus: an error answer whose status line and
// x-cloud-error-codes arrived but whose body broke off is the *APIError of
// that status, with its codes and the bytes that came, retried only as its
// status is.
func TestCutErrorBodyKeepsStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		sentinel error
		requests int32
	}{
		{400, ErrBadRequest, 1},
		{404, ErrNotFound, 1},
		{500, ErrServer, 1},
		{503, ErrServer, 4}, // retried, as any 503 on a GET
	} {
		f := newFakeAPI(t, cutErrorBody(t, tc.status, "test.cut"))
		c := newTestClient(t, f.URL)
		_, err := c.GetOrganization(context.Background(), "o1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !errors.Is(err, tc.sentinel) || !HasCode(err, "test.cut") {
			t.Errorf("%d: err = %v (%T), want the %d *APIError with code test.cut", tc.status, err, err, tc.status)
			continue
		}
		if got, want := string(apiErr.Body), `{"errors":[{"code":"test.cut","mess`; got != want {
			t.Errorf("%d: Body = %q, want what arrived, %q", tc.status, got, want)
		}
		if got := f.requests.Load(); got != tc.requests || int32(apiErr.Attempts) != tc.requests {
			t.Errorf("%d: the server saw %d requests (Attempts %d), want %d", tc.status, got, apiErr.Attempts, tc.requests)
		}
	}
}

// TestRateLimitPacesEveryAttempt: WithRateLimit paces attempts, retries
// included, not only calls.
func TestRateLimitPacesEveryAttempt(t *testing.T) {
	t.Parallel()
	const interval = 100 * time.Millisecond // 10 per second, burst 1
	var seen arrivals
	statuses := sequence(503, 503, 200)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { seen.add(); statuses(w, r) })
	c := newTestClient(t, f.URL, WithRateLimit(10, 1)) // retries themselves do not wait (noWait)
	start := time.Now()
	if _, err := c.ListOrganizationInvitations(context.Background(), "o1"); err != nil {
		t.Fatal(err)
	}
	seen.mu.Lock()
	defer seen.mu.Unlock()
	if len(seen.times) != 3 {
		t.Fatalf("the server saw %d requests, want 3", len(seen.times))
	}
	// The limiter releases attempt n (0-based) no sooner than n intervals
	// after the first, which it releases at once. Measured from the start of
	// the call, not between arrivals: the first attempt also dials, so its
	// arrival is later than its release by more than the others'.
	for n, at := range seen.times {
		if since := at.Sub(start); since < time.Duration(n)*interval*95/100 {
			t.Errorf("attempt %d reached the server %v after the call began; the rate limit allows it after %v",
				n+1, since, time.Duration(n)*interval)
		}
	}
}

// TestRateLimitErrorsMatchTheContext: a rate-limit wait that would pass the
// deadline, before the first attempt or before a retry, is
// context.DeadlineExceeded; one cut short by cancellation is
// context.Canceled.
func TestRateLimitErrorsMatchTheContext(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeError(w, 503, "root.unavailable", "down") })
	for _, tc := range []struct {
		name     string
		ctx      func() (context.Context, context.CancelFunc)
		want     error
		requests int32 // by the call under test
	}{
		{"deadline_before_first_attempt", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, context.DeadlineExceeded, 0},
		{"canceled_in_wait", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled, 0},
	} {
		c := newTestClient(t, f.URL, WithRateLimit(1, 1), WithRetryPolicy(RetryPolicy{})) // one a second
		c.ListOrganizations(context.Background())                                         // takes the one token there is
		before := f.requests.Load()
		ctx, cancel := tc.ctx()
		_, err := c.ListOrganizations(ctx)
		cancel()
		var reqErr *RequestError
		if !errors.Is(err, tc.want) || !errors.As(err, &reqErr) {
			t.Errorf("%s: err = %v, want a *RequestError matching %v", tc.name, err, tc.want)
		}
		if got := f.requests.Load() - before; got != tc.requests {
			t.Errorf("%s: the server saw %d requests, want %d", tc.name, got, tc.requests)
		}
	}

	// Before a retry: the first attempt takes the token, the retry would
	// wait a second, past the deadline.
	c := newTestClient(t, f.URL, WithRateLimit(1, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	before := f.requests.Load()
	_, err := c.ListOrganizations(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("before a retry: err = %v, want context.DeadlineExceeded", err)
	}
	if got := f.requests.Load() - before; got != 1 {
		t.Errorf("before a retry: the server saw %d requests, want 1", got)
	}
}

// TestCutSuccessBodyIsAConnectionError: a 2xx answer, 200 to 299, whose
// body broke off is a connection error, retried on a GET as one.
func TestCutSuccessBodyIsAConnectionError(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 299} {
		f := newFakeAPI(t, cutErrorBody(t, status, "test.cut"))
		c := newTestClient(t, f.URL)
		_, err := c.GetOrganization(context.Background(), "o1")
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%d: err = %v (%T), want a *RequestError for io.ErrUnexpectedEOF", status, err, err)
		}
		if got := f.requests.Load(); got != 4 {
			t.Errorf("%d: the server saw %d requests, want 4 (retried as a connection error)", status, got)
		}
	}
}
