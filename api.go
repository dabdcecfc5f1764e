package ecloud

import "context"

// The interfaces of the API: one per area, and API, their union. *Client
// implements all of them. The package documentation states how to depend on
// them ("Interfaces"): pick the narrowest, and let a hand-written fake embed
// the interface it implements, since these interfaces gain methods when the
// API gains operations.

// OrganizationsAPI is the organizations area: the caller's organizations and
// their settings.
type OrganizationsAPI interface {
	ListOrganizations(ctx context.Context) (*OrganizationList, error)
	GetOrganization(ctx context.Context, organizationID string) (*Organization, error)
	UpdateOrganization(ctx context.Context, organizationID string, req UpdateOrganizationRequest) (*Organization, error)
}

// MembersAPI is the members area: who belongs to an organization.
type MembersAPI interface {
	ListOrganizationMembers(ctx context.Context, organizationID string) ([]OrganizationMembership, error)
	DeleteOrganizationMemberships(ctx context.Context, organizationID string, userIDs []string, opts *DeleteMembershipsOptions) error
}

// InvitationsAPI is the invitations area: inviting people to an
// organization.
type InvitationsAPI interface {
	ListOrganizationInvitations(ctx context.Context, organizationID string) ([]OrganizationInvitation, error)
	CreateOrganizationInvitations(ctx context.Context, organizationID string, req CreateInvitationsRequest) ([]OrganizationInvitation, error)
	GetOrganizationInvitation(ctx context.Context, token string) (*OrganizationInvitation, error)
	AcceptOrganizationInvitation(ctx context.Context, token string) error
	DeleteOrganizationInvitations(ctx context.Context, organizationID string, tokens []string) error
}

// RoleAssignmentsAPI is the role assignments area: what a member may do.
type RoleAssignmentsAPI interface {
	AddRoleAssignments(ctx context.Context, userID string, roles RoleAssignments) error
	RemoveRoleAssignments(ctx context.Context, userID string, roles RoleAssignments, opts *RemoveRoleAssignmentsOptions) error
}

// DomainClaimsAPI is the domain claims area: the email domains an
// organization proves it owns, before its IdP may sign their users in.
type DomainClaimsAPI interface {
	ListDomainClaims(ctx context.Context, organizationID string) ([]string, error)
	GenerateDomainVerificationCode(ctx context.Context, organizationID, domain string) (string, error)
	VerifyDomainClaim(ctx context.Context, organizationID, domain string) error
	DeleteDomainClaim(ctx context.Context, organizationID, domain string) error
}

// IdPAPI is the identity provider area: the organization's SAML IdP.
type IdPAPI interface {
	GetOrganizationIdP(ctx context.Context, organizationID string) (*OrganizationIdP, error)
	SetupOrganizationIdP(ctx context.Context, organizationID string, cfg IdPConfiguration) (*OrganizationIdP, error)
	TeardownOrganizationIdP(ctx context.Context, organizationID string) error
	GetOrganizationIdPMetadata(ctx context.Context, organizationID string) ([]byte, error)
}

// RoleMappingsAPI is the role mappings area: the roles the organization's
// IdP users get, by their groups or emails.
type RoleMappingsAPI interface {
	ListRoleMappings(ctx context.Context, organizationID string) ([]RoleMapping, error)
	AddRoleMappings(ctx context.Context, organizationID string, mappings []RoleMapping) error
	UpdateRoleMappings(ctx context.Context, organizationID string, mappings []RoleMapping) error
	DeleteRoleMappings(ctx context.Context, organizationID string) error
	UpdateRoleMapping(ctx context.Context, organizationID, name string, mapping RoleMapping) error
	DeleteRoleMappingsByName(ctx context.Context, organizationID string, names []string) ([]string, error)
}

// API is every operation of the SDK: the union of the area interfaces. It
// gains a method with each operation the SDK gains; prefer an area interface
// where one is enough.
type API interface {
	OrganizationsAPI
	MembersAPI
	InvitationsAPI
	RoleAssignmentsAPI
	DomainClaimsAPI
	IdPAPI
	RoleMappingsAPI
}

// Compile-time checks that *Client implements every interface.
var (
	_ API                = (*Client)(nil)
	_ OrganizationsAPI   = (*Client)(nil)
	_ MembersAPI         = (*Client)(nil)
	_ InvitationsAPI     = (*Client)(nil)
	_ RoleAssignmentsAPI = (*Client)(nil)
	_ DomainClaimsAPI    = (*Client)(nil)
	_ IdPAPI             = (*Client)(nil)
	_ RoleMappingsAPI    = (*Client)(nil)
)
