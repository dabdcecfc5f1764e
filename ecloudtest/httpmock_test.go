package ecloudtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

// mockClient is a client on its own mock transport, under an ECE-style base
// URL so that the helpers' routes are shown to work under any base.
func mockClient(t *testing.T) (*ecloud.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := ecloud.NewClient(ecloud.WithAPIKey("test-api-key"), ecloud.WithBaseURL("https://ece.example.com:12443"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}), ecloud.WithRetryPolicy(ecloud.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	return c, mock
}

func TestRegisterJSONEveryOperation(t *testing.T) {
	t.Parallel()
	org := ecloud.Organization{ID: "org/1", Name: "Acme"}
	inv := ecloud.OrganizationInvitation{Token: "tok", Email: "ada@example.com", CreatedAt: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		ExpiresAt: time.Date(2025, 7, 3, 0, 0, 0, 0, time.UTC), Organization: org}
	member := ecloud.OrganizationMembership{OrganizationID: "org/1", UserID: "u1", MemberSince: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	roles := ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org/1"}}}
	idp := ecloud.OrganizationIdP{
		LoginIdentifier: "acme-1", SSOLoginURL: "https://sp.example/login/acme-1", MetadataURL: "https://sp.example/acme-1/metadata.xml",
		ACS: "https://sp.example/acs", SPEntityID: "https://sp.example/acme-1",
		SigningCertificate: []string{"c1"}, EncryptionCertificate: []string{"c2"}, Configuration: idpConfig,
	}
	const metadata = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example/acme-1"/>`
	ctx := t.Context()
	for _, tc := range []struct {
		op   string
		body any
		call func(c *ecloud.Client) (any, error)
		want any
	}{
		{ecloud.OpListOrganizations, []ecloud.Organization{org}, func(c *ecloud.Client) (any, error) { return c.ListOrganizations(ctx) },
			&ecloud.OrganizationList{Organizations: []ecloud.Organization{org}}},
		{ecloud.OpGetOrganization, org, func(c *ecloud.Client) (any, error) { return c.GetOrganization(ctx, "org/1") }, &org},
		{ecloud.OpUpdateOrganization, org, func(c *ecloud.Client) (any, error) {
			return c.UpdateOrganization(ctx, "org/1", ecloud.UpdateOrganizationRequest{Name: ecloud.Ptr("Acme")})
		}, &org},
		{ecloud.OpListOrganizationMembers, []ecloud.OrganizationMembership{member}, func(c *ecloud.Client) (any, error) {
			return c.ListOrganizationMembers(ctx, "org/1")
		}, []ecloud.OrganizationMembership{member}},
		{ecloud.OpDeleteOrganizationMemberships, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.DeleteOrganizationMemberships(ctx, "org/1", []string{"u1", "u2"}, &ecloud.DeleteMembershipsOptions{Force: ecloud.Ptr(true)})
		}, nil},
		{ecloud.OpListOrganizationInvitations, []ecloud.OrganizationInvitation{inv}, func(c *ecloud.Client) (any, error) {
			return c.ListOrganizationInvitations(ctx, "org/1")
		}, []ecloud.OrganizationInvitation{inv}},
		{ecloud.OpCreateOrganizationInvitations, []ecloud.OrganizationInvitation{inv}, func(c *ecloud.Client) (any, error) {
			return c.CreateOrganizationInvitations(ctx, "org/1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
		}, []ecloud.OrganizationInvitation{inv}},
		{ecloud.OpGetOrganizationInvitation, inv, func(c *ecloud.Client) (any, error) { return c.GetOrganizationInvitation(ctx, "tok") }, &inv},
		{ecloud.OpAcceptOrganizationInvitation, nil, func(c *ecloud.Client) (any, error) { return nil, c.AcceptOrganizationInvitation(ctx, "tok") }, nil},
		{ecloud.OpDeleteOrganizationInvitations, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.DeleteOrganizationInvitations(ctx, "org/1", []string{"tok", "tok2"})
		}, nil},
		{ecloud.OpAddRoleAssignments, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.AddRoleAssignments(ctx, "realm/u1", roles)
		}, nil},
		{ecloud.OpRemoveRoleAssignments, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.RemoveRoleAssignments(ctx, "realm/u1", roles, &ecloud.RemoveRoleAssignmentsOptions{Force: ecloud.Ptr(true)})
		}, nil},
		{ecloud.OpListDomainClaims, []string{"example.com"}, func(c *ecloud.Client) (any, error) { return c.ListDomainClaims(ctx, "org/1") },
			[]string{"example.com"}},
		{ecloud.OpGenerateDomainVerificationCode, "code-1", func(c *ecloud.Client) (any, error) {
			return c.GenerateDomainVerificationCode(ctx, "org/1", "example.com")
		}, "code-1"},
		{ecloud.OpVerifyDomainClaim, nil, func(c *ecloud.Client) (any, error) { return nil, c.VerifyDomainClaim(ctx, "org/1", "example.com") }, nil},
		{ecloud.OpDeleteDomainClaim, nil, func(c *ecloud.Client) (any, error) { return nil, c.DeleteDomainClaim(ctx, "org/1", "example.com") }, nil},
		{ecloud.OpGetOrganizationIdP, idp, func(c *ecloud.Client) (any, error) { return c.GetOrganizationIdP(ctx, "org/1") }, &idp},
		{ecloud.OpSetupOrganizationIdP, idp, func(c *ecloud.Client) (any, error) { return c.SetupOrganizationIdP(ctx, "org/1", idpConfig) }, &idp},
		{ecloud.OpTeardownOrganizationIdP, nil, func(c *ecloud.Client) (any, error) { return nil, c.TeardownOrganizationIdP(ctx, "org/1") }, nil},
		{ecloud.OpGetOrganizationIdPMetadata, metadata, func(c *ecloud.Client) (any, error) { return c.GetOrganizationIdPMetadata(ctx, "org/1") },
			[]byte(metadata)},
		{ecloud.OpListRoleMappings, []ecloud.RoleMapping{mapping("a")}, func(c *ecloud.Client) (any, error) { return c.ListRoleMappings(ctx, "org/1") },
			[]ecloud.RoleMapping{mapping("a")}},
		{ecloud.OpAddRoleMappings, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.AddRoleMappings(ctx, "org/1", []ecloud.RoleMapping{mapping("a")})
		}, nil},
		{ecloud.OpUpdateRoleMappings, nil, func(c *ecloud.Client) (any, error) { return nil, c.UpdateRoleMappings(ctx, "org/1", nil) }, nil},
		{ecloud.OpDeleteRoleMappings, nil, func(c *ecloud.Client) (any, error) { return nil, c.DeleteRoleMappings(ctx, "org/1") }, nil},
		{ecloud.OpUpdateRoleMapping, nil, func(c *ecloud.Client) (any, error) {
			return nil, c.UpdateRoleMapping(ctx, "org/1", "a/b", mapping("a"))
		}, nil},
		{ecloud.OpDeleteRoleMappingsByName, []string{"a"}, func(c *ecloud.Client) (any, error) {
			return c.DeleteRoleMappingsByName(ctx, "org/1", []string{"a", "b"})
		}, []string{"a"}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			c, mock := mockClient(t)
			ecloudtest.RegisterJSON(mock, tc.op, tc.body)
			got, err := tc.call(c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			method, pattern := ecloudtest.Route(tc.op)
			if n := mock.GetCallCountInfo()[method+" "+pattern]; n != 1 {
				t.Errorf("route %s %s called %d times, want 1: %v", method, pattern, n, mock.GetCallCountInfo())
			}
		})
	}
}

