package ecloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

// Shared helpers of the operation tests (organizations_test.go,
// invitations_test.go, spec_test.go). Every client talks to its own
// httpmock.MockTransport, so the tests run in parallel; the API is served
// under a path prefix so that a request built from an absolute path fails.

const (
	tcBaseURL = "https://ece.example.com:12443/custom/api/v1"
	tcHost    = "ece.example.com:12443"
	tcPrefix  = "/custom/api/v1"
	tcAPIKey  = "tc-api-key-4f1c2b"
	tcUA      = "ecloud-go/0.1.0"
)

// tcAnySuccess is a success body holding every field that any operation's
// success requires, for tests about the request rather than the answer.
const tcAnySuccess = `{"id":"o1","name":"n","organizations":[],"members":[],"invitations":[],"token":"t","email":"a@example.com",` +
	`"created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-04T00:00:00Z","organization":{"id":"o1","name":"n"},` +
	`"domains":[],"verification":"v","mappings":[],"login_identifier":"l","sso_login_url":"u","metadata_url":"m","acs":"a",` +
	`"sp_entity_id":"s","signing_certificate":[],"encryption_certificate":[],` +
	`"configuration":{"login_identifier_prefix":"p","saml_idp":{"public_certificate":[],"issuer":"i","sso_url":"u"}}}`

// tcRequest is what the mock received.
type tcRequest struct {
	Method   string
	Host     string
	Path     string // escaped, as sent on the request line, prefix included
	RawQuery string
	Header   http.Header
	Body     []byte
}

// tcReply is what the mock answers.
type tcReply struct {
	Status int
	Body   string
	Header http.Header
}

// tcMock records every request sent to its transport.
type tcMock struct {
	mt   *httpmock.MockTransport
	mu   sync.Mutex
	reqs []tcRequest
}

// tcNewMock returns a mock whose every request (there are no routes: the
// no-responder catches everything) is recorded and answered with reply.
func tcNewMock(reply tcReply) *tcMock {
	m := &tcMock{mt: httpmock.NewMockTransport()}
	m.mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			var err error
			if body, err = io.ReadAll(req.Body); err != nil {
				return nil, err
			}
		}
		m.mu.Lock()
		m.reqs = append(m.reqs, tcRequest{
			Method:   req.Method,
			Host:     req.URL.Host,
			Path:     req.URL.EscapedPath(),
			RawQuery: req.URL.RawQuery,
			Header:   req.Header.Clone(),
			Body:     body,
		})
		m.mu.Unlock()
		resp := httpmock.NewStringResponse(reply.Status, reply.Body)
		for k, v := range reply.Header {
			resp.Header[http.CanonicalHeaderKey(k)] = v
		}
		resp.Request = req
		return resp, nil
	})
	return m
}

// tcClientFor builds a client on m's transport with the prefixed base URL and
// retries off (nothing sleeps). Without an auth option it uses tcAPIKey.
func tcClientFor(t *testing.T, m *tcMock, opts ...Option) *Client {
	t.Helper()
	all := []Option{
		WithHTTPClient(&http.Client{Transport: m.mt}),
		WithBaseURL(tcBaseURL),
		WithRetryPolicy(RetryPolicy{MaxRetries: 0}),
	}
	if len(opts) == 0 {
		all = append(all, WithAPIKey(tcAPIKey))
	}
	c, err := NewClient(append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// tcClient is tcNewMock and tcClientFor in one.
func tcClient(t *testing.T, reply tcReply, opts ...Option) (*Client, *tcMock) {
	t.Helper()
	m := tcNewMock(reply)
	return tcClientFor(t, m, opts...), m
}

// only returns the single request the mock received.
func (m *tcMock) only(t *testing.T) tcRequest {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.reqs) != 1 || m.mt.GetTotalCallCount() != 1 {
		t.Fatalf("the mock received %d requests (call count %d), want exactly 1", len(m.reqs), m.mt.GetTotalCallCount())
	}
	return m.reqs[0]
}

func (m *tcMock) calls() int { return m.mt.GetTotalCallCount() }

// tcJSONEqual compares two JSON documents structurally (key order and
// spacing do not matter; presence, absence, null, "", false and [] do).
func tcJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("the body sent is not JSON: %v: %q", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test: want is not JSON: %v", err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON body sent (-want +got):\n%s\nsent: %s", diff, got)
	}
}

