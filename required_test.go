package ecloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestSuccessBodyLacksRequiredFields: a 2xx whose body decodes but lacks what
// the spec marks required for the operation (a null or empty body, another
// operation's object, an element without its id) is an error naming the
// operation and the first missing field; it is not an *APIError and is not
// retried.
func TestSuccessBodyLacksRequiredFields(t *testing.T) {
	t.Parallel()
	const (
		org    = `{"id":"o1","name":"Acme"}`
		inv    = `{"token":"t1","email":"a@example.com","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-04T00:00:00Z","expired":false,"organization":` + org + `}`
		member = `{"organization_id":"o1","user_id":"u1","member_since":"2026-01-01T00:00:00Z"}`
	)
	ops := []struct {
		name string
		call func(context.Context, *Client) error
		ok   string // a complete body
		bad  map[string]string
	}{
		{OpListOrganizations, func(ctx context.Context, c *Client) error { _, err := c.ListOrganizations(ctx); return err },
			`{"organizations":[` + org + `]}`, map[string]string{
				`{"invitations":[]}`:                  "organizations",
				`{"organizations":null}`:              "organizations",
				`{"organizations":[{"name":"Acme"}]}`: "organizations[0].id",
			}},
		{OpGetOrganization, func(ctx context.Context, c *Client) error { _, err := c.GetOrganization(ctx, "o1"); return err },
			org, map[string]string{`{"name":"Acme"}`: "id", `{"members":[]}`: "id"}},
		{OpUpdateOrganization, func(ctx context.Context, c *Client) error {
			_, err := c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{Name: Ptr("Acme")})
			return err
		}, org, map[string]string{`{"name":"Acme"}`: "id"}},
		{OpListOrganizationMembers, func(ctx context.Context, c *Client) error { _, err := c.ListOrganizationMembers(ctx, "o1"); return err },
			`{"members":[` + member + `]}`, map[string]string{
				`{"invitations":[]}`: "members",
				`{"members":[{"organization_id":"o1","member_since":"2026-01-01T00:00:00Z"}]}`:                                    "members[0].user_id",
				`{"members":[{"user_id":"u1","member_since":"2026-01-01T00:00:00Z"}]}`:                                            "members[0].organization_id",
				`{"members":[` + member + `,{"organization_id":"o1","user_id":"u2"}]}`:                                            "members[1].member_since",
				`{"members":[` + strings.Replace(member, `}`, `,"role_assignments":{"platform":[{"role_id":"p"},{}]}}`, 1) + `]}`: "members[0].role_assignments.platform[1].role_id",
			}},
		{OpListOrganizationInvitations, func(ctx context.Context, c *Client) error {
			_, err := c.ListOrganizationInvitations(ctx, "o1")
			return err
		}, `{"invitations":[` + inv + `]}`, map[string]string{
			`{"members":null}`: "invitations",
			`{"invitations":[{"email":"a@example.com"}]}`:                         "invitations[0].token",
			`{"invitations":[` + strings.Replace(inv, `"id":"o1",`, ``, 1) + `]}`: "invitations[0].organization.id",
		}},
		{OpCreateOrganizationInvitations, func(ctx context.Context, c *Client) error {
			_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
			return err
		}, `{"invitations":[` + inv + `]}`, map[string]string{
			`{"id":"o1","name":"Acme"}`: "invitations",
			`{"invitations":[` + strings.Replace(inv, `"expires_at":"2026-01-04T00:00:00Z",`, ``, 1) + `]}`: "invitations[0].expires_at",
		}},
		{OpGetOrganizationInvitation, func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationInvitation(ctx, "t1")
			return err
		}, inv, map[string]string{
			`{"invitations":[` + inv + `]}`:                                                                                 "token",
			strings.Replace(inv, `"email":"a@example.com",`, ``, 1):                                                         "email",
			strings.Replace(inv, `"created_at":"2026-01-01T00:00:00Z",`, ``, 1):                                             "created_at",
			strings.Replace(inv, `,"organization":`+org, ``, 1):                                                             "organization.id",
			strings.TrimSuffix(inv, `}`) + `,"role_assignments":{"deployment":[{"role_id":"d"}]}}`:                          "role_assignments.deployment[0].organization_id",
			strings.TrimSuffix(inv, `}`) + `,"role_assignments":{"project":{"vectordb":[{"organization_id":"o1"}]}}}`:       "role_assignments.project.vectordb[0].role_id",
			strings.TrimSuffix(inv, `}`) + `,"role_assignments":{"organization":[{"role_id":"r","organization_id":"o1"}]}}`: "-",
		}},
		{OpListDomainClaims, func(ctx context.Context, c *Client) error { _, err := c.ListDomainClaims(ctx, "o1"); return err },
			`{"domains":["example.com"]}`, map[string]string{`{"domains":null}`: "domains", `{"mappings":[]}`: "domains"}},
		{OpGenerateDomainVerificationCode, func(ctx context.Context, c *Client) error {
			_, err := c.GenerateDomainVerificationCode(ctx, "o1", "example.com")
			return err
		}, `{"verification":"v"}`, map[string]string{`{"verification":""}`: "verification", `{"domains":[]}`: "verification"}},
		{OpGetOrganizationIdP, func(ctx context.Context, c *Client) error { _, err := c.GetOrganizationIdP(ctx, "o1"); return err },
			tcIdPJSON, map[string]string{`{"domains":[]}`: "login_identifier"}},
		{OpSetupOrganizationIdP, func(ctx context.Context, c *Client) error {
			_, err := c.SetupOrganizationIdP(ctx, "o1", tcIdPConfig)
			return err
		}, tcIdPJSON, map[string]string{strings.Replace(tcIdPJSON, `"acs"`, `"x"`, 1): "acs"}},
		{OpListRoleMappings, func(ctx context.Context, c *Client) error { _, err := c.ListRoleMappings(ctx, "o1"); return err },
			`{"mappings":[` + tcAdminsMappingJSON + `]}`, map[string]string{
				`{"domains":[]}`:                  "mappings",
				`{"mappings":[{"enabled":true}]}`: "mappings[0].name",
				`{"mappings":[{"name":"m","role_assignments":{"organization":[{"role_id":"r"}]}}]}`: "mappings[0].role_assignments.organization[0].organization_id",
				`{"mappings":[{"name":"m","rule":{"any":[{}]}}]}`:                                   "-",
			}},
		{OpDeleteRoleMappingsByName, func(ctx context.Context, c *Client) error {
			_, err := c.DeleteRoleMappingsByName(ctx, "o1", []string{"a"})
			return err
		}, `{"mappings":["a"]}`, map[string]string{`{"mappings":null}`: "mappings"}},
	}
	for _, op := range ops {
		bodies := map[string]string{`null`: "", `{}`: "", op.ok: "-"}
		for body, missing := range op.bad {
			bodies[body] = missing
		}
		for body, missing := range bodies {
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
			c := newTestClient(t, f.URL)
			err := op.call(context.Background(), c)
			if missing == "-" {
				if err != nil {
					t.Errorf("%s: the complete body %s: %v", op.name, body, err)
				}
				continue
			}
			var apiErr *APIError
			if err == nil || errors.As(err, &apiErr) || !strings.HasPrefix(err.Error(), "ecloud: "+op.name+": the 200 response lacks "+missing) {
				t.Errorf("%s: body %s: err = %v, want an error saying it lacks %q", op.name, body, err, missing)
			}
			if got := f.requests.Load(); got != 1 {
				t.Errorf("%s: body %s: the server saw %d requests, want 1", op.name, body, got)
			}
		}
	}
}

