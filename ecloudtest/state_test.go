package ecloudtest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// fields returns the field of each detail of an *ecloud.APIError.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *ecloud.APIError", err)
	}
	var out []string
	for _, d := range apiErr.Errors {
		out = append(out, d.Code+" "+slices.Concat(d.Fields, []string{""})[0])
	}
	return out
}

// rawErrors POSTs body to path under the server's API root, as a client
// of another SDK might, and returns "code field" of each error of the
// answer.
func rawErrors(t *testing.T, srv *ecloudtest.Server, path, body string) []string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "ApiKey "+ecloudtest.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct{ Errors []ecloud.ErrorDetail }
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return fields(t, &ecloud.APIError{StatusCode: resp.StatusCode, Errors: reply.Errors})
}

// TestEveryRefusedEmailIsReported: an invitation request is refused whole,
// with one error per refused email, whatever refused it and wherever the
// email is in the list; a pending invitation is found among others, and an
// expired one is replaced.
func TestEveryRefusedEmailIsReported(t *testing.T) {
	t.Parallel()
	srv, c, clk := newServer(t)
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "member@example.com"})
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "first@example.com"})
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "pending@example.com"})
	// Pending invitations of addresses refused for another reason: each
	// address gets one error, the first reason.
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "member@example.com"})
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "bad"})
	old := srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "expired@example.com", CreatedAt: clk.now().Add(-10 * 24 * time.Hour)})
	ctx := t.Context()

	_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{
		"bad", "fine@example.com", "also bad", "twice@example.com", "Twice@example.com", "owner@example.com", "member@example.com", "pending@example.com",
		"pending@example.com",
	}})
	want := []string{
		ecloud.CodeOrganizationInvitationInvalidEmail + " emails[0]",
		ecloud.CodeOrganizationInvitationInvalidEmail + " emails[2]",
		ecloud.CodeOrganizationInvitationAlreadyExists + " emails[4]",
		ecloud.CodeOrganizationUserOrganizationAlreadyBelongs + " emails[5]",
		ecloud.CodeOrganizationUserOrganizationAlreadyBelongs + " emails[6]",
		ecloud.CodeOrganizationInvitationAlreadyExists + " emails[7]",
		ecloud.CodeOrganizationInvitationAlreadyExists + " emails[8]", // given twice
	}
	if got := fields(t, err); !slices.Equal(got, want) {
		t.Errorf("errors =\n%q\nwant\n%q", got, want)
	}
	if n := len(srv.Invitations("org-1")); n != 5 {
		t.Errorf("%d invitations after a refused request, want the 5 seeded", n)
	}

	created, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"expired@example.com"}})
	if err != nil || len(created) != 1 || created[0].Token == old.Token {
		t.Fatalf("inviting an address whose invitation expired = %+v, %v", created, err)
	}
	var emails []string
	for _, inv := range srv.Invitations("org-1") {
		emails = append(emails, inv.Email)
	}
	if want := []string{"first@example.com", "pending@example.com", "member@example.com", "bad", "expired@example.com"}; !slices.Equal(emails, want) {
		t.Errorf("invitations = %q, want %q (the expired one replaced)", emails, want)
	}
}

// TestAddMemberReplaces: AddMember of a user ID already there replaces that
// member in place.
func TestAddMemberReplaces(t *testing.T) {
	t.Parallel()
	srv, _, _ := newServer(t)
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "two@example.com", Name: "Two"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-owner", Email: "owner@example.com", Name: "Renamed"})
	got := srv.Members("org-1")
	if len(got) != 2 || got[0].UserID != "u-owner" || got[0].Name != "Renamed" || got[1].UserID != "u-2" {
		t.Errorf("members = %+v, want the owner replaced in place, then u-2", got)
	}
}

// TestSetClockNil: SetClock(nil) goes back to the real time.
func TestSetClockNil(t *testing.T) {
	t.Parallel()
	srv, _, _ := newServer(t) // its clock is a test clock, stopped
	srv.SetClock(nil)
	before := time.Now().Add(-time.Second)
	inv := srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "a@example.com"})
	if inv.CreatedAt.Before(before) || inv.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt = %v after SetClock(nil), want about now", inv.CreatedAt)
	}
}