// tcCheckRequest asserts method, exact escaped path under the prefix, query,
// the standard headers, and the body: wantBody "" means no body and no
// Content-Type.
func tcCheckRequest(t *testing.T, r tcRequest, method, path, query, wantBody string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if r.Host != tcHost {
		t.Errorf("host = %s, want %s", r.Host, tcHost)
	}
	if r.Path != tcPrefix+path {
		t.Errorf("path = %s, want %s", r.Path, tcPrefix+path)
	}
	if r.RawQuery != query {
		t.Errorf("query = %q, want %q", r.RawQuery, query)
	}
	tcCheckHeader(t, r.Header, "Authorization", "ApiKey "+tcAPIKey)
	tcCheckHeader(t, r.Header, "Accept", "application/json")
	tcCheckHeader(t, r.Header, "User-Agent", tcUA)
	if wantBody == "" {
		if len(r.Body) != 0 {
			t.Errorf("body sent = %q, want none", r.Body)
		}
		if ct, ok := r.Header["Content-Type"]; ok {
			t.Errorf("Content-Type = %q sent without a body", ct)
		}
		return
	}
	tcCheckHeader(t, r.Header, "Content-Type", "application/json")
	tcJSONEqual(t, r.Body, wantBody)
}

// tcCheckHeader asserts that name has exactly one value, want.
func tcCheckHeader(t *testing.T, h http.Header, name, want string) {
	t.Helper()
	if got := h.Values(name); len(got) != 1 || got[0] != want {
		t.Errorf("header %s = %q, want [%q]", name, got, want)
	}
}

// tcOpCase is one successful call of an operation.
type tcOpCase struct {
	name       string
	call       func(context.Context, *Client) (any, error)
	reply      tcReply
	wantMethod string
	wantPath   string // escaped, after the prefix
	wantQuery  string
	wantBody   string // JSON sent; "" for no body
	want       any    // decoded result; nil for operations returning only an error
}

func tcRunOpCases(t *testing.T, cases []tcOpCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := tcClient(t, tc.reply)
			got, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			tcCheckRequest(t, m.only(t), tc.wantMethod, tc.wantPath, tc.wantQuery, tc.wantBody)
		})
	}
}

