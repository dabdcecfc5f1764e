package ecloudtest

import (
	"encoding/json"
	"encoding/xml"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
)

// These tests send raw HTTP requests, to check what the fake refuses that
// the ecloud client never sends.

const apiKeyHeader = "ApiKey test-key"

type rawReply struct {
	status int
	header http.Header
	body   []byte
}

// send makes a raw request to the server. header values replace the
// defaults (Authorization: ApiKey ...; Content-Type: application/json when
// there is a body); an empty value removes the header.
func send(t *testing.T, s *Server, method, path, body string, header map[string]string) rawReply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.ts.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", apiKeyHeader)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawReply{resp.StatusCode, resp.Header, b}
}

// wantError checks a spec-shaped error: status, the code in the
// x-cloud-error-codes header, and {"errors":[{"code","message"}]} in a JSON
// body.
func (r rawReply) wantError(t *testing.T, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if got := r.header.Get("X-Cloud-Error-Codes"); !slices.Contains(strings.Split(got, ","), code) {
		t.Errorf("x-cloud-error-codes = %q, want %q", got, code)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var body struct {
		Errors []ecloud.ErrorDetail `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if !slices.ContainsFunc(body.Errors, func(d ecloud.ErrorDetail) bool { return d.Code == code && d.Message != "" }) {
		t.Errorf("body = %s, want an error with code %q and a message", r.body, code)
	}
}

func newRawServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer(t)
	s.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	s.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-1", Email: "one@example.com"})
	s.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "two@example.com"})
	return s
}

func TestAuthorizationRequired(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	for _, auth := range []string{"", "ApiKey", "ApiKey  ", "Bearer abc", "Basic !!!", "Basic dXNlcg==" /* "user", no password */} {
		for _, path := range []string{"/api/v1/organizations", "/api/v1/organizations/org-1/invitations", "/api/v1/nowhere"} {
			send(t, s, http.MethodGet, path, "", map[string]string{"Authorization": auth}).wantError(t, 401, ecloud.CodeRootUnauthorized)
		}
	}
	// An injected failure is not consumed by an unauthenticated request.
	s.FailNext(ecloud.OpListOrganizations, 500)
	send(t, s, http.MethodGet, "/api/v1/organizations", "", map[string]string{"Authorization": ""}).wantError(t, 401, ecloud.CodeRootUnauthorized)
	if r := send(t, s, http.MethodGet, "/api/v1/organizations", "", nil); r.status != 500 {
		t.Errorf("the injected failure was lost: status %d", r.status)
	}

	for _, auth := range []string{apiKeyHeader, "apikey x", "Basic dXNlcjpwYXNz" /* user:pass */} {
		if r := send(t, s, http.MethodGet, "/api/v1/organizations", "", map[string]string{"Authorization": auth}); r.status != 200 {
			t.Errorf("Authorization %q: status %d", auth, r.status)
		}
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	for _, path := range []string{
		"/organizations", "/api/v2/organizations", "/api/v1/", "/api/v1/organization",
		"/api/v1/organizations/", "/api/v1/organizations//members", "/api/v1/organizations/org-1/members/u-1/x",
		"/api/v1/organizations/org-1/nothing", "/api/v1/organizations/invitations/tok/_refuse",
		"/api/v1/organizations/org-1/domains/_claim", "/api/v1/organizations/org-1/domains/example.com/x",
		"/api/v1/organizations/org-1/idp/metadata", "/api/v1/organizations/org-1/role_mappings/a/b",
	} {
		send(t, s, http.MethodGet, path, "", nil).wantError(t, 404, codeResourceNotFound)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "/api/v1/organizations", "GET"},
		{http.MethodDelete, "/api/v1/organizations/org-1", "GET, PUT"},
		{http.MethodPatch, "/api/v1/organizations/org-1", "GET, PUT"},
		{http.MethodPut, "/api/v1/organizations/org-1/invitations", "GET, POST"},
		{http.MethodGet, "/api/v1/organizations/org-1/members/u-1", "DELETE"},
		{http.MethodGet, "/api/v1/organizations/invitations/tok/_accept", "POST"},
		{http.MethodDelete, "/api/v1/organizations/invitations/tok", "GET"},
		{http.MethodPost, "/api/v1/organizations/org-1/domains", "GET, DELETE"},
		{http.MethodGet, "/api/v1/organizations/org-1/domains/_verify", "POST"},
		{http.MethodGet, "/api/v1/organizations/org-1/domains/_generate_verification_code", "POST"},
		{http.MethodPost, "/api/v1/organizations/org-1/idp", "GET, PUT, DELETE"},
		{http.MethodDelete, "/api/v1/organizations/org-1/idp/metadata.xml", "GET"},
		{http.MethodPatch, "/api/v1/organizations/org-1/role_mappings", "GET, POST, PUT, DELETE"},
		{http.MethodGet, "/api/v1/organizations/org-1/role_mappings/admins", "PUT, DELETE"},
	} {
		r := send(t, s, tc.method, tc.path, "", nil)
		r.wantError(t, 405, codeMethodNotAllowed)
		if got := r.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow = %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestRequestBodies(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const create = "/api/v1/organizations/org-1/invitations"
	const update = "/api/v1/organizations/org-1"
	for _, tc := range []struct {
		name, method, path, body, contentType string
		field                                 string // expected in errors[].fields, if any
	}{
		{"no content type", http.MethodPost, create, `{"emails":["a@example.com"]}`, "", ""},
		{"text content type", http.MethodPost, create, `{"emails":["a@example.com"]}`, "text/plain", ""},
		{"form content type", http.MethodPut, update, `{"name":"Fine"}`, "application/x-www-form-urlencoded", ""},
		{"latin-1", http.MethodPost, create, `{"emails":["a@example.com"]}`, "application/json; charset=iso-8859-1", ""},
		{"no body", http.MethodPost, create, "", "application/json", ""},
		{"array", http.MethodPost, create, `[{"emails":["a@example.com"]}]`, "", "body"},
		{"null", http.MethodPut, update, `null`, "", "body"},
		{"not JSON", http.MethodPost, create, `emails=a@example.com`, "", "body"},
		{"truncated", http.MethodPost, create, `{"emails":["a@example.com"]`, "", ""},
		{"trailing data", http.MethodPost, create, `{"emails":["a@example.com"]} {}`, "", ""},
		{"unknown field", http.MethodPost, create, `{"emails":["a@example.com"],"email":"b@example.com"}`, "", ""},
		{"unknown nested field", http.MethodPost, create, `{"emails":["a@example.com"],"role_assignments":{"organization":[{"role_id":"r","organization_id":"org-1","scope":"x"}]}}`, "", ""},
		{"emails not a list", http.MethodPost, create, `{"emails":"a@example.com"}`, "", "emails"},
		{"email not a string", http.MethodPost, create, `{"emails":[42]}`, "", "emails[0]"},
		{"expires_in not a string", http.MethodPost, create, `{"emails":["a@example.com"],"expires_in":72}`, "", "expires_in"},
		{"no emails", http.MethodPost, create, `{"expires_in":"1d"}`, "", "emails"},
		{"empty emails", http.MethodPost, create, `{"emails":[]}`, "", "emails"},
		{"name not a string", http.MethodPut, update, `{"name":7}`, "", "name"},
		{"alerts not a bool", http.MethodPut, update, `{"default_disk_usage_alerts_enabled":"yes"}`, "", "default_disk_usage_alerts_enabled"},
		{"unknown update field", http.MethodPut, update, `{"id":"org-2"}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var header map[string]string
			if tc.contentType != "" || tc.name == "no content type" {
				header = map[string]string{"Content-Type": tc.contentType}
			}
			r := send(t, s, tc.method, tc.path, tc.body, header)
			r.wantError(t, 400, ecloud.CodeRootInvalidData)
			if tc.field != "" && !strings.Contains(string(r.body), `"fields":["`+tc.field+`"]`) {
				t.Errorf("body %s does not name the field %q", r.body, tc.field)
			}
		})
	}
	if n := len(s.Invitations("org-1")); n != 0 {
		t.Errorf("%d invitations created by refused requests", n)
	}
	if r := send(t, s, http.MethodGet, update, "", nil); !strings.Contains(string(r.body), `"name":"Acme"`) {
		t.Errorf("the organization changed through refused updates: %s", r.body)
	}
	// A correct request, with a charset, passes.
	r := send(t, s, http.MethodPost, create, `{"emails":["a@example.com"]}`, map[string]string{"Content-Type": "application/json; charset=utf-8"})
	if r.status != 201 {
		t.Errorf("valid create: status %d, body %s", r.status, r.body)
	}
}

