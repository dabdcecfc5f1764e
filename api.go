package ecloud

import "context"

// OrganizationsAPI is every Organizations operation. Depend on it rather than
// on *Client to substitute a fake in your own tests.
type OrganizationsAPI interface {
	ListOrganizations(ctx context.Context) (*OrganizationList, error)
	GetOrganization(ctx context.Context, organizationID string) (*Organization, error)
	UpdateOrganization(ctx context.Context, organizationID string, req UpdateOrganizationRequest) (*Organization, error)
	ListOrganizationMembers(ctx context.Context, organizationID string) ([]OrganizationMembership, error)
	DeleteOrganizationMemberships(ctx context.Context, organizationID string, userIDs []string, opts *DeleteMembershipsOptions) error
	ListOrganizationInvitations(ctx context.Context, organizationID string) ([]OrganizationInvitation, error)
	CreateOrganizationInvitations(ctx context.Context, organizationID string, req CreateInvitationsRequest) ([]OrganizationInvitation, error)
	GetOrganizationInvitation(ctx context.Context, token string) (*OrganizationInvitation, error)
	AcceptOrganizationInvitation(ctx context.Context, token string) error
	DeleteOrganizationInvitations(ctx context.Context, organizationID string, tokens []string) error
}

// compile-time check that *Client implements the whole API.
var _ OrganizationsAPI = (*Client)(nil)
