package ecloud

// Connection reuse (issue 5), asserted as counts of the TCP connections the
// test server accepts (its ConnState hook, http.StateNew), never as times.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConnSequentialCallsReuseOneConnection makes 1,000 calls one after the
// other, mixing lists, creates (POST with a body) and 404 errors, and expects
// them all on at most 2 connections: the error path must read and close the
// body so the connection goes back to the pool.
func TestConnSequentialCallsReuseOneConnection(t *testing.T) {
	s := benchStart(t)
	c := benchClient(t, s)
	ctx := context.Background()
	org := benchOrgID(1)
	for i := range 1000 {
		var err error
		switch i % 10 {
		case 4:
			var got []OrganizationInvitation
			got, err = c.CreateOrganizationInvitations(ctx, benchCreateOrg, benchCreateRequest)
			if err == nil && len(got) != len(benchCreateRequest.Emails) {
				t.Fatalf("call %d: create returned %d invitations", i, len(got))
			}
		case 9:
			_, err = c.ListOrganizationInvitations(ctx, benchMissingOrg)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("call %d: err = %v, want a 404", i, err)
			}
			err = nil
		default:
			var got []OrganizationInvitation
			got, err = c.ListOrganizationInvitations(ctx, org)
			if err == nil && len(got) != 1 {
				t.Fatalf("call %d: list returned %d invitations", i, len(got))
			}
		}
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := s.news.Load(); n < 1 || n > 2 {
		t.Errorf("1,000 sequential calls opened %d connections, want 1 or 2", n)
	}
}

// benchConcurrentCallers, benchCallsPerCaller: 32 goroutines calling at once,
// each making a fixed number of calls, so the test is about counts and takes
// the same work on any machine.
const (
	benchConcurrentCallers = 32
	benchCallsPerCaller    = 40
)

