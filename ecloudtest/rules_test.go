package ecloudtest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
)

// The rules of the fake's validators at their edges, one table each.

// wantPredicate checks that f holds for each input of cases as cases says.
func wantPredicate(t *testing.T, f func(string) bool, cases map[string]bool) {
	t.Helper()
	for in, want := range cases {
		if got := f(in); got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}

func TestValidAuthorization(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	wantPredicate(t, validAuthorization, map[string]bool{
		"ApiKey k":                  true,
		"apikey k":                  true,
		"ApiKey":                    false,
		"ApiKey ":                   false,
		"ApiKey \u00a0":             false, // a key of blanks only
		"Bearer k":                  false,
		"Basic " + b64("user:pass"): true,
		"Basic " + b64("user:"):     false, // no password
		"Basic " + b64(":pass"):     false, // no user
		"Basic " + b64("userpass"):  false, // no colon
		"Basic " + b64("user:pass")[:len(b64("user:pass"))-1] + "!": false, // a valid start, then not base64
		"basic " + b64("u:p"): true,
	})
}

func TestValidDomain(t *testing.T) {
	t.Parallel()
	label := strings.Repeat("a", 63)
	at253 := label + "." + label + "." + label + "." + strings.Repeat("b", 61) // 4 labels: 63*3 + 61 + 3 dots
	if len(at253) != 253 {
		t.Fatalf("the test's domain has %d characters", len(at253))
	}
	wantPredicate(t, validDomain, map[string]bool{
		"example.com":      true,
		at253:              true,
		at253 + "b":        false, // 254 characters
		label + ".com":     true,
		label + "a.com":    false, // a label of 64
		"a-b.example":      true,
		"-ab.example":      false,
		"ab-.example":      false,
		"example.123":      false,
		"example.1a":       true,
		"example":          false,
		"Example.com":      false, // not lower-cased
		"a..example":       false,
		"exa_mple.example": false,
	})
}

func TestValidPrefix(t *testing.T) {
	t.Parallel()
	wantPredicate(t, validPrefix, map[string]bool{
		"az":                    true,
		"AZ":                    true,
		"09":                    true,
		"a-b":                   true,
		strings.Repeat("x", 32): true,
		strings.Repeat("x", 33): false,
		"":                      false,
		"`":                     false, "{": false, "@": false, "[": false, "/": false, ":": false, // next to a-z, A-Z, 0-9
		"a_b": false, "é": false,
	})
}

func TestValidEmailPattern(t *testing.T) {
	t.Parallel()
	wantPredicate(t, validEmailPattern, map[string]bool{
		"*@example.com": true,
		"a?b@*":         true,
		"@example.com":  false,
		"user@":         false,
		"user":          false,
		"a@b@example":   false,
		"a b@example":   false,
	})
}

func TestParseExpiresInBounds(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]time.Duration{
		"":        3 * 24 * time.Hour,
		"1d":      24 * time.Hour,
		"100000d": 100_000 * 24 * time.Hour,
		"100001d": 0,
		"0d":      0,
		"72h":     72 * time.Hour,
		"-1h":     0,
		"0s":      0,
		"d":       0,
	} {
		got, ok := parseExpiresIn(v)
		if ok != (want > 0) || got != want && ok {
			t.Errorf("parseExpiresIn(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
}

func TestEditDistanceAndSuggestions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "", 3}, {"abc", "abc", 0}, {"ab", "ba", 2}, {"flaw", "lawn", 2},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	// "uplete-role-mappings" is 2 edits from delete- and from
	// update-role-mappings: the tie goes to the first in alphabetical
	// order, whatever order the operations are looked at in.
	for range 30 {
		if err := checkOperation("uplete-role-mappings"); err == nil || !strings.Contains(err.Error(), `did you mean "delete-role-mappings"?`) {
			t.Fatalf("checkOperation = %v, want the suggestion delete-role-mappings", err)
		}
	}
}

func TestAcceptsXML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, true},
		{[]string{"application/xml"}, true},
		{[]string{"text/html;q=0, application/xml"}, true}, // a refused type, then the one wanted
		{[]string{"not a media type;;, */*"}, true},
		{[]string{"application/xml;q=0"}, false},
		{[]string{"application/json", "application/*"}, true},
		{[]string{"application/json"}, false},
	} {
		if got := acceptsXML(tc.values); got != tc.want {
			t.Errorf("acceptsXML(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestEmptyRoles(t *testing.T) {
	t.Parallel()
	if !emptyRoles(ecloud.RoleAssignments{}) {
		t.Error("no roles is not empty")
	}
	for name, ra := range map[string]ecloud.RoleAssignments{
		"platform":     {Platform: []ecloud.PlatformRoleAssignment{{RoleID: "r"}}},
		"organization": {Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "r", OrganizationID: "o"}}},
		"deployment":   {Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "r", OrganizationID: "o", All: ecloud.Ptr(true)}}},
		"project":      {Project: &ecloud.ProjectRoleAssignments{}},
		"platform and organization": {Platform: []ecloud.PlatformRoleAssignment{{RoleID: "r"}},
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "r", OrganizationID: "o"}}},
		"organization and deployment": {Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "r", OrganizationID: "o"}},
			Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "r", OrganizationID: "o", All: ecloud.Ptr(true)}}},
	} {
		if emptyRoles(ra) {
			t.Errorf("%s roles count as no role", name)
		}
	}
}

