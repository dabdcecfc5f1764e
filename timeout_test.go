package ecloud

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// stall keeps a request without an answer until the client gives up (or 3
// seconds pass, so that a client that never gives up fails the test instead
// of hanging it).
func stall(r *http.Request) {
	io.Copy(io.Discard, r.Body) // so that the server notices the client hanging up
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
}

// TestAttemptTimeout: with WithAttemptTimeout(d), or the Timeout d of the
// http.Client given to WithHTTPClient, an attempt whose headers or body do
// not all arrive within d fails as a connection error would: GET is
// retried, POST is not (it may have reached the server), and the error
// matches context.DeadlineExceeded and is a net.Error timeout.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	const d = 100 * time.Millisecond
	stallHeaders := func(w http.ResponseWriter, r *http.Request) { stall(r) }
	stallBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "500")
		io.WriteString(w, `{"invitations":[`)
		w.(http.Flusher).Flush()
		stall(r)
	}
	bounds := map[string]Option{
		"WithAttemptTimeout":  WithAttemptTimeout(d),
		"http.Client.Timeout": WithHTTPClient(&http.Client{Timeout: d}),
	}
	for _, tc := range []struct {
		name  string
		first http.HandlerFunc // the first request's answer; later ones get invitationsJSON
		post  bool
	}{
		{"GET_headers_stall", stallHeaders, false},
		{"GET_body_stalls", stallBody, false},
		{"POST_headers_stall", stallHeaders, true},
		{"POST_body_stalls", stallBody, true},
	} {
		for bound, opt := range bounds {
			t.Run(tc.name+"/"+bound, func(t *testing.T) {
				t.Parallel()
				var f *fakeAPI
				f = newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
					if f.requests.Load() == 1 {
						tc.first(w, r)
						return
					}
					w.WriteHeader(http.StatusCreated)
					io.WriteString(w, invitationsJSON)
				})
				c := newTestClient(t, f.URL, opt)
				start := time.Now()
				var err error
				if tc.post {
					_, err = c.CreateOrganizationInvitations(context.Background(), "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
				} else {
					_, err = c.ListOrganizationInvitations(context.Background(), "o1")
				}
				elapsed := time.Since(start)
				if elapsed < d || elapsed > 2*time.Second {
					t.Errorf("the call took %v, want about the %v attempt timeout", elapsed, d)
				}
				if !tc.post {
					if err != nil || f.requests.Load() != 2 {
						t.Errorf("err = %v after %d requests, want success on the retry (2 requests)", err, f.requests.Load())
					}
					return
				}
				var reqErr *RequestError
				var netErr net.Error
				if !errors.As(err, &reqErr) || reqErr.Attempts != 1 || !errors.Is(err, context.DeadlineExceeded) ||
					!errors.As(err, &netErr) || !netErr.Timeout() {
					t.Errorf("err = %v, want a *RequestError after 1 attempt matching context.DeadlineExceeded and a net.Error timeout", err)
				}
				if got := f.requests.Load(); got != 1 {
					t.Errorf("the server saw %d requests, want 1 (a timed-out POST is not retried)", got)
				}
			})
		}
	}
}

// TestAttemptTimeoutZeroIsOff: WithAttemptTimeout(0) leaves calls bounded by
// their context only; the same slow answer fails with a short timeout.
func TestAttemptTimeoutZeroIsOff(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		io.WriteString(w, invitationsJSON)
	})
	off := newTestClient(t, f.URL, WithAttemptTimeout(0), WithRetryPolicy(RetryPolicy{}))
	if _, err := off.ListOrganizationInvitations(context.Background(), "o1"); err != nil {
		t.Errorf("WithAttemptTimeout(0): %v", err)
	}
	short := newTestClient(t, f.URL, WithAttemptTimeout(50*time.Millisecond), WithRetryPolicy(RetryPolicy{}))
	if _, err := short.ListOrganizationInvitations(context.Background(), "o1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WithAttemptTimeout(50ms): err = %v, want a timeout", err)
	}
}

// TestProtocolSwitchDoesNotOutliveTheContext: a 101 Switching Protocols
// answer followed by silence (its body is the raw connection, which no
// context governs) is an *APIError at once, never a read that outlives the
// caller's deadline; the attempt timeout is off to show the context rules.
func TestProtocolSwitchDoesNotOutliveTheContext(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf := hijack(t, w)
		if conn == nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.Copy(io.Discard, buf) // silence, until the client hangs up or 2 seconds pass
	})
	c := newTestClient(t, f.URL, WithAttemptTimeout(0))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListOrganizations(ctx)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the call returned %v after it started, past its 300ms deadline", elapsed)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("err = %v, want the 101 *APIError", err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("the server saw %d requests, want 1", got)
	}
}