func TestRoutesDoNotOverlap(t *testing.T) {
	t.Parallel()
	// Each operation registered with its own answer; every call must reach
	// its own route even where paths share a prefix.
	c, mock := mockClient(t)
	ecloudtest.RegisterJSON(mock, ecloud.OpGetOrganization, ecloud.Organization{ID: "from-get-organization"})
	ecloudtest.RegisterJSON(mock, ecloud.OpGetOrganizationInvitation, ecloud.OrganizationInvitation{Token: "tok-1", Email: "from-get-invitation",
		CreatedAt: time.Unix(0, 0), ExpiresAt: time.Unix(1, 0), Organization: ecloud.Organization{ID: "o"}})
	ecloudtest.RegisterJSON(mock, ecloud.OpListOrganizationMembers, []ecloud.OrganizationMembership{{OrganizationID: "o", UserID: "from-list-members", MemberSince: time.Unix(0, 0)}})
	ecloudtest.RegisterError(mock, ecloud.OpDeleteOrganizationMemberships, 404, ecloud.CodeOrganizationMembershipNotFound)
	ecloudtest.RegisterError(mock, ecloud.OpDeleteOrganizationInvitations, 404, ecloud.CodeOrganizationInvitationNotFound)
	ctx := t.Context()
	if org, err := c.GetOrganization(ctx, "o"); err != nil || org.ID != "from-get-organization" {
		t.Errorf("GetOrganization = %+v, %v", org, err)
	}
	if inv, err := c.GetOrganizationInvitation(ctx, "tok-1"); err != nil || inv.Email != "from-get-invitation" {
		t.Errorf("GetOrganizationInvitation = %+v, %v", inv, err)
	}
	if ms, err := c.ListOrganizationMembers(ctx, "o"); err != nil || len(ms) != 1 || ms[0].UserID != "from-list-members" {
		t.Errorf("ListOrganizationMembers = %+v, %v", ms, err)
	}
	if err := c.DeleteOrganizationMemberships(ctx, "o", []string{"u"}, nil); !ecloud.HasCode(err, ecloud.CodeOrganizationMembershipNotFound) {
		t.Errorf("DeleteOrganizationMemberships = %v", err)
	}
	if err := c.DeleteOrganizationInvitations(ctx, "o", []string{"tok-1"}); !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationNotFound) {
		t.Errorf("DeleteOrganizationInvitations = %v", err)
	}
	// Add and remove share a path: each reaches its own route.
	ecloudtest.RegisterJSON(mock, ecloud.OpAddRoleAssignments, nil)
	ecloudtest.RegisterError(mock, ecloud.OpRemoveRoleAssignments, 403, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
	roles := ecloud.RoleAssignments{Platform: []ecloud.PlatformRoleAssignment{{RoleID: "r"}}}
	if err := c.AddRoleAssignments(ctx, "u", roles); err != nil {
		t.Errorf("AddRoleAssignments = %v", err)
	}
	if err := c.RemoveRoleAssignments(ctx, "u", roles, nil); !ecloud.HasCode(err, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments) {
		t.Errorf("RemoveRoleAssignments = %v", err)
	}
	// Paths that extend one another each reach their own route.
	ecloudtest.RegisterJSON(mock, ecloud.OpListRoleMappings, []ecloud.RoleMapping{mapping("from-list")})
	ecloudtest.RegisterJSON(mock, ecloud.OpDeleteRoleMappingsByName, []string{"from-delete-by-name"})
	ecloudtest.RegisterError(mock, ecloud.OpDeleteRoleMappings, 404, ecloud.CodeOrganizationNotFound)
	ecloudtest.RegisterError(mock, ecloud.OpUpdateRoleMapping, 404, ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound)
	ecloudtest.RegisterError(mock, ecloud.OpGetOrganizationIdP, 404, ecloud.CodeOrgIdPIdPNotConfigured)
	ecloudtest.RegisterJSON(mock, ecloud.OpGetOrganizationIdPMetadata, `<EntityDescriptor entityID="from-metadata"/>`)
	ecloudtest.RegisterJSON(mock, ecloud.OpListDomainClaims, []string{"from-list-domains"})
	ecloudtest.RegisterError(mock, ecloud.OpVerifyDomainClaim, 409, ecloud.CodeOrgDomainClaimConcurrentOrganizationModification)
	if ms, err := c.ListRoleMappings(ctx, "o"); err != nil || len(ms) != 1 || ms[0].Name != "from-list" {
		t.Errorf("ListRoleMappings = %+v, %v", ms, err)
	}
	if names, err := c.DeleteRoleMappingsByName(ctx, "o", []string{"x"}); err != nil || len(names) != 1 || names[0] != "from-delete-by-name" {
		t.Errorf("DeleteRoleMappingsByName = %q, %v", names, err)
	}
	if err := c.DeleteRoleMappings(ctx, "o"); !ecloud.HasCode(err, ecloud.CodeOrganizationNotFound) {
		t.Errorf("DeleteRoleMappings = %v", err)
	}
	if err := c.UpdateRoleMapping(ctx, "o", "x", mapping("x")); !ecloud.HasCode(err, ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound) {
		t.Errorf("UpdateRoleMapping = %v", err)
	}
	if _, err := c.GetOrganizationIdP(ctx, "o"); !ecloud.HasCode(err, ecloud.CodeOrgIdPIdPNotConfigured) {
		t.Errorf("GetOrganizationIdP = %v", err)
	}
	if doc, err := c.GetOrganizationIdPMetadata(ctx, "o"); err != nil || !strings.Contains(string(doc), "from-metadata") {
		t.Errorf("GetOrganizationIdPMetadata = %q, %v", doc, err)
	}
	if ds, err := c.ListDomainClaims(ctx, "o"); err != nil || len(ds) != 1 || ds[0] != "from-list-domains" {
		t.Errorf("ListDomainClaims = %q, %v", ds, err)
	}
	if err := c.VerifyDomainClaim(ctx, "o", "example.com"); !ecloud.HasCode(err, ecloud.CodeOrgDomainClaimConcurrentOrganizationModification) {
		t.Errorf("VerifyDomainClaim = %v", err)
	}
	// Nothing registered for accept: a transport error, not a wrong route.
	if err := c.AcceptOrganizationInvitation(ctx, "tok-1"); err == nil {
		t.Error("accept matched a route registered for another operation")
	}
}

