package invitesync_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"example.com/invitesync"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

var now = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// newOrg is a fake with organization org-1: three invitations that expired
// unaccepted, one pending and one accepted after it expired.
func newOrg(t *testing.T) *ecloudtest.Server {
	srv := ecloudtest.NewServer(t) // closed when the test ends
	srv.SetClock(func() time.Time { return now })
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	week := 7 * 24 * time.Hour
	accepted := now.Add(-week)
	for _, inv := range []ecloud.OrganizationInvitation{
		{Email: "old1@example.com", CreatedAt: now.Add(-2 * week)},
		{Email: "old2@example.com", CreatedAt: now.Add(-2 * week)},
		{Email: "old3@example.com", CreatedAt: now.Add(-2 * week)},
		{Email: "new@example.com", CreatedAt: now.Add(-time.Hour)},
		{Email: "joined@example.com", CreatedAt: now.Add(-2 * week), AcceptedAt: &accepted},
	} {
		srv.AddInvitation("org-1", inv)
	}
	return srv
}

// tokensOf returns the tokens of the invitations of emails.
func tokensOf(srv *ecloudtest.Server, emails ...string) []string {
	var out []string
	for _, inv := range srv.Invitations("org-1") {
		if slices.Contains(emails, inv.Email) {
			out = append(out, inv.Token)
		}
	}
	return out
}

func TestRevokesInBatches(t *testing.T) {
	srv := newOrg(t)
	want := tokensOf(srv, "old1@example.com", "old2@example.com", "old3@example.com")

	revoked, err := invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(revoked, []string{"old1@example.com", "old2@example.com", "old3@example.com"}) {
		t.Errorf("revoked %q", revoked)
	}
	// Which tokens did the job revoke, and in how many calls? The log says.
	var calls [][]string
	for _, r := range srv.Requests(ecloud.OpDeleteOrganizationInvitations) {
		calls = append(calls, r.List("invitation_tokens"))
	}
	if len(calls) != 2 || !slices.Equal(slices.Concat(calls...), want) || len(calls[0]) != 2 {
		t.Errorf("delete calls %q, want the three expired tokens in batches of 2", calls)
	}
	if left := srv.Invitations("org-1"); len(left) != 2 {
		t.Errorf("%d invitations left, want the pending and the accepted one", len(left))
	}
}

func TestListingFails(t *testing.T) {
	srv := newOrg(t)
	srv.FailNext(ecloud.OpListOrganizationInvitations, http.StatusServiceUnavailable)
	_, err := invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{})
	if !errors.Is(err, ecloud.ErrServer) {
		t.Fatalf("error = %v, want the 503", err)
	}
	if n := len(srv.Requests(ecloud.OpDeleteOrganizationInvitations)); n != 0 {
		t.Errorf("%d delete calls after a failed listing", n)
	}
}

// TestRetriesWhenTheClientDoes: the job adds no retries of its own; a client
// that retries gets it through two 503s on the listing.
func TestRetriesWhenTheClientDoes(t *testing.T) {
	srv := newOrg(t)
	srv.Fault(ecloud.OpListOrganizationInvitations, ecloudtest.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	client := srv.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 2}))
	if _, err := invitesync.RevokeExpired(t.Context(), client, "org-1", invitesync.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests(ecloud.OpListOrganizationInvitations)); n != 3 {
		t.Errorf("%d list calls, want 3", n)
	}
}

// TestSlowDeleteTripsTheDeadline: a delete slower than PerCall fails the run
// at PerCall, and the rest is left for the next run.
func TestSlowDeleteTripsTheDeadline(t *testing.T) {
	srv := newOrg(t)
	srv.Fault(ecloud.OpDeleteOrganizationInvitations, ecloudtest.Fault{Delay: time.Minute})
	start := time.Now()
	revoked, err := invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{Batch: 2, PerCall: 100 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || len(revoked) != 0 {
		t.Fatalf("revoked %q, error %v; want nothing and the deadline", revoked, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the run took %v, want about the 100ms deadline", d)
	}
	// The next run does it all.
	revoked, err = invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{Batch: 2})
	if err != nil || len(revoked) != 3 {
		t.Fatalf("second run: revoked %q, %v", revoked, err)
	}
}

// TestLostAnswer: the connection drops while the answer of a delete is
// being read; the invitations are gone all the same, and a second run
// finds nothing more to do.
func TestLostAnswer(t *testing.T) {
	srv := newOrg(t)
	srv.Fault(ecloud.OpDeleteOrganizationInvitations, ecloudtest.Fault{Drop: ecloudtest.DropMidBody})
	if _, err := invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{}); err == nil {
		t.Fatal("no error for a lost answer")
	}
	revoked, err := invitesync.RevokeExpired(t.Context(), srv.Client(), "org-1", invitesync.Options{})
	if err != nil || len(revoked) != 0 {
		t.Fatalf("second run: revoked %q, %v; want nothing", revoked, err)
	}
	if got := len(srv.Requests(ecloud.OpDeleteOrganizationInvitations)); got != 1 {
		t.Errorf("%d delete calls, want 1", got)
	}
}

// TestWithHTTPMock: the same job against scripted answers, on a mock
// transport that fails the test for any request it has no answer for.
func TestWithHTTPMock(t *testing.T) {
	mock := ecloudtest.NewMockTransport(t)
	expired := ecloud.OrganizationInvitation{Token: "tok-1", Email: "old@example.com", Expired: true,
		CreatedAt: now.Add(-10 * 24 * time.Hour), ExpiresAt: now.Add(-7 * 24 * time.Hour), Organization: ecloud.Organization{ID: "org-1"}}
	ecloudtest.RegisterJSON(mock, ecloud.OpListOrganizationInvitations, []ecloud.OrganizationInvitation{expired})
	ecloudtest.RegisterError(mock, ecloud.OpDeleteOrganizationInvitations, http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound)
	client, err := ecloud.NewClient(ecloud.WithAPIKey("test-key"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}), ecloud.WithRetryPolicy(ecloud.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = invitesync.RevokeExpired(t.Context(), client, "org-1", invitesync.Options{})
	if !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationNotFound) {
		t.Fatalf("error = %v", err)
	}
}