// tcTime parses an RFC 3339 time or fails the test.
func tcTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// tcOpCalls calls every operation with valid arguments, by spec operationId.
// The documented-error tests and the spec test walk it.
var tcOpCalls = map[string]func(context.Context, *Client) error{
	"list-organizations": func(ctx context.Context, c *Client) error {
		_, err := c.ListOrganizations(ctx)
		return err
	},
	"get-organization": func(ctx context.Context, c *Client) error {
		_, err := c.GetOrganization(ctx, "o1")
		return err
	},
	"update-organization": func(ctx context.Context, c *Client) error {
		_, err := c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{Name: Ptr("New name")})
		return err
	},
	"list-organization-members": func(ctx context.Context, c *Client) error {
		_, err := c.ListOrganizationMembers(ctx, "o1")
		return err
	},
	"delete-organization-memberships": func(ctx context.Context, c *Client) error {
		return c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1", "u2"}, nil)
	},
	"list-organization-invitations": func(ctx context.Context, c *Client) error {
		_, err := c.ListOrganizationInvitations(ctx, "o1")
		return err
	},
	"create-organization-invitations": func(ctx context.Context, c *Client) error {
		_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
		return err
	},
	"get-organization-invitation": func(ctx context.Context, c *Client) error {
		_, err := c.GetOrganizationInvitation(ctx, "tok-1")
		return err
	},
	"accept-organization-invitation": func(ctx context.Context, c *Client) error {
		return c.AcceptOrganizationInvitation(ctx, "tok-1")
	},
	"delete-organization-invitations": func(ctx context.Context, c *Client) error {
		return c.DeleteOrganizationInvitations(ctx, "o1", []string{"t1", "t2"})
	},
	OpAddRoleAssignments: func(ctx context.Context, c *Client) error {
		return c.AddRoleAssignments(ctx, "u1", tcOneDeployment)
	},
	OpRemoveRoleAssignments: func(ctx context.Context, c *Client) error {
		return c.RemoveRoleAssignments(ctx, "u1", tcOneDeployment, nil)
	},
	OpListDomainClaims: func(ctx context.Context, c *Client) error {
		_, err := c.ListDomainClaims(ctx, "o1")
		return err
	},
	OpGenerateDomainVerificationCode: func(ctx context.Context, c *Client) error {
		_, err := c.GenerateDomainVerificationCode(ctx, "o1", "example.com")
		return err
	},
	OpVerifyDomainClaim: func(ctx context.Context, c *Client) error {
		return c.VerifyDomainClaim(ctx, "o1", "example.com")
	},
	OpDeleteDomainClaim: func(ctx context.Context, c *Client) error {
		return c.DeleteDomainClaim(ctx, "o1", "example.com")
	},
	OpGetOrganizationIdP: func(ctx context.Context, c *Client) error {
		_, err := c.GetOrganizationIdP(ctx, "o1")
		return err
	},
	OpSetupOrganizationIdP: func(ctx context.Context, c *Client) error {
		_, err := c.SetupOrganizationIdP(ctx, "o1", tcIdPConfig)
		return err
	},
	OpTeardownOrganizationIdP: func(ctx context.Context, c *Client) error {
		return c.TeardownOrganizationIdP(ctx, "o1")
	},
	OpGetOrganizationIdPMetadata: func(ctx context.Context, c *Client) error {
		_, err := c.GetOrganizationIdPMetadata(ctx, "o1")
		return err
	},
	OpListRoleMappings: func(ctx context.Context, c *Client) error {
		_, err := c.ListRoleMappings(ctx, "o1")
		return err
	},
	OpAddRoleMappings: func(ctx context.Context, c *Client) error {
		return c.AddRoleMappings(ctx, "o1", []RoleMapping{tcAdminsMapping})
	},
	OpUpdateRoleMappings: func(ctx context.Context, c *Client) error {
		return c.UpdateRoleMappings(ctx, "o1", []RoleMapping{tcAdminsMapping})
	},
	OpDeleteRoleMappings: func(ctx context.Context, c *Client) error {
		return c.DeleteRoleMappings(ctx, "o1")
	},
	OpUpdateRoleMapping: func(ctx context.Context, c *Client) error {
		return c.UpdateRoleMapping(ctx, "o1", "admins", tcAdminsMapping)
	},
	OpDeleteRoleMappingsByName: func(ctx context.Context, c *Client) error {
		_, err := c.DeleteRoleMappingsByName(ctx, "o1", []string{"admins", "viewers"})
		return err
	},
}

// tcOrganizationOps and tcInvitationOps (and tcRoleAssignmentOps of
// roles_test.go) split the operations between organizations.go,
// invitations.go and roles.go; spec_test.go checks they cover the
// implemented operations.
var (
	tcOrganizationOps = []string{"list-organizations", "get-organization", "update-organization", "list-organization-members", "delete-organization-memberships"}
	tcInvitationOps   = []string{"list-organization-invitations", "create-organization-invitations", "get-organization-invitation", "accept-organization-invitation", "delete-organization-invitations"}
)

// tcSentinels are the status-class sentinels with the statuses they match.
var tcSentinels = []struct {
	name   string
	err    error
	status int
}{
	{"ErrBadRequest", ErrBadRequest, 400},
	{"ErrUnauthorized", ErrUnauthorized, 401},
	{"ErrForbidden", ErrForbidden, 403},
	{"ErrNotFound", ErrNotFound, 404},
	{"ErrRateLimited", ErrRateLimited, 429},
	{"ErrServer", ErrServer, 500},
	{"ErrVerificationPending", ErrVerificationPending, 449},
	{"ErrInvalidArgument", ErrInvalidArgument, -1},
}

