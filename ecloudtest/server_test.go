package ecloudtest_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/google/go-cmp/cmp"
)

// t0 is the fake's clock in tests that set one.
var t0 = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for Server.SetClock.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// newServer is a server with organization "org-1" (Acme) holding one member,
// owner@example.com (user "u-owner"), on a clock at t0.
func newServer(t *testing.T) (*ecloudtest.Server, *ecloud.Client, *clock) {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	clk := newClock(t0)
	srv.SetClock(clk.now)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-owner", Name: "Owner", Email: "owner@example.com"})
	return srv, srv.Client(), clk
}

// wantAPIError checks that err is an *ecloud.APIError with status and code,
// the code both in the x-cloud-error-codes header (Codes) and in the body
// (Errors, with a message).
func wantAPIError(t *testing.T, err error, status int, code string) *ecloud.APIError {
	t.Helper()
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *ecloud.APIError %d %s", err, status, code)
	}
	if apiErr.StatusCode != status {
		t.Errorf("status = %d, want %d (%v)", apiErr.StatusCode, status, err)
	}
	if !slices.Contains(apiErr.Codes, code) {
		t.Errorf("x-cloud-error-codes = %q, want %q", apiErr.Codes, code)
	}
	i := slices.IndexFunc(apiErr.Errors, func(d ecloud.ErrorDetail) bool { return d.Code == code })
	if i < 0 {
		t.Errorf("body errors = %+v, want code %q", apiErr.Errors, code)
	} else if apiErr.Errors[i].Message == "" {
		t.Errorf("body error %q has no message", code)
	}
	return apiErr
}

func emails(invs []ecloud.OrganizationInvitation) []string {
	var out []string
	for _, in := range invs {
		out = append(out, in.Email)
	}
	return out
}

func userIDs(ms []ecloud.OrganizationMembership) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.UserID)
	}
	return out
}

func TestURLEndsWithAPIRoot(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") || !strings.HasSuffix(srv.URL(), "/api/v1") {
		t.Fatalf("URL() = %q, want http://127.0.0.1:<port>/api/v1", srv.URL())
	}
	// A client built by hand from URL works as well as Client().
	c, err := ecloud.NewClient(ecloud.WithAPIKey("k"), ecloud.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	srv.AddOrganization(ecloud.Organization{ID: "o", Name: "Org"})
	list, err := c.ListOrganizations(t.Context())
	if err != nil || len(list.Organizations) != 1 || list.Organizations[0].ID != "o" {
		t.Fatalf("ListOrganizations = %+v, %v", list, err)
	}
}

func TestClientOptions(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "o", Name: "Org"})
	// Credentials of the caller's own replace the default API key.
	c := srv.Client(ecloud.WithBasicAuth("admin", "secret"))
	if _, err := c.GetOrganization(t.Context(), "o"); err != nil {
		t.Fatal(err)
	}
	// The Authorization the fake saw is not in its log.
	for _, r := range srv.Requests() {
		if strings.Contains(fmt.Sprintf("%#v", r), "secret") {
			t.Errorf("the log holds the credential: %#v", r)
		}
	}
}