func TestNoBodyWhereNoneIsTaken(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	inv := s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "a@example.com"})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/organizations"},
		{http.MethodGet, "/api/v1/organizations/org-1/members"},
		{http.MethodPost, "/api/v1/organizations/invitations/" + inv.Token + "/_accept"},
		{http.MethodDelete, "/api/v1/organizations/org-1/invitations/" + inv.Token},
	} {
		send(t, s, tc.method, tc.path, `{}`, nil).wantError(t, 400, ecloud.CodeRootInvalidData)
	}
	if got := s.Invitations("org-1"); len(got) != 1 || got[0].AcceptedAt != nil {
		t.Errorf("a refused request changed the invitation: accepted_at %v", got[0].AcceptedAt)
	}
	// Without the body, accept works.
	if r := send(t, s, http.MethodPost, "/api/v1/organizations/invitations/"+inv.Token+"/_accept", "", nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("accept: %d %s, want 200 {}", r.status, r.body)
	}
}

func TestQueryParameters(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	for _, path := range []string{
		"/api/v1/organizations?page=2",
		"/api/v1/organizations/org-1/members?force=true",
		"/api/v1/organizations/org-1/members/u-1?force=yes",
		"/api/v1/organizations/org-1/members/u-1?force=1",
		"/api/v1/organizations/org-1/members/u-1?force=true&force=false",
		"/api/v1/organizations/org-1/members/u-1?forced=true",
		"/api/v1/organizations/org-1/members/u-1?force=%zz",
	} {
		method := http.MethodGet
		if strings.Contains(path, "/members/") {
			method = http.MethodDelete
		}
		send(t, s, method, path, "", nil).wantError(t, 400, ecloud.CodeRootInvalidData)
	}
	if n := len(s.Members("org-1")); n != 2 {
		t.Fatalf("%d members after refused deletes, want 2", n)
	}
	if r := send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/members/u-1?force=false", "", nil); r.status != 200 {
		t.Errorf("force=false: %d %s", r.status, r.body)
	}
}

