package ecloudtest_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/google/go-cmp/cmp"
)

// idpConfig is a valid IdP configuration.
var idpConfig = ecloud.IdPConfiguration{
	Enabled:               true,
	LoginIdentifierPrefix: "acme",
	SAMLIdP: ecloud.SAMLIdP{
		Issuer:            "https://idp.example.com/saml",
		SSOURL:            "https://idp.example.com/saml/sso",
		PublicCertificate: []string{"MIIC-idp-cert"},
	},
}

// mapping is a valid role mapping of org-1 called name.
func mapping(name string) ecloud.RoleMapping {
	return ecloud.RoleMapping{
		Name:    name,
		Enabled: true,
		Rule:    ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{{Group: name + "-group"}}},
		RoleAssignments: ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}},
		},
	}
}

func mappingNames(ms []ecloud.RoleMapping) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestDomainClaimIsVerifiedOnlyOncePublished(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()

	if got, err := c.ListDomainClaims(ctx, "org-1"); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("ListDomainClaims = %#v, %v; want an empty list", got, err)
	}
	// Verifying before any code was generated: pending.
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.com"); !errors.Is(err, ecloud.ErrVerificationPending) {
		t.Fatalf("verify without a code: %v, want ErrVerificationPending", err)
	}
	code, err := c.GenerateDomainVerificationCode(ctx, "org-1", "Example.COM")
	if err != nil || !strings.HasPrefix(code, "ecloudtest-domain-verification=") || len(code) < len("ecloudtest-domain-verification=")+10 {
		t.Fatalf("code = %q, %v", code, err)
	}
	// Generated but not published: pending, however often it is asked.
	for range 3 {
		err := c.VerifyDomainClaim(ctx, "org-1", "example.com")
		if !errors.Is(err, ecloud.ErrVerificationPending) {
			t.Fatalf("verify before publishing: %v, want ErrVerificationPending", err)
		}
		var apiErr *ecloud.APIError
		if errors.As(err, &apiErr); apiErr.Codes != nil || apiErr.Errors != nil || apiErr.Attempts != 1 {
			t.Errorf("449 = %+v, want no codes, no errors, one attempt", apiErr)
		}
	}
	if got, _ := c.ListDomainClaims(ctx, "org-1"); len(got) != 0 {
		t.Fatalf("claimed before verification: %q", got)
	}
	srv.PublishDomainVerification("org-1", "EXAMPLE.com")
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.COM"); err != nil {
		t.Fatalf("verify after publishing: %v", err)
	}
	if got, err := c.ListDomainClaims(ctx, "org-1"); err != nil || !slices.Equal(got, []string{"example.com"}) {
		t.Fatalf("ListDomainClaims = %q, %v", got, err)
	}
	// Claimed already: by this organization, and by another.
	err = c.VerifyDomainClaim(ctx, "org-1", "example.com")
	wantAPIError(t, err, 400, ecloud.CodeOrgDomainClaimAlreadyExists)
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	if _, err := c.GenerateDomainVerificationCode(ctx, "org-2", "example.com"); err != nil {
		t.Fatal(err)
	}
	srv.PublishDomainVerification("org-2", "example.com")
	err = c.VerifyDomainClaim(ctx, "org-2", "example.com")
	wantAPIError(t, err, 400, ecloud.CodeOrgDomainClaimAlreadyExists)
	if got, _ := c.ListDomainClaims(ctx, "org-2"); len(got) != 0 {
		t.Errorf("org-2 claimed %q", got)
	}
}

func TestDomainVerificationNeedsTheLatestCode(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	first, err := c.GenerateDomainVerificationCode(ctx, "org-1", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	srv.PublishDomainVerification("org-1", "example.com")
	second, err := c.GenerateDomainVerificationCode(ctx, "org-1", "example.com")
	if err != nil || second == first {
		t.Fatalf("second code %q (first %q), %v; want a new code", second, first, err)
	}
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.com"); !errors.Is(err, ecloud.ErrVerificationPending) {
		t.Fatalf("the record holds the old code: %v, want ErrVerificationPending", err)
	}
	srv.PublishDomainVerification("org-1", "example.com")
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.com"); err != nil {
		t.Fatal(err)
	}
	// Codes are per organization and domain: another domain is still pending.
	if _, err := c.GenerateDomainVerificationCode(ctx, "org-1", "example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.org"); !errors.Is(err, ecloud.ErrVerificationPending) {
		t.Errorf("example.org: %v, want ErrVerificationPending", err)
	}
	if got, _ := c.ListDomainClaims(ctx, "org-1"); !slices.Equal(got, []string{"example.com"}) {
		t.Errorf("claims = %q", got)
	}
}

