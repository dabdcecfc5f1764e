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
// returned as an *APIError of that status after one attempt, whatever its
// Location (to another server, unparsable, missing) and whatever the
// CheckRedirect of the caller's http.Client. Following it would turn a PUT,
// DELETE or POST into a GET that "succeeds" without writing anything (301,
// 302, 303), or send the write to another address (307, 308); an unparsable
// Location must not become a connection error that is retried, nor reach the
// error's text (it may echo a token).
func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	var target seenRequests
	to := newFakeAPI(t, target.handler)
	follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	for _, location := range []string{"to_another_server", "unparsable", "missing"} {
		for _, status := range []int{301, 302, 303, 307, 308} {
			origin := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				switch location {
				case "to_another_server":
					http.Redirect(w, r, to.URL+r.URL.Path, status)
				case "unparsable":
					w.Header().Set("Location", "http://[::1"+r.URL.Path)
					w.WriteHeader(status)
				default:
					w.WriteHeader(status)
				}
			})
			for client, c := range map[string]*Client{
				"SDK transport":       newTestClient(t, origin.URL),
				"caller that follows": newTestClient(t, origin.URL, WithHTTPClient(follow)),
			} {
				for _, tc := range redirectCalls {
					err := tc.call(context.Background(), c)
					var apiErr *APIError
					if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
						t.Errorf("%s, %d %s, %s: err = %v, want the %d *APIError after 1 attempt", client, status, location, tc.name, err, status)
					}
					if err != nil && strings.Contains(fmt.Sprintf("%v %+v", err, err), "[::1") {
						t.Errorf("%s, %d %s, %s: the error holds the Location: %v", client, status, location, tc.name, err)
					}
				}
			}
			if got, want := origin.requests.Load(), int32(2*len(redirectCalls)); got != want {
				t.Errorf("%d %s: the origin saw %d requests, want %d", status, location, got, want)
			}
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
