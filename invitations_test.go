package ecloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An invitation shaped like the spec's OrganizationInvitation, with every
// property, and one with only the required ones.
const (
	tcInvitationJSON = `{
		"token": "tok-1",
		"email": "ada@acme.example",
		"created_at": "2025-01-02T03:04:05Z",
		"expires_at": "2025-01-05T03:04:05.5Z",
		"expired": false,
		"accepted_at": "2025-01-03T00:00:00+01:00",
		"organization": {"id": "o1", "name": "Acme"},
		"role_assignments": {
			"platform": [{"role_id": "platform-viewer"}],
			"organization": [{"role_id": "organization-admin", "organization_id": "o1", "application_roles": ["viewer"]}],
			"deployment": [{"role_id": "deployment-editor", "organization_id": "o1", "all": true, "application_roles": ["kibana_admin"]}],
			"project": {
				"elasticsearch": [{"role_id": "elasticsearch-viewer", "organization_id": "o1", "all": false, "project_ids": ["p1", "p2"]}],
				"observability": [{"role_id": "observability-editor", "organization_id": "o1", "all": true}],
				"security": [{"role_id": "security-admin", "organization_id": "o1", "project_ids": ["p3"], "application_roles": ["soc"]}],
				"workplaceai": [{"role_id": "workplaceai-viewer", "organization_id": "o1", "project_ids": ["p4"]}],
				"vectordb": [{"role_id": "vectordb-admin", "organization_id": "o1", "all": true}]
			}
		},
		"some_future_field": [1, 2, 3]
	}`
	tcInvitation2JSON = `{"token":"tok-2","email":"bob@acme.example","created_at":"2024-12-01T00:00:00Z",
		"expires_at":"2024-12-04T00:00:00Z","expired":true,"organization":{"id":"o1","name":"Acme"}}`
)

func tcInvitations(t *testing.T) (full, minimal OrganizationInvitation) {
	t.Helper()
	full = OrganizationInvitation{
		Token:        "tok-1",
		Email:        "ada@acme.example",
		CreatedAt:    tcTime(t, "2025-01-02T03:04:05Z"),
		ExpiresAt:    tcTime(t, "2025-01-05T03:04:05.5Z"),
		AcceptedAt:   Ptr(tcTime(t, "2025-01-02T23:00:00Z")),
		Organization: Organization{ID: "o1", Name: "Acme"},
		RoleAssignments: &RoleAssignments{
			Platform:     []PlatformRoleAssignment{{RoleID: "platform-viewer"}},
			Organization: []OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "o1", ApplicationRoles: []string{"viewer"}}},
			Deployment:   []DeploymentRoleAssignment{{RoleID: "deployment-editor", OrganizationID: "o1", All: Ptr(true), ApplicationRoles: []string{"kibana_admin"}}},
			Project: &ProjectRoleAssignments{
				Elasticsearch: []ProjectRoleAssignment{{RoleID: "elasticsearch-viewer", OrganizationID: "o1", All: Ptr(false), ProjectIDs: []string{"p1", "p2"}}},
				Observability: []ProjectRoleAssignment{{RoleID: "observability-editor", OrganizationID: "o1", All: Ptr(true)}},
				Security:      []ProjectRoleAssignment{{RoleID: "security-admin", OrganizationID: "o1", ProjectIDs: []string{"p3"}, ApplicationRoles: []string{"soc"}}},
				WorkplaceAI:   []ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "o1", ProjectIDs: []string{"p4"}}},
				VectorDB:      []ProjectRoleAssignment{{RoleID: "vectordb-admin", OrganizationID: "o1", All: Ptr(true)}},
			},
		},
	}
	minimal = OrganizationInvitation{
		Token:        "tok-2",
		Email:        "bob@acme.example",
		CreatedAt:    tcTime(t, "2024-12-01T00:00:00Z"),
		ExpiresAt:    tcTime(t, "2024-12-04T00:00:00Z"),
		Expired:      true,
		Organization: Organization{ID: "o1", Name: "Acme"},
	}
	return full, minimal
}

