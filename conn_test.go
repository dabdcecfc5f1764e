package ecloud

// Connection reuse (issue 5), asserted as counts of the TCP connections the
// test server accepts (its ConnState hook, http.StateNew), never as times.

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"testing"
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
// (the README's advice). A caller's client with the net/http default pool of
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