func TestDomainClaimErrors(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	for _, d := range []string{"localhost", "example", "exa mple.com", "-example.com", "example-.com", "example..com", ".example.com",
		"example.com.", "xn--é.com", "example.123", strings.Repeat("a", 64) + ".com", "a@example.com", "https://example.com"} {
		_, err := c.GenerateDomainVerificationCode(ctx, "org-1", d)
		wantAPIError(t, err, 400, ecloud.CodeRootInvalidData)
		wantAPIError(t, c.VerifyDomainClaim(ctx, "org-1", d), 400, ecloud.CodeRootInvalidData)
	}
	for _, d := range []string{"a.io", "sub.example.co.uk", "xn--bcher-kva.example", "1password.com", strings.Repeat("a", 63) + ".com"} {
		if _, err := c.GenerateDomainVerificationCode(ctx, "org-1", d); err != nil {
			t.Errorf("%q refused: %v", d, err)
		}
	}
	_, err := c.ListDomainClaims(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	_, err = c.GenerateDomainVerificationCode(ctx, "nope", "example.com")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.VerifyDomainClaim(ctx, "nope", "example.com"), 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.DeleteDomainClaim(ctx, "nope", "example.com"), 404, ecloud.CodeOrganizationNotFound)
	// Deleting a domain the organization has not claimed.
	srv.AddDomainClaim("org-1", "example.com")
	apiErr := wantAPIError(t, c.DeleteDomainClaim(ctx, "org-1", "example.org"), 400, ecloud.CodeRootInvalidData)
	if !slices.Equal(apiErr.Errors[0].Fields, []string{"domain_claim_request"}) {
		t.Errorf("fields = %q", apiErr.Errors[0].Fields)
	}
}

func TestDeleteDomainClaimWhileAnIdPIsConfigured(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddDomainClaim("org-1", "example.com")
	srv.AddDomainClaim("org-1", "example.org")
	if _, err := c.SetupOrganizationIdP(ctx, "org-1", idpConfig); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"example.com", "example.org", "unclaimed.example"} {
		wantAPIError(t, c.DeleteDomainClaim(ctx, "org-1", d), 400, ecloud.CodeOrgIdPIdPConfigured)
	}
	// A disabled IdP is still configured.
	disabled := idpConfig
	disabled.Enabled = false
	if _, err := c.SetupOrganizationIdP(ctx, "org-1", disabled); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.DeleteDomainClaim(ctx, "org-1", "example.com"), 400, ecloud.CodeOrgIdPIdPConfigured)
	if got, _ := c.ListDomainClaims(ctx, "org-1"); !slices.Equal(got, []string{"example.com", "example.org"}) {
		t.Fatalf("claims after refused deletes = %q", got)
	}
	if err := c.TeardownOrganizationIdP(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDomainClaim(ctx, "org-1", "EXAMPLE.com"); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.ListDomainClaims(ctx, "org-1"); !slices.Equal(got, []string{"example.org"}) {
		t.Errorf("claims = %q, want [example.org]", got)
	}
}

