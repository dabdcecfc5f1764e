package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

func newServer(t *testing.T) *ecloudtest.Server {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	return srv
}

// testSettings are the program's defaults, with short polls.
func testSettings() settings {
	return settings{
		domain: "acme.example", issuer: "https://idp.acme.example", ssoURL: "https://idp.acme.example/sso",
		adminGroup: "admins-group", certificate: "MIIC-test", pollEvery: 20 * time.Millisecond, pollTimeout: 5 * time.Second,
	}
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	metadata := filepath.Join(t.TempDir(), "sp.xml")
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-poll-every", "10ms", "-metadata", metadata}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "using the built-in demo API") {
		t.Errorf("stderr does not say the demo API is used: %q", stderr.String())
	}
	out := stdout.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^organization demo-org$`),
		regexp.MustCompile(`(?m)^1\. publish this DNS TXT record on example\.com \(checked every 10ms, for up to 15m0s\):\n   ecloudtest-domain-verification=\w+\n   \(the demo API published it\)\n   example\.com is claimed$`),
		regexp.MustCompile(`(?m)^   SP entity ID  https://sso\.ecloudtest\.invalid/saml/example-[0-9a-f]{8}$`),
		regexp.MustCompile(`(?m)^   ACS URL       https://sso\.ecloudtest\.invalid/saml/example-[0-9a-f]{8}/acs$`),
		regexp.MustCompile(`(?m)^   users sign in with "example-[0-9a-f]{8}" at https://sso\.ecloudtest\.invalid/login/example-[0-9a-f]{8}$`),
		regexp.MustCompile(`(?m)^3\. role mappings:\n   admins   enabled=true any of group cloud-admins -> organization-admin\n   viewers  enabled=true any of email \*@example\.com -> deployment-viewer\n\z`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output does not match %s:\n%s", want, out)
		}
	}
	doc, err := os.ReadFile(metadata)
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		XMLName  xml.Name
		EntityID string `xml:"entityID,attr"`
	}
	if err := xml.Unmarshal(doc, &md); err != nil || md.XMLName.Local != "EntityDescriptor" || !strings.Contains(out, "SP entity ID  "+md.EntityID+"\n") {
		t.Errorf("metadata %+v, %v; want the EntityDescriptor of the SP entity ID printed", md, err)
	}
}

// TestSetUpSSOIsRerunnable: a second run keeps the claim, sets the IdP up
// again and updates the mappings it manages, leaving others alone.
func TestSetUpSSOIsRerunnable(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c, ctx := srv.Client(), t.Context()
	other := ecloud.RoleMapping{Name: "other", Enabled: true, Rule: ecloud.RoleMappingRule{All: []ecloud.RoleMappingPropertyRule{{Group: "x"}}},
		RoleAssignments: ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1"}}}}
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{other}); err != nil {
		t.Fatal(err)
	}
	s := testSettings()
	s.publish = srv.PublishDomainVerification
	var first bytes.Buffer
	if err := setUpSSO(ctx, c, s, &first); err != nil {
		t.Fatal(err)
	}
	s.adminGroup, s.issuer = "new-admins", "https://idp2.acme.example"
	var second bytes.Buffer
	if err := setUpSSO(ctx, c, s, &second); err != nil {
		t.Fatalf("second run: %v\n%s", err, second.String())
	}
	if !strings.Contains(second.String(), "1. acme.example is claimed already\n") || strings.Contains(second.String(), "publish") {
		t.Errorf("second run:\n%s", second.String())
	}
	domains, err := c.ListDomainClaims(ctx, "org-1")
	if err != nil || len(domains) != 1 || domains[0] != "acme.example" {
		t.Errorf("domains = %q, %v", domains, err)
	}
	idp, err := c.GetOrganizationIdP(ctx, "org-1")
	if err != nil || idp.Configuration.SAMLIdP.Issuer != "https://idp2.acme.example" || !strings.HasPrefix(idp.LoginIdentifier, "acme-") ||
		idp.Configuration.SAMLIdP.PublicCertificate[0] != "MIIC-test" || !idp.Configuration.Enabled {
		t.Errorf("IdP = %+v, %v", idp, err)
	}
	mappings, err := c.ListRoleMappings(ctx, "org-1")
	if err != nil || len(mappings) != 3 {
		t.Fatalf("mappings = %+v, %v", mappings, err)
	}
	if mappings[0].Name != "other" || mappings[1].Name != "admins" || mappings[1].Rule.Any[0].Group != "new-admins" ||
		mappings[2].Name != "viewers" || mappings[2].Rule.Any[0].Email != "*@acme.example" {
		t.Errorf("mappings = %+v", mappings)
	}
}