// tcRunDocumentedErrors answers every operation in ops with every error
// status the spec documents for it, carrying its x-cloud-error-codes in the
// header (comma-separated, with spaces) and one body error per code, and
// checks the whole *APIError, the sentinel, and HasCode.
func tcRunDocumentedErrors(t *testing.T, ops []string) {
	t.Helper()
	facts := tcLoadFacts(t)
	for _, opID := range ops {
		op := tcFactOp(t, facts, opID)
		if len(op.Errors) == 0 {
			t.Fatalf("%s: the fact file documents no error status", opID)
		}
		for _, e := range op.Errors {
			t.Run(fmt.Sprintf("%s/%d", opID, e.Status), func(t *testing.T) {
				t.Parallel()
				reply := tcReply{Status: e.Status}
				var details []ErrorDetail
				for i, code := range e.Codes {
					d := ErrorDetail{Code: code, Message: "message for " + code}
					if i == 0 {
						d.Fields = []string{"field." + code}
					}
					details = append(details, d)
				}
				if len(e.Codes) > 0 {
					reply.Header = http.Header{"X-Cloud-Error-Codes": {strings.Join(e.Codes, ", ")}}
				} else {
					// Documented without codes (update-organization 401): the live
					// API still sends a body.
					details = []ErrorDetail{{Code: CodeRootUnauthorized, Message: "The supplied authentication is invalid"}}
				}
				body, _ := json.Marshal(map[string]any{"errors": details})
				reply.Body = string(body)

				c, m := tcClient(t, reply)
				err := tcOpCalls[opID](context.Background(), c)
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("error = %v (%T), want *APIError", err, err)
				}
				want := &APIError{
					StatusCode: e.Status,
					Method:     op.Method,
					Operation:  opID,
					Codes:      e.Codes,
					Errors:     details,
					Attempts:   1,
				}
				if diff := cmp.Diff(want, apiErr); diff != "" {
					t.Errorf("APIError (-want +got):\n%s", diff)
				}
				if m.calls() != 1 {
					t.Errorf("%d requests sent, want 1", m.calls())
				}
				for _, s := range tcSentinels {
					wrapped := fmt.Errorf("caller: %w", err)
					if got, wantIs := errors.Is(wrapped, s.err), s.status == e.Status; got != wantIs {
						t.Errorf("errors.Is(err, %s) = %v, want %v", s.name, got, wantIs)
					}
				}
				for _, code := range slices.Concat(e.Codes, []string{details[0].Code}) {
					if !HasCode(err, code) || !apiErr.HasCode(code) {
						t.Errorf("HasCode(err, %q) = false, want true", code)
					}
				}
				if HasCode(err, "organization.no_such_code") {
					t.Error("HasCode is true for a code that was not sent")
				}
				msg := err.Error()
				for _, part := range append([]string{"ecloud: " + opID + ": ", fmt.Sprint(e.Status), http.StatusText(e.Status)}, e.Codes...) {
					if !strings.Contains(msg, part) {
						t.Errorf("Error() = %q, want it to contain %q", msg, part)
					}
				}
				if strings.Contains(msg, tcAPIKey) || strings.Contains(msg, "tok-1") {
					t.Errorf("Error() = %q leaks a secret", msg)
				}
			})
		}
	}
}