// TestLongListNamesFirstMissingField: in a long list, the error names the
// first element that lacks a required field, as in a short one, both when
// the body is decoded directly (elements of real size) and when it is
// decoded element by element (a tail of {}, where decoding stops).
func TestLongListNamesFirstMissingField(t *testing.T) {
	t.Parallel()
	inv := strings.Replace(tcDecInvJSON, `"organization":{"id":"o1",`, `"organization":{"id":"o%d",`, 1)
	noID := strings.Replace(tcDecInvJSON, `"organization":{"id":"o1",`, `"organization":{`, 1)
	elements := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, inv+",", i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name   string
		body   string
		direct bool
	}{
		{"directly", `{"invitations":[` + elements(500) + noID + "," + strings.TrimSuffix(elements(500), ",") + `]}`, true},
		{"element by element", `{"invitations":[` + elements(3) + noID + strings.Repeat(`,{}`, 20_000) + `]}`, false},
	} {
		if direct := decodeCost([]byte(tc.body)) <= maxDecodeCost*len(tc.body); direct != tc.direct {
			t.Fatalf("%s: the body of %d KiB is decoded directly: %t", tc.name, len(tc.body)>>10, direct)
		}
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, tc.body) })
		_, err := newTestClient(t, f.URL).ListOrganizationInvitations(context.Background(), "o1")
		want := fmt.Sprintf("ecloud: %s: the 200 response lacks invitations[%d].organization.id", OpListOrganizationInvitations, map[bool]int{true: 500, false: 3}[tc.direct])
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, want)
		}
	}
}