func TestListSegments(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	s.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-3"})
	a := s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "a@example.com"})
	b := s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "b@example.com"})
	// An empty item in a list is refused, and nothing is deleted.
	send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/invitations/"+a.Token+"%2C%2C"+b.Token, "", nil).wantError(t, 400, ecloud.CodeRootInvalidData)
	send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/invitations/%2C", "", nil).wantError(t, 400, ecloud.CodeRootInvalidData)
	send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/members/u-1%2C", "", nil).wantError(t, 400, ecloud.CodeRootInvalidData)
	if len(s.Invitations("org-1")) != 2 || len(s.Members("org-1")) != 3 {
		t.Fatal("a refused delete removed something")
	}
	// Escaped (%2C, what ecloud sends) and literal commas both separate.
	if r := send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/invitations/"+a.Token+","+b.Token, "", nil); r.status != 200 {
		t.Errorf("literal commas: %d %s", r.status, r.body)
	}
	if r := send(t, s, http.MethodDelete, "/api/v1/organizations/org-1/members/u-1%2Cu-2", "", nil); r.status != 200 {
		t.Errorf("escaped commas: %d %s", r.status, r.body)
	}
	if len(s.Invitations("org-1")) != 0 || len(s.Members("org-1")) != 1 {
		t.Errorf("left %d invitations and %d members, want 0 and 1", len(s.Invitations("org-1")), len(s.Members("org-1")))
	}
}

