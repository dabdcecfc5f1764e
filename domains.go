package ecloud

import (
	"context"
	"net/http"
)

// Claiming a domain proves that the organization owns it, before the
// organization's IdP may sign in its users: GenerateDomainVerificationCode
// returns a code, you publish it as a DNS TXT record of the domain, and
// VerifyDomainClaim checks the record and claims the domain. Until the
// record can be seen, VerifyDomainClaim fails with ErrVerificationPending:
// call it again later.

// ListDomainClaims returns the domains the organization has claimed.
//
// Operation domain-claim-get-domain-claims: GET /organizations/{organization_id}/domains.
func (c *Client) ListDomainClaims(ctx context.Context, organizationID string) ([]string, error) {
	const op = OpListDomainClaims
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out domainClaims
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: domainsPath(org), out: &out}); err != nil {
		return nil, err
	}
	return out.Domains, nil
}

// GenerateDomainVerificationCode starts a claim of domain and returns the
// verification code to publish as a DNS TXT record of the domain. A new
// code replaces the previous one. It is a POST and is not retried after the
// request may have reached the server (see WithRetryNonIdempotent).
//
// Operation domain-claim-generate-verification-code: POST /organizations/{organization_id}/domains/_generate_verification_code.
func (c *Client) GenerateDomainVerificationCode(ctx context.Context, organizationID, domain string) (string, error) {
	const op = OpGenerateDomainVerificationCode
	org, body, err := domainClaimArgs(op, organizationID, domain)
	if err != nil {
		return "", err
	}
	var out verificationCode
	err = c.do(ctx, call{op: op, method: http.MethodPost, path: domainsPath(org) + "/_generate_verification_code", body: body, out: &out})
	if err != nil {
		return "", err
	}
	return out.Verification, nil
}

// VerifyDomainClaim checks the DNS record of domain's verification code and,
// when it is in place, claims the domain for the organization.
//
// While the record cannot be seen yet (DNS takes minutes to propagate), the
// API answers 449 and the error matches ErrVerificationPending with
// errors.Is: call VerifyDomainClaim again later. The SDK does not retry it
// itself, so the caller chooses how long to wait:
//
//	for {
//		err := client.VerifyDomainClaim(ctx, orgID, domain)
//		if !errors.Is(err, ecloud.ErrVerificationPending) {
//			return err // nil: claimed
//		}
//		select {
//		case <-ctx.Done(): // bound the wait with the context's deadline
//			return ctx.Err()
//		case <-time.After(30 * time.Second):
//		}
//	}
//
// A domain the organization (or another) has already claimed is 400
// CodeOrgDomainClaimAlreadyExists.
//
// Operation domain-claim-verify-domain: POST /organizations/{organization_id}/domains/_verify.
func (c *Client) VerifyDomainClaim(ctx context.Context, organizationID, domain string) error {
	const op = OpVerifyDomainClaim
	org, body, err := domainClaimArgs(op, organizationID, domain)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: domainsPath(org) + "/_verify", body: body})
}

// DeleteDomainClaim gives up the organization's claim of domain. The API
// refuses it while the organization's IdP is configured (400
// CodeOrgIdPIdPConfigured): tear the IdP down first. The request is a DELETE
// with a JSON body.
//
// Operation domain-claim-delete: DELETE /organizations/{organization_id}/domains.
func (c *Client) DeleteDomainClaim(ctx context.Context, organizationID, domain string) error {
	const op = OpDeleteDomainClaim
	org, body, err := domainClaimArgs(op, organizationID, domain)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: domainsPath(org), body: body})
}

// domainsPath is the path of an organization's domain claims; org is
// escaped.
func domainsPath(org string) string { return "/organizations/" + org + "/domains" }

// domainClaimArgs validates the arguments of the operations that name a
// domain and returns the escaped organization ID and the body.
func domainClaimArgs(op, organizationID, domain string) (string, domainClaimRequest, error) {
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return "", domainClaimRequest{}, err
	}
	if domain == "" {
		return "", domainClaimRequest{}, invalidArgument(op, "the domain is empty")
	}
	return org, domainClaimRequest{DomainClaimRequest: domain}, nil
}