func TestErrorResponder(t *testing.T) {
	t.Parallel()
	c, mock := mockClient(t)
	ecloudtest.RegisterError(mock, ecloud.OpListOrganizationInvitations, 404, ecloud.CodeOrganizationNotFound)
	_, err := c.ListOrganizationInvitations(t.Context(), "org-1")
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *ecloud.APIError", err)
	}
	want := &ecloud.APIError{
		StatusCode: 404, Method: "GET", Operation: ecloud.OpListOrganizationInvitations, Attempts: 1,
		Codes:  []string{ecloud.CodeOrganizationNotFound},
		Errors: []ecloud.ErrorDetail{{Code: ecloud.CodeOrganizationNotFound, Message: "Organization not found."}},
	}
	if diff := cmp.Diff(want, apiErr); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestResponderWire(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations", nil)
	read := func(r httpmock.Responder) (*http.Response, string) {
		t.Helper()
		resp, err := r(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	for _, tc := range []struct {
		op     string
		body   any
		status int
		want   string
	}{
		{ecloud.OpCreateOrganizationInvitations, []ecloud.OrganizationInvitation(nil), 201, `{"invitations":[]}`},
		{ecloud.OpListOrganizationMembers, []ecloud.OrganizationMembership{}, 200, `{"members":[]}`},
		{ecloud.OpListOrganizations, []ecloud.Organization(nil), 200, `{"organizations":[]}`},
		{ecloud.OpAcceptOrganizationInvitation, nil, 200, `{}`},
		{ecloud.OpGetOrganization, map[string]string{"id": "o", "name": "raw"}, 200, `{"id":"o","name":"raw"}`},
		{ecloud.OpListDomainClaims, []string(nil), 200, `{"domains":[]}`},
		{ecloud.OpListDomainClaims, nil, 200, `{"domains":[]}`},
		{ecloud.OpGenerateDomainVerificationCode, "v-1", 200, `{"verification":"v-1"}`},
		{ecloud.OpVerifyDomainClaim, nil, 200, `{}`},
		{ecloud.OpListRoleMappings, []ecloud.RoleMapping(nil), 200, `{"mappings":[]}`},
		{ecloud.OpAddRoleMappings, nil, 201, `{}`},
		{ecloud.OpDeleteRoleMappingsByName, []string{"a", "b"}, 200, `{"mappings":["a","b"]}`},
	} {
		r := ecloudtest.Responder(tc.op, tc.body)
		for range 2 { // a responder can answer again (retries, repeated calls)
			resp, body := read(r)
			if resp.StatusCode != tc.status || body != tc.want || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: %d %s %q, want %d %s application/json", tc.op, resp.StatusCode, body, resp.Header.Get("Content-Type"), tc.status, tc.want)
			}
		}
	}

	for _, doc := range []any{[]byte("<EntityDescriptor/>"), "<EntityDescriptor/>"} {
		resp, body := read(ecloudtest.Responder(ecloud.OpGetOrganizationIdPMetadata, doc))
		if resp.StatusCode != 200 || body != "<EntityDescriptor/>" || resp.Header.Get("Content-Type") != "application/xml" {
			t.Errorf("metadata %T: %d %q %q", doc, resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	}

	resp, body := read(ecloudtest.ErrorResponder(400, ecloud.CodeOrganizationInvitationInvalidEmail, ecloud.CodeOrganizationInvitationAlreadyExists))
	if got := resp.Header.Get("X-Cloud-Error-Codes"); got != "organization.invitation_invalid_email,organization.invitation_already_exists" {
		t.Errorf("x-cloud-error-codes = %q", got)
	}
	var reply struct{ Errors []ecloud.ErrorDetail }
	if err := json.Unmarshal([]byte(body), &reply); err != nil || resp.StatusCode != 400 {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	if got := []string{reply.Errors[0].Code, reply.Errors[1].Code}; !slices.Equal(got, []string{ecloud.CodeOrganizationInvitationInvalidEmail, ecloud.CodeOrganizationInvitationAlreadyExists}) || reply.Errors[0].Message == "" {
		t.Errorf("errors = %+v", reply.Errors)
	}
	// An undocumented status with no code: no header, an empty errors list.
	resp, body = read(ecloudtest.ErrorResponder(502))
	if resp.Header.Values("X-Cloud-Error-Codes") != nil || strings.TrimSpace(body) != `{"errors":[]}` || resp.StatusCode != 502 {
		t.Errorf("ErrorResponder(502) = %d %q %s", resp.StatusCode, resp.Header.Values("X-Cloud-Error-Codes"), body)
	}
}

// TestHelpersReportUnknownOperations: without a test to report to, the
// helpers panic at once with a message that names the helper, the
// operation and the nearest known one; on a transport of
// NewMockTransport(t), RegisterJSON and RegisterError fail t instead.
func TestHelpersReportUnknownOperations(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"Route", `ecloudtest: Route: unknown operation "list-organisations" (did you mean "list-organizations"?)`, func() { ecloudtest.Route("list-organisations") }},
		{"Responder", `ecloudtest: Responder: unknown operation "get-org"`, func() { ecloudtest.Responder("get-org", nil) }},
		{"Responder, metadata not bytes", "answers XML: give a []byte or a string", func() {
			ecloudtest.Responder(ecloud.OpGetOrganizationIdPMetadata, ecloud.OrganizationIdP{})
		}},
		{"RegisterJSON", `ecloudtest: RegisterJSON: unknown operation "list-organisation-invitations"`, func() { ecloudtest.RegisterJSON(mock, "list-organisation-invitations", nil) }},
		{"RegisterError", `ecloudtest: RegisterError: unknown operation "delete-invitations"`, func() { ecloudtest.RegisterError(mock, "delete-invitations", 404) }},
	} {
		_, panicked := stopped(tc.call)
		if msg, _ := panicked.(string); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: panicked with %v, want %q", tc.name, panicked, tc.want)
		}
	}
	if n := mock.NumResponders(); n != 0 {
		t.Errorf("%d responders registered by refused calls", n)
	}

	rec := &recorder{TB: t}
	ours := ecloudtest.NewMockTransport(rec)
	wantFatal(t, rec, `RegisterJSON: unknown operation "list-organisation-invitations"`, func() { ecloudtest.RegisterJSON(ours, "list-organisation-invitations", nil) })
	wantFatal(t, rec, `RegisterError: unknown operation "delete-invitations"`, func() { ecloudtest.RegisterError(ours, "delete-invitations", 404) })
	if n := ours.NumResponders(); n != 0 {
		t.Errorf("%d responders registered by refused calls", n)
	}
}

// TestNoResponderNamesTheOperation: a request the mock has no responder for
// fails with an error that names its method and operation, which survives
// the SDK's stripping of URLs, and shows no ID or token.
func TestNoResponderNamesTheOperation(t *testing.T) {
	t.Parallel()
	c, mock := mockClient(t)
	ecloudtest.RegisterJSON(mock, ecloud.OpListOrganizations, nil) // installs the helpers' NoResponder
	ecloudtest.RegisterJSON(mock, ecloud.OpGetOrganizationInvitation, ecloud.OrganizationInvitation{Token: "other"})
	ctx := t.Context()
	const secret = "tok-s3cr3t"
	for _, tc := range []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.ListOrganizationInvitations(ctx, "org-1"); return err },
			"no responder found for GET list-organization-invitations (GET /organizations/{organization_id}/invitations)"},
		{func() error { return c.AcceptOrganizationInvitation(ctx, secret) },
			"no responder found for POST accept-organization-invitation (POST /organizations/invitations/{invitation_token}/_accept)"},
		{func() error { return c.DeleteOrganizationInvitations(ctx, "org-1", []string{secret, "tok-2"}) },
			"no responder found for DELETE delete-organization-invitations (DELETE /organizations/{organization_id}/invitations/{invitation_tokens})"},
		{func() error { return c.RemoveRoleAssignments(ctx, "u-1", viewer("d-1"), nil) },
			"no responder found for DELETE remove-role-assignments (DELETE /users/{user_id}/role_assignments)"},
	} {
		err := tc.call()
		var reqErr *ecloud.RequestError
		if !errors.As(err, &reqErr) || !errors.Is(err, httpmock.NoResponderFound) {
			t.Errorf("error = %#v, want a *ecloud.RequestError that is httpmock.NoResponderFound", err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %q does not say %q", err, tc.want)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "org-1") {
			t.Errorf("error %q shows an ID or a token", err)
		}
	}

	// What the SDK never sends: a method a path does not take, a path of no
	// operation, a URL outside the API root.
	hc := &http.Client{Transport: mock}
	for _, tc := range []struct{ method, url, want string }{
		{http.MethodPatch, "https://ece.example.com:12443/api/v1/organizations/org-1",
			"no responder found for PATCH /organizations/{organization_id}: that path takes GET get-organization, PUT update-organization"},
		{http.MethodGet, "https://ece.example.com:12443/api/v1/organizations/invitations/" + secret + "/_refuse",
			"no responder found for GET /organizations/invitations/*/*, a path of no API operation"},
		{http.MethodGet, "https://ece.example.com:12443/elsewhere/" + secret,
			"no responder found for GET /*/*, a path of no API operation"},
	} {
		req, err := http.NewRequestWithContext(ctx, tc.method, tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = hc.Do(req)
		var ue *url.Error
		if !errors.As(err, &ue) || ue.Err.Error() != tc.want {
			t.Errorf("%s %s: %v, want %q", tc.method, tc.url, err, tc.want)
		}
	}
}

// TestNewMockTransportFailsTheTest: each request without a responder fails
// the test of NewMockTransport, with the same message.
func TestNewMockTransportFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	mock := ecloudtest.NewMockTransport(rec)
	ecloudtest.RegisterJSON(mock, ecloud.OpListOrganizations, []ecloud.Organization{{ID: "org-1", Name: "Acme"}})
	c, err := ecloud.NewClient(ecloud.WithAPIKey("test-api-key"), ecloud.WithHTTPClient(&http.Client{Transport: mock}), ecloud.WithRetryPolicy(ecloud.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizations(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, errs := rec.reports(); len(errs) != 0 {
		t.Fatalf("reported %q for a matched request", errs)
	}
	_, err = c.GetOrganization(t.Context(), "org-1")
	if !errors.Is(err, httpmock.NoResponderFound) {
		t.Fatalf("error = %v", err)
	}
	fatals, errs := rec.reports()
	want := "ecloudtest: no responder found for GET get-organization (GET /organizations/{organization_id})"
	if len(fatals) != 0 || len(errs) != 1 || errs[0] != want {
		t.Errorf("reported %q and %q, want one t.Errorf %q", fatals, errs, want)
	}
}