func TestOrganizations(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddOrganization(ecloud.Organization{ID: "org-0", Name: "Zeta", BillingContacts: []string{"bill@example.com"}})

	list, err := c.ListOrganizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []ecloud.Organization{
		{ID: "org-0", Name: "Zeta", BillingContacts: []string{"bill@example.com"}},
		{ID: "org-1", Name: "Acme"},
	}
	if diff := cmp.Diff(want, list.Organizations); diff != "" {
		t.Errorf("ListOrganizations (-want +got):\n%s", diff)
	}

	org, err := c.GetOrganization(ctx, "org-1")
	if err != nil || org.Name != "Acme" {
		t.Fatalf("GetOrganization = %+v, %v", org, err)
	}
	_, err = c.GetOrganization(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	if !errors.Is(err, ecloud.ErrNotFound) {
		t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
	}

	// Update: fields set are changed, fields left nil are kept.
	org, err = c.UpdateOrganization(ctx, "org-0", ecloud.UpdateOrganizationRequest{
		Name:                          ecloud.Ptr("Zeta Corp"),
		DefaultDiskUsageAlertsEnabled: ecloud.Ptr(false),
		OperationalContacts:           []string{"ops@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantOrg := ecloud.Organization{ID: "org-0", Name: "Zeta Corp", DefaultDiskUsageAlertsEnabled: ecloud.Ptr(false),
		BillingContacts: []string{"bill@example.com"}, OperationalContacts: []string{"ops@example.com"}}
	if diff := cmp.Diff(wantOrg, *org); diff != "" {
		t.Errorf("UpdateOrganization (-want +got):\n%s", diff)
	}
	if got, _ := c.GetOrganization(ctx, "org-0"); got == nil || got.Name != "Zeta Corp" {
		t.Errorf("the update was not stored: %+v", got)
	}
	// An empty list clears a field.
	if org, err = c.UpdateOrganization(ctx, "org-0", ecloud.UpdateOrganizationRequest{BillingContacts: []string{}}); err != nil || len(org.BillingContacts) != 0 {
		t.Errorf("clearing billing contacts = %+v, %v", org, err)
	}

	for _, name := range []string{"A", strings.Repeat("n", 31), "  x  "} {
		_, err = c.UpdateOrganization(ctx, "org-0", ecloud.UpdateOrganizationRequest{Name: ecloud.Ptr(name)})
		wantAPIError(t, err, 400, ecloud.CodeOrganizationInvalidName)
	}
	if _, err := c.UpdateOrganization(ctx, "org-0", ecloud.UpdateOrganizationRequest{Name: ecloud.Ptr(strings.Repeat("n", 30))}); err != nil {
		t.Errorf("a 30-character name was refused: %v", err)
	}
	_, err = c.UpdateOrganization(ctx, "nope", ecloud.UpdateOrganizationRequest{Name: ecloud.Ptr("Fine")})
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
}

func TestIDsWithReservedCharacters(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	c := srv.Client()
	const org = "team/a b?%"
	srv.AddOrganization(ecloud.Organization{ID: org, Name: "Slashy"})
	srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u/1"})
	srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u 2"})
	srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u3"})
	if got, err := c.GetOrganization(t.Context(), org); err != nil || got.ID != org {
		t.Fatalf("GetOrganization(%q) = %+v, %v", org, got, err)
	}
	if err := c.DeleteOrganizationMemberships(t.Context(), org, []string{"u/1", "u 2"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := userIDs(srv.Members(org)); !slices.Equal(got, []string{"u3"}) {
		t.Errorf("members left = %q, want [u3]", got)
	}
}

func TestMembers(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "two@example.com"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-3", Email: "three@example.com", MemberSince: t0.Add(-time.Hour)})

	members, err := c.ListOrganizationMembers(ctx, "org-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []ecloud.OrganizationMembership{
		{OrganizationID: "org-1", UserID: "u-owner", Name: "Owner", Email: "owner@example.com", MemberSince: t0},
		{OrganizationID: "org-1", UserID: "u-2", Email: "two@example.com", MemberSince: t0},
		{OrganizationID: "org-1", UserID: "u-3", Email: "three@example.com", MemberSince: t0.Add(-time.Hour)},
	}
	if diff := cmp.Diff(want, members); diff != "" {
		t.Errorf("ListOrganizationMembers (-want +got):\n%s", diff)
	}
	_, err = c.ListOrganizationMembers(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)

	// One unknown user fails the whole call and removes nobody.
	err = c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-2", "u-unknown"}, nil)
	apiErr := wantAPIError(t, err, 404, ecloud.CodeOrganizationMembershipNotFound)
	if !strings.Contains(apiErr.Errors[0].Message, "u-unknown") {
		t.Errorf("message %q does not name the unknown user", apiErr.Errors[0].Message)
	}
	if got := userIDs(srv.Members("org-1")); len(got) != 3 {
		t.Errorf("members after a failed delete = %q, want all three", got)
	}
	err = c.DeleteOrganizationMemberships(ctx, "nope", []string{"u-2"}, nil)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)

	if err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-2", "u-3"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := userIDs(srv.Members("org-1")); !slices.Equal(got, []string{"u-owner"}) {
		t.Errorf("members = %q, want [u-owner]", got)
	}
	// Deleting a member twice: the second time it is not one.
	err = c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-2"}, nil)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationMembershipNotFound)
}

func TestDeleteLastMemberNeedsForce(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	for _, opts := range []*ecloud.DeleteMembershipsOptions{nil, {}, {Force: ecloud.Ptr(false)}} {
		err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-owner"}, opts)
		apiErr := wantAPIError(t, err, 400, ecloud.CodeRootInvalidData)
		if !slices.Equal(apiErr.Errors[0].Fields, []string{"force"}) {
			t.Errorf("fields = %q, want [force]", apiErr.Errors[0].Fields)
		}
	}
	if got := userIDs(srv.Members("org-1")); len(got) != 1 {
		t.Fatalf("the last member was removed without force: %q", got)
	}
	if err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-owner"}, &ecloud.DeleteMembershipsOptions{Force: ecloud.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Members("org-1"); len(got) != 0 {
		t.Errorf("members after a forced delete = %+v", got)
	}
}

func TestCreateInvitations(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	roles := &ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1"}}}
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{
		Emails: []string{"ada@example.com", "Alan@Example.com"}, RoleAssignments: roles,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 2 {
		t.Fatalf("got %d invitations, want 2", len(invs))
	}
	for i, email := range []string{"ada@example.com", "Alan@Example.com"} {
		got := invs[i]
		if len(got.Token) < 20 {
			t.Errorf("invitation %d: token of %d characters, want a random one of at least 20", i, len(got.Token))
		}
		got.Token = ""
		want := ecloud.OrganizationInvitation{
			Email: email, CreatedAt: t0, ExpiresAt: t0.Add(72 * time.Hour),
			Organization: ecloud.Organization{ID: "org-1", Name: "Acme"}, RoleAssignments: roles,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("invitation %d (-want +got):\n%s", i, diff)
		}
	}
	if invs[0].Token == invs[1].Token {
		t.Error("two invitations have the same token")
	}
	// They are stored: the list and Invitations show them.
	listed, err := c.ListOrganizationInvitations(ctx, "org-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(invs, listed); diff != "" {
		t.Errorf("listed (-created +listed):\n%s", diff)
	}
	if diff := cmp.Diff(invs, srv.Invitations("org-1")); diff != "" {
		t.Errorf("Invitations (-created +stored):\n%s", diff)
	}
	_, err = c.ListOrganizationInvitations(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	_, err = c.CreateOrganizationInvitations(ctx, "nope", ecloud.CreateInvitationsRequest{Emails: []string{"x@example.com"}})
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	if srv.Invitations("nope") != nil {
		t.Error("Invitations of an unknown organization is not nil")
	}
}

func TestExpiresIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration // 0: refused
	}{
		{"", 72 * time.Hour},
		{"7d", 7 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"0d", 0},
		{"-1h", 0},
		{"0s", 0},
		{"3 days", 0},
		{"d", 0},
		{"1.5d", 0},
		{"-2d", 0},
		{"2025-07-01T00:00:00Z", 0},
		{"7", 0},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := newServer(t)
			invs, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, ExpiresIn: tc.in})
			if tc.want == 0 {
				apiErr := wantAPIError(t, err, 400, ecloud.CodeRootInvalidData)
				if !slices.Equal(apiErr.Errors[0].Fields, []string{"expires_in"}) {
					t.Errorf("fields = %q, want [expires_in]", apiErr.Errors[0].Fields)
				}
				if n := len(srv.Invitations("org-1")); n != 0 {
					t.Errorf("%d invitations stored after a refusal", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := invs[0].ExpiresAt.Sub(invs[0].CreatedAt); got != tc.want {
				t.Errorf("expires_at - created_at = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExpiredIsComputedFromTheClock(t *testing.T) {
	t.Parallel()
	srv, c, clk := newServer(t)
	ctx := t.Context()
	if _, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, ExpiresIn: "1h"}); err != nil {
		t.Fatal(err)
	}
	expired := func() bool {
		t.Helper()
		list, err := c.ListOrganizationInvitations(ctx, "org-1")
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %d invitations, %v", len(list), err)
		}
		if got := srv.Invitations("org-1")[0].Expired; got != list[0].Expired {
			t.Errorf("Invitations says expired=%v, the API %v", got, list[0].Expired)
		}
		return list[0].Expired
	}
	if expired() {
		t.Error("expired right after creation")
	}
	clk.add(59 * time.Minute)
	if expired() {
		t.Error("expired before expires_at")
	}
	clk.add(time.Minute)
	if !expired() {
		t.Error("not expired at expires_at")
	}
}

func TestInvitationErrors(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	if _, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		emails []string
		code   string
	}{
		{"already invited", []string{"ada@example.com"}, ecloud.CodeOrganizationInvitationAlreadyExists},
		{"already invited, other case", []string{"ADA@example.com"}, ecloud.CodeOrganizationInvitationAlreadyExists},
		{"twice in one request", []string{"bob@example.com", "bob@example.com"}, ecloud.CodeOrganizationInvitationAlreadyExists},
		{"a member", []string{"owner@example.com"}, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs},
		{"no at", []string{"ada.example.com"}, ecloud.CodeOrganizationInvitationInvalidEmail},
		{"no domain dot", []string{"ada@localhost"}, ecloud.CodeOrganizationInvitationInvalidEmail},
		{"display name", []string{"Ada <ada2@example.com>"}, ecloud.CodeOrganizationInvitationInvalidEmail},
		{"space", []string{"a da@example.com"}, ecloud.CodeOrganizationInvitationInvalidEmail},
		{"one bad among good", []string{"carl@example.com", "bad"}, ecloud.CodeOrganizationInvitationInvalidEmail},
	} {
		_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: tc.emails})
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, err, 400, tc.code) })
	}
	// Nothing was created by the refused requests.
	if got := emails(srv.Invitations("org-1")); !slices.Equal(got, []string{"ada@example.com"}) {
		t.Errorf("invitations = %q, want only ada@example.com", got)
	}

	// Several refused addresses: one error each, codes listed once each.
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"x", "y", "ada@example.com"}})
	apiErr := wantAPIError(t, err, 400, ecloud.CodeOrganizationInvitationInvalidEmail)
	wantCodes := []string{ecloud.CodeOrganizationInvitationInvalidEmail, ecloud.CodeOrganizationInvitationAlreadyExists}
	if !slices.Equal(apiErr.Codes, wantCodes) || len(apiErr.Errors) != 3 {
		t.Errorf("codes %q and %d errors, want %q and 3", apiErr.Codes, len(apiErr.Errors), wantCodes)
	}
	if want := []string{"emails[2]"}; !slices.Equal(apiErr.Errors[2].Fields, want) {
		t.Errorf("fields of the third error = %q, want %q", apiErr.Errors[2].Fields, want)
	}
}