func TestOpInvitations(t *testing.T) {
	t.Parallel()
	full, minimal := tcInvitations(t)
	tcRunOpCases(t, []tcOpCase{
		{
			name:       "ListOrganizationInvitations",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizationInvitations(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"invitations":[` + tcInvitationJSON + `,` + tcInvitation2JSON + `]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/invitations",
			want: []OrganizationInvitation{full, minimal},
		},
		{
			name:       "ListOrganizationInvitations/none",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizationInvitations(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"invitations":[]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/invitations",
			want: []OrganizationInvitation{},
		},
		{
			name: "CreateOrganizationInvitations/every field",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{
					Emails:    []string{"ada@acme.example", "bob@acme.example"},
					ExpiresIn: "7d",
					RoleAssignments: &RoleAssignments{
						Organization: []OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "o1"}},
						Deployment:   []DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "o1", All: Ptr(false), DeploymentIDs: []string{"d1"}}},
						Project: &ProjectRoleAssignments{
							Security: []ProjectRoleAssignment{{RoleID: "security-viewer", OrganizationID: "o1", All: Ptr(true)}},
						},
					},
				})
			},
			reply:      tcReply{Status: 201, Body: `{"invitations":[` + tcInvitationJSON + `,` + tcInvitation2JSON + `]}`},
			wantMethod: "POST", wantPath: "/organizations/o1/invitations",
			wantBody: `{"emails":["ada@acme.example","bob@acme.example"],"expires_in":"7d","role_assignments":{
				"organization":[{"role_id":"organization-admin","organization_id":"o1"}],
				"deployment":[{"role_id":"deployment-viewer","organization_id":"o1","all":false,"deployment_ids":["d1"]}],
				"project":{"security":[{"role_id":"security-viewer","organization_id":"o1","all":true}]}}}`,
			want: []OrganizationInvitation{full, minimal},
		},
		{
			name: "CreateOrganizationInvitations/emails only",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"bob@acme.example"}})
			},
			reply:      tcReply{Status: 201, Body: `{"invitations":[` + tcInvitation2JSON + `]}`},
			wantMethod: "POST", wantPath: "/organizations/o1/invitations",
			wantBody: `{"emails":["bob@acme.example"]}`,
			want:     []OrganizationInvitation{minimal},
		},
		{
			name:       "GetOrganizationInvitation",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.GetOrganizationInvitation(ctx, "tok-1") },
			reply:      tcReply{Status: 200, Body: tcInvitationJSON},
			wantMethod: "GET", wantPath: "/organizations/invitations/tok-1",
			want: &full,
		},
		{
			name:       "GetOrganizationInvitation/required fields only",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.GetOrganizationInvitation(ctx, "tok-2") },
			reply:      tcReply{Status: 200, Body: tcInvitation2JSON},
			wantMethod: "GET", wantPath: "/organizations/invitations/tok-2",
			want: &minimal,
		},
		{
			name: "AcceptOrganizationInvitation sends no body",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AcceptOrganizationInvitation(ctx, "tok-1")
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "POST", wantPath: "/organizations/invitations/tok-1/_accept",
		},
		{
			name: "DeleteOrganizationInvitations",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationInvitations(ctx, "o1", []string{"t1", "t2"})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/invitations/t1%2Ct2",
		},
		{
			name: "DeleteOrganizationInvitations/one token",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationInvitations(ctx, "o1", []string{"t1"})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/invitations/t1",
		},
	})
}

func TestOpInvitationsDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcInvitationOps)
}

// TestOpInvitationsNotFoundExample is the issue's own example, verbatim.
func TestOpInvitationsNotFoundExample(t *testing.T) {
	t.Parallel()
	c, _ := tcClient(t, tcReply{
		Status: 404,
		Header: http.Header{"X-Cloud-Error-Codes": {"organization.not_found"}},
		Body:   `{"errors":[{"code":"organization.not_found","message":"Organization not found"}]}`,
	})
	got, err := c.ListOrganizationInvitations(context.Background(), "o1")
	if got != nil {
		t.Errorf("result = %v with an error", got)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *APIError", err)
	}
	want := &APIError{
		StatusCode: 404, Method: "GET", Operation: "list-organization-invitations",
		Codes:    []string{"organization.not_found"},
		Errors:   []ErrorDetail{{Code: "organization.not_found", Message: "Organization not found"}},
		Attempts: 1,
	}
	if diff := cmp.Diff(want, apiErr); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrNotFound) || !HasCode(err, CodeOrganizationNotFound) {
		t.Errorf("errors.Is(err, ErrNotFound) = %v, HasCode = %v", errors.Is(err, ErrNotFound), HasCode(err, CodeOrganizationNotFound))
	}
	if msg := "ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found"; err.Error() != msg {
		t.Errorf("Error() = %q, want %q", err.Error(), msg)
	}
}

