// Package ecloudtest is a stateful, in-memory fake of the Elastic Cloud
// Organizations API, for tests of code that uses ecloud, plus helpers that
// register spec-shaped responders on a github.com/jarcoal/httpmock transport.
//
// # The fake
//
// A Server serves every operation of ecloud.API (the Organizations
// operations, the members' role assignments, and the SSO administration:
// domain claims, the SAML IdP and role mappings) on a local
// net/http/httptest server and keeps organizations, members with their role
// assignments, invitations, claimed domains, IdPs and role mappings in
// memory:
//
//	func TestSync(t *testing.T) {
//		srv := ecloudtest.NewServer(t) // closed when the test ends
//		srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
//		client := srv.Client() // an *ecloud.Client wired to the fake; it does not retry
//		...
//	}
//
// NewServer reports misuse (an unknown operation name, seeding an unknown
// organization) against its test with t.Fatalf, and a panic while serving
// with t.Errorf. Code without a test, such as a program's demo mode or an
// Example function, uses StartServer and closes the server itself.
// Operations are named by the ecloud.Op… constants.
//
// The fake checks what it receives the way the real API does: method, path,
// Authorization, Content-Type, query parameters, and each JSON body against
// the spec's schema of it (organizations-current.json, whose facts the
// package embeds), so that a field the client misspells is refused even
// when the client's own types agree with it. It answers errors as the spec
// documents them: status, the x-cloud-error-codes header and the
// {"errors":[...]} body.
//
// # Faults
//
// Fault makes the next requests for an operation fail with a status and
// codes, carry extra headers (Retry-After, x-ratelimit-*), wait before the
// answer (the wait ends with the caller's context or Close), or lose their
// connection before the answer or in the middle of its body; FailNext is the
// short form for a status:
//
//	srv.Fault(ecloud.OpListOrganizationMembers, ecloudtest.Fault{Status: 503, Times: 2})
//	srv.Fault(ecloud.OpCreateOrganizationInvitations, ecloudtest.Fault{
//		Status: 429, Header: http.Header{"Retry-After": {"1"}},
//	})
//	srv.Fault(ecloud.OpDeleteOrganizationInvitations, ecloudtest.Fault{Drop: ecloudtest.DropMidBody})
//	srv.FailNext(ecloud.OpGetOrganization, 404, ecloud.CodeOrganizationNotFound)
//
// # The request log
//
// Requests returns the requests the fake received, each with its
// operation, method, path parameters, query, body and the status answered,
// so that a test can check what its code sent:
//
//	for _, r := range srv.Requests(ecloud.OpDeleteOrganizationInvitations) {
//		revoked = append(revoked, r.List("invitation_tokens")...)
//	}
//
// The log holds invitation tokens (the test needs them) but not the
// Authorization header; a Request prints its tokens as [redacted].
//
// # Rules the fake makes up
//
// Where the spec is silent the fake decides, as follows. A rule marked
// (contract: <check>) is checked against the live API by that contract check
// (see Contract tests below); the others are the fake's own until someone
// checks them.
//   - Any "Authorization: ApiKey <key>" or "Authorization: Basic <user:pass>"
//     is accepted; a missing or malformed one is 401 root.unauthorized.
//     (contract: Authorization)
//   - The user who accepts an invitation is the invitee, identified by the
//     invitation's email: accepting adds a membership for that email (with
//     the invitation's role assignments) and marks the invitation accepted
//     (accepted_at set); it stays listed. Accepting it again is 400
//     organization.user_organization_already_belongs while the user is a
//     member, and 404 organization.invitation_not_found after the member was
//     removed. Accepting an expired invitation is 400 root.invalid_data.
//   - Inviting an address that has a pending invitation is 400
//     organization.invitation_already_exists (contract: Invitations); an
//     address whose invitation has expired gets a new invitation that
//     replaces the expired one; an address that is a member is 400
//     organization.user_organization_already_belongs. A request with any
//     refused address creates nothing. Addresses are the same when they
//     differ only in the case of ASCII letters; any other difference (a
//     Kelvin sign U+212A for a "K", say) makes another address.
//   - expires_in takes a positive Go duration ("72h", "90m") or a positive
//     number of days ("7d"); anything else is 400 root.invalid_data. Empty
//     means three days. (contract: Invitations)
//   - force on member deletion: without force=true, removing every remaining
//     member of an organization is refused with 400 root.invalid_data, so an
//     organization cannot be left empty by accident; force=true allows it.
//     Values other than "true" and "false" are 400 root.invalid_data.
//   - Deleting several memberships or invitations is all or nothing: one
//     unknown ID or token fails the call with 404 and deletes nothing.
//     (contract: Invitations, for invitations)
//   - A request body is checked against the spec's schema of the
//     operation's body: unknown fields (names are exact, not matched
//     without regard to case), required fields absent and values of the
//     wrong type (null included: the spec marks nothing nullable) are 400
//     root.invalid_data, one error per field, naming it by its path, such
//     as "role_assignments.organization[0].role_id". The spec documents
//     root.invalid_data for a single operation; the fake answers it for
//     every request it refuses as malformed.
//     (contract: BodiesAreCheckedAgainstTheSpec)
//   - Unknown query parameters (contract: UnknownQueryParameter), and a
//     body on an operation that takes none (contract:
//     BodyWhereNoneIsTaken), are 400 root.invalid_data. An unknown path is
//     404 root.resource_not_found, a wrong method 405
//     root.method_not_allowed, and a panic while serving (a bug of the fake,
//     or of a clock given to SetClock) 500 root.unexpected_error: these
//     three codes are the fake's own.
//   - list-organizations returns every organization in one page.
//     (contract: ListOrganizations)
//
// Role assignments (add-role-assignments, remove-role-assignments), where
// the API documentation is silent:
//   - A RoleAssignments is a set of atomic grants, one per (scope, project
//     type, role_id, organization_id, target, application roles), where the
//     target of a deployment or project grant is one ID or "all":
//     deployment_ids [d1, d2] is two grants. An add is a set union and a
//     remove a set difference: adding a grant that exists changes nothing,
//     removing one that does not exist changes nothing, and removing
//     {role, [d1]} from {role, [d1, d2]} leaves {role, [d2]}. This matches
//     what the live API was seen to do (an overlapping add followed by a
//     remove strips the overlap).
//   - "all" is a target of its own: removing d1 leaves "all", and removing
//     "all" leaves d1. Application roles are part of a grant: {role, d1}
//     and {role, d1, application_roles [viewer]} are two grants.
//   - Grants go to the user's membership of their organization_id;
//     list-organization-members shows each membership's. After a change they
//     are listed in canonical form: sorted, one assignment per role,
//     organization and application roles with its IDs sorted, "all" apart,
//     and no role_assignments at all when none is left. Role assignments
//     given to AddMember or brought by an accepted invitation are kept as
//     given until a change.
//   - A change is all or nothing. A user who is a member of no
//     organization is 400 role_assignments.invalid_target_user_id (field
//     user_id), and so is an assignment in an organization the user is not a
//     member of; an organization the fake does not know is 403
//     role_assignments.unauthorized_role_assignments, and so is a platform
//     role (an organization's credentials cannot change platform roles). A
//     request that assigns nothing is 400 root.invalid_data. Assignments are
//     checked as for invitations: role_id and organization_id present,
//     deployment_ids / project_ids absent when all is true and present
//     otherwise.
//   - HideDeployment(id) makes every add or remove that names the
//     deployment 403 role_assignments.unauthorized_role_assignments, as the
//     live API answers for a deployment that was deleted or that the caller
//     cannot see; grants on it stay listed. force is accepted on
//     remove-role-assignments and changes nothing.
//
// Domain claims, where the API documentation is silent:
//   - A domain is claimed only after a verification code was generated for
//     it (domain-claim-generate-verification-code) and the test called
//     PublishDomainVerification, which stands for the code's DNS TXT record
//     being in place. Until then domain-claim-verify-domain answers 449 (an
//     empty body, no error code), without a code generated too. Each
//     generation makes a new code, "ecloudtest-domain-verification=" and
//     random text, which replaces the previous one: a code generated after
//     publishing needs publishing again. A claim uses its code up: to claim
//     a domain again after deleting its claim, generate and publish a new
//     one.
//   - Domains are case-insensitive and kept lower-cased, in the order they
//     were claimed. A domain is a name of at least two dot-separated labels
//     of letters, digits and inner hyphens (at most 63 characters each, 253
//     in all), the last not all digits; anything else, or an absent
//     domain_claim_request, is 400 root.invalid_data.
//   - A domain belongs to one organization: verifying a domain this or
//     another organization has claimed is 400 org.domain_claim.already_exists.
//     Generating a code never fails for a valid domain.
//   - Deleting a claim while the organization has an IdP (enabled or not) is
//     400 org.idp.idp_configured; deleting a domain the organization has not
//     claimed is 400 root.invalid_data. AddDomainClaim seeds a claim.
//
// The SAML IdP, where the API documentation is silent:
//   - Setting up an IdP needs at least one claimed domain (400
//     root.invalid_data otherwise), as Elastic Cloud asks you to claim a
//     domain before configuring SSO. enabled, login_identifier_prefix (1 to
//     32 ASCII letters, digits and hyphens), saml_idp.issuer, saml_idp.sso_url
//     (an absolute http or https URL) and at least one non-empty
//     saml_idp.public_certificate are required: 400 root.invalid_data,
//     naming each field.
//   - Setup replaces any configuration. The login identifier is the prefix,
//     "-" and 8 hex digits derived from the organization ID; it becomes the
//     organization's sso_login_identifier (cleared on teardown). The SP
//     entity ID is https://sso.ecloudtest.invalid/saml/<login identifier>,
//     the ACS URL that plus "/acs", the SSO login URL
//     https://sso.ecloudtest.invalid/login/<login identifier>, and
//     metadata_url the fake's own get-organization-idp-metadata URL. The
//     signing and encryption certificates are one self-signed certificate
//     (base64 DER), made once per process.
//   - get-organization-idp-metadata answers SAML 2.0 SP metadata with
//     Content-Type application/xml: an EntityDescriptor (namespace
//     urn:oasis:names:tc:SAML:2.0:metadata) with the SP entity ID, an
//     SPSSODescriptor with both key descriptors and the HTTP-POST
//     AssertionConsumerService at the ACS URL. Its errors are XML too,
//     <errors><error><code/><message/></error></errors>, with the
//     x-cloud-error-codes header. A request whose Accept header refuses
//     application/xml is 406 root.not_acceptable (the fake's own code).
//   - An organization without an IdP is 404 org.idp.idp_not_configured on
//     get, teardown and metadata; an unknown organization is 404
//     organization.not_found on every IdP operation. (contract:
//     UnknownOrganization)
//
// Role mappings, where the API documentation is silent:
//   - Mappings are kept in the order they were added; update-role-mappings
//     replaces them all (an empty list removes them), update-role-mapping
//     replaces one in its place and may rename it, delete-role-mappings
//     removes them all.
//   - Names are unique in an organization: a name taken by another mapping,
//     or given twice in a request, is 400 root.invalid_data. An empty name,
//     or one with a comma (names travel comma-separated), is 400
//     org.role_mapping_rule.syntax_error.
//   - Rules: no any and no all entries is org.role_mapping_rule.empty_rule,
//     and so is a property rule with neither group nor email; one with both
//     is org.role_mapping_rule.ambiguous_rule; an email pattern that is not
//     local@domain (one @, both parts non-empty, no spaces; * and ? are
//     ordinary characters) is org.role_mapping_rule.email_syntax_error; a
//     blank group or one with control characters is
//     org.role_mapping_rule.syntax_error. A rule may have both any and all.
//     All with status 400, every problem of a request in one answer.
//   - The bodies' mappings (not empty, to add) and mapping, and each
//     mapping's enabled, name, rule and role_assignments, are required (400
//     root.invalid_data when absent); role assignments are checked as for
//     invitations (organization_id must be the organization's) and must
//     assign at least one role.
//   - An organization holds at most MaxRoleMappings (100) mappings: a request
//     that would exceed it is 400 org.role_mapping_rule.too_many_role_mappings
//     and changes nothing.
//   - update-role-mapping of an unknown name is 404
//     org.role_mapping_rule.role_mapping_not_found.
//     delete-role-mappings-individually skips unknown names and answers the
//     names it deleted, in the order given; an empty name in the list is 400
//     root.invalid_data. An unknown organization is 404
//     organization.not_found on every role mapping operation.
//     (contract: UnknownOrganization)
//   - A change is all or nothing. 409
//     org.domain_claim.concurrent_organization_modification is never
//     answered on its own: inject it with FailNext or Fault.
//
// # Contract tests
//
// TestContract, in this package's contract_test.go, runs checks of the rules
// marked above against the fake and, when ECLOUD_CONTRACT_API_KEY and
// ECLOUD_CONTRACT_ORG give an API key and the ID of a test organization it
// administers (ECLOUD_CONTRACT_HOST: an ECE address), against the live API
// too, with the same assertions; without them the live runs are skipped.
// The checks that write (they invite addresses at example.com and delete
// the invitations again) run live only with ECLOUD_CONTRACT_WRITE=1:
//
//	ECLOUD_CONTRACT_API_KEY=... ECLOUD_CONTRACT_ORG=... go test ./ecloudtest -run 'TestContract$' -v
//
// The checks:
//   - Authorization: no Authorization header, "ApiKey" without a key and a
//     Bearer token are 401 root.unauthorized.
//   - UnknownQueryParameter: an unknown query parameter is 400
//     root.invalid_data naming it.
//   - BodyWhereNoneIsTaken: a body on list-organization-members is 400
//     root.invalid_data.
//   - UnknownOrganization: get-organization, get-organization-idp and
//     get-role-mappings of an unknown organization are 404
//     organization.not_found.
//   - ListOrganizations: one page holds the test organization.
//   - BodiesAreCheckedAgainstTheSpec (writes, should the rule not hold: an
//     update-organization that sets the organization's own name under a
//     misspelt property): 400 root.invalid_data naming the property.
//   - Invitations (writes): expires_in "3 days" is refused, "72h" and "7d"
//     give those lifetimes; inviting an address with a pending invitation is
//     400 organization.invitation_already_exists; deleting an invitation
//     with an unknown token beside it is 404
//     organization.invitation_not_found and deletes nothing.
//
// The other rules are not checked live: they need what a test organization
// cannot be assumed to have or to give up (members to remove, claimed
// domains, an IdP, role mappings), or an invitee's account (accepting).
//
// Error messages name emails and user IDs but never a token or a credential.
package ecloudtest