// TestRoleChecksLookAtEveryAssignment: the checks of role assignments go on
// past an assignment that passes them: a platform role before an
// organization role of another organization, an organization role before a
// deployment role on a hidden deployment.
func TestRoleChecksLookAtEveryAssignment(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{
		Emails: []string{"a@example.com"},
		RoleAssignments: &ecloud.RoleAssignments{
			Platform:     []ecloud.PlatformRoleAssignment{{RoleID: "platform-viewer"}},
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-2"}},
		},
	})
	if got := fields(t, err); !slices.Contains(got, ecloud.CodeRootInvalidData+" role_assignments.organization[0].organization_id") {
		t.Errorf("errors = %q, want the organization role's organization_id refused", got)
	}

	srv.HideDeployment("d-hidden")
	err = c.AddRoleAssignments(ctx, "u-owner", ecloud.RoleAssignments{
		Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}},
		Deployment:   []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-hidden"}}},
	})
	wantAPIError(t, err, 403, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
}

// TestRoleMappingFieldsEachRequired: a mapping that lacks any one of
// enabled, name, rule and role_assignments is refused, naming that field.
func TestRoleMappingFieldsEachRequired(t *testing.T) {
	t.Parallel()
	srv, _, _ := newServer(t)
	srv.AddDomainClaim("org-1", "example.com")
	full := map[string]string{
		"enabled":          `true`,
		"name":             `"admins"`,
		"rule":             `{"any":[{"group":"admins"}]}`,
		"role_assignments": `{"organization":[{"role_id":"organization-admin","organization_id":"org-1"}]}`,
	}
	for missing := range full {
		body := "{"
		for _, prop := range []string{"enabled", "name", "rule", "role_assignments"} {
			if prop != missing {
				if body != "{" {
					body += ","
				}
				body += `"` + prop + `":` + full[prop]
			}
		}
		body += "}"
		if got := rawErrors(t, srv, "/organizations/org-1/role_mappings", `{"mappings":[`+body+`]}`); !slices.Contains(got, ecloud.CodeRootInvalidData+" mappings[0]."+missing) {
			t.Errorf("without %s: errors = %q", missing, got)
		}
	}
}

// TestVerifyingAClaimedDomainSaysWhose: verifying a domain already claimed
// says whether this organization or another holds it.
func TestVerifyingAClaimedDomainSaysWhose(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	srv.AddDomainClaim("org-1", "mine.example")
	srv.AddDomainClaim("org-2", "theirs.example")
	for domain, want := range map[string]string{
		"mine.example":   "The domain is claimed by this organization already.",
		"theirs.example": "The domain is claimed by another organization.",
	} {
		err := c.VerifyDomainClaim(t.Context(), "org-1", domain)
		apiErr := wantAPIError(t, err, 400, ecloud.CodeOrgDomainClaimAlreadyExists)
		if apiErr.Errors[0].Message != want {
			t.Errorf("%s: message %q, want %q", domain, apiErr.Errors[0].Message, want)
		}
	}
}

// TestLookAlikeAddressesAreOthers: addresses that differ in the case of
// ASCII letters are one address; a Kelvin sign U+212A for a "K" makes
// another (Unicode case folding would make it a "k").
func TestLookAlikeAddressesAreOthers(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.AddMember("org-1", ecloud.OrganizationMembership{Email: "\u212Aim@example.com"})
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "\u017Fam@example.com"}) // long s
	_, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"OWNER@example.com"}})
	if !ecloud.HasCode(err, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs) {
		t.Errorf("inviting a member's address in capitals: err = %v, want %s", err, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs)
	}
	invs, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"kim@example.com", "sam@example.com"}})
	if err != nil || len(invs) != 2 {
		t.Fatalf("inviting kim and sam beside look-alikes: %d invitations, err = %v", len(invs), err)
	}
	if err := c.AcceptOrganizationInvitation(t.Context(), invs[0].Token); err != nil {
		t.Fatalf("kim accepting: %v", err)
	}
	ids := map[string]bool{}
	for _, m := range srv.Members("org-1") {
		ids[m.UserID] = true
	}
	if len(ids) != 3 {
		t.Errorf("after kim accepted, %d distinct members, want 3 (owner, kim and its look-alike)", len(ids))
	}
}