// TestClaimingUsesUpTheCode: after a claim is deleted, claiming the domain
// again takes a new code, published.
func TestClaimingUsesUpTheCode(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	srv := ecloudtest.NewServer(rec)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	c := srv.Client()
	ctx := t.Context()
	claim := func() {
		t.Helper()
		if _, err := c.GenerateDomainVerificationCode(ctx, "org-1", "example.com"); err != nil {
			t.Fatal(err)
		}
		srv.PublishDomainVerification("org-1", "example.com")
		if err := c.VerifyDomainClaim(ctx, "org-1", "example.com"); err != nil {
			t.Fatal(err)
		}
	}
	claim()
	if err := c.DeleteDomainClaim(ctx, "org-1", "example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyDomainClaim(ctx, "org-1", "example.com"); !errors.Is(err, ecloud.ErrVerificationPending) {
		t.Fatalf("verifying again with the used code: %v, want ErrVerificationPending", err)
	}
	// The used code cannot be published again.
	wantFatal(t, rec, `no verification code of "example.com" is waiting`, func() { srv.PublishDomainVerification("org-1", "example.com") })
	claim()
	if got, _ := c.ListDomainClaims(ctx, "org-1"); !slices.Equal(got, []string{"example.com"}) {
		t.Errorf("claims = %q", got)
	}
}

// samlMetadata is what a test reads of the SP metadata document.
type samlMetadata struct {
	XMLName  xml.Name
	EntityID string `xml:"entityID,attr"`
	SP       struct {
		Keys []struct {
			Use  string `xml:"use,attr"`
			Cert string `xml:"http://www.w3.org/2000/09/xmldsig# KeyInfo>X509Data>X509Certificate"`
		} `xml:"urn:oasis:names:tc:SAML:2.0:metadata KeyDescriptor"`
		ACS struct {
			Binding  string `xml:"Binding,attr"`
			Location string `xml:"Location,attr"`
		} `xml:"urn:oasis:names:tc:SAML:2.0:metadata AssertionConsumerService"`
	} `xml:"urn:oasis:names:tc:SAML:2.0:metadata SPSSODescriptor"`
}

