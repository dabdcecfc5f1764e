package ecloud

import "time"

// Models of the schemas used by the Organizations operations, with the spec's
// JSON names. Unknown JSON fields in responses are ignored. Optional booleans
// are pointers so that "absent" and false differ; Ptr helps set them.

// Organization is the spec's Organization, plus sso_login_identifier, which
// the live API returns though the spec lacks it.
type Organization struct {
	ID                               string   `json:"id"`
	Name                             string   `json:"name"`
	DefaultDiskUsageAlertsEnabled    *bool    `json:"default_disk_usage_alerts_enabled,omitempty"`
	NotificationsAllowedEmailDomains []string `json:"notifications_allowed_email_domains,omitempty"`
	BillingContacts                  []string `json:"billing_contacts,omitempty"`
	OperationalContacts              []string `json:"operational_contacts,omitempty"`
	SSOLoginIdentifier               string   `json:"sso_login_identifier,omitempty"`
}

// OrganizationList is a page of organizations. NextPage is the cursor of the
// next page, empty on the last one.
type OrganizationList struct {
	Organizations []Organization `json:"organizations"`
	NextPage      string         `json:"next_page,omitempty"`
}

// OrganizationInvitation is an invitation to join an organization. Token is a
// secret: whoever holds it can accept the invitation.
//
// Expired becomes true once ExpiresAt has passed, also for an invitation that
// was accepted before it expired: check AcceptedAt first. An invitation is
// accepted when AcceptedAt is set, expired when it is not and Expired is
// true, and pending otherwise.
type OrganizationInvitation struct {
	Token           string           `json:"token"`
	Email           string           `json:"email"`
	CreatedAt       time.Time        `json:"created_at"`
	ExpiresAt       time.Time        `json:"expires_at"`
	Expired         bool             `json:"expired"`
	AcceptedAt      *time.Time       `json:"accepted_at,omitempty"`
	Organization    Organization     `json:"organization"`
	RoleAssignments *RoleAssignments `json:"role_assignments,omitempty"`
}

// OrganizationMembership is a user's membership of an organization.
type OrganizationMembership struct {
	OrganizationID  string           `json:"organization_id"`
	UserID          string           `json:"user_id"`
	Name            string           `json:"name,omitempty"`
	Email           string           `json:"email,omitempty"`
	MemberSince     time.Time        `json:"member_since"`
	RoleAssignments *RoleAssignments `json:"role_assignments,omitempty"`
}

// RoleAssignments are the roles of a user or an invitation (not available on
// ECE).
type RoleAssignments struct {
	Platform     []PlatformRoleAssignment     `json:"platform,omitempty"`
	Organization []OrganizationRoleAssignment `json:"organization,omitempty"`
	Deployment   []DeploymentRoleAssignment   `json:"deployment,omitempty"`
	Project      *ProjectRoleAssignments      `json:"project,omitempty"`
}

// PlatformRoleAssignment assigns a role with platform scope.
type PlatformRoleAssignment struct {
	RoleID string `json:"role_id"`
}

// OrganizationRoleAssignment assigns a role with organization scope.
// ApplicationRoles are granted to the user when they sign in to a deployment
// or project of the organization.
type OrganizationRoleAssignment struct {
	RoleID           string   `json:"role_id"`
	OrganizationID   string   `json:"organization_id"`
	ApplicationRoles []string `json:"application_roles,omitzero"`
}

// DeploymentRoleAssignment assigns a role on all deployments (All) or on
// DeploymentIDs.
type DeploymentRoleAssignment struct {
	RoleID           string   `json:"role_id"`
	OrganizationID   string   `json:"organization_id"`
	All              *bool    `json:"all,omitempty"`
	DeploymentIDs    []string `json:"deployment_ids,omitzero"`
	ApplicationRoles []string `json:"application_roles,omitzero"`
}

// ProjectRoleAssignments assigns roles with project scope, per project type.
type ProjectRoleAssignments struct {
	Elasticsearch []ProjectRoleAssignment `json:"elasticsearch,omitempty"`
	Observability []ProjectRoleAssignment `json:"observability,omitempty"`
	Security      []ProjectRoleAssignment `json:"security,omitempty"`
	WorkplaceAI   []ProjectRoleAssignment `json:"workplaceai,omitempty"`
	VectorDB      []ProjectRoleAssignment `json:"vectordb,omitempty"`
}

// ProjectRoleAssignment assigns a role on all projects (All) or on ProjectIDs.
type ProjectRoleAssignment struct {
	RoleID           string   `json:"role_id"`
	OrganizationID   string   `json:"organization_id"`
	All              *bool    `json:"all,omitempty"`
	ProjectIDs       []string `json:"project_ids,omitzero"`
	ApplicationRoles []string `json:"application_roles,omitzero"`
}

// CreateInvitationsRequest is the body of CreateOrganizationInvitations (the
// spec's OrganizationInvitationRequest).
//
// ExpiresIn is how long the invitations stay valid, a duration such as "7d"
// or "72h", passed through as the API takes it; the spec calls it a
// date-time, but the API takes a duration. Empty means the API default of
// three days.
type CreateInvitationsRequest struct {
	Emails          []string         `json:"emails"`
	ExpiresIn       string           `json:"expires_in,omitempty"`
	RoleAssignments *RoleAssignments `json:"role_assignments,omitempty"`
}

// UpdateOrganizationRequest is the body of UpdateOrganization (the spec's
// OrganizationRequest). A field left nil is not sent and keeps its value; a
// field set, even to "", false or an empty (non-nil) list, is sent.
type UpdateOrganizationRequest struct {
	Name                             *string  `json:"name,omitempty"`
	DefaultDiskUsageAlertsEnabled    *bool    `json:"default_disk_usage_alerts_enabled,omitempty"`
	NotificationsAllowedEmailDomains []string `json:"notifications_allowed_email_domains,omitzero"`
	BillingContacts                  []string `json:"billing_contacts,omitzero"`
	OperationalContacts              []string `json:"operational_contacts,omitzero"`
}

// ErrorDetail is one element of an error body {"errors":[...]}.
type ErrorDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Fields  []string `json:"fields,omitempty"`
}

// DeleteMembershipsOptions are the query parameters of
// DeleteOrganizationMemberships. A nil Force sends nothing (the API default,
// false).
type DeleteMembershipsOptions struct {
	Force *bool `url:"force,omitempty"`
}

// RemoveRoleAssignmentsOptions are the query parameters of
// RemoveRoleAssignments. A nil Force sends nothing (the API default, false);
// the API says force is effective only for platform administrators.
type RemoveRoleAssignmentsOptions struct {
	Force *bool `url:"force,omitempty"`
}

// Ptr returns a pointer to v, for optional fields: Ptr(true), Ptr("name").
func Ptr[T any](v T) *T { return &v }

// Wire wrappers of list responses; the methods return their contents.
type (
	organizationInvitations struct {
		Invitations []OrganizationInvitation `json:"invitations"`
	}
	organizationMemberships struct {
		Members []OrganizationMembership `json:"members"`
	}
)