func TestExpiredInvitationIsReplaced(t *testing.T) {
	t.Parallel()
	srv, c, clk := newServer(t)
	ctx := t.Context()
	old, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, ExpiresIn: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	clk.add(2 * time.Hour)
	fresh, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	if err != nil {
		t.Fatalf("re-inviting after expiry: %v", err)
	}
	stored := srv.Invitations("org-1")
	if len(stored) != 1 || stored[0].Token != fresh[0].Token || stored[0].Expired || !stored[0].CreatedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("invitations after re-inviting: %q, want only the fresh one", emails(stored))
	}
	_, err = c.GetOrganizationInvitation(ctx, old[0].Token)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
}

func TestGetInvitation(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetOrganizationInvitation(ctx, invs[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(invs[0], *got); diff != "" {
		t.Errorf("GetOrganizationInvitation (-created +got):\n%s", diff)
	}
	const unknown = "no-such-token-0123456789"
	_, err = c.GetOrganizationInvitation(ctx, unknown)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
	if strings.Contains(err.Error(), unknown) {
		t.Errorf("the error shows the token: %v", err)
	}
}

func TestAcceptInvitation(t *testing.T) {
	t.Parallel()
	srv, c, clk := newServer(t)
	ctx := t.Context()
	roles := &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-1", All: ecloud.Ptr(true)}}}
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, RoleAssignments: roles})
	if err != nil {
		t.Fatal(err)
	}
	token := invs[0].Token
	clk.add(time.Hour)
	if err := c.AcceptOrganizationInvitation(ctx, token); err != nil {
		t.Fatal(err)
	}
	members := srv.Members("org-1")
	if len(members) != 2 {
		t.Fatalf("members = %q, want the owner and ada", userIDs(members))
	}
	ada := members[1]
	if ada.UserID == "" {
		t.Error("the new member has no user ID")
	}
	ada.UserID = ""
	want := ecloud.OrganizationMembership{OrganizationID: "org-1", Email: "ada@example.com", MemberSince: t0.Add(time.Hour), RoleAssignments: roles}
	if diff := cmp.Diff(want, ada); diff != "" {
		t.Errorf("new member (-want +got):\n%s", diff)
	}
	// The invitation stays, marked accepted.
	got, err := c.GetOrganizationInvitation(ctx, token)
	if err != nil || got.AcceptedAt == nil || !got.AcceptedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("accepted invitation = accepted_at %v, %v; want %v", got.AcceptedAt, err, t0.Add(time.Hour))
	}
	// Accepting again while a member: already belongs.
	err = c.AcceptOrganizationInvitation(ctx, token)
	wantAPIError(t, err, 400, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs)
	if strings.Contains(err.Error(), token) {
		t.Errorf("the error shows the token: %v", err)
	}
	// After the member was removed the invitation is used up.
	if err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{members[1].UserID}, nil); err != nil {
		t.Fatal(err)
	}
	err = c.AcceptOrganizationInvitation(ctx, token)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)

	err = c.AcceptOrganizationInvitation(ctx, "unknown-token")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
}