func TestRoleAssignmentsValidated(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const create = "/api/v1/organizations/org-1/invitations"
	bad := map[string]string{
		"organization role for another org": `{"organization":[{"role_id":"billing-admin","organization_id":"org-2"}]}`,
		"organization role without role_id": `{"organization":[{"organization_id":"org-1"}]}`,
		"platform role without role_id":     `{"platform":[{}]}`,
		"deployment all with ids":           `{"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","all":true,"deployment_ids":["d1"]}]}`,
		"deployment neither all nor ids":    `{"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1"}]}`,
		"project all false without ids":     `{"project":{"security":[{"role_id":"viewer","organization_id":"org-1","all":false}]}}`,
		"project all with ids":              `{"project":{"elasticsearch":[{"role_id":"admin","organization_id":"org-1","all":true,"project_ids":["p"]}]}}`,
	}
	for name, roles := range bad {
		r := send(t, s, http.MethodPost, create, `{"emails":["a@example.com"],"role_assignments":`+roles+`}`, nil)
		t.Run(name, func(t *testing.T) { r.wantError(t, 400, ecloud.CodeRootInvalidData) })
	}
	good := `{"organization":[{"role_id":"billing-admin","organization_id":"org-1"}],` +
		`"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d1"]},{"role_id":"deployment-admin","organization_id":"org-1","all":true}],` +
		`"project":{"observability":[{"role_id":"viewer","organization_id":"org-1","all":false,"project_ids":["p1"]}]}}`
	if r := send(t, s, http.MethodPost, create, `{"emails":["a@example.com"],"role_assignments":`+good+`}`, nil); r.status != 201 {
		t.Errorf("valid role assignments: %d %s", r.status, r.body)
	}
}

func TestErrorBodiesNeverShowTokens(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	inv := s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "one@example.com"}) // a member already
	const unknown = "unknown-token-abcdefghij"
	for _, tc := range []struct{ method, path, secret string }{
		{http.MethodGet, "/api/v1/organizations/invitations/" + unknown, unknown},
		{http.MethodPost, "/api/v1/organizations/invitations/" + unknown + "/_accept", unknown},
		{http.MethodPost, "/api/v1/organizations/invitations/" + inv.Token + "/_accept", inv.Token},
		{http.MethodDelete, "/api/v1/organizations/org-1/invitations/" + inv.Token + "%2C" + unknown, unknown},
		{http.MethodDelete, "/api/v1/organizations/org-2/invitations/" + inv.Token, inv.Token},
	} {
		r := send(t, s, tc.method, tc.path, "", nil)
		if r.status < 400 {
			t.Errorf("%s %s: status %d, want an error", tc.method, tc.path, r.status)
		}
		if strings.Contains(string(r.body), tc.secret) || strings.Contains(r.header.Get("X-Cloud-Error-Codes"), tc.secret) {
			t.Errorf("%s: the answer shows the token", tc.method)
		}
	}
	// The 401 answer does not echo the credential either.
	r := send(t, s, http.MethodGet, "/api/v1/organizations", "", map[string]string{"Authorization": "Bearer secret-credential"})
	if strings.Contains(string(r.body), "secret-credential") {
		t.Error("the 401 body shows the credential")
	}
}

func TestSuccessStatusesAndShapes(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	r := send(t, s, http.MethodPost, "/api/v1/organizations/org-1/invitations", `{"emails":["a@example.com"]}`, nil)
	if r.status != http.StatusCreated || !strings.HasPrefix(string(r.body), `{"invitations":[{"token":"`) {
		t.Errorf("create: %d %s", r.status, r.body)
	}
	r = send(t, s, http.MethodGet, "/api/v1/organizations/org-2/members", "", nil)
	r.wantError(t, 404, ecloud.CodeOrganizationNotFound)
	s.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Empty"})
	for path, want := range map[string]string{
		"/api/v1/organizations/org-2/members":     `{"members":[]}`,
		"/api/v1/organizations/org-2/invitations": `{"invitations":[]}`,
	} {
		if r := send(t, s, http.MethodGet, path, "", nil); r.status != 200 || strings.TrimSpace(string(r.body)) != want {
			t.Errorf("GET %s = %d %s, want 200 %s", path, r.status, r.body, want)
		}
	}
}

