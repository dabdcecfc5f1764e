package ecloudtest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// These tests inject each kind of fault and watch it through the SDK's
// client, with the fake's log as the server-side count of requests.

// statuses returns the statuses the log holds for op, in order.
func statuses(srv *ecloudtest.Server, op string) []int {
	var out []int
	for _, r := range srv.Requests(op) {
		out = append(out, r.Status)
	}
	return out
}

// waitForRequests waits (at most a second) until the log holds n requests
// for op: a request ends in the log when the fake is done with it, which
// can come just after the client gave up.
func waitForRequests(t *testing.T, srv *ecloudtest.Server, op string, n int) []ecloudtest.Request {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Second; time.Sleep(5 * time.Millisecond) {
		if got := srv.Requests(op); len(got) >= n {
			return got
		}
	}
	t.Fatalf("the log holds %d %s requests after a second, want %d", len(srv.Requests(op)), op, n)
	return nil
}

func retrying(srv *ecloudtest.Server, p ecloud.RetryPolicy) *ecloud.Client {
	return srv.Client(ecloud.WithRetryPolicy(p))
}

var invite = ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}}

func TestFaultTimes(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.Fault(ecloud.OpListOrganizationMembers, ecloudtest.Fault{Status: 503, Times: 2})
	srv.FailNext(ecloud.OpListOrganizationMembers, 404, ecloud.CodeOrganizationNotFound) // queued after the two
	for i := range 2 {
		_, err := c.ListOrganizationMembers(ctx, "org-1")
		if !errors.Is(err, ecloud.ErrServer) {
			t.Fatalf("call %d: %v, want the injected 503", i+1, err)
		}
	}
	_, err := c.ListOrganizationMembers(ctx, "org-1")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	if _, err := c.ListOrganizationMembers(ctx, "org-1"); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
	if got, want := statuses(srv, ecloud.OpListOrganizationMembers), []int{503, 503, 404, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
}

func TestFaultHeaders(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	limits := http.Header{"X-Ratelimit-Limit": {"100"}, "X-Ratelimit-Remaining": {"0"}, "x-ratelimit-interval": {"60"}}

	// On an error: the SDK reads Retry-After and the rate limit headers.
	h := limits.Clone()
	h.Set("Retry-After", "7")
	srv.Fault(ecloud.OpCreateOrganizationInvitations, ecloudtest.Fault{Status: 429, Codes: []string{ecloud.CodeOrganizationInvitationsRateLimitExceeded}, Header: h})
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", invite)
	apiErr := wantAPIError(t, err, 429, ecloud.CodeOrganizationInvitationsRateLimitExceeded)
	if apiErr.RetryAfter != 7*time.Second || apiErr.RateLimit == nil || apiErr.RateLimit.Limit != 100 || apiErr.RateLimit.Remaining != 0 || apiErr.RateLimit.Interval != time.Minute {
		t.Errorf("RetryAfter %v, RateLimit %+v; want 7s and 100, 0, 1m", apiErr.RetryAfter, apiErr.RateLimit)
	}

	// On a success: the operation's own answer, with the headers.
	srv.Fault(ecloud.OpListOrganizationInvitations, ecloudtest.Fault{Header: limits})
	if _, err := c.ListOrganizationInvitations(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}
	if rl, ok := c.RateLimit(); !ok || rl.RawLimit != "100" || rl.Remaining != 0 {
		t.Errorf("RateLimit() = %+v, %v", rl, ok)
	}
}

// TestFaultRetryAfterIsHonoured: a client that retries waits the
// Retry-After the fault sends (measured at the server), and one whose
// MaxWait is shorter does not retry at all.
func TestFaultRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	srv, _, _ := newServer(t)
	ctx := t.Context()
	fault := ecloudtest.Fault{Status: 429, Codes: []string{ecloud.CodeOrganizationInvitationsRateLimitExceeded}, Header: http.Header{"Retry-After": {"1"}}}

	srv.Fault(ecloud.OpCreateOrganizationInvitations, fault)
	impatient := retrying(srv, ecloud.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 100 * time.Millisecond})
	_, err := impatient.CreateOrganizationInvitations(ctx, "org-1", invite)
	if apiErr := wantAPIError(t, err, 429, ecloud.CodeOrganizationInvitationsRateLimitExceeded); apiErr.Attempts != 1 || apiErr.RetryAfter != time.Second {
		t.Errorf("attempts %d, RetryAfter %v; want 1 and 1s", apiErr.Attempts, apiErr.RetryAfter)
	}

	srv.Fault(ecloud.OpCreateOrganizationInvitations, fault)
	patient := retrying(srv, ecloud.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 5 * time.Second})
	if _, err := patient.CreateOrganizationInvitations(ctx, "org-1", invite); err != nil {
		t.Fatal(err)
	}
	log := srv.Requests(ecloud.OpCreateOrganizationInvitations)
	if len(log) != 3 || log[1].Status != 429 || log[2].Status != 201 {
		t.Fatalf("log = %v, want 429, 429, 201", log)
	}
	if gap := log[2].Time.Sub(log[1].Time); gap < 950*time.Millisecond || gap > 3*time.Second {
		t.Errorf("the retry came %v after the 429, want the Retry-After of 1s", gap)
	}
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)

	// A delay, then the operation's answer.
	srv.Fault(ecloud.OpListOrganizationMembers, ecloudtest.Fault{Delay: 150 * time.Millisecond})
	start := time.Now()
	if members, err := c.ListOrganizationMembers(t.Context(), "org-1"); err != nil || len(members) != 1 {
		t.Fatalf("ListOrganizationMembers = %d members, %v", len(members), err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, want the delay of 150ms", d)
	}

	// A delay longer than the caller's deadline: the caller's error is its
	// deadline, at its deadline; the operation did not run.
	srv.Fault(ecloud.OpCreateOrganizationInvitations, ecloudtest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", invite)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the call took %v, want about the 100ms deadline", d)
	}
	log := waitForRequests(t, srv, ecloud.OpCreateOrganizationInvitations, 1)
	if log[0].Status != 0 {
		t.Errorf("logged status %d, want 0: nothing answered", log[0].Status)
	}
	if n := len(srv.Invitations("org-1")); n != 0 {
		t.Errorf("%d invitations: the abandoned request ran", n)
	}
	// The queue moved on: the next call is served at once (a fault still
	// queued would hold it for a minute: the deadline fails it instead).
	ctx, cancel = context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := c.CreateOrganizationInvitations(ctx, "org-1", invite); err != nil {
		t.Fatal(err)
	}
}

