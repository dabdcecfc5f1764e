package ecloud

import (
	"context"
	"net/http"
)

// ListOrganizationInvitations returns an organization's invitations, pending,
// expired and accepted.
// Not available on ECE.
//
// Operation list-organization-invitations: GET /organizations/{organization_id}/invitations.
func (c *Client) ListOrganizationInvitations(ctx context.Context, organizationID string) ([]OrganizationInvitation, error) {
	const op = OpListOrganizationInvitations
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out organizationInvitations
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/organizations/" + org + "/invitations", out: &out}); err != nil {
		return nil, err
	}
	return out.Invitations, nil
}

// CreateOrganizationInvitations invites req.Emails (or refreshes their
// invitations) and returns the invitations. It is a POST and is not retried
// after the request may have reached the server (see WithRetryNonIdempotent).
//
// It is all or nothing: when the API refuses one address (already invited,
// already a member, not a valid address), it creates no invitation, and the
// *APIError's Errors name each refused address in Fields as "emails[i]", i
// being its index in req.Emails.
// Not available on ECE.
//
// Operation create-organization-invitations: POST /organizations/{organization_id}/invitations.
func (c *Client) CreateOrganizationInvitations(ctx context.Context, organizationID string, req CreateInvitationsRequest) ([]OrganizationInvitation, error) {
	const op = OpCreateOrganizationInvitations
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	if len(req.Emails) == 0 {
		return nil, invalidArgument(op, "no emails given")
	}
	for i, email := range req.Emails {
		if email == "" {
			return nil, invalidArgument(op, "email %d is empty", i)
		}
	}
	var out organizationInvitations
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/organizations/" + org + "/invitations", body: req, out: &out}); err != nil {
		return nil, err
	}
	return out.Invitations, nil
}

// GetOrganizationInvitation returns the invitation with the given token.
// Not available on ECE.
//
// Operation get-organization-invitation: GET /organizations/invitations/{invitation_token}.
func (c *Client) GetOrganizationInvitation(ctx context.Context, token string) (*OrganizationInvitation, error) {
	const op = OpGetOrganizationInvitation
	tok, err := segment(op, "invitation token", token)
	if err != nil {
		return nil, err
	}
	var out OrganizationInvitation
	err = c.do(ctx, call{op: op, method: http.MethodGet, path: "/organizations/invitations/" + tok, out: &out, secrets: []string{token}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AcceptOrganizationInvitation makes the calling user a member of the
// invitation's organization. It sends no body.
//
// This operation is not in the current spec: the current API spec and API
// reference no longer list it, while the 2024 spec and the elastic CLI
// documentation still do. It is kept because nothing says it stopped
// working, but it may go away without notice.
// Not available on ECE.
//
// Operation accept-organization-invitation: POST /organizations/invitations/{invitation_token}/_accept.
func (c *Client) AcceptOrganizationInvitation(ctx context.Context, token string) error {
	const op = OpAcceptOrganizationInvitation
	tok, err := segment(op, "invitation token", token)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: "/organizations/invitations/" + tok + "/_accept", secrets: []string{token}})
}

// DeleteOrganizationInvitations revokes invitations of an organization in one
// call.
// Not available on ECE.
//
// Operation delete-organization-invitations: DELETE /organizations/{organization_id}/invitations/{invitation_tokens}.
func (c *Client) DeleteOrganizationInvitations(ctx context.Context, organizationID string, tokens []string) error {
	const op = OpDeleteOrganizationInvitations
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	toks, err := listSegment(op, "invitation token", tokens)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: "/organizations/" + org + "/invitations/" + toks, secrets: tokens})
}