func TestAcceptExpiredInvitation(t *testing.T) {
	t.Parallel()
	srv, c, clk := newServer(t)
	invs, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, ExpiresIn: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	clk.add(time.Hour)
	err = c.AcceptOrganizationInvitation(t.Context(), invs[0].Token)
	wantAPIError(t, err, 400, ecloud.CodeRootInvalidData)
	if n := len(srv.Members("org-1")); n != 1 {
		t.Errorf("%d members after accepting an expired invitation, want 1", n)
	}
}

func TestAcceptedUserKeepsTheirID(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	srv.AddMember("org-2", ecloud.OrganizationMembership{UserID: "u-ada", Email: "ada@example.com"})
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AcceptOrganizationInvitation(ctx, invs[0].Token); err != nil {
		t.Fatal(err)
	}
	if got := userIDs(srv.Members("org-1")); !slices.Equal(got, []string{"u-owner", "u-ada"}) {
		t.Errorf("members of org-1 = %q, want [u-owner u-ada]: a known user keeps their ID", got)
	}
}

func TestDeleteInvitations(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	other := srv.AddInvitation("org-2", ecloud.OrganizationInvitation{Email: "zed@example.com"})
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"a@example.com", "b@example.com", "c@example.com"}})
	if err != nil {
		t.Fatal(err)
	}

	// All or nothing: an unknown token, or one of another organization.
	for _, bad := range []string{"unknown-token", other.Token} {
		err = c.DeleteOrganizationInvitations(ctx, "org-1", []string{invs[0].Token, bad})
		wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
		if strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), invs[0].Token) {
			t.Errorf("the error shows a token: %v", err)
		}
	}
	if n := len(srv.Invitations("org-1")); n != 3 {
		t.Fatalf("%d invitations after failed deletes, want 3", n)
	}
	err = c.DeleteOrganizationInvitations(ctx, "nope", []string{invs[0].Token})
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)

	if err := c.DeleteOrganizationInvitations(ctx, "org-1", []string{invs[0].Token, invs[2].Token}); err != nil {
		t.Fatal(err)
	}
	if got := emails(srv.Invitations("org-1")); !slices.Equal(got, []string{"b@example.com"}) {
		t.Errorf("invitations left = %q, want [b@example.com]", got)
	}
	_, err = c.GetOrganizationInvitation(ctx, invs[0].Token)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
	if got := emails(srv.Invitations("org-2")); !slices.Equal(got, []string{"zed@example.com"}) {
		t.Errorf("the other organization's invitations changed: %q", got)
	}
}

