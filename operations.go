package ecloud

// Operation names: the spec's operationId of every operation, as found in
// APIError.Operation and RequestError.Operation. Use them, rather than string
// literals, wherever an operation is named (ecloudtest's fault injection and
// httpmock helpers, logs), so that a typo fails to compile.
const (
	// Organizations.
	OpListOrganizations  = "list-organizations"
	OpGetOrganization    = "get-organization"
	OpUpdateOrganization = "update-organization"

	// Members.
	OpListOrganizationMembers       = "list-organization-members"
	OpDeleteOrganizationMemberships = "delete-organization-memberships"

	// Invitations.
	OpListOrganizationInvitations   = "list-organization-invitations"
	OpCreateOrganizationInvitations = "create-organization-invitations"
	OpGetOrganizationInvitation     = "get-organization-invitation"
	OpAcceptOrganizationInvitation  = "accept-organization-invitation"
	OpDeleteOrganizationInvitations = "delete-organization-invitations"

	// Members' role assignments.
	OpAddRoleAssignments    = "add-role-assignments"
	OpRemoveRoleAssignments = "remove-role-assignments"

	// Domain claims.
	OpListDomainClaims               = "domain-claim-get-domain-claims"
	OpGenerateDomainVerificationCode = "domain-claim-generate-verification-code"
	OpVerifyDomainClaim              = "domain-claim-verify-domain"
	OpDeleteDomainClaim              = "domain-claim-delete"

	// The organization's SAML identity provider.
	OpGetOrganizationIdP         = "get-organization-idp"
	OpSetupOrganizationIdP       = "setup-organization-idp"
	OpTeardownOrganizationIdP    = "teardown-organization-idp"
	OpGetOrganizationIdPMetadata = "get-organization-idp-metadata"

	// Role mappings.
	OpListRoleMappings         = "get-role-mappings"
	OpAddRoleMappings          = "add-role-mappings-individually"
	OpUpdateRoleMappings       = "update-role-mappings"
	OpDeleteRoleMappings       = "delete-role-mappings"
	OpUpdateRoleMapping        = "update-role-mapping"
	OpDeleteRoleMappingsByName = "delete-role-mappings-individually"
)