func TestIdPSetupGetMetadataTeardown(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	_, err := c.GetOrganizationIdP(ctx, "org-1")
	wantAPIError(t, err, 404, ecloud.CodeOrgIdPIdPNotConfigured)
	_, err = c.GetOrganizationIdPMetadata(ctx, "org-1")
	apiErr := wantAPIErrorFromHeader(t, err, 404, ecloud.CodeOrgIdPIdPNotConfigured)
	if !strings.HasPrefix(string(apiErr.Body), "<?xml") || !strings.Contains(string(apiErr.Body), "<code>org.idp.idp_not_configured</code>") {
		t.Errorf("metadata error body = %q, want the XML error", apiErr.Body)
	}
	wantAPIError(t, c.TeardownOrganizationIdP(ctx, "org-1"), 404, ecloud.CodeOrgIdPIdPNotConfigured)

	// No claimed domain: refused.
	_, err = c.SetupOrganizationIdP(ctx, "org-1", idpConfig)
	wantAPIError(t, err, 400, ecloud.CodeRootInvalidData)

	srv.AddDomainClaim("org-1", "example.com")
	idp, err := c.SetupOrganizationIdP(ctx, "org-1", idpConfig)
	if err != nil {
		t.Fatal(err)
	}
	login := idp.LoginIdentifier
	if !strings.HasPrefix(login, "acme-") || len(login) != len("acme-")+8 {
		t.Errorf("login identifier = %q, want acme-<8 hex digits>", login)
	}
	want := &ecloud.OrganizationIdP{
		LoginIdentifier:       login,
		SSOLoginURL:           "https://sso.ecloudtest.invalid/login/" + login,
		MetadataURL:           srv.URL() + "/organizations/org-1/idp/metadata.xml",
		ACS:                   "https://sso.ecloudtest.invalid/saml/" + login + "/acs",
		SPEntityID:            "https://sso.ecloudtest.invalid/saml/" + login,
		SigningCertificate:    idp.SigningCertificate,
		EncryptionCertificate: idp.SigningCertificate,
		Configuration:         idpConfig,
	}
	if diff := cmp.Diff(want, idp); diff != "" {
		t.Errorf("SetupOrganizationIdP (-want +got):\n%s", diff)
	}
	if len(idp.SigningCertificate) != 1 {
		t.Fatalf("signing certificates = %q", idp.SigningCertificate)
	}
	der, err := base64.StdEncoding.DecodeString(idp.SigningCertificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificate(der); err != nil {
		t.Errorf("the SP certificate does not parse: %v", err)
	}
	got, err := c.GetOrganizationIdP(ctx, "org-1")
	if diff := cmp.Diff(idp, got); err != nil || diff != "" {
		t.Errorf("GetOrganizationIdP (-setup +get): %v\n%s", err, diff)
	}
	if org, _ := c.GetOrganization(ctx, "org-1"); org == nil || org.SSOLoginIdentifier != login {
		t.Errorf("organization = %+v, want sso_login_identifier %q", org, login)
	}

	// The metadata: SAML SP metadata for this IdP, which encoding/xml reads.
	doc, err := c.GetOrganizationIdPMetadata(ctx, "org-1")
	if err != nil {
		t.Fatal(err)
	}
	var md samlMetadata
	if err := xml.Unmarshal(doc, &md); err != nil {
		t.Fatalf("metadata does not parse: %v\n%s", err, doc)
	}
	if md.XMLName.Space != "urn:oasis:names:tc:SAML:2.0:metadata" || md.XMLName.Local != "EntityDescriptor" ||
		md.EntityID != idp.SPEntityID || md.SP.ACS.Location != idp.ACS ||
		md.SP.ACS.Binding != "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" {
		t.Errorf("metadata = %+v\n%s", md, doc)
	}
	if len(md.SP.Keys) != 2 || md.SP.Keys[0].Use != "signing" || md.SP.Keys[0].Cert != idp.SigningCertificate[0] || md.SP.Keys[1].Use != "encryption" {
		t.Errorf("key descriptors = %+v", md.SP.Keys)
	}

	// Set up again: the configuration is replaced, the identifier follows
	// the new prefix.
	cfg := idpConfig
	cfg.Enabled, cfg.LoginIdentifierPrefix = false, "acme-sso"
	cfg.SAMLIdP.PublicCertificate = []string{"MIIC-a", "MIIC-b"}
	idp2, err := c.SetupOrganizationIdP(ctx, "org-1", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if idp2.LoginIdentifier != "acme-sso"+strings.TrimPrefix(login, "acme") || idp2.Configuration.Enabled || !slices.Equal(idp2.Configuration.SAMLIdP.PublicCertificate, cfg.SAMLIdP.PublicCertificate) {
		t.Errorf("second setup = %+v", idp2)
	}
	if doc, err := c.GetOrganizationIdPMetadata(ctx, "org-1"); err != nil || !strings.Contains(string(doc), idp2.SPEntityID) {
		t.Errorf("metadata after the second setup: %v\n%s", err, doc)
	}

	if err := c.TeardownOrganizationIdP(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganizationIdP(ctx, "org-1")
	wantAPIError(t, err, 404, ecloud.CodeOrgIdPIdPNotConfigured)
	_, err = c.GetOrganizationIdPMetadata(ctx, "org-1")
	wantAPIErrorFromHeader(t, err, 404, ecloud.CodeOrgIdPIdPNotConfigured)
	if org, _ := c.GetOrganization(ctx, "org-1"); org == nil || org.SSOLoginIdentifier != "" {
		t.Errorf("sso_login_identifier after teardown = %+v", org)
	}
	// Unknown organizations.
	_, err = c.GetOrganizationIdP(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	_, err = c.SetupOrganizationIdP(ctx, "nope", idpConfig)
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.TeardownOrganizationIdP(ctx, "nope"), 404, ecloud.CodeOrganizationNotFound)
	_, err = c.GetOrganizationIdPMetadata(ctx, "nope")
	wantAPIErrorFromHeader(t, err, 404, ecloud.CodeOrganizationNotFound)
}

// wantAPIErrorFromHeader checks an *ecloud.APIError whose body is not the
// JSON error shape: the status and the code of the x-cloud-error-codes
// header.
func wantAPIErrorFromHeader(t *testing.T, err error, status int, code string) *ecloud.APIError {
	t.Helper()
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !slices.Equal(apiErr.Codes, []string{code}) || !ecloud.HasCode(err, code) {
		t.Fatalf("error = %v, want an *ecloud.APIError %d with the header code %s", err, status, code)
	}
	return apiErr
}

func TestIdPSetupValidation(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.AddDomainClaim("org-1", "example.com")
	for name, change := range map[string]func(*ecloud.IdPConfiguration){
		"prefix with a space":    func(c *ecloud.IdPConfiguration) { c.LoginIdentifierPrefix = "ac me" },
		"prefix too long":        func(c *ecloud.IdPConfiguration) { c.LoginIdentifierPrefix = strings.Repeat("a", 33) },
		"SSO URL not absolute":   func(c *ecloud.IdPConfiguration) { c.SAMLIdP.SSOURL = "/saml/sso" },
		"SSO URL not http":       func(c *ecloud.IdPConfiguration) { c.SAMLIdP.SSOURL = "ftp://idp.example.com/sso" },
		"SSO URL does not parse": func(c *ecloud.IdPConfiguration) { c.SAMLIdP.SSOURL = "https://idp.example.com/%zz" },
	} {
		cfg := idpConfig
		change(&cfg)
		_, err := c.SetupOrganizationIdP(t.Context(), "org-1", cfg)
		t.Run(name, func(t *testing.T) { wantAPIError(t, err, 400, ecloud.CodeRootInvalidData) })
	}
	_, err := c.GetOrganizationIdP(t.Context(), "org-1")
	wantAPIError(t, err, 404, ecloud.CodeOrgIdPIdPNotConfigured)
}

func TestRoleMappingsKeptInOrder(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	list := func() []string {
		t.Helper()
		ms, err := c.ListRoleMappings(ctx, "org-1")
		if err != nil {
			t.Fatal(err)
		}
		return mappingNames(ms)
	}
	if got := list(); got == nil || len(got) != 0 {
		t.Fatalf("initial mappings = %q", got)
	}
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("b"), mapping("a")}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("c")}); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("mappings = %q, want [b a c]", got)
	}
	// Updating one keeps its place; it may take a new, unused name.
	renamed := mapping("a2")
	renamed.Enabled = false
	renamed.Rule = ecloud.RoleMappingRule{All: []ecloud.RoleMappingPropertyRule{{Email: "*@example.com"}, {Group: "staff"}}}
	if err := c.UpdateRoleMapping(ctx, "org-1", "a", renamed); err != nil {
		t.Fatal(err)
	}
	ms, err := c.ListRoleMappings(ctx, "org-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ecloud.RoleMapping{mapping("b"), renamed, mapping("c")}, ms); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	// Delete by name: unknown names are skipped; the answer lists what went.
	deleted, err := c.DeleteRoleMappingsByName(ctx, "org-1", []string{"c", "zz", "b"})
	if err != nil || !slices.Equal(deleted, []string{"c", "b"}) {
		t.Fatalf("DeleteRoleMappingsByName = %q, %v; want [c b]", deleted, err)
	}
	if deleted, err := c.DeleteRoleMappingsByName(ctx, "org-1", []string{"zz"}); err != nil || deleted == nil || len(deleted) != 0 {
		t.Errorf("deleting unknown names = %#v, %v; want an empty list", deleted, err)
	}
	if got := list(); !slices.Equal(got, []string{"a2"}) {
		t.Fatalf("mappings = %q, want [a2]", got)
	}
	// Update all replaces them; delete all removes them.
	if err := c.UpdateRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("y"), mapping("x")}); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []string{"y", "x"}) {
		t.Fatalf("mappings = %q, want [y x]", got)
	}
	if err := c.UpdateRoleMappings(ctx, "org-1", nil); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("mappings after an empty update = %q", got)
	}
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("z")}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRoleMappings(ctx, "org-1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRoleMappings(ctx, "org-1"); err != nil { // nothing left: still fine
		t.Fatal(err)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("mappings after delete = %q", got)
	}
}