// TestSetUpSSOGivesUpWhenTheRecordNeverShows: the wait is bounded; the IdP
// is not touched after it.
func TestSetUpSSOGivesUpWhenTheRecordNeverShows(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := testSettings()
	s.pollEvery, s.pollTimeout = 40*time.Millisecond, 150*time.Millisecond
	var out bytes.Buffer
	start := time.Now()
	err := setUpSSO(t.Context(), srv.Client(), s, &out)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "verifying acme.example: ") {
		t.Fatalf("error = %v, want the deadline of the wait", err)
	}
	if elapsed < 150*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("gave up after %s, want about 150ms", elapsed)
	}
	if checks := strings.Count(out.String(), "the record is not visible yet"); checks < 2 || checks > 5 {
		t.Errorf("%d checks in 150ms every 40ms:\n%s", checks, out.String())
	}
	if _, err := srv.Client().GetOrganizationIdP(t.Context(), "org-1"); !ecloud.HasCode(err, ecloud.CodeOrgIdPIdPNotConfigured) {
		t.Errorf("the IdP was set up after a failed claim: %v", err)
	}
}

func TestWaitForDomainClaimPollsUntilPublished(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c, ctx := srv.Client(), t.Context()
	if _, err := c.GenerateDomainVerificationCode(ctx, "org-1", "acme.example"); err != nil {
		t.Fatal(err)
	}
	publish := time.AfterFunc(120*time.Millisecond, func() { srv.PublishDomainVerification("org-1", "acme.example") })
	defer publish.Stop()
	var out bytes.Buffer
	if err := waitForDomainClaim(ctx, c, "org-1", "acme.example", 30*time.Millisecond, 5*time.Second, &out); err != nil {
		t.Fatal(err)
	}
	if checks := strings.Count(out.String(), "not visible yet"); checks < 2 {
		t.Errorf("claimed after %d pending checks, want several (published after 120ms, checked every 30ms)", checks)
	}
	if domains, err := c.ListDomainClaims(ctx, "org-1"); err != nil || len(domains) != 1 {
		t.Errorf("domains = %q, %v", domains, err)
	}
}

// TestWaitForDomainClaimStopsAtARefusal: only 449 is waited on; a refusal
// comes back after one check.
func TestWaitForDomainClaimStopsAtARefusal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	srv.AddDomainClaim("org-2", "acme.example")
	var out bytes.Buffer
	err := waitForDomainClaim(t.Context(), srv.Client(), "org-1", "acme.example", time.Hour, time.Hour, &out)
	if !ecloud.HasCode(err, ecloud.CodeOrgDomainClaimAlreadyExists) || out.Len() != 0 {
		t.Errorf("error = %v, output %q; want the refusal at once", err, out.String())
	}
}

func TestWaitForDomainClaimEndsWithTheContext(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := waitForDomainClaim(ctx, srv.Client(), "org-1", "acme.example", time.Hour, time.Hour, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("error = %v after %s, want context.Canceled promptly", err, time.Since(start))
	}
}

func TestRunRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-org", "nope"}, "sso-setup: listing the claimed domains: ecloud: domain-claim-get-domain-claims: 404 Not Found: organization.not_found: Organization not found.\n"},
		{[]string{"-domain", "not a domain"}, "sso-setup: generating the verification code of not a domain: ecloud: domain-claim-generate-verification-code: 400 Bad Request: root.invalid_data: domain_claim_request must be a domain name such as example.com.\n"},
		{[]string{"-idp-sso-url", "idp.example.com/sso"}, "sso-setup: setting up the IdP: ecloud: setup-organization-idp: 400 Bad Request: root.invalid_data: saml_idp.sso_url must be an absolute http or https URL.\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, &stdout, &stderr, noEnv)
		_, errLine, _ := strings.Cut(stderr.String(), "\n") // after the demo notice
		if code != 1 || errLine != tc.want {
			t.Errorf("%q: exit %d, stderr after the notice %q; want exit 1 and %q", tc.args, code, errLine, tc.want)
		}
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	withKey := func(k string) string {
		if k == "EC_API_KEY" {
			return "key"
		}
		return ""
	}
	for _, tc := range []struct {
		args   []string
		getenv func(string) string
		code   int
	}{
		{[]string{"extra"}, noEnv, 2},
		{[]string{"-bogus"}, noEnv, 2},
		{[]string{"-poll-every", "0s"}, noEnv, 2},
		{[]string{"-poll-timeout", "-1s"}, noEnv, 2},
		{[]string{"-idp-cert", filepath.Join(t.TempDir(), "missing.pem")}, noEnv, 2},
		{nil, withKey, 2}, // the real API needs the IdP's certificate
		{[]string{"-help"}, noEnv, 0},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, tc.getenv); code != tc.code {
			t.Errorf("%q: exit %d, stderr %q; want exit %d", tc.args, code, stderr.String(), tc.code)
		}
		if strings.Contains(stderr.String(), "EC_API_KEY is not set") || stdout.Len() != 0 {
			t.Errorf("%q: the program ran (stdout %q, stderr %q)", tc.args, stdout.String(), stderr.String())
		}
	}
	var stderr bytes.Buffer
	run(t.Context(), []string{"-h"}, io.Discard, &stderr, noEnv)
	for _, want := range []string{"usage: sso-setup", "EC_API_KEY", "EC_HOST", "built-in demo API", "-idp-cert"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, stderr.String())
		}
	}
}

func TestReadCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, blocks ...*pem.Block) string {
		var b []byte
		for _, block := range blocks {
			b = append(b, pem.EncodeToMemory(block)...)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("chain.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: []byte("key")}, &pem.Block{Type: "CERTIFICATE", Bytes: []byte("der-1")},
		&pem.Block{Type: "CERTIFICATE", Bytes: []byte("der-2")})
	if got, err := readCertificate(good); err != nil || got != "ZGVyLTE=" { // base64("der-1")
		t.Errorf("readCertificate = %q, %v; want the first certificate, base64", got, err)
	}
	for _, path := range []string{write("key.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: []byte("key")}), write("empty.pem"), filepath.Join(dir, "none.pem")} {
		if got, err := readCertificate(path); err == nil {
			t.Errorf("%s: %q, want an error", path, got)
		}
	}
	// The file given with -idp-cert is what the demo run sends.
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-idp-cert", good, "-poll-every", "10ms"}, &stdout, &stderr, noEnv); code != 0 {
		t.Errorf("run with -idp-cert: exit %d, %s", code, stderr.String())
	}
}

// With EC_API_KEY set, the program sets up SSO on the API named by the
// environment (here EC_HOST points at a fake where the domain is claimed
// already), with the certificate of -idp-cert. Not parallel: it sets the
// process environment, which ecloud.OptionsFromEnv reads.
func TestRunWithAPIKeyUsesTheEnvironment(t *testing.T) {
	srv := newServer(t)
	srv.AddDomainClaim("org-1", "acme.example")
	cert := filepath.Join(t.TempDir(), "idp.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("der")}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EC_API_KEY", "a-real-looking-key")
	t.Setenv("EC_HOST", srv.URL())
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-domain", "acme.example", "-idp-cert", cert}, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if stderr.Len() != 0 || !strings.Contains(stdout.String(), "1. acme.example is claimed already\n") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	idp, err := srv.Client().GetOrganizationIdP(t.Context(), "org-1")
	if err != nil || idp.Configuration.SAMLIdP.PublicCertificate[0] != "ZGVy" { // base64("der")
		t.Errorf("IdP = %+v, %v", idp, err)
	}
}