func TestAddInvitationSeedsState(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	accepted := t0.Add(-47 * time.Hour)
	seeded := []ecloud.OrganizationInvitation{
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "old@example.com", CreatedAt: t0.Add(-96 * time.Hour)}),
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "done@example.com", CreatedAt: t0.Add(-48 * time.Hour), AcceptedAt: &accepted}),
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "new@example.com", Token: "chosen-token", ExpiresAt: t0.Add(time.Minute)}),
	}
	list, err := c.ListOrganizationInvitations(t.Context(), "org-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seeded, list); diff != "" {
		t.Errorf("listed (-seeded +listed):\n%s", diff)
	}
	type row struct {
		Email      string
		Expired    bool
		ExpiresAt  time.Time
		AcceptedAt bool
	}
	var got []row
	for _, in := range list {
		got = append(got, row{in.Email, in.Expired, in.ExpiresAt, in.AcceptedAt != nil})
	}
	want := []row{
		{"old@example.com", true, t0.Add(-24 * time.Hour), false},
		{"done@example.com", false, t0.Add(24 * time.Hour), true},
		{"new@example.com", false, t0.Add(time.Minute), false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seeded invitations (-want +got):\n%s", diff)
	}
	if list[2].Token != "chosen-token" || list[0].Token == "" {
		t.Error("AddInvitation did not keep a given token or did not generate one")
	}
}