func TestRoleMappingNamesAreUnique(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("a"), mapping("b")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("c"), mapping("a")}), 400, ecloud.CodeRootInvalidData)
	wantAPIError(t, c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("d"), mapping("d")}), 400, ecloud.CodeRootInvalidData)
	wantAPIError(t, c.UpdateRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("x"), mapping("x")}), 400, ecloud.CodeRootInvalidData)
	wantAPIError(t, c.UpdateRoleMapping(ctx, "org-1", "a", mapping("b")), 400, ecloud.CodeRootInvalidData)
	wantAPIError(t, c.UpdateRoleMapping(ctx, "org-1", "nope", mapping("nope")), 404, ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound)
	ms, err := c.ListRoleMappings(ctx, "org-1")
	if err != nil || !slices.Equal(mappingNames(ms), []string{"a", "b"}) {
		t.Fatalf("after refused changes: %q, %v", mappingNames(ms), err)
	}
	// Updating a mapping under its own name is no clash.
	if err := c.UpdateRoleMapping(ctx, "org-1", "a", mapping("a")); err != nil {
		t.Error(err)
	}
}

func TestTooManyRoleMappings(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	many := make([]ecloud.RoleMapping, ecloudtest.MaxRoleMappings)
	for i := range many {
		many[i] = mapping(fmt.Sprint("m", i))
	}
	wantAPIError(t, c.UpdateRoleMappings(ctx, "org-1", append(slices.Clone(many), mapping("one-more"))), 400, ecloud.CodeOrgRoleMappingRuleTooManyRoleMappings)
	if err := c.AddRoleMappings(ctx, "org-1", many[:ecloudtest.MaxRoleMappings-1]); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("x"), mapping("y")}), 400, ecloud.CodeOrgRoleMappingRuleTooManyRoleMappings)
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("last")}); err != nil {
		t.Fatalf("the %dth mapping: %v", ecloudtest.MaxRoleMappings, err)
	}
	wantAPIError(t, c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{mapping("over")}), 400, ecloud.CodeOrgRoleMappingRuleTooManyRoleMappings)
	if ms, _ := c.ListRoleMappings(ctx, "org-1"); len(ms) != ecloudtest.MaxRoleMappings || ms[len(ms)-1].Name != "last" {
		t.Errorf("%d mappings, want %d ending with last", len(ms), ecloudtest.MaxRoleMappings)
	}
	if err := c.UpdateRoleMappings(ctx, "org-1", many); err != nil {
		t.Errorf("replacing with exactly %d: %v", ecloudtest.MaxRoleMappings, err)
	}
}

