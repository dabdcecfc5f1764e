package ecloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// redirectCalls are the write operations, and a read that carries an
// invitation token in its path.
var redirectCalls = []struct {
	name string
	call func(context.Context, *Client) error
}{
	{"update_PUT", func(ctx context.Context, c *Client) error {
		_, err := c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{Name: Ptr("new name")})
		return err
	}},
	{"delete_memberships_DELETE", func(ctx context.Context, c *Client) error {
		return c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1"}, nil)
	}},
	{"delete_invitations_DELETE", func(ctx context.Context, c *Client) error {
		return c.DeleteOrganizationInvitations(ctx, "o1", []string{"tok-secret-1"})
	}},
	{"create_POST", func(ctx context.Context, c *Client) error {
		_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
		return err
	}},
	{"accept_POST", func(ctx context.Context, c *Client) error {
		return c.AcceptOrganizationInvitation(ctx, "tok-secret-1")
	}},
	{"get_invitation_GET", func(ctx context.Context, c *Client) error {
		_, err := c.GetOrganizationInvitation(ctx, "tok-secret-1")
		return err
	}},
}

// seenRequests records what a redirect target received.
type seenRequests struct {
	mu   sync.Mutex
	seen []string
}

func (s *seenRequests) handler(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seen = append(s.seen, fmt.Sprintf("%s %s Authorization=%q Referer=%q", r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Referer")))
	s.mu.Unlock()
	io.WriteString(w, tcAnySuccess)
}

func (s *seenRequests) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen
}

// TestRedirectsAreNotFollowed: the API never redirects, so any 3xx is
// returned as an *APIError of that status. Following it would turn a PUT,
// DELETE or POST into a GET that "succeeds" without writing anything (301,
// 302, 303), or send the write to another address (307, 308).
func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	var target seenRequests
	to := newFakeAPI(t, target.handler)
	for _, status := range []int{301, 302, 303, 307, 308} {
		origin := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			http.Redirect(w, r, to.URL+r.URL.Path, status)
		})
		c := newTestClient(t, origin.URL)
		for _, tc := range redirectCalls {
			err := tc.call(context.Background(), c)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Errorf("%d %s: err = %v, want the %d *APIError after 1 attempt", status, tc.name, err, status)
			}
		}
		if got, want := origin.requests.Load(), int32(len(redirectCalls)); got != want {
			t.Errorf("%d: the origin saw %d requests, want %d", status, got, want)
		}
	}
	if seen := target.all(); len(seen) != 0 {
		t.Errorf("the redirect target received %d requests, want none:\n%s", len(seen), strings.Join(seen, "\n"))
	}
}

// TestRedirectsCarryNoCredentials: a redirect to another port of the same
// host, from https to plain http, or to another host reaches nothing: no
// Authorization, no token in a path or a Referer.
func TestRedirectsCarryNoCredentials(t *testing.T) {
	t.Parallel()
	var target seenRequests
	to := newFakeAPI(t, target.handler)
	_, port, _ := net.SplitHostPort(to.Listener.Addr().String())
	redirectTo := func(base string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, base+r.URL.Path, http.StatusFound)
		}
	}
	plain := newFakeAPI(t, redirectTo("http://127.0.0.1:"+port))     // another port
	otherHost := newFakeAPI(t, redirectTo("http://localhost:"+port)) // another host name
	secure := startFakeAPI(t, redirectTo("http://127.0.0.1:"+port), true)
	pool := x509.NewCertPool()
	pool.AddCert(secure.Certificate())
	for name, c := range map[string]*Client{
		"another_port":        newTestClient(t, plain.URL),
		"another_host":        newTestClient(t, otherHost.URL),
		"https_to_plain_http": newTestClient(t, secure.URL, WithTLSConfig(&tls.Config{RootCAs: pool})),
	} {
		for _, tc := range redirectCalls {
			var apiErr *APIError
			if err := tc.call(context.Background(), c); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
				t.Errorf("%s %s: err = %v, want the 302 *APIError", name, tc.name, err)
			}
		}
	}
	if seen := target.all(); len(seen) != 0 {
		t.Errorf("the redirect target received %d requests, want none:\n%s", len(seen), strings.Join(seen, "\n"))
	}
}
