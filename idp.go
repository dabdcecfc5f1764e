package ecloud

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// GetOrganizationIdP returns the organization's SAML identity provider. An
// organization without one is 404 CodeOrgIdPIdPNotConfigured. Not available
// on ECE.
//
// Operation get-organization-idp: GET /organizations/{organization_id}/idp.
func (c *Client) GetOrganizationIdP(ctx context.Context, organizationID string) (*OrganizationIdP, error) {
	const op = OpGetOrganizationIdP
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out OrganizationIdP
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: idpPath(org), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetupOrganizationIdP configures the organization's SAML identity provider,
// replacing any configuration it had, and returns it with the service
// provider details to configure in the IdP. cfg must have a login identifier
// prefix, the IdP's issuer and SSO URL, and at least one certificate. Not
// available on ECE.
//
// Operation setup-organization-idp: PUT /organizations/{organization_id}/idp.
func (c *Client) SetupOrganizationIdP(ctx context.Context, organizationID string, cfg IdPConfiguration) (*OrganizationIdP, error) {
	const op = OpSetupOrganizationIdP
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(op); err != nil {
		return nil, err
	}
	var out OrganizationIdP
	if err := c.do(ctx, call{op: op, method: http.MethodPut, path: idpPath(org), body: cfg, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// TeardownOrganizationIdP removes the organization's SAML identity provider.
// An organization without one is 404 CodeOrgIdPIdPNotConfigured. Not
// available on ECE.
//
// Operation teardown-organization-idp: DELETE /organizations/{organization_id}/idp.
func (c *Client) TeardownOrganizationIdP(ctx context.Context, organizationID string) error {
	const op = OpTeardownOrganizationIdP
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: idpPath(org)})
}

// GetOrganizationIdPMetadata returns the SAML 2.0 metadata of the
// organization's service provider: an XML document (an EntityDescriptor) to
// load into the IdP. It asks for application/xml; an answer that is not
// such a document is an error. Errors may come with an XML body: they are
// *APIError values all the same, with the codes of the x-cloud-error-codes
// header and the body in APIError.Body. Not available on ECE.
//
// Operation get-organization-idp-metadata: GET /organizations/{organization_id}/idp/metadata.xml.
func (c *Client) GetOrganizationIdPMetadata(ctx context.Context, organizationID string) ([]byte, error) {
	const op = OpGetOrganizationIdPMetadata
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = c.do(ctx, call{op: op, method: http.MethodGet, path: idpPath(org) + "/metadata.xml", accept: "application/xml", out: &out})
	if err != nil {
		return nil, err
	}
	if err := checkSAMLMetadata(out); err != nil {
		// The text of err may quote the document, which a server could make echo the credential.
		return nil, fmt.Errorf("ecloud: %s: the 200 response is not SAML metadata: %w", op, redactError(err, c.cred.secrets))
	}
	return out, nil
}

// idpPath is the path of an organization's IdP; org is escaped.
func idpPath(org string) string { return "/organizations/" + org + "/idp" }

// validate refuses a configuration without what the API requires.
func (cfg IdPConfiguration) validate(op string) error {
	switch {
	case cfg.LoginIdentifierPrefix == "":
		return invalidArgument(op, "the login identifier prefix is empty")
	case cfg.SAMLIdP.Issuer == "":
		return invalidArgument(op, "the SAML IdP's issuer is empty")
	case cfg.SAMLIdP.SSOURL == "":
		return invalidArgument(op, "the SAML IdP's SSO URL is empty")
	case len(cfg.SAMLIdP.PublicCertificate) == 0:
		return invalidArgument(op, "the SAML IdP has no public certificate")
	}
	for i, cert := range cfg.SAMLIdP.PublicCertificate {
		if cert == "" {
			return invalidArgument(op, "public certificate %d of the SAML IdP is empty", i)
		}
	}
	return nil
}

// Bounds of the metadata check. SAML metadata is small and shallow: Elastic
// Cloud's is a few KiB, its elements at most six deep. encoding/xml keeps the
// names of the open elements, and allocates every token and attribute, up to
// 50 times their size, so that 4 MiB of nested elements cost it 100 MiB. A
// document past these bounds is refused unread, and one within them costs
// the check at most a few MiB.
const (
	maxMetadata      = 64 << 10
	maxMetadataDepth = 32
)

// checkSAMLMetadata checks that b is a well-formed XML document whose root
// element, its only one, is an EntityDescriptor, within the bounds above.
func checkSAMLMetadata(b []byte) error {
	if len(b) > maxMetadata {
		return fmt.Errorf("it is %d KiB, more than the %d KiB that SAML metadata can be", len(b)>>10, maxMetadata>>10)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	root, depth := "", 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && root != "" {
				return errors.New("more than one root element")
			}
			if depth == 0 {
				root = tok.Name.Local
			}
			if depth++; depth > maxMetadataDepth {
				return fmt.Errorf("its elements nest more than %d deep", maxMetadataDepth)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return errors.New("text outside the root element")
			}
		}
	}
	switch root {
	case "EntityDescriptor":
		return nil
	case "":
		return errors.New("no XML element")
	}
	return fmt.Errorf("the root element is %s, not EntityDescriptor", root)
}