// tcRunInvalidArgs checks that each call fails with ErrInvalidArgument naming
// the operation, and sends nothing.
func tcRunInvalidArgs(t *testing.T, cases []struct {
	name, op string
	call     func(context.Context, *Client) error
}) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := tcClient(t, tcReply{Status: 200, Body: tcAnySuccess})
			err := tc.call(context.Background(), c)
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("error = %v, want one matching ErrInvalidArgument", err)
			}
			if !strings.Contains(err.Error(), tc.op) {
				t.Errorf("error %q does not name the operation %s", err, tc.op)
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				t.Errorf("an invalid argument is an *APIError: %v", err)
			}
			if n := m.calls(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// tcBrokenJSONCase is a call of tcRunBrokenJSON: an operation returning a
// result and its success status.
type tcBrokenJSONCase = struct {
	op     string
	status int
	call   func(context.Context, *Client) (any, error)
}

// tcRunBrokenJSON checks that a 2xx whose body cannot be decoded is an error
// that names the operation, wraps the JSON error and is not an *APIError.
func tcRunBrokenJSON(t *testing.T, cases []struct {
	op     string
	status int
	call   func(context.Context, *Client) (any, error)
}) {
	t.Helper()
	bodies := map[string]struct {
		body  string
		check func(error) bool
	}{
		"truncated": {`{"x":[`, func(err error) bool { var e *json.SyntaxError; return errors.As(err, &e) }},
		"html":      {`<html>proxy</html>`, func(err error) bool { var e *json.SyntaxError; return errors.As(err, &e) }},
		"wrong type": {`[1,2]`, func(err error) bool {
			var e *json.UnmarshalTypeError
			return errors.As(err, &e)
		}},
	}
	for _, tc := range cases {
		for name, b := range bodies {
			t.Run(tc.op+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, m := tcClient(t, tcReply{Status: tc.status, Body: b.body})
				got, err := tc.call(context.Background(), c)
				if err == nil {
					t.Fatalf("no error for a %d with body %q; result %+v", tc.status, b.body, got)
				}
				if v := reflect.ValueOf(got); v.IsValid() && !v.IsNil() {
					t.Errorf("a result (%+v) came back with the error", got)
				}
				if !strings.Contains(err.Error(), tc.op) {
					t.Errorf("error %q does not name the operation %s", err, tc.op)
				}
				if !b.check(err) {
					t.Errorf("error %v (%T) does not wrap the JSON decode error", err, err)
				}
				var apiErr *APIError
				if errors.As(err, &apiErr) {
					t.Errorf("a 2xx decode failure is an *APIError: %v", err)
				}
				if m.calls() != 1 {
					t.Errorf("%d requests sent, want 1 (a 2xx is not retried)", m.calls())
				}
			})
		}
	}
}

// tcEscapeCase is a call with special characters in its path parameters.
type tcEscapeCase struct {
	name     string
	call     func(context.Context, *Client) error
	wantPath string // escaped, after the prefix
}

func tcRunEscapes(t *testing.T, cases []tcEscapeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := tcClient(t, tcReply{Status: 200, Body: tcAnySuccess})
			if err := tc.call(context.Background(), c); err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			r := m.only(t)
			if r.Path != tcPrefix+tc.wantPath {
				t.Errorf("path = %s, want %s", r.Path, tcPrefix+tc.wantPath)
			}
			if r.RawQuery != "" {
				t.Errorf("query = %q: a parameter leaked out of its path segment", r.RawQuery)
			}
		})
	}
}

const tcOrgJSON = `{
	"id": "o1",
	"name": "Acme",
	"default_disk_usage_alerts_enabled": true,
	"notifications_allowed_email_domains": ["acme.example"],
	"billing_contacts": ["billing@acme.example"],
	"operational_contacts": ["ops@acme.example", "oncall@acme.example"],
	"sso_login_identifier": "acme-sso"
}`

var tcOrg = Organization{
	ID:                               "o1",
	Name:                             "Acme",
	DefaultDiskUsageAlertsEnabled:    Ptr(true),
	NotificationsAllowedEmailDomains: []string{"acme.example"},
	BillingContacts:                  []string{"billing@acme.example"},
	OperationalContacts:              []string{"ops@acme.example", "oncall@acme.example"},
	SSOLoginIdentifier:               "acme-sso",
}