// benchHammer starts benchConcurrentCallers goroutines together, each making
// benchCallsPerCaller list calls through c, and returns the number of
// connections the server accepted meanwhile.
func benchHammer(t *testing.T, s *benchServer, c *Client) int64 {
	t.Helper()
	ctx := context.Background()
	org := benchOrgID(1)
	before := s.news.Load()
	start := make(chan struct{})
	errs := make(chan error, benchConcurrentCallers)
	var wg sync.WaitGroup
	wg.Add(benchConcurrentCallers)
	for range benchConcurrentCallers {
		go func() {
			defer wg.Done()
			<-start
			for range benchCallsPerCaller {
				got, err := c.ListOrganizationInvitations(ctx, org)
				if err == nil && len(got) != 1 {
					err = errors.New("wrong number of invitations")
				}
				if err != nil {
					errs <- err
					return
				}
				runtime.Gosched() // let the callers interleave even on one core
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return s.news.Load() - before
}

// TestConnConcurrentCallersShareThePool: 32 goroutines calling at once open
// at most 64 connections in total, with the SDK's own transport and with a
// caller's http.Client whose Transport keeps 64 idle connections per host
// (the advice of docs/retries.md). A caller's client with the net/http default pool of
// 2 idle connections per host churns: most calls then open a new connection.
// The minimum of 2 for the bounded cases shows the calls really overlapped.
func TestConnConcurrentCallersShareThePool(t *testing.T) {
	sized := benchTransport() // MaxIdleConns 128, MaxIdleConnsPerHost 64
	defaults := http.DefaultTransport.(*http.Transport).Clone()
	if defaults.MaxIdleConnsPerHost != 0 {
		t.Fatalf("net/http default MaxIdleConnsPerHost = %d; this test assumes 0 (meaning %d)", defaults.MaxIdleConnsPerHost, http.DefaultMaxIdleConnsPerHost)
	}
	const calls = benchConcurrentCallers * benchCallsPerCaller
	tests := []struct {
		name     string
		opts     []Option
		min, max int64
	}{
		{name: "SDK_transport", min: 2, max: 64},
		{name: "caller_client_MaxIdleConnsPerHost_64", opts: []Option{WithHTTPClient(&http.Client{Transport: sized})}, min: 2, max: 64},
		// With 2 idle connections kept per host, 32 callers open far more
		// than 64 (700 to 1,100 seen here); the test only asks for more than
		// the sized pools' bound, so that scheduling on a loaded machine
		// cannot flake it.
		{name: "caller_client_net_http_defaults", opts: []Option{WithHTTPClient(&http.Client{Transport: defaults})}, min: 65, max: calls},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := benchStart(t)
			c := benchClient(t, s, tt.opts...)
			n := benchHammer(t, s, c)
			t.Logf("%d calls from %d goroutines opened %d connections", calls, benchConcurrentCallers, n)
			if n < tt.min || n > tt.max {
				t.Errorf("%d calls from %d goroutines opened %d connections, want %d to %d", calls, benchConcurrentCallers, n, tt.min, tt.max)
			}
		})
	}
}

// TestFailedCallLeavesOtherConnectionsAlone: a call that fails (retries used
// up, a connection error, or a context that ends during the backoff) must
// not close the idle connections of other calls, neither in the SDK's own
// pool nor in a caller's shared http.Client (as http.DefaultClient is), where
// the retry engine would otherwise close the whole process's idle
// connections. Counted as the connections the healthy server accepts.
func TestFailedCallLeavesOtherConnectionsAlone(t *testing.T) {
	t.Parallel()
	unavailable := func(w http.ResponseWriter, r *http.Request) { writeError(w, 503, "root.unavailable", "down") }
	failures := []struct {
		name    string
		handler http.HandlerFunc
		ctx     func() (context.Context, context.CancelFunc)
		policy  RetryPolicy
		ownMax  int32 // connections of the SDK pool: the healthy one, plus one per attempt that a hang-up kills
	}{
		{"retries_used_up", unavailable, nil, RetryPolicy{MaxRetries: 1}, 1},
		{"connection_error", func(w http.ResponseWriter, r *http.Request) { answerRaw(t, w, "") }, nil, RetryPolicy{MaxRetries: 1}, 3},
		{"context_canceled_in_backoff", unavailable,
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			},
			RetryPolicy{MaxRetries: 1, MinWait: time.Minute, MaxWait: time.Minute}, 1},
		{"context_deadline_in_attempt", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			RetryPolicy{MaxRetries: 1}, 2},
	}
	ok := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"organizations":[]}`) }
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			callCtx := func() context.Context { // a fresh one for each failing call
				if f.ctx == nil {
					return context.Background()
				}
				ctx, cancel := f.ctx()
				t.Cleanup(cancel)
				return ctx
			}
			healthy := newFakeAPI(t, ok)
			failing := newFakeAPI(t, f.handler)

			// One SDK client: a healthy call, a failing one (a DELETE, which
			// net/http never re-sends by itself), a healthy one again, all on
			// the SDK's own pool.
			mux := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					f.handler(w, r)
					return
				}
				ok(w, r)
			})
			own := newTestClient(t, mux.URL, WithRetryPolicy(f.policy))
			if _, err := own.ListOrganizations(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := own.DeleteOrganizationInvitations(callCtx(), "o1", []string{"tok-1"}); err == nil {
				t.Fatal("the failing call succeeded")
			}
			if _, err := own.ListOrganizations(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := mux.conns.Load(); n > f.ownMax {
				t.Errorf("SDK pool: the server accepted %d connections, want at most %d", n, f.ownMax)
			}

			// A shared http.Client: someone else's idle connection to the
			// healthy server must survive an SDK call failing on another.
			shared := &http.Client{Transport: benchTransport()}
			t.Cleanup(shared.CloseIdleConnections)
			get := func() {
				t.Helper()
				resp, err := shared.Get(healthy.URL)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			get()
			c := newTestClient(t, failing.URL, WithHTTPClient(shared), WithRetryPolicy(f.policy))
			if _, err := c.GetOrganization(callCtx(), "o1"); err == nil {
				t.Fatal("the failing call succeeded")
			}
			get()
			if n := healthy.conns.Load(); n != 1 {
				t.Errorf("shared client: the healthy server accepted %d connections, want 1 (its idle connection was closed by a failing call)", n)
			}
		})
	}
}

// TestRetriedErrorBodiesAreDrained: answers that are retried have their
// whole body read (up to the error cap), so the connection is reused; the
// retry engine alone would read 4 KiB and close it.
func TestRetriedErrorBodiesAreDrained(t *testing.T) {
	t.Parallel()
	for _, size := range []int{16 << 10, documentedErrorCap - 100} {
		var f *fakeAPI
		f = newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if f.requests.Load() < 3 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(503)
				io.WriteString(w, strings.Repeat("x", size))
				return
			}
			io.WriteString(w, invitationsJSON)
		})
		c := newTestClient(t, f.URL)
		if _, err := c.ListOrganizationInvitations(context.Background(), "o1"); err != nil {
			t.Fatal(err)
		}
		if got := f.requests.Load(); got != 3 {
			t.Errorf("%d-byte bodies: the server saw %d requests, want 3", size, got)
		}
		if got := f.conns.Load(); got != 1 {
			t.Errorf("%d-byte bodies: 3 attempts used %d connections, want 1", size, got)
		}
	}
}

// TestConnNetHTTPResendsOnlyBodylessGETs pins the one re-send left to
// net/http (see the README's retry rules): over HTTP/1.1, a GET without a
// body on a kept-alive connection that the server closes without answering
// is sent again on the next idle connection, so up to once per idle
// connection the server closes that way, then once on a new one. PUT,
// DELETE and POST are never sent twice by net/http, and over https (where
// every request carries a body, see mayUseHTTP2) neither is a GET. Each call
// here has MaxRetries 0 and finds 4 idle connections that the server closes
// as soon as it has read a request.
func TestConnNetHTTPResendsOnlyBodylessGETs(t *testing.T) {
	t.Parallel()
	const idle = 4
	calls := []struct {
		name string
		call func(*Client) error
	}{
		{"GET", func(c *Client) error { _, err := c.ListOrganizations(context.Background()); return err }},
		{"PUT", func(c *Client) error {
			_, err := c.UpdateOrganization(context.Background(), "o1", UpdateOrganizationRequest{Name: Ptr("n")})
			return err
		}},
		{"DELETE", func(c *Client) error {
			return c.DeleteOrganizationInvitations(context.Background(), "o1", []string{"tok-1"})
		}},
		{"POST", func(c *Client) error {
			_, err := c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
			return err
		}},
		{"POST_without_a_body", func(c *Client) error { return c.AcceptOrganizationInvitation(context.Background(), "tok-1") }},
	}
	for _, tc := range calls {
		for _, useTLS := range []bool{false, true} {
			var hangUp atomic.Bool
			var inFlight sync.WaitGroup
			inFlight.Add(idle)
			f := startFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if hangUp.Load() {
					if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
						conn.Close() // the whole request read, then no answer
					}
					return
				}
				inFlight.Done()
				inFlight.Wait() // the first calls hold until all are in flight: one connection each
				io.WriteString(w, `{"organizations":[]}`)
			}, useTLS)
			opts := []Option{WithRetryPolicy(RetryPolicy{})}
			if useTLS {
				pool := x509.NewCertPool()
				pool.AddCert(f.Certificate())
				opts = append(opts, WithTLSConfig(&tls.Config{RootCAs: pool}))
			}
			c := newTestClient(t, f.URL, opts...)
			var wg sync.WaitGroup
			for range idle {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.ListOrganizations(context.Background()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if n := f.conns.Load(); n != idle {
				t.Fatalf("setup: %d connections, want %d", n, idle)
			}
			before := f.requests.Load()
			hangUp.Store(true)
			err := tc.call(c)
			sends := f.requests.Load() - before
			want := int32(1)
			if tc.name == "GET" && !useTLS {
				want = idle + 1
			}
			if err == nil || sends < 1 || sends > want {
				t.Errorf("%s (TLS %t): the server saw the call %d times (err %v), want 1 to %d and an error", tc.name, useTLS, sends, err, want)
			}
		}
	}
}