func TestReturnedValuesAreCopies(t *testing.T) {
	t.Parallel()
	srv, _, _ := newServer(t)
	contacts := []string{"a@example.com"}
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other", BillingContacts: contacts})
	contacts[0] = "changed@example.com"
	srv.AddInvitation("org-2", ecloud.OrganizationInvitation{Email: "x@example.com"})
	invs := srv.Invitations("org-2")
	invs[0].Email = "changed@example.com"
	invs[0].Organization.BillingContacts[0] = "changed@example.com"
	again := srv.Invitations("org-2")
	if again[0].Email != "x@example.com" || again[0].Organization.BillingContacts[0] != "a@example.com" {
		t.Errorf("the server's state changed through a caller's value: %+v", again[0].Organization)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.FailNext(ecloud.OpCreateOrganizationInvitations, 429, ecloud.CodeOrganizationInvitationsRateLimitExceeded)
	srv.FailNext(ecloud.OpCreateOrganizationInvitations, 403, ecloud.CodeRootInvalidAuthentication)

	req := ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}}
	// Client() does not retry: each call meets one failure, in order.
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", req)
	if apiErr := wantAPIError(t, err, 429, ecloud.CodeOrganizationInvitationsRateLimitExceeded); apiErr.Attempts != 1 {
		t.Errorf("attempts = %d, want 1: Client() retries nothing", apiErr.Attempts)
	}
	_, err = c.CreateOrganizationInvitations(ctx, "org-1", req)
	wantAPIError(t, err, 403, ecloud.CodeRootInvalidAuthentication)
	if n := len(srv.Invitations("org-1")); n != 0 {
		t.Errorf("%d invitations created by failed calls", n)
	}
	// The queue is empty now: the next call succeeds.
	if _, err := c.CreateOrganizationInvitations(ctx, "org-1", req); err != nil {
		t.Fatal(err)
	}
	// Failures are per operation: listing was not affected.
	if _, err := c.ListOrganizationInvitations(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}

	// A client that retries, as the test asks: 429 is retried (without
	// waiting), the 403 that follows stops the call.
	retrying := srv.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 3}))
	srv.FailNext(ecloud.OpCreateOrganizationInvitations, 429, ecloud.CodeOrganizationInvitationsRateLimitExceeded)
	srv.FailNext(ecloud.OpCreateOrganizationInvitations, 403, ecloud.CodeRootInvalidAuthentication)
	_, err = retrying.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"lin@example.com"}})
	if apiErr := wantAPIError(t, err, 403, ecloud.CodeRootInvalidAuthentication); apiErr.Attempts != 2 {
		t.Errorf("attempts = %d, want 2 (429 retried, then 403)", apiErr.Attempts)
	}
}

