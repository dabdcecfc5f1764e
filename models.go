package ecloud

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Models of the schemas used by the Organizations operations, with the spec's
// JSON names. Unknown JSON fields in responses are ignored. Optional booleans
// are pointers so that "absent" and false differ; Ptr helps set them.

// Organization is the spec's Organization. SSOLoginIdentifier is "the login
// identifier for initiating SSO", which the 2024 spec lacked.
type Organization struct {
	ID                               string   `json:"id"`
	Name                             string   `json:"name"`
	DefaultDiskUsageAlertsEnabled    *bool    `json:"default_disk_usage_alerts_enabled,omitempty"`
	NotificationsAllowedEmailDomains []string `json:"notifications_allowed_email_domains,omitempty"`
	BillingContacts                  []string `json:"billing_contacts,omitempty"`
	OperationalContacts              []string `json:"operational_contacts,omitempty"`
	SSOLoginIdentifier               string   `json:"sso_login_identifier,omitempty"`
}

// OrganizationList is the answer of ListOrganizations.
type OrganizationList struct {
	Organizations []Organization `json:"organizations"`
	// NextPage is the cursor the spec says the API returns when more
	// organizations follow, and "" otherwise. The spec gives
	// list-organizations no parameter to send a cursor back, so the SDK has
	// no call that fetches the next page: a non-empty NextPage only tells
	// that Organizations is not the whole list. An organization whose ID you
	// know can always be read with GetOrganization.
	NextPage string `json:"next_page,omitempty"`
}

// OrganizationInvitation is an invitation to join an organization. Token is a
// secret: whoever holds it can accept the invitation. So an invitation
// prints (with fmt, whatever the verb, also through a pointer or in a slice)
// and logs (with log/slog) its Token as "[redacted]"; read the field for the
// token itself. JSON encoding keeps the token: it is the API's format. So
// does slog's JSONHandler for a slice of invitations, which it encodes as
// JSON without asking each element for its LogValue: log invitations one
// at a time, or what you need of them.
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

// Format prints the invitation with its Token as "[redacted]", for every
// verb and flag of package fmt (%v, %+v, %#v, %s, ...).
func (inv OrganizationInvitation) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), inv.redacted())
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, "ecloud.invitationFields{", "ecloud.OrganizationInvitation{", 1)
	}
	io.WriteString(f, s)
}

// LogValue is the invitation as log/slog shows it: with its Token as
// "[redacted]", its fields under their JSON names in a JSONHandler, as %+v
// prints them in a TextHandler.
func (inv OrganizationInvitation) LogValue() slog.Value {
	return slog.AnyValue(inv.redacted())
}

// invitationFields is an OrganizationInvitation without its methods, to
// print or log one without calling Format or LogValue again.
type invitationFields OrganizationInvitation

// redacted returns the invitation's fields with a Token, if any, replaced.
func (inv OrganizationInvitation) redacted() invitationFields {
	if inv.Token != "" {
		inv.Token = redacted
	}
	return invitationFields(inv)
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

// OrganizationIdP is the organization's SAML identity provider as Elastic
// Cloud serves it: the service provider (SP) details to configure in the IdP
// (SPEntityID, ACS, the certificates, MetadataURL for the SP metadata XML)
// and the configuration it was set up with. Not available on ECE.
type OrganizationIdP struct {
	// LoginIdentifier is unique to the organization: users sign in with it
	// at SSOLoginURL. It starts with Configuration.LoginIdentifierPrefix.
	LoginIdentifier string `json:"login_identifier"`
	SSOLoginURL     string `json:"sso_login_url"`
	MetadataURL     string `json:"metadata_url"` // where GetOrganizationIdPMetadata reads the SP metadata XML
	ACS             string `json:"acs"`          // the SP's assertion consumer service URL
	SPEntityID      string `json:"sp_entity_id"` // also the audience of the IdP's SAML responses
	// SigningCertificate signs the SP's SAML requests to the IdP;
	// EncryptionCertificate is what the IdP may encrypt assertions with
	// (encryption is optional). Base64-encoded X.509 certificates.
	SigningCertificate    []string         `json:"signing_certificate"`
	EncryptionCertificate []string         `json:"encryption_certificate"`
	Configuration         IdPConfiguration `json:"configuration"`
}

// IdPConfiguration configures the organization's SAML identity provider
// (the spec's IdpConfigurationRequest, and OrganizationIdpConfiguration in
// an OrganizationIdP).
type IdPConfiguration struct {
	Enabled bool `json:"enabled"`
	// LoginIdentifierPrefix starts the generated login identifier.
	LoginIdentifierPrefix string  `json:"login_identifier_prefix"`
	SAMLIdP               SAMLIdP `json:"saml_idp"`
}

// SAMLIdP is the identity provider's side of SAML.
type SAMLIdP struct {
	// PublicCertificate holds the IdP's base64-encoded PEM X.509
	// certificates, which sign its SAML responses.
	PublicCertificate []string `json:"public_certificate"`
	// Issuer is the IdP's URI, the issuer of its SAML response assertions.
	Issuer string `json:"issuer"`
	// SSOURL is the IdP's SAML HTTP-POST endpoint for SP-initiated login.
	SSOURL string `json:"sso_url"`
}

// RoleMapping gives the role assignments RoleAssignments to users who sign
// in through the organization's IdP and match Rule. Not available on ECE.
type RoleMapping struct {
	Enabled         bool            `json:"enabled"`
	Name            string          `json:"name"`
	Rule            RoleMappingRule `json:"rule"`
	RoleAssignments RoleAssignments `json:"role_assignments"`
}

// RoleMappingRule matches a user when any of the property rules in Any
// matches, or when all of those in All match. Set one of the two.
type RoleMappingRule struct {
	Any []RoleMappingPropertyRule `json:"any,omitempty"`
	All []RoleMappingPropertyRule `json:"all,omitempty"`
}

// RoleMappingPropertyRule matches an IdP group or an email; set exactly one.
// Both may hold wildcards, such as "*@example.com".
type RoleMappingPropertyRule struct {
	Group string `json:"group,omitempty"`
	Email string `json:"email,omitempty"`
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

// Wire wrappers of the SSO operations' bodies and answers; the methods take
// and return their contents.
type (
	// domainClaimRequest is the body of the domain claim operations (the
	// spec's VerificationCodeRequest, DomainVerificationRequest and
	// DeleteDomainClaimRequest): the domain name.
	domainClaimRequest struct {
		DomainClaimRequest string `json:"domain_claim_request"`
	}
	domainClaims struct {
		Domains []string `json:"domains"`
	}
	verificationCode struct {
		Verification string `json:"verification"`
	}
	// roleMappings is the answer of get-role-mappings and the body of
	// add-role-mappings-individually and update-role-mappings.
	roleMappings struct {
		Mappings []RoleMapping `json:"mappings"`
	}
	roleMappingRequest struct {
		Mapping RoleMapping `json:"mapping"`
	}
	deletedRoleMappings struct {
		Mappings []string `json:"mappings"` // the names deleted
	}
)