func TestRoleAssignmentRequests(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const path = "/api/v1/users/u-1/role_assignments"
	const good = `{"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d1"]}]}`
	for _, tc := range []struct {
		name, method, path, body, contentType string
	}{
		{"no content type", http.MethodPost, path, good, ""},
		{"no body", http.MethodDelete, path, "", "application/json"},
		{"array", http.MethodPost, path, `[` + good + `]`, "application/json"},
		{"nothing assigned", http.MethodPost, path, `{}`, "application/json"},
		{"empty lists", http.MethodDelete, path, `{"deployment":[],"project":{"security":[]}}`, "application/json"},
		{"unknown field", http.MethodPost, path, `{"deployments":[]}`, "application/json"},
		{"unknown nested field", http.MethodPost, path, `{"deployment":[{"role_id":"r","organization_id":"org-1","all":true,"scope":"x"}]}`, "application/json"},
		{"ids not a list", http.MethodDelete, path, `{"deployment":[{"role_id":"r","organization_id":"org-1","deployment_ids":"d1"}]}`, "application/json"},
		{"force on add", http.MethodPost, path + "?force=true", good, "application/json"},
		{"force not a boolean", http.MethodDelete, path + "?force=yes", good, "application/json"},
		{"unknown query", http.MethodDelete, path + "?dry_run=true", good, "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			send(t, s, tc.method, tc.path, tc.body, map[string]string{"Content-Type": tc.contentType}).wantError(t, 400, ecloud.CodeRootInvalidData)
		})
	}
	if ra := s.Members("org-1")[0].RoleAssignments; ra != nil {
		t.Fatalf("refused requests changed the roles: %+v", ra)
	}
	for _, p := range []string{"/api/v1/users/u-1", "/api/v1/users/u-1/role_assignments/x", "/api/v1/users//role_assignments", "/api/v1/users/u-1/roles"} {
		send(t, s, http.MethodPost, p, good, nil).wantError(t, 404, codeResourceNotFound)
	}
	r := send(t, s, http.MethodGet, path, "", nil)
	r.wantError(t, 405, codeMethodNotAllowed)
	if got := r.header.Get("Allow"); got != "POST, DELETE" {
		t.Errorf("Allow = %q, want POST, DELETE", got)
	}
	if r := send(t, s, http.MethodPost, path, good, nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("add: %d %s, want 200 {}", r.status, r.body)
	}
	if r := send(t, s, http.MethodDelete, path+"?force=false", good, nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("remove: %d %s, want 200 {}", r.status, r.body)
	}
	// The user ID is one path segment, escaped.
	s.AddMember("org-1", ecloud.OrganizationMembership{UserID: "realm/u 3"})
	if r := send(t, s, http.MethodPost, "/api/v1/users/realm%2Fu%203/role_assignments", good, nil); r.status != 200 {
		t.Errorf("escaped user ID: %d %s", r.status, r.body)
	}
}

// TestEveryOperationOfTheSDKIsServed: the fake and the httpmock helpers know
// every operation of ecloud.API, by the Op constant of its method.
func TestEveryOperationOfTheSDKIsServed(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "../operations.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	opOf := map[string]string{} // method name → operationId
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				opOf[strings.TrimPrefix(vs.Names[0].Name, "Op")] = strings.Trim(lit.Value, `"`)
			}
		}
		return true
	})
	api := reflect.TypeFor[ecloud.API]()
	for i := range api.NumMethod() {
		op, ok := opOf[api.Method(i).Name]
		if !ok {
			t.Errorf("method %s has no Op constant", api.Method(i).Name)
			continue
		}
		if _, ok := operations[op]; !ok {
			t.Errorf("the fake does not serve %s (%s)", op, api.Method(i).Name)
		}
		if routePattern(op) == "$" {
			t.Errorf("Route has no pattern for %s", op)
		}
	}
	if len(operations) != api.NumMethod() {
		t.Errorf("the fake serves %d operations, the SDK has %d", len(operations), api.NumMethod())
	}
}

// TestVerificationPendingShape: the 449 is the spec's EmptyResponse, with no
// error code.
func TestVerificationPendingShape(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	r := send(t, s, http.MethodPost, "/api/v1/organizations/org-1/domains/_verify", `{"domain_claim_request":"example.com"}`, nil)
	if r.status != 449 || strings.TrimSpace(string(r.body)) != "{}" || r.header.Values("X-Cloud-Error-Codes") != nil || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("449 = %d %q %q %q", r.status, r.body, r.header.Values("X-Cloud-Error-Codes"), r.header.Get("Content-Type"))
	}
}