// TestFailNextOnAGET: a GET that fails with 503 returns the error to a
// test of Client(), which retries nothing; a client given a RetryPolicy
// retries it.
func TestFailNextOnAGET(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpListOrganizationMembers, 503)
	_, err := c.ListOrganizationMembers(t.Context(), "org-1")
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 1 || len(apiErr.Codes) != 0 || apiErr.Errors == nil || len(apiErr.Errors) != 0 {
		t.Fatalf("error = %#v, want the injected 503 after one attempt, with an empty errors list", err)
	}
	if n := len(srv.Requests(ecloud.OpListOrganizationMembers)); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	retrying := srv.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 3}))
	srv.FailNext(ecloud.OpListOrganizationMembers, 503)
	srv.FailNext(ecloud.OpListOrganizationMembers, 502)
	members, err := retrying.ListOrganizationMembers(t.Context(), "org-1")
	if err != nil || len(members) != 1 {
		t.Fatalf("ListOrganizationMembers after two injected failures = %d members, %v", len(members), err)
	}
	// Four failures exhaust the three retries.
	srv.Fault(ecloud.OpListOrganizationMembers, ecloudtest.Fault{Status: 503, Times: 4})
	_, err = retrying.ListOrganizationMembers(t.Context(), "org-1")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 4 {
		t.Fatalf("error = %#v, want 503 after 4 attempts", err)
	}
	if n := len(srv.Requests(ecloud.OpListOrganizationMembers)); n != 1+3+4 {
		t.Errorf("%d requests, want 8", n)
	}
}

func TestFailNextWithSeveralCodes(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpAcceptOrganizationInvitation, 404, ecloud.CodeUserNotFound, ecloud.CodeOrganizationNotFound)
	err := c.AcceptOrganizationInvitation(t.Context(), "whatever")
	apiErr := wantAPIError(t, err, 404, ecloud.CodeUserNotFound)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	want := []ecloud.ErrorDetail{{Code: ecloud.CodeUserNotFound, Message: "User not found."}, {Code: ecloud.CodeOrganizationNotFound, Message: "Organization not found."}}
	if diff := cmp.Diff(want, apiErr.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("user%d@example.com", i)
			invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{email}})
			if err != nil {
				errs <- err
				return
			}
			if _, err := c.ListOrganizationInvitations(ctx, "org-1"); err != nil {
				errs <- err
			}
			_ = srv.Invitations("org-1")
			srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: fmt.Sprintf("seeded-%d", i)})
			if err := c.AcceptOrganizationInvitation(ctx, invs[0].Token); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(srv.Invitations("org-1")); got != n {
		t.Errorf("%d invitations, want %d", got, n)
	}
	if got := len(srv.Members("org-1")); got != 1+2*n {
		t.Errorf("%d members, want %d", got, 1+2*n)
	}
}