// TestOpInvitationsErrorCodeSources: a code counts whether it came in the
// header or the body, and a body that is not the JSON error shape (a proxy's
// HTML page) is kept raw.
func TestOpInvitationsErrorCodeSources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		reply tcReply
		want  *APIError
	}{
		{
			"header only, HTML body",
			tcReply{Status: 403, Header: http.Header{"X-Cloud-Error-Codes": {"root.invalid_authentication"}}, Body: "<html>denied</html>"},
			&APIError{StatusCode: 403, Method: "POST", Operation: "accept-organization-invitation", Attempts: 1,
				Codes: []string{CodeRootInvalidAuthentication}, Body: []byte("<html>denied</html>")},
		},
		{
			"body only",
			tcReply{Status: 403, Body: `{"errors":[{"code":"root.invalid_authentication","message":"no"}]}`},
			&APIError{StatusCode: 403, Method: "POST", Operation: "accept-organization-invitation", Attempts: 1,
				Errors: []ErrorDetail{{Code: CodeRootInvalidAuthentication, Message: "no"}}},
		},
		{
			"codes on two header lines",
			tcReply{Status: 400, Header: http.Header{"X-Cloud-Error-Codes": {"organization.user_organization_already_belongs", " root.invalid_data , "}}},
			&APIError{StatusCode: 400, Method: "POST", Operation: "accept-organization-invitation", Attempts: 1,
				Codes: []string{CodeOrganizationUserOrganizationAlreadyBelongs, CodeRootInvalidData}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tcClient(t, tc.reply)
			err := c.AcceptOrganizationInvitation(context.Background(), "tok-1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if diff := cmp.Diff(tc.want, apiErr); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			codes := slices.Concat(tc.want.Codes, []string{})
			for _, d := range tc.want.Errors {
				codes = append(codes, d.Code)
			}
			for _, code := range codes {
				if !HasCode(err, code) || !apiErr.HasCode(code) {
					t.Errorf("HasCode(%q) = false", code)
				}
			}
			if HasCode(err, CodeOrganizationNotFound) {
				t.Errorf("HasCode(%q) = true for a code not sent", CodeOrganizationNotFound)
			}
		})
	}
}

func TestOpInvitationsInvalidArguments(t *testing.T) {
	t.Parallel()
	list := func(id string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.ListOrganizationInvitations(ctx, id)
			return err
		}
	}
	create := func(id string, emails []string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.CreateOrganizationInvitations(ctx, id, CreateInvitationsRequest{Emails: emails})
			return err
		}
	}
	get := func(tok string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationInvitation(ctx, tok)
			return err
		}
	}
	accept := func(tok string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { return c.AcceptOrganizationInvitation(ctx, tok) }
	}
	del := func(id string, toks []string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { return c.DeleteOrganizationInvitations(ctx, id, toks) }
	}
	tcRunInvalidArgs(t, []struct {
		name, op string
		call     func(context.Context, *Client) error
	}{
		{"ListOrganizationInvitations/empty ID", "list-organization-invitations", list("")},
		{"ListOrganizationInvitations/dot-dot", "list-organization-invitations", list("..")},
		{"CreateOrganizationInvitations/empty ID", "create-organization-invitations", create("", []string{"a@x.example"})},
		{"CreateOrganizationInvitations/dot", "create-organization-invitations", create(".", []string{"a@x.example"})},
		{"CreateOrganizationInvitations/no emails", "create-organization-invitations", create("o1", nil)},
		{"CreateOrganizationInvitations/empty email list", "create-organization-invitations", create("o1", []string{})},
		{"CreateOrganizationInvitations/empty email", "create-organization-invitations", create("o1", []string{"a@x.example", ""})},
		{"GetOrganizationInvitation/empty token", "get-organization-invitation", get("")},
		{"GetOrganizationInvitation/dot", "get-organization-invitation", get(".")},
		{"GetOrganizationInvitation/dot-dot", "get-organization-invitation", get("..")},
		{"AcceptOrganizationInvitation/empty token", "accept-organization-invitation", accept("")},
		{"AcceptOrganizationInvitation/dot-dot", "accept-organization-invitation", accept("..")},
		{"DeleteOrganizationInvitations/empty ID", "delete-organization-invitations", del("", []string{"t1"})},
		{"DeleteOrganizationInvitations/dot ID", "delete-organization-invitations", del(".", []string{"t1"})},
		{"DeleteOrganizationInvitations/nil list", "delete-organization-invitations", del("o1", nil)},
		{"DeleteOrganizationInvitations/empty list", "delete-organization-invitations", del("o1", []string{})},
		{"DeleteOrganizationInvitations/empty token", "delete-organization-invitations", del("o1", []string{""})},
		{"DeleteOrganizationInvitations/empty second token", "delete-organization-invitations", del("o1", []string{"t1", ""})},
		{"DeleteOrganizationInvitations/token with a comma", "delete-organization-invitations", del("o1", []string{"t1", "t2,t3"})},
		{"DeleteOrganizationInvitations/dot-dot token", "delete-organization-invitations", del("o1", []string{".."})},
	})
}

func TestOpInvitationsPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"ListOrganizationInvitations", func(ctx context.Context, c *Client) error {
			_, err := c.ListOrganizationInvitations(ctx, "o/1")
			return err
		}, "/organizations/o%2F1/invitations"},
		{"CreateOrganizationInvitations", func(ctx context.Context, c *Client) error {
			_, err := c.CreateOrganizationInvitations(ctx, "o?1#2", CreateInvitationsRequest{Emails: []string{"a@x.example"}})
			return err
		}, "/organizations/o%3F1%232/invitations"},
		{"GetOrganizationInvitation", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationInvitation(ctx, "t/k?n#%")
			return err
		}, "/organizations/invitations/t%2Fk%3Fn%23%25"},
		{"GetOrganizationInvitation/path traversal", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationInvitation(ctx, "../../deployments")
			return err
		}, "/organizations/invitations/..%2F..%2Fdeployments"},
		{"AcceptOrganizationInvitation", func(ctx context.Context, c *Client) error {
			return c.AcceptOrganizationInvitation(ctx, "t/1?x=y")
		}, "/organizations/invitations/t%2F1%3Fx=y/_accept"},
		{"DeleteOrganizationInvitations", func(ctx context.Context, c *Client) error {
			return c.DeleteOrganizationInvitations(ctx, "o#1", []string{"t/1", "t?2", "t#3", "t%4"})
		}, "/organizations/o%231/invitations/t%2F1%2Ct%3F2%2Ct%233%2Ct%254"},
	})
}

func TestOpInvitationsEmptyResponse(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name, method, path string
		call               func(context.Context, *Client) error
	}{
		{"AcceptOrganizationInvitation", "POST", "/organizations/invitations/tok-1/_accept",
			func(ctx context.Context, c *Client) error { return c.AcceptOrganizationInvitation(ctx, "tok-1") }},
		{"DeleteOrganizationInvitations", "DELETE", "/organizations/o1/invitations/t1%2Ct2",
			func(ctx context.Context, c *Client) error {
				return c.DeleteOrganizationInvitations(ctx, "o1", []string{"t1", "t2"})
			}},
	}
	for _, op := range ops {
		for _, body := range []string{`{}`, ``, "{}\n"} {
			t.Run(fmt.Sprintf("%s/body %q", op.name, body), func(t *testing.T) {
				t.Parallel()
				c, m := tcClient(t, tcReply{Status: 200, Body: body})
				if err := op.call(context.Background(), c); err != nil {
					t.Fatalf("EmptyResponse %q: %v, want success", body, err)
				}
				tcCheckRequest(t, m.only(t), op.method, op.path, "", "")
			})
		}
	}
}

func TestOpInvitationsSuccessWithInvalidJSON(t *testing.T) {
	t.Parallel()
	tcRunBrokenJSON(t, []struct {
		op     string
		status int
		call   func(context.Context, *Client) (any, error)
	}{
		{"list-organization-invitations", 200, func(ctx context.Context, c *Client) (any, error) {
			return c.ListOrganizationInvitations(ctx, "o1")
		}},
		{"create-organization-invitations", 201, func(ctx context.Context, c *Client) (any, error) {
			return c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@x.example"}})
		}},
		{"get-organization-invitation", 200, func(ctx context.Context, c *Client) (any, error) {
			return c.GetOrganizationInvitation(ctx, "tok-1")
		}},
	})
}