func TestSSORequestBodies(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	s.AddDomainClaim("org-1", "example.com")
	const (
		domains  = "/api/v1/organizations/org-1/domains"
		idp      = "/api/v1/organizations/org-1/idp"
		mappings = "/api/v1/organizations/org-1/role_mappings"
		roles    = `"role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"org-1"}]}`
		saml     = `"saml_idp":{"issuer":"i","sso_url":"https://idp.example.com","public_certificate":["c"]}`
	)
	added := false // mapping m, for the cases that update it
	for _, tc := range []struct {
		name, method, path, body, code, field string
	}{
		{"domain absent", http.MethodPost, domains + "/_verify", `{}`, ecloud.CodeRootInvalidData, "domain_claim_request"},
		{"domain unknown field", http.MethodPost, domains + "/_generate_verification_code", `{"domain":"example.com"}`, ecloud.CodeRootInvalidData, ""},
		{"domain no body", http.MethodDelete, domains, ``, ecloud.CodeRootInvalidData, ""},
		{"domain not a string", http.MethodDelete, domains, `{"domain_claim_request":["example.com"]}`, ecloud.CodeRootInvalidData, "domain_claim_request"},
		{"idp without enabled", http.MethodPut, idp, `{"login_identifier_prefix":"acme",` + saml + `}`, ecloud.CodeRootInvalidData, "enabled"},
		{"idp without saml_idp", http.MethodPut, idp, `{"enabled":true,"login_identifier_prefix":"acme"}`, ecloud.CodeRootInvalidData, "saml_idp"},
		{"idp without prefix", http.MethodPut, idp, `{"enabled":true,` + saml + `}`, ecloud.CodeRootInvalidData, "login_identifier_prefix"},
		{"idp without certificates", http.MethodPut, idp, `{"enabled":true,"login_identifier_prefix":"acme","saml_idp":{"issuer":"i","sso_url":"https://idp.example.com","public_certificate":[]}}`, ecloud.CodeRootInvalidData, "saml_idp.public_certificate"},
		{"idp with an empty certificate", http.MethodPut, idp, `{"enabled":true,"login_identifier_prefix":"acme","saml_idp":{"issuer":"i","sso_url":"https://idp.example.com","public_certificate":["c",""]}}`, ecloud.CodeRootInvalidData, "saml_idp.public_certificate[1]"},
		{"idp without issuer", http.MethodPut, idp, `{"enabled":true,"login_identifier_prefix":"acme","saml_idp":{"sso_url":"https://idp.example.com","public_certificate":["c"]}}`, ecloud.CodeRootInvalidData, "saml_idp.issuer"},
		{"add no mappings", http.MethodPost, mappings, `{"mappings":[]}`, ecloud.CodeRootInvalidData, "mappings"},
		{"add mappings absent", http.MethodPost, mappings, `{}`, ecloud.CodeRootInvalidData, "mappings"},
		{"update mappings absent", http.MethodPut, mappings, `{}`, ecloud.CodeRootInvalidData, "mappings"},
		{"mapping without enabled", http.MethodPost, mappings, `{"mappings":[{"name":"m","rule":{"any":[{"group":"g"}]},` + roles + `}]}`, ecloud.CodeRootInvalidData, "mappings[0].enabled"},
		{"mapping without name", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"rule":{"any":[{"group":"g"}]},` + roles + `}]}`, ecloud.CodeRootInvalidData, "mappings[0].name"},
		{"mapping without rule", http.MethodPut, mappings, `{"mappings":[{"enabled":true,"name":"m",` + roles + `}]}`, ecloud.CodeRootInvalidData, "mappings[0].rule"},
		{"mapping without roles", http.MethodPut, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"any":[{"group":"g"}]}}]}`, ecloud.CodeRootInvalidData, "mappings[0].role_assignments"},
		{"empty name", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"","rule":{"any":[{"group":"g"}]},` + roles + `}]}`, ecloud.CodeOrgRoleMappingRuleSyntaxError, "mappings[0].name"},
		{"empty rule", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{},` + roles + `}]}`, ecloud.CodeOrgRoleMappingRuleEmptyRule, "mappings[0].rule"},
		{"empty lists", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"any":[],"all":[]},` + roles + `}]}`, ecloud.CodeOrgRoleMappingRuleEmptyRule, "mappings[0].rule"},
		{"empty property rule", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"all":[{"group":"g"},{}]},` + roles + `}]}`, ecloud.CodeOrgRoleMappingRuleEmptyRule, "mappings[0].rule.all[1]"},
		{"group and email", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"any":[{"group":"g","email":"*@example.com"}]},` + roles + `}]}`, ecloud.CodeOrgRoleMappingRuleAmbiguousRule, "mappings[0].rule.any[0]"},
		{"unknown rule field", http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"none":[{"group":"g"}]},` + roles + `}]}`, ecloud.CodeRootInvalidData, ""},
		{"update one without mapping", http.MethodPut, mappings + "/m", `{}`, ecloud.CodeRootInvalidData, "mapping"},
		{"update one ambiguous", http.MethodPut, mappings + "/m", `{"mapping":{"enabled":true,"name":"m","rule":{"any":[{"group":"g","email":"a@b.example"}]},` + roles + `}}`, ecloud.CodeOrgRoleMappingRuleAmbiguousRule, "mapping.rule.any[0]"},
		{"delete names with an empty item", http.MethodDelete, mappings + "/a%2C%2Cb", ``, ecloud.CodeRootInvalidData, "role_names"},
	} {
		if tc.path == mappings+"/m" && !added {
			if r := send(t, s, http.MethodPost, mappings, `{"mappings":[{"enabled":true,"name":"m","rule":{"any":[{"group":"g"}]},`+roles+`}]}`, nil); r.status != 201 {
				t.Fatalf("adding m: %d %s", r.status, r.body)
			}
			added = true
		}
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, s, tc.method, tc.path, tc.body, nil)
			r.wantError(t, 400, tc.code)
			if tc.field != "" && !strings.Contains(string(r.body), `"fields":["`+tc.field+`"]`) {
				t.Errorf("body %s does not name the field %q", r.body, tc.field)
			}
		})
	}
	s.mu.Lock()
	ms, configured := s.orgs["org-1"].roleMappings, s.orgs["org-1"].idp != nil
	s.mu.Unlock()
	if len(ms) != 1 || ms[0].Rule.Any[0].Group != "g" || configured {
		t.Errorf("refused requests changed the state: mappings %+v, an IdP: %v", ms, configured)
	}
}

