package ecloud

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// tcIdPOps are the operations of idp.go.
var tcIdPOps = []string{OpGetOrganizationIdP, OpSetupOrganizationIdP, OpTeardownOrganizationIdP, OpGetOrganizationIdPMetadata}

var tcIdPConfig = IdPConfiguration{
	Enabled:               true,
	LoginIdentifierPrefix: "acme",
	SAMLIdP: SAMLIdP{
		PublicCertificate: []string{"MIIC-cert-1", "MIIC-cert-2"},
		Issuer:            "https://idp.acme.example/saml",
		SSOURL:            "https://idp.acme.example/saml/sso",
	},
}

const tcIdPConfigJSON = `{"enabled":true,"login_identifier_prefix":"acme","saml_idp":{
	"public_certificate":["MIIC-cert-1","MIIC-cert-2"],"issuer":"https://idp.acme.example/saml","sso_url":"https://idp.acme.example/saml/sso"}}`

const tcIdPJSON = `{
	"login_identifier": "acme-4f1c",
	"sso_login_url": "https://cloud.example/sso/login/acme-4f1c",
	"metadata_url": "https://api.example/api/v1/organizations/o1/idp/metadata.xml",
	"acs": "https://cloud.example/saml/acs/acme-4f1c",
	"sp_entity_id": "https://cloud.example/saml/acme-4f1c",
	"signing_certificate": ["MIIB-signing"],
	"encryption_certificate": [],
	"configuration": ` + tcIdPConfigJSON + `
}`

var tcIdP = OrganizationIdP{
	LoginIdentifier:       "acme-4f1c",
	SSOLoginURL:           "https://cloud.example/sso/login/acme-4f1c",
	MetadataURL:           "https://api.example/api/v1/organizations/o1/idp/metadata.xml",
	ACS:                   "https://cloud.example/saml/acs/acme-4f1c",
	SPEntityID:            "https://cloud.example/saml/acme-4f1c",
	SigningCertificate:    []string{"MIIB-signing"},
	EncryptionCertificate: []string{},
	Configuration:         tcIdPConfig,
}

const tcMetadataXML = `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://cloud.example/saml/acme-4f1c">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://cloud.example/saml/acs/acme-4f1c" index="1"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>`

func TestOpIdP(t *testing.T) {
	t.Parallel()
	tcRunOpCases(t, []tcOpCase{
		{
			name:       "GetOrganizationIdP",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.GetOrganizationIdP(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: tcIdPJSON},
			wantMethod: "GET", wantPath: "/organizations/o1/idp",
			want: &tcIdP,
		},
		{
			name: "SetupOrganizationIdP",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SetupOrganizationIdP(ctx, "o1", tcIdPConfig)
			},
			reply:      tcReply{Status: 200, Body: tcIdPJSON},
			wantMethod: "PUT", wantPath: "/organizations/o1/idp",
			wantBody: tcIdPConfigJSON,
			want:     &tcIdP,
		},
		{
			name: "SetupOrganizationIdP/disabled: false is sent",
			call: func(ctx context.Context, c *Client) (any, error) {
				cfg := tcIdPConfig
				cfg.Enabled = false
				return c.SetupOrganizationIdP(ctx, "o1", cfg)
			},
			reply:      tcReply{Status: 200, Body: tcIdPJSON},
			wantMethod: "PUT", wantPath: "/organizations/o1/idp",
			wantBody: strings.Replace(tcIdPConfigJSON, `"enabled":true`, `"enabled":false`, 1),
			want:     &tcIdP,
		},
		{
			name:       "TeardownOrganizationIdP",
			call:       func(ctx context.Context, c *Client) (any, error) { return nil, c.TeardownOrganizationIdP(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/idp",
		},
	})
}

// TestOpGetOrganizationIdPMetadata: the metadata is asked for as XML (one
// Accept header, application/xml) and returned byte for byte.
func TestOpGetOrganizationIdPMetadata(t *testing.T) {
	t.Parallel()
	c, m := tcClient(t, tcReply{Status: 200, Body: tcMetadataXML, Header: http.Header{"Content-Type": {"application/samlmetadata+xml"}}})
	got, err := c.GetOrganizationIdPMetadata(context.Background(), "o/1")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != tcMetadataXML {
		t.Errorf("metadata = %q, want the body as sent", got)
	}
	r := m.only(t)
	if r.Method != "GET" || r.Path != tcPrefix+"/organizations/o%2F1/idp/metadata.xml" || r.RawQuery != "" {
		t.Errorf("request %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
	tcCheckHeader(t, r.Header, "Accept", "application/xml")
	tcCheckHeader(t, r.Header, "Authorization", "ApiKey "+tcAPIKey)
	tcCheckHeader(t, r.Header, "User-Agent", tcUA)
	if _, ok := r.Header["Content-Type"]; ok || len(r.Body) > 0 {
		t.Errorf("sent a body %q or a Content-Type", r.Body)
	}

	// The other operations still ask for JSON on the same client.
	if _, err := c.ListDomainClaims(context.Background(), "o1"); err == nil {
		t.Fatal("the XML answer decoded as JSON")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tcCheckHeader(t, m.reqs[1].Header, "Accept", "application/json")
}

// TestOpGetOrganizationIdPMetadataOwnsItsBytes: the bytes returned are the
// caller's; later calls, which reuse the client's read buffers, do not
// change them, and a retried call returns the last attempt's body.
func TestOpGetOrganizationIdPMetadataOwnsItsBytes(t *testing.T) {
	t.Parallel()
	var n int
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			writeError(w, 503, "root.unavailable", strings.Repeat("busy ", 200))
			return
		}
		fmt.Fprintf(w, `<EntityDescriptor entityID="call-%d">%s</EntityDescriptor>`, n, strings.Repeat("x", 100*n))
	})
	c := newTestClient(t, f.URL)
	first, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`<EntityDescriptor entityID="call-2">%s</EntityDescriptor>`, strings.Repeat("x", 200))
	if string(first) != want {
		t.Fatalf("first call = %q, want the 200 after the retried 503", first)
	}
	for range 5 {
		if _, err := c.GetOrganizationIdPMetadata(context.Background(), "o1"); err != nil {
			t.Fatal(err)
		}
	}
	if string(first) != want {
		t.Errorf("the first result changed under later calls: %q", first)
	}
}