// TestSPCertificateIsValidNow: the service provider's certificate is valid
// from before it was made, so an IdP that checks it accepts it at once.
func TestSPCertificateIsValidNow(t *testing.T) {
	t.Parallel()
	der, err := base64.StdEncoding.DecodeString(spCertificate())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if now := time.Now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		t.Errorf("the certificate is valid from %v to %v, not now (%v)", cert.NotBefore, cert.NotAfter, now)
	}
}

// TestRequestBodyLimit: a body of 1 MiB is read whole and judged; one
// byte more is refused as too large.
func TestRequestBodyLimit(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const limit = 1 << 20
	name := `{"name":"Fine"}`
	body := strings.Repeat(" ", limit-len(name)) + name // JSON whose last byte matters
	if r := send(t, s, http.MethodPut, "/api/v1/organizations/org-1", body, nil); r.status != 200 {
		t.Errorf("a body of 1 MiB: status %d, body %.200s", r.status, r.body)
	}
	r := send(t, s, http.MethodPut, "/api/v1/organizations/org-1", " "+body, nil)
	r.wantError(t, 400, ecloud.CodeRootInvalidData)
	if !strings.Contains(string(r.body), "too large") {
		t.Errorf("a body of 1 MiB and a byte: %s, want a message that says it is too large", r.body)
	}
}