// TestCloseEndsADelay: closing the server does not wait for a delay; the
// caller gets a connection error.
func TestCloseEndsADelay(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		_, err := c.ListOrganizations(context.Background())
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond) // the request is held by now
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	var reqErr *ecloud.RequestError
	if err := <-errc; !errors.As(err, &reqErr) {
		t.Errorf("error = %v, want a *ecloud.RequestError", err)
	}
	if got := statuses(srv, ecloud.OpListOrganizations); !slices.Equal(got, []int{0}) {
		t.Errorf("statuses = %v, want [0]", got)
	}
}

func TestFaultDropBeforeAnswer(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	drop := ecloudtest.Fault{Drop: ecloudtest.DropBeforeAnswer}

	// A GET: Client() returns the connection error...
	srv.Fault(ecloud.OpListOrganizationInvitations, drop)
	_, err := c.ListOrganizationInvitations(ctx, "org-1")
	var reqErr *ecloud.RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 1 {
		t.Fatalf("error = %#v, want a *ecloud.RequestError after one attempt", err)
	}
	// ...a client that retries sends it again.
	srv.Fault(ecloud.OpListOrganizationInvitations, drop)
	if _, err := retrying(srv, ecloud.RetryPolicy{MaxRetries: 1}).ListOrganizationInvitations(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(srv, ecloud.OpListOrganizationInvitations), []int{0, 0, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}

	// A POST reached the server: not sent again, even by a client that
	// retries; the operation did not run.
	srv.Fault(ecloud.OpCreateOrganizationInvitations, drop)
	_, err = retrying(srv, ecloud.RetryPolicy{MaxRetries: 3}).CreateOrganizationInvitations(ctx, "org-1", invite)
	if !errors.As(err, &reqErr) {
		t.Fatalf("error = %v, want a *ecloud.RequestError", err)
	}
	if got := statuses(srv, ecloud.OpCreateOrganizationInvitations); !slices.Equal(got, []int{0}) {
		t.Errorf("statuses = %v, want [0]: sent once", got)
	}
	if n := len(srv.Invitations("org-1")); n != 0 {
		t.Errorf("%d invitations created", n)
	}
}

func TestFaultDropMidBody(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	drop := ecloudtest.Fault{Drop: ecloudtest.DropMidBody}

	// The POST took effect, but its answer is lost; it is not sent again.
	srv.Fault(ecloud.OpCreateOrganizationInvitations, drop)
	_, err := retrying(srv, ecloud.RetryPolicy{MaxRetries: 3}).CreateOrganizationInvitations(ctx, "org-1", invite)
	var reqErr *ecloud.RequestError
	if !errors.As(err, &reqErr) {
		t.Fatalf("error = %v, want a *ecloud.RequestError", err)
	}
	if got := emails(srv.Invitations("org-1")); !slices.Equal(got, []string{"ada@example.com"}) {
		t.Errorf("invitations = %q, want the one created before the answer was cut", got)
	}
	if got := statuses(srv, ecloud.OpCreateOrganizationInvitations); !slices.Equal(got, []int{201}) {
		t.Errorf("statuses = %v, want [201], once", got)
	}

	// A GET whose body is cut: an error for Client(), read again by a
	// client that retries.
	srv.Fault(ecloud.OpListOrganizationInvitations, ecloudtest.Fault{Drop: ecloudtest.DropMidBody, Times: 2})
	if _, err := c.ListOrganizationInvitations(ctx, "org-1"); !errors.As(err, &reqErr) {
		t.Fatalf("error = %v, want a *ecloud.RequestError", err)
	}
	list, err := retrying(srv, ecloud.RetryPolicy{MaxRetries: 1}).ListOrganizationInvitations(ctx, "org-1")
	if err != nil || len(list) != 1 {
		t.Fatalf("ListOrganizationInvitations = %d, %v", len(list), err)
	}
	if got := len(srv.Requests(ecloud.OpListOrganizationInvitations)); got != 3 {
		t.Errorf("%d list requests, want 3", got)
	}
}

// TestFaultsArePerOperation: a fault waits for a request for its own
// operation, also one that shares its path.
func TestFaultsArePerOperation(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpUpdateOrganization, 500)
	if _, err := c.GetOrganization(t.Context(), "org-1"); err != nil {
		t.Errorf("get-organization, on the same path, met the fault: %v", err)
	}
	if _, err := c.UpdateOrganization(t.Context(), "org-1", ecloud.UpdateOrganizationRequest{Name: ecloud.Ptr("Acme 2")}); !errors.Is(err, ecloud.ErrServer) {
		t.Errorf("error = %v, want the injected 500", err)
	}
}