// TestOpGetOrganizationIdPMetadataNotMetadata: a 200 that is not an XML
// document rooted at an EntityDescriptor (a proxy's page, JSON, a truncated
// document, nothing) is an error naming the operation, not an *APIError, and
// no bytes come back.
func TestOpGetOrganizationIdPMetadataNotMetadata(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":      ``,
		"html":       `<html><body>proxy</body></html>`,
		"json":       `{"metadata":"<EntityDescriptor/>"}`,
		"truncated":  `<EntityDescriptor entityID="x"><SPSSODescriptor>`,
		"text":       `EntityDescriptor`,
		"two roots":  `<EntityDescriptor/><EntityDescriptor/>`,
		"text after": `<EntityDescriptor entityID="x"/>and more`,
		"33 deep":    `<EntityDescriptor>` + strings.Repeat(`<a>`, 32) + strings.Repeat(`</a>`, 32) + `</EntityDescriptor>`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, m := tcClient(t, tcReply{Status: 200, Body: body})
			got, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
			if err == nil || got != nil {
				t.Fatalf("body %q: %q, %v; want an error and nothing", body, got, err)
			}
			if !strings.Contains(err.Error(), OpGetOrganizationIdPMetadata+": the 200 response is not SAML metadata") {
				t.Errorf("error = %q", err)
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				t.Errorf("a 200 is an *APIError: %v", err)
			}
			if m.calls() != 1 {
				t.Errorf("%d requests, want 1", m.calls())
			}
		})
	}
}

// TestOpGetOrganizationIdPMetadataXMLErrors: an error answered in XML, as
// the spec documents for this operation, is an *APIError with the header's
// codes, the status sentinel, and the body kept.
func TestOpGetOrganizationIdPMetadataXMLErrors(t *testing.T) {
	t.Parallel()
	const body = `<?xml version="1.0"?><errors><error><code>org.idp.idp_not_configured</code><message>IdP was not configured yet.</message></error></errors>`
	c, m := tcClient(t, tcReply{Status: 404, Body: body, Header: http.Header{
		"Content-Type": {"application/xml"}, "X-Cloud-Error-Codes": {CodeOrgIdPIdPNotConfigured},
	}})
	got, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || got != nil {
		t.Fatalf("%q, %v; want no bytes and an *APIError", got, err)
	}
	if apiErr.StatusCode != 404 || apiErr.Operation != OpGetOrganizationIdPMetadata || !HasCode(err, CodeOrgIdPIdPNotConfigured) || !errors.Is(err, ErrNotFound) {
		t.Errorf("APIError = %+v", apiErr)
	}
	if string(apiErr.Body) != body {
		t.Errorf("Body = %q, want the XML", apiErr.Body)
	}
	if want := "ecloud: get-organization-idp-metadata: 404 Not Found: org.idp.idp_not_configured"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %q, want it to start with %q", err, want)
	}
	if m.calls() != 1 {
		t.Errorf("%d requests, want 1", m.calls())
	}
}

func TestOpIdPDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcIdPOps)
}