// TestMetadataAccept: the metadata is served to clients that accept XML,
// with Content-Type application/xml; a client that accepts only JSON gets
// 406, and the errors of the operation are XML.
func TestMetadataAccept(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const path = "/api/v1/organizations/org-1/idp/metadata.xml"
	s.AddDomainClaim("org-1", "example.com")
	for _, accept := range []string{"application/json", "text/html, application/json;q=0.9", "application/xml;q=0", "text/xml"} {
		send(t, s, http.MethodGet, path, "", map[string]string{"Accept": accept}).wantError(t, 406, codeNotAcceptable)
	}
	// Not configured: an XML error carrying the header code.
	r := send(t, s, http.MethodGet, path, "", map[string]string{"Accept": "application/xml"})
	if r.status != 404 || r.header.Get("X-Cloud-Error-Codes") != ecloud.CodeOrgIdPIdPNotConfigured || r.header.Get("Content-Type") != "application/xml" {
		t.Errorf("not configured: %d %q %q", r.status, r.header.Get("X-Cloud-Error-Codes"), r.header.Get("Content-Type"))
	}
	var xmlErr struct {
		Errors []struct {
			Code    string `xml:"code"`
			Message string `xml:"message"`
		} `xml:"error"`
	}
	if err := xml.Unmarshal(r.body, &xmlErr); err != nil || len(xmlErr.Errors) != 1 || xmlErr.Errors[0].Code != ecloud.CodeOrgIdPIdPNotConfigured || xmlErr.Errors[0].Message == "" {
		t.Errorf("XML error %q: %+v, %v", r.body, xmlErr, err)
	}
	if r := send(t, s, http.MethodPut, "/api/v1/organizations/org-1/idp", `{"enabled":true,"login_identifier_prefix":"acme","saml_idp":{"issuer":"i","sso_url":"https://idp.example.com","public_certificate":["c"]}}`, nil); r.status != 200 {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	for _, accept := range []string{"", "application/xml", "*/*", "application/*", "text/html, application/xml;q=0.9"} {
		header := map[string]string{"Accept": accept}
		r := send(t, s, http.MethodGet, path, "", header)
		if r.status != 200 || r.header.Get("Content-Type") != "application/xml" || !strings.HasPrefix(string(r.body), xml.Header+"<EntityDescriptor") {
			t.Errorf("Accept %q: %d %q %.80s", accept, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
}
