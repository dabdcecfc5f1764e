package orgsync

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const org = "org-1"

var t0 = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// recorder is an http.RoundTripper that records every request the client
// sends, retries included: "METHOD path" and the body.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []sent
}

type sent struct {
	method, path, body string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, sent{req.Method, req.URL.EscapedPath(), string(body)})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// sent returns the requests so far.
func (r *recorder) sent() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// writes returns the requests so far that are not GETs, as "METHOD path
// body" (the path without the API root).
func (r *recorder) writes() []string {
	var out []string
	for _, s := range r.sent() {
		if s.method != http.MethodGet {
			out = append(out, strings.TrimSpace(s.method+" "+strings.TrimPrefix(s.path, "/api/v1")+" "+s.body))
		}
	}
	return out
}

// fixture is a fake API with organization org-1, its clock at t0, and a
// client whose requests are recorded, which retries as a real client does
// (without waiting), so that tests see what Apply's own caller would.
type fixture struct {
	srv    *ecloudtest.Server
	client *ecloud.Client
	rec    *recorder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	srv.SetClock(func() time.Time { return t0 })
	srv.AddOrganization(ecloud.Organization{ID: org, Name: "Acme"})
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	rec := &recorder{next: tr}
	return &fixture{srv: srv, client: srv.Client(ecloud.WithHTTPClient(&http.Client{Transport: rec}), ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 3})), rec: rec}
}

// member adds a member whose user ID is "u-" and the part of email before
// "@".
func (f *fixture) member(email string, roles ...ecloud.RoleAssignments) {
	f.srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u-" + email[:strings.IndexByte(email, '@')], Email: email, RoleAssignments: ptrRoles(roles...)})
}

// invitation adds an invitation created at t0 plus created, with roles.
// state is "pending", "expired" or "accepted".
func (f *fixture) invitation(email, state string, roles ...ecloud.RoleAssignments) ecloud.OrganizationInvitation {
	inv := ecloud.OrganizationInvitation{Email: email, CreatedAt: t0.Add(-time.Hour), RoleAssignments: ptrRoles(roles...)}
	switch state {
	case "expired":
		inv.CreatedAt = t0.Add(-10 * 24 * time.Hour)
	case "accepted":
		inv.CreatedAt = t0.Add(-10 * 24 * time.Hour)
		inv.AcceptedAt = &inv.CreatedAt
	}
	return f.srv.AddInvitation(org, inv)
}

// roles returns the roles of the member with that email, canonical, nil
// for none; it fails the test when there is no such member.
func (f *fixture) roles(t *testing.T, email string) *ecloud.RoleAssignments {
	t.Helper()
	for _, m := range f.srv.Members(org) {
		if strings.EqualFold(m.Email, email) {
			return m.RoleAssignments
		}
	}
	t.Fatalf("%s is not a member", email)
	return nil
}

// state is the fake's members and invitations, as JSON.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal([]any{f.srv.Members(org), f.srv.Invitations(org)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// plan plans want against the fixture and fails the test on an error.
func (f *fixture) plan(t *testing.T, want Desired) *Plan {
	t.Helper()
	p, err := NewPlan(t.Context(), f.client, org, want)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// apply applies p with opts and fails the test on an error.
func (f *fixture) apply(t *testing.T, p *Plan, opts *ApplyOptions) *Result {
	t.Helper()
	res, err := Apply(t.Context(), f.client, p, opts)
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, res)
	}
	return res
}

// ptrRoles is the union of roles, nil for none.
func ptrRoles(roles ...ecloud.RoleAssignments) *ecloud.RoleAssignments {
	if len(roles) == 0 {
		return nil
	}
	r := union(roles...)
	return &r
}

// union concatenates role assignments.
func union(roles ...ecloud.RoleAssignments) ecloud.RoleAssignments {
	var out ecloud.RoleAssignments
	for _, r := range roles {
		out.Platform = append(out.Platform, r.Platform...)
		out.Organization = append(out.Organization, r.Organization...)
		out.Deployment = append(out.Deployment, r.Deployment...)
		if r.Project != nil {
			if out.Project == nil {
				out.Project = &ecloud.ProjectRoleAssignments{}
			}
			out.Project.Elasticsearch = append(out.Project.Elasticsearch, r.Project.Elasticsearch...)
			out.Project.Security = append(out.Project.Security, r.Project.Security...)
		}
	}
	return out
}

// orgRole is the organization role in org-1.
func orgRole(role string) ecloud.RoleAssignments {
	return ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: role, OrganizationID: org}}}
}

var admin = orgRole(AdminRole)

// viewer is deployment-viewer in org-1 on ids, or on all deployments for
// the single ID "all".
func viewer(ids ...string) ecloud.RoleAssignments {
	a := ecloud.DeploymentRoleAssignment{RoleID: "deployment-viewer", OrganizationID: org, DeploymentIDs: ids}
	if len(ids) == 1 && ids[0] == "all" {
		a = ecloud.DeploymentRoleAssignment{RoleID: "deployment-viewer", OrganizationID: org, All: ecloud.Ptr(true)}
	}
	return ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{a}}
}

// lines splits text into lines, without the last newline.
func lines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}