func TestOpIdPInvalidArguments(t *testing.T) {
	t.Parallel()
	setup := func(org string, change func(*IdPConfiguration)) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			cfg := tcIdPConfig
			cfg.SAMLIdP.PublicCertificate = []string{"MIIC-cert-1"}
			change(&cfg)
			_, err := c.SetupOrganizationIdP(ctx, org, cfg)
			return err
		}
	}
	keep := func(*IdPConfiguration) {}
	tcRunInvalidArgs(t, []struct {
		name, op string
		call     func(context.Context, *Client) error
	}{
		{"GetOrganizationIdP/empty ID", OpGetOrganizationIdP, func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationIdP(ctx, "")
			return err
		}},
		{"TeardownOrganizationIdP/dot-dot", OpTeardownOrganizationIdP, func(ctx context.Context, c *Client) error {
			return c.TeardownOrganizationIdP(ctx, "..")
		}},
		{"GetOrganizationIdPMetadata/dot", OpGetOrganizationIdPMetadata, func(ctx context.Context, c *Client) error {
			_, err := c.GetOrganizationIdPMetadata(ctx, ".")
			return err
		}},
		{"SetupOrganizationIdP/empty ID", OpSetupOrganizationIdP, setup("", keep)},
		{"SetupOrganizationIdP/no prefix", OpSetupOrganizationIdP, setup("o1", func(c *IdPConfiguration) { c.LoginIdentifierPrefix = "" })},
		{"SetupOrganizationIdP/no issuer", OpSetupOrganizationIdP, setup("o1", func(c *IdPConfiguration) { c.SAMLIdP.Issuer = "" })},
		{"SetupOrganizationIdP/no SSO URL", OpSetupOrganizationIdP, setup("o1", func(c *IdPConfiguration) { c.SAMLIdP.SSOURL = "" })},
		{"SetupOrganizationIdP/no certificate", OpSetupOrganizationIdP, setup("o1", func(c *IdPConfiguration) { c.SAMLIdP.PublicCertificate = nil })},
		{"SetupOrganizationIdP/empty certificate", OpSetupOrganizationIdP, setup("o1", func(c *IdPConfiguration) {
			c.SAMLIdP.PublicCertificate = []string{"MIIC-cert-1", ""}
		})},
	})
}

func TestOpIdPPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"TeardownOrganizationIdP", func(ctx context.Context, c *Client) error {
			return c.TeardownOrganizationIdP(ctx, "o/1?x#y")
		}, "/organizations/o%2F1%3Fx%23y/idp"},
		{"SetupOrganizationIdP/path traversal stays one segment", func(ctx context.Context, c *Client) error {
			_, err := c.SetupOrganizationIdP(ctx, "../users", tcIdPConfig)
			return err
		}, "/organizations/..%2Fusers/idp"},
	})
}

func TestOpIdPSuccessWithInvalidJSON(t *testing.T) {
	t.Parallel()
	tcRunBrokenJSON(t, []tcBrokenJSONCase{
		{OpGetOrganizationIdP, 200, func(ctx context.Context, c *Client) (any, error) { return c.GetOrganizationIdP(ctx, "o1") }},
		{OpSetupOrganizationIdP, 200, func(ctx context.Context, c *Client) (any, error) {
			return c.SetupOrganizationIdP(ctx, "o1", tcIdPConfig)
		}},
	})
}

// FuzzCheckSAMLMetadata: the metadata check never panics on what a server
// sends, and what it accepts is a document encoding/xml reads as an
// EntityDescriptor. Explore with go test -fuzz FuzzCheckSAMLMetadata.
func FuzzCheckSAMLMetadata(f *testing.F) {
	for _, seed := range []string{tcMetadataXML, `<EntityDescriptor/>`, `<html>x</html>`, `{"a":1}`, ``, `<EntityDescriptor>`, `<?xml version="1.0"?><!-- c --><EntityDescriptor a="1"><x/></EntityDescriptor>`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkSAMLMetadata(b) != nil {
			return
		}
		var root struct{ XMLName xml.Name }
		if err := xml.Unmarshal(b, &root); err != nil || root.XMLName.Local != "EntityDescriptor" {
			t.Fatalf("accepted %q, which encoding/xml reads as %v, %v", b, root.XMLName, err)
		}
	})
}

// TestOpGetOrganizationIdPMetadataDepth: metadata whose elements nest 32
// deep, the documented limit, is metadata.
func TestOpGetOrganizationIdPMetadataDepth(t *testing.T) {
	t.Parallel()
	body := `<EntityDescriptor>` + strings.Repeat(`<a>`, 31) + strings.Repeat(`</a>`, 31) + `</EntityDescriptor>`
	c, _ := tcClient(t, tcReply{Status: 200, Body: body})
	got, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
	if err != nil || string(got) != body {
		t.Errorf("metadata 32 deep: %d bytes, %v; want it whole", len(got), err)
	}
}

// TestOpGetOrganizationIdPMetadataTooLarge: metadata over 64 KiB is refused,
// saying how large it is and what the limit is.
func TestOpGetOrganizationIdPMetadataTooLarge(t *testing.T) {
	t.Parallel()
	body := `<EntityDescriptor>` + strings.Repeat(" ", 100<<10-len(`<EntityDescriptor></EntityDescriptor>`)) + `</EntityDescriptor>`
	c, _ := tcClient(t, tcReply{Status: 200, Body: body})
	got, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
	if want := "it is 100 KiB, more than the 64 KiB that SAML metadata can be"; err == nil || got != nil || !strings.Contains(err.Error(), want) {
		t.Errorf("100 KiB of metadata: %d bytes, %v; want an error that says %q", len(got), err, want)
	}
}