func TestRoleMappingRuleErrors(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	with := func(rule ecloud.RoleMappingRule) ecloud.RoleMapping {
		m := mapping("m")
		m.Rule = rule
		return m
	}
	anyOf := func(rules ...ecloud.RoleMappingPropertyRule) ecloud.RoleMapping {
		return with(ecloud.RoleMappingRule{Any: rules})
	}
	for _, tc := range []struct {
		name  string
		m     ecloud.RoleMapping
		code  string
		field string
	}{
		{"email without @", anyOf(ecloud.RoleMappingPropertyRule{Email: "bob"}), ecloud.CodeOrgRoleMappingRuleEmailSyntaxError, "mappings[0].rule.any[0].email"},
		{"email with two @", anyOf(ecloud.RoleMappingPropertyRule{Group: "g"}, ecloud.RoleMappingPropertyRule{Email: "a@b@example.com"}), ecloud.CodeOrgRoleMappingRuleEmailSyntaxError, "mappings[0].rule.any[1].email"},
		{"email with a space", with(ecloud.RoleMappingRule{All: []ecloud.RoleMappingPropertyRule{{Email: "a b@example.com"}}}), ecloud.CodeOrgRoleMappingRuleEmailSyntaxError, "mappings[0].rule.all[0].email"},
		{"email without domain", anyOf(ecloud.RoleMappingPropertyRule{Email: "*@"}), ecloud.CodeOrgRoleMappingRuleEmailSyntaxError, "mappings[0].rule.any[0].email"},
		{"blank group", anyOf(ecloud.RoleMappingPropertyRule{Group: "  "}), ecloud.CodeOrgRoleMappingRuleSyntaxError, "mappings[0].rule.any[0].group"},
		{"group with a control character", anyOf(ecloud.RoleMappingPropertyRule{Group: "a\nb"}), ecloud.CodeOrgRoleMappingRuleSyntaxError, "mappings[0].rule.any[0].group"},
		{"name with a comma", func() ecloud.RoleMapping { m := mapping("a,b"); return m }(), ecloud.CodeOrgRoleMappingRuleSyntaxError, "mappings[0].name"},
		{"roles of another organization", func() ecloud.RoleMapping {
			m := mapping("m")
			m.RoleAssignments.Organization[0].OrganizationID = "org-2"
			return m
		}(), ecloud.CodeRootInvalidData, "mappings[0].role_assignments.organization[0].organization_id"},
		{"no roles", func() ecloud.RoleMapping { m := mapping("m"); m.RoleAssignments = ecloud.RoleAssignments{}; return m }(), ecloud.CodeRootInvalidData, "mappings[0].role_assignments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			apiErr := wantAPIError(t, c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{tc.m}), 400, tc.code)
			if !slices.ContainsFunc(apiErr.Errors, func(d ecloud.ErrorDetail) bool { return slices.Equal(d.Fields, []string{tc.field}) }) {
				t.Errorf("errors = %+v, want one on %s", apiErr.Errors, tc.field)
			}
			// The same mapping in a full update and a single update.
			wantAPIError(t, c.UpdateRoleMappings(ctx, "org-1", []ecloud.RoleMapping{tc.m}), 400, tc.code)
		})
	}
	// Every problem of a request comes in one answer.
	second := mapping("n")
	second.Rule = ecloud.RoleMappingRule{All: []ecloud.RoleMappingPropertyRule{{Group: " "}}}
	err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{anyOf(ecloud.RoleMappingPropertyRule{Email: "bob"}), second})
	wantAPIError(t, err, 400, ecloud.CodeOrgRoleMappingRuleEmailSyntaxError)
	wantAPIError(t, err, 400, ecloud.CodeOrgRoleMappingRuleSyntaxError)
	if ms, _ := c.ListRoleMappings(ctx, "org-1"); len(ms) != 0 {
		t.Errorf("refused requests stored %d mappings", len(ms))
	}
	// Wildcards are fine.
	ok := anyOf(ecloud.RoleMappingPropertyRule{Email: "*@*.example.com"}, ecloud.RoleMappingPropertyRule{Group: "team-*"})
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{ok}); err != nil {
		t.Errorf("wildcards refused: %v", err)
	}
	// Both any and all are allowed.
	both := with(ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{{Group: "a"}}, All: []ecloud.RoleMappingPropertyRule{{Email: "*@example.com"}}})
	both.Name = "both"
	if err := c.AddRoleMappings(ctx, "org-1", []ecloud.RoleMapping{both}); err != nil {
		t.Errorf("any and all refused: %v", err)
	}
	_, err = c.ListRoleMappings(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.AddRoleMappings(ctx, "nope", []ecloud.RoleMapping{mapping("m")}), 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.DeleteRoleMappings(ctx, "nope"), 404, ecloud.CodeOrganizationNotFound)
	_, err = c.DeleteRoleMappingsByName(ctx, "nope", []string{"m"})
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)
	wantAPIError(t, c.UpdateRoleMapping(ctx, "nope", "m", mapping("m")), 404, ecloud.CodeOrganizationNotFound)
}

func TestSSOFailNext(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpAddRoleMappings, 409, ecloud.CodeOrgDomainClaimConcurrentOrganizationModification)
	wantAPIError(t, c.AddRoleMappings(t.Context(), "org-1", []ecloud.RoleMapping{mapping("a")}), 409, ecloud.CodeOrgDomainClaimConcurrentOrganizationModification)
	if err := c.AddRoleMappings(t.Context(), "org-1", []ecloud.RoleMapping{mapping("a")}); err != nil {
		t.Fatalf("after the injected failure: %v", err)
	}
	// Injected failures of the XML operation are XML, with the header code.
	srv.FailNext(ecloud.OpGetOrganizationIdPMetadata, 500, "root.unexpected")
	_, err := c.GetOrganizationIdPMetadata(t.Context(), "org-1")
	apiErr := wantAPIErrorFromHeader(t, err, 500, "root.unexpected")
	if !strings.Contains(string(apiErr.Body), "<code>root.unexpected</code>") {
		t.Errorf("body = %q", apiErr.Body)
	}
}