// TestOrganizationUpdates: names of 2 to 30 characters are accepted, and
// each field of an update is stored when given and kept when omitted.
func TestOrganizationUpdates(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const path = "/api/v1/organizations/org-1"
	get := func() ecloud.Organization {
		var o ecloud.Organization
		if err := json.Unmarshal(send(t, s, http.MethodGet, path, "", nil).body, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	for name, want := range map[string]int{"Ab": 200, "A": 400, " A ": 400, strings.Repeat("é", 30): 200, strings.Repeat("x", 31): 400} {
		body, _ := json.Marshal(map[string]string{"name": name})
		if r := send(t, s, http.MethodPut, path, string(body), nil); r.status != want {
			t.Errorf("name %q: status %d, want %d", name, r.status, want)
		}
	}
	send(t, s, http.MethodPut, path, `{"name":"Acme","notifications_allowed_email_domains":["example.com"],"operational_contacts":["ops@example.com"]}`, nil)
	if o := get(); len(o.NotificationsAllowedEmailDomains) != 1 || o.NotificationsAllowedEmailDomains[0] != "example.com" || len(o.OperationalContacts) != 1 {
		t.Errorf("after an update of the domains and contacts: %+v", o)
	}
	send(t, s, http.MethodPut, path, `{"billing_contacts":["billing@example.com"]}`, nil)
	if o := get(); len(o.NotificationsAllowedEmailDomains) != 1 || len(o.OperationalContacts) != 1 || o.OperationalContacts[0] != "ops@example.com" || len(o.BillingContacts) != 1 {
		t.Errorf("an update of billing contacts alone lost other fields: %+v", o)
	}
	send(t, s, http.MethodPut, path, `{"notifications_allowed_email_domains":["example.org","example.net"]}`, nil)
	if o := get(); len(o.NotificationsAllowedEmailDomains) != 2 || o.NotificationsAllowedEmailDomains[1] != "example.net" {
		t.Errorf("the domains were not replaced: %+v", o)
	}
}

func TestValidEmail(t *testing.T) {
	t.Parallel()
	wantPredicate(t, validEmail, map[string]bool{
		"ada@example.com":       true,
		"<ada@example.com>":     false, // angle brackets, no display name
		"Ada <ada@example.com>": false,
		"ada@example":           false,
		"ada@[127.0.0.1]":       true, // a domain literal has its dots
		"ada":                   false,
	})
}

// TestProjectRolesChecked: project role assignments are checked as the
// others: role_id and organization_id (the organization's, in an
// invitation) present, project_ids absent when all is true and present
// otherwise.
func TestProjectRolesChecked(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const create = "/api/v1/organizations/org-1/invitations"
	for _, tc := range []struct{ assignment, field string }{
		{`{"organization_id":"org-1","project_ids":["p1"]}`, "role_id"},
		{`{"role_id":"r","project_ids":["p1"]}`, "organization_id"},
		{`{"role_id":"r","organization_id":"org-2","project_ids":["p1"]}`, "organization_id"},
		{`{"role_id":"r","organization_id":"org-1"}`, "project_ids"},
		{`{"role_id":"r","organization_id":"org-1","all":true,"project_ids":["p1"]}`, "project_ids"},
	} {
		body := `{"emails":["a@example.com"],"role_assignments":{"project":{"security":[` + tc.assignment + `]}}}`
		r := send(t, s, http.MethodPost, create, body, nil)
		r.wantError(t, 400, ecloud.CodeRootInvalidData)
		if want := `"role_assignments.project.security[0].` + tc.field + `"`; !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %s does not name %s", tc.assignment, r.body, want)
		}
	}
	body := `{"emails":["a@example.com"],"role_assignments":{"project":{"security":[{"role_id":"r","organization_id":"org-1","all":true}]}}}`
	if r := send(t, s, http.MethodPost, create, body, nil); r.status != 201 {
		t.Errorf("a valid project role: %d %s", r.status, r.body)
	}
}

// TestOneByteBodyWhereNoneIsTaken: even one byte of body is refused on an
// operation that takes none.
func TestOneByteBodyWhereNoneIsTaken(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	send(t, s, http.MethodGet, "/api/v1/organizations", " ", nil).wantError(t, 400, ecloud.CodeRootInvalidData)
}

// TestFailNextWithoutCodes: a failure injected without codes answers its
// status with no x-cloud-error-codes header at all; statuses 400 and 599
// can be injected.
func TestFailNextWithoutCodes(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	for _, status := range []int{400, 599} {
		s.FailNext(ecloud.OpListOrganizations, status)
		r := send(t, s, http.MethodGet, "/api/v1/organizations", "", nil)
		if _, ok := r.header["X-Cloud-Error-Codes"]; r.status != status || ok {
			t.Errorf("FailNext(%d) without codes: status %d, header %q", status, r.status, r.header["X-Cloud-Error-Codes"])
		}
	}
}
