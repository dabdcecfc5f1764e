package ecloud

import (
	"context"
	"net/http"

	"github.com/google/go-querystring/query"
)

// ListOrganizations returns the organizations the caller belongs to: one
// page, which cannot be continued (see OrganizationList.NextPage).
// Not available on ECE.
//
// Operation list-organizations: GET /organizations.
func (c *Client) ListOrganizations(ctx context.Context) (*OrganizationList, error) {
	var out OrganizationList
	err := c.do(ctx, call{op: OpListOrganizations, method: http.MethodGet, path: "/organizations", out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetOrganization returns one organization.
// Not available on ECE.
//
// Operation get-organization: GET /organizations/{organization_id}.
func (c *Client) GetOrganization(ctx context.Context, organizationID string) (*Organization, error) {
	const op = OpGetOrganization
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out Organization
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/organizations/" + org, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateOrganization changes the fields set in req and returns the updated
// organization.
// Not available on ECE. The API documentation marks update-organization as
// deprecated, to be removed in its next major version.
//
// Operation update-organization: PUT /organizations/{organization_id}.
func (c *Client) UpdateOrganization(ctx context.Context, organizationID string, req UpdateOrganizationRequest) (*Organization, error) {
	const op = OpUpdateOrganization
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out Organization
	if err := c.do(ctx, call{op: op, method: http.MethodPut, path: "/organizations/" + org, body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListOrganizationMembers returns the memberships of an organization.
// Not available on ECE.
//
// Operation list-organization-members: GET /organizations/{organization_id}/members.
func (c *Client) ListOrganizationMembers(ctx context.Context, organizationID string) ([]OrganizationMembership, error) {
	const op = OpListOrganizationMembers
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out organizationMemberships
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/organizations/" + org + "/members", out: &out}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// DeleteOrganizationMemberships removes users from an organization in one
// call. opts may be nil.
// Not available on ECE.
//
// Operation delete-organization-memberships: DELETE /organizations/{organization_id}/members/{user_ids}.
func (c *Client) DeleteOrganizationMemberships(ctx context.Context, organizationID string, userIDs []string, opts *DeleteMembershipsOptions) error {
	const op = OpDeleteOrganizationMemberships
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	users, err := listSegment(op, "user ID", userIDs)
	if err != nil {
		return err
	}
	q, err := optionsQuery(op, opts)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: "/organizations/" + org + "/members/" + users, query: q})
}

// optionsQuery encodes an operation's options (nil for none) as its query
// string, through their url tags.
func optionsQuery[T any](op string, opts *T) (string, error) {
	if opts == nil {
		return "", nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return "", invalidArgument(op, "options: %v", err)
	}
	return v.Encode(), nil
}