func TestOpOrganizations(t *testing.T) {
	t.Parallel()
	memberSince := tcTime(t, "2024-03-01T10:20:30.123Z")
	memberSince2 := tcTime(t, "2023-12-31T23:00:00+02:00")
	tcRunOpCases(t, []tcOpCase{
		{
			name:       "ListOrganizations",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizations(ctx) },
			reply:      tcReply{Status: 200, Body: `{"organizations":[` + tcOrgJSON + `,{"id":"o2","name":"Beta"}],"next_page":"cursor-2"}`},
			wantMethod: "GET", wantPath: "/organizations",
			want: &OrganizationList{Organizations: []Organization{tcOrg, {ID: "o2", Name: "Beta"}}, NextPage: "cursor-2"},
		},
		{
			name:       "ListOrganizations/last page",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizations(ctx) },
			reply:      tcReply{Status: 200, Body: `{"organizations":[]}`},
			wantMethod: "GET", wantPath: "/organizations",
			want: &OrganizationList{Organizations: []Organization{}},
		},
		{
			name:       "GetOrganization",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.GetOrganization(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: tcOrgJSON},
			wantMethod: "GET", wantPath: "/organizations/o1",
			want: &tcOrg,
		},
		{
			name: "UpdateOrganization/every field",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{
					Name:                             Ptr("Acme"),
					DefaultDiskUsageAlertsEnabled:    Ptr(true),
					NotificationsAllowedEmailDomains: []string{"acme.example"},
					BillingContacts:                  []string{"billing@acme.example"},
					OperationalContacts:              []string{"ops@acme.example", "oncall@acme.example"},
				})
			},
			reply:      tcReply{Status: 200, Body: tcOrgJSON},
			wantMethod: "PUT", wantPath: "/organizations/o1",
			wantBody: `{"name":"Acme","default_disk_usage_alerts_enabled":true,"notifications_allowed_email_domains":["acme.example"],
				"billing_contacts":["billing@acme.example"],"operational_contacts":["ops@acme.example","oncall@acme.example"]}`,
			want: &tcOrg,
		},
		{
			name: "UpdateOrganization/zero values are sent",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{
					Name:                             Ptr(""),
					DefaultDiskUsageAlertsEnabled:    Ptr(false),
					NotificationsAllowedEmailDomains: []string{},
					BillingContacts:                  []string{},
					OperationalContacts:              []string{},
				})
			},
			reply:      tcReply{Status: 200, Body: `{"id":"o1","name":""}`},
			wantMethod: "PUT", wantPath: "/organizations/o1",
			wantBody: `{"name":"","default_disk_usage_alerts_enabled":false,"notifications_allowed_email_domains":[],"billing_contacts":[],"operational_contacts":[]}`,
			want:     &Organization{ID: "o1"},
		},
		{
			name: "UpdateOrganization/unset fields are not sent",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{BillingContacts: []string{"b@acme.example"}})
			},
			reply:      tcReply{Status: 200, Body: tcOrgJSON},
			wantMethod: "PUT", wantPath: "/organizations/o1",
			wantBody: `{"billing_contacts":["b@acme.example"]}`,
			want:     &tcOrg,
		},
		{
			name: "UpdateOrganization/nothing set sends an empty object",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{})
			},
			reply:      tcReply{Status: 200, Body: tcOrgJSON},
			wantMethod: "PUT", wantPath: "/organizations/o1",
			wantBody: `{}`,
			want:     &tcOrg,
		},
		{
			name: "ListOrganizationMembers",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizationMembers(ctx, "o1") },
			reply: tcReply{Status: 200, Body: `{"members":[
				{"organization_id":"o1","user_id":"u1","name":"Ada","email":"ada@acme.example","member_since":"2024-03-01T10:20:30.123Z",
				 "role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"o1"}],
				   "deployment":[{"role_id":"deployment-viewer","organization_id":"o1","all":false,"deployment_ids":["d1"]}]}},
				{"organization_id":"o1","user_id":"u2","member_since":"2023-12-31T23:00:00+02:00","unknown_field":{"x":1}}
			]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/members",
			want: []OrganizationMembership{
				{
					OrganizationID: "o1", UserID: "u1", Name: "Ada", Email: "ada@acme.example", MemberSince: memberSince,
					RoleAssignments: &RoleAssignments{
						Organization: []OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "o1"}},
						Deployment:   []DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "o1", All: Ptr(false), DeploymentIDs: []string{"d1"}}},
					},
				},
				{OrganizationID: "o1", UserID: "u2", MemberSince: memberSince2},
			},
		},
		{
			name:       "ListOrganizationMembers/none",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizationMembers(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"members":[]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/members",
			want: []OrganizationMembership{},
		},
		{
			name: "DeleteOrganizationMemberships/nil options",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1", "u2"}, nil)
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/members/u1%2Cu2",
		},
		{
			name: "DeleteOrganizationMemberships/nil Force",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1"}, &DeleteMembershipsOptions{})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/members/u1",
		},
		{
			name: "DeleteOrganizationMemberships/force=true",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1", "u2", "u3"}, &DeleteMembershipsOptions{Force: Ptr(true)})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/members/u1%2Cu2%2Cu3", wantQuery: "force=true",
		},
		{
			name: "DeleteOrganizationMemberships/force=false",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1"}, &DeleteMembershipsOptions{Force: Ptr(false)})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/members/u1", wantQuery: "force=false",
		},
	})
}

func TestOpOrganizationsDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcOrganizationOps)
}

// TestOpBasicAuthAndUserAgent checks the ECE credential and the User-Agent
// prefix on a call with a body and one without.
func TestOpBasicAuthAndUserAgent(t *testing.T) {
	t.Parallel()
	for _, withBody := range []bool{false, true} {
		t.Run(fmt.Sprint("body=", withBody), func(t *testing.T) {
			t.Parallel()
			m := tcNewMock(tcReply{Status: 200, Body: tcOrgJSON})
			c := tcClientFor(t, m, WithBasicAuth("admin", "s3cret"), WithUserAgent("my-tool/1.2"))
			var err error
			if withBody {
				_, err = c.UpdateOrganization(context.Background(), "o1", UpdateOrganizationRequest{Name: Ptr("Acme")})
			} else {
				_, err = c.GetOrganization(context.Background(), "o1")
			}
			if err != nil {
				t.Fatal(err)
			}
			r := m.only(t)
			tcCheckHeader(t, r.Header, "Authorization", "Basic YWRtaW46czNjcmV0") // base64("admin:s3cret")
			tcCheckHeader(t, r.Header, "User-Agent", "my-tool/1.2 ecloud-go/0.1.0")
			tcCheckHeader(t, r.Header, "Accept", "application/json")
			if withBody {
				tcCheckHeader(t, r.Header, "Content-Type", "application/json")
			} else if _, ok := r.Header["Content-Type"]; ok {
				t.Errorf("Content-Type sent without a body")
			}
		})
	}
	if Version != "0.1.0" || tcUA != "ecloud-go/"+Version {
		t.Errorf("Version = %q, want 0.1.0 (the User-Agent tests assume it)", Version)
	}
}

func TestOpOrganizationsInvalidArguments(t *testing.T) {
	t.Parallel()
	getOrg := func(id string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { _, err := c.GetOrganization(ctx, id); return err }
	}
	update := func(id string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.UpdateOrganization(ctx, id, UpdateOrganizationRequest{Name: Ptr("x")})
			return err
		}
	}
	members := func(id string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { _, err := c.ListOrganizationMembers(ctx, id); return err }
	}
	del := func(id string, users []string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			return c.DeleteOrganizationMemberships(ctx, id, users, &DeleteMembershipsOptions{Force: Ptr(true)})
		}
	}
	tcRunInvalidArgs(t, []struct {
		name, op string
		call     func(context.Context, *Client) error
	}{
		{"GetOrganization/empty ID", "get-organization", getOrg("")},
		{"GetOrganization/dot", "get-organization", getOrg(".")},
		{"GetOrganization/dot-dot", "get-organization", getOrg("..")},
		{"UpdateOrganization/empty ID", "update-organization", update("")},
		{"UpdateOrganization/dot-dot", "update-organization", update("..")},
		{"ListOrganizationMembers/empty ID", "list-organization-members", members("")},
		{"ListOrganizationMembers/dot", "list-organization-members", members(".")},
		{"DeleteOrganizationMemberships/empty ID", "delete-organization-memberships", del("", []string{"u1"})},
		{"DeleteOrganizationMemberships/dot-dot ID", "delete-organization-memberships", del("..", []string{"u1"})},
		{"DeleteOrganizationMemberships/nil list", "delete-organization-memberships", del("o1", nil)},
		{"DeleteOrganizationMemberships/empty list", "delete-organization-memberships", del("o1", []string{})},
		{"DeleteOrganizationMemberships/empty item", "delete-organization-memberships", del("o1", []string{""})},
		{"DeleteOrganizationMemberships/empty second item", "delete-organization-memberships", del("o1", []string{"u1", ""})},
		{"DeleteOrganizationMemberships/item with a comma", "delete-organization-memberships", del("o1", []string{"u1,u2"})},
		{"DeleteOrganizationMemberships/dot-dot item", "delete-organization-memberships", del("o1", []string{".."})},
	})
}

func TestOpOrganizationsPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"GetOrganization/slash", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganization(ctx, "a/b")
			return err
		}, "/organizations/a%2Fb"},
		{"GetOrganization/query, fragment and percent", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganization(ctx, "a?b=1#c%d")
			return err
		}, "/organizations/a%3Fb=1%23c%25d"},
		{"GetOrganization/path traversal stays one segment", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganization(ctx, "../deployments")
			return err
		}, "/organizations/..%2Fdeployments"},
		{"GetOrganization/space and unicode", func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganization(ctx, "a b/é")
			return err
		}, "/organizations/a%20b%2F%C3%A9"},
		{"UpdateOrganization", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateOrganization(ctx, "o#1", UpdateOrganizationRequest{})
			return err
		}, "/organizations/o%231"},
		{"ListOrganizationMembers", func(ctx context.Context, c *Client) error {
			_, err := c.ListOrganizationMembers(ctx, "o/1?x")
			return err
		}, "/organizations/o%2F1%3Fx/members"},
		{"DeleteOrganizationMemberships", func(ctx context.Context, c *Client) error {
			return c.DeleteOrganizationMemberships(ctx, "o%1", []string{"u/1", "u?2", "u#3", "u%4"}, nil)
		}, "/organizations/o%251/members/u%2F1%2Cu%3F2%2Cu%233%2Cu%254"},
	})
}

func TestOpOrganizationsEmptyResponse(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, ``, "{}\n"} {
		t.Run(fmt.Sprintf("body %q", body), func(t *testing.T) {
			t.Parallel()
			c, m := tcClient(t, tcReply{Status: 200, Body: body})
			if err := c.DeleteOrganizationMemberships(context.Background(), "o1", []string{"u1"}, nil); err != nil {
				t.Fatalf("EmptyResponse %q: %v, want success", body, err)
			}
			tcCheckRequest(t, m.only(t), "DELETE", "/organizations/o1/members/u1", "", "")
		})
	}
}

func TestOpOrganizationsSuccessWithInvalidJSON(t *testing.T) {
	t.Parallel()
	tcRunBrokenJSON(t, []struct {
		op     string
		status int
		call   func(context.Context, *Client) (any, error)
	}{
		{"list-organizations", 200, func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizations(ctx) }},
		{"get-organization", 200, func(ctx context.Context, c *Client) (any, error) { return c.GetOrganization(ctx, "o1") }},
		{"update-organization", 200, func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{Name: Ptr("x")})
		}},
		{"list-organization-members", 200, func(ctx context.Context, c *Client) (any, error) { return c.ListOrganizationMembers(ctx, "o1") }},
	})
}
