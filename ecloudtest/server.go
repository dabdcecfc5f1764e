// Package ecloudtest is a stateful, in-memory fake of the Elastic Cloud
// Organizations API, for tests of code that uses ecloud, plus helpers that
// register spec-shaped responders on a github.com/jarcoal/httpmock transport.
//
// A Server serves every operation of ecloud.API (the Organizations
// operations, the members' role assignments, and the SSO administration:
// domain claims, the SAML IdP and role mappings) on a local
// net/http/httptest server and keeps organizations, members with their role
// assignments, invitations, claimed domains, IdPs and role mappings in
// memory:
//
//	srv := ecloudtest.NewServer(t) // closed when the test ends
//	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
//	client := srv.Client() // an *ecloud.Client wired to the fake
//
// It checks what it receives the way the real API does (method, path,
// Authorization, Content-Type, JSON body shape with unknown fields and wrong
// types refused) and answers errors as the spec documents them: status, the
// x-cloud-error-codes header and the {"errors":[...]} body.
//
// Where the spec is silent the fake decides, as follows:
//   - Any "Authorization: ApiKey <key>" or "Authorization: Basic <user:pass>"
//     is accepted; a missing or malformed one is 401 root.unauthorized.
//   - The user who accepts an invitation is the invitee, identified by the
//     invitation's email: accepting adds a membership for that email (with
//     the invitation's role assignments) and marks the invitation accepted
//     (accepted_at set); it stays listed. Accepting it again is 400
//     organization.user_organization_already_belongs while the user is a
//     member, and 404 organization.invitation_not_found after the member was
//     removed. Accepting an expired invitation is 400 root.invalid_data.
//   - Inviting an address that has a pending invitation is 400
//     organization.invitation_already_exists; an address whose invitation
//     has expired gets a new invitation that replaces the expired one; an
//     address that is a member is 400
//     organization.user_organization_already_belongs. A request with any
//     refused address creates nothing.
//   - expires_in takes a positive Go duration ("72h", "90m") or a positive
//     number of days ("7d"); anything else is 400 root.invalid_data. Empty
//     means three days.
//   - force on member deletion: without force=true, removing every remaining
//     member of an organization is refused with 400 root.invalid_data, so an
//     organization cannot be left empty by accident; force=true allows it.
//     Values other than "true" and "false" are 400 root.invalid_data.
//   - Deleting several memberships or invitations is all or nothing: one
//     unknown ID or token fails the call with 404 and deletes nothing.
//   - Unknown query parameters, and a body on an operation that takes none,
//     are 400 root.invalid_data. An unknown path is 404
//     root.resource_not_found, a wrong method 405 root.method_not_allowed
//     (these two codes are the fake's own).
//   - list-organizations returns every organization in one page.
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
//     organization.not_found on every IdP operation.
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
//   - A change is all or nothing. 409
//     org.domain_claim.concurrent_organization_modification is never
//     answered on its own: inject it with FailNext.
//
// Error messages name emails and user IDs but never a token or a credential.
package ecloudtest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
)

// APIKey is the API key the clients returned by Server.Client send.
const APIKey = "ecloudtest-api-key"

// defaultExpiry is the lifetime of an invitation created without expires_in.
const defaultExpiry = 3 * 24 * time.Hour

// Server is the fake API. Its methods are safe for concurrent use, also while
// requests are being served.
type Server struct {
	ts        *httptest.Server
	rep       reporter
	closing   chan struct{} // closed by Close: ends every Delay
	closeOnce sync.Once

	mu      sync.Mutex
	now     func() time.Time
	orgs    map[string]*orgState
	tokens  map[string]*invitation // every invitation, by token
	users   map[string]string      // lower-cased email -> user ID
	userIDs map[string]bool
	faults  map[string][]*pendingFault // by operationId, first in first out
	hidden  map[string]bool            // deployment IDs (HideDeployment)

	logMu sync.Mutex // apart from mu, so that logging never waits for the state
	log   []Request
}

type orgState struct {
	org          ecloud.Organization
	members      []ecloud.OrganizationMembership // in the order they joined
	invitations  []*invitation                   // in the order they were created
	domains      []string                        // claimed, lower-cased, in the order they were claimed
	challenges   map[string]*challenge           // by lower-cased domain: its latest verification code
	idp          *ecloud.OrganizationIdP         // nil when none is configured
	roleMappings []ecloud.RoleMapping            // in order
}

type invitation struct {
	orgID string
	inv   ecloud.OrganizationInvitation // Organization and Expired are filled when it is read
}

// reporter is where a Server reports misuse and panics: the test of
// NewServer, or programReporter for StartServer.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// programReporter reports for a server no test owns: a panic while serving
// is logged (log.Printf), misuse panics.
type programReporter struct{}

func (programReporter) Helper()                           {}
func (programReporter) Errorf(format string, args ...any) { log.Printf(format, args...) }
func (programReporter) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// NewServer starts a fake with no organizations for the test t, and closes
// it when the test and its subtests end (t.Cleanup), like an httptest server
// a test would otherwise close itself. Misuse of the server (an unknown
// operation, seeding an unknown organization, invalid Client options) fails
// t with t.Fatalf from the calling goroutine, and a panic while serving a
// request is reported with t.Errorf and answered 500.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := newServer(t)
	t.Cleanup(s.Close)
	return s
}

// StartServer starts a fake with no organizations for code that has no
// testing.TB: a program's demo mode, an Example function. Call Close when
// done. Misuse panics with a message that says what is wrong, and a panic
// while serving a request is logged with the standard log package and
// answered 500.
func StartServer() *Server { return newServer(programReporter{}) }

func newServer(rep reporter) *Server {
	s := &Server{
		rep:     rep,
		closing: make(chan struct{}),
		now:     time.Now,
		orgs:    map[string]*orgState{},
		tokens:  map[string]*invitation{},
		users:   map[string]string{},
		userIDs: map[string]bool{},
		faults:  map[string][]*pendingFault{},
		hidden:  map[string]bool{},
	}
	s.ts = httptest.NewServer(s)
	return s
}

// Close shuts the server down and closes its connections. Requests held by
// a Fault's Delay end at once, without an answer. Calling it again does
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// URL is the API root, such as "http://127.0.0.1:41234/api/v1", to pass to
// ecloud.WithBaseURL.
func (s *Server) URL() string { return s.ts.URL + apiRoot }

// Client returns a client wired to the fake: it authenticates with APIKey
// (unless opts give credentials), talks to URL through the test server's
// HTTP client, and does not retry, so a test sees every error the fake
// answers. opts are applied after these and may replace them: give
// ecloud.WithRetryPolicy to test code with retries. Invalid options fail
// the test of NewServer (a server of StartServer panics).
func (s *Server) Client(opts ...ecloud.Option) *ecloud.Client {
	s.rep.Helper()
	base := []ecloud.Option{
		ecloud.WithBaseURL(s.URL()),
		ecloud.WithHTTPClient(s.ts.Client()),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{}),
	}
	c, err := ecloud.NewClient(append(append(base, ecloud.WithAPIKey(APIKey)), opts...)...)
	if err == nil {
		return c
	}
	// opts may carry their own credentials, which cannot be combined with
	// ours: try with theirs alone.
	if c, err2 := ecloud.NewClient(append(base, opts...)...); err2 == nil {
		return c
	}
	s.rep.Fatalf("ecloudtest: Server.Client: %v", err)
	return nil
}

// SetClock makes the server read the time from now (nil restores
// time.Now). Timestamps it assigns and the expired flag it computes follow
// this clock, so a test can let invitations expire without waiting.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddOrganization adds org, or replaces the organization with the same ID
// (its members and invitations are kept). An empty org.ID is misuse (see
// NewServer).
func (s *Server) AddOrganization(org ecloud.Organization) {
	s.rep.Helper()
	if org.ID == "" {
		s.rep.Fatalf("ecloudtest: AddOrganization: the organization ID is empty")
		return
	}
	org = clone(org)
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orgs[org.ID]; ok {
		o.org = org
		return
	}
	s.orgs[org.ID] = &orgState{org: org}
}

// AddMember adds m to an organization added before, or replaces the member
// with the same user ID. m.OrganizationID is set to organizationID. An empty
// UserID is derived from m.Email, the same ID an invitation accepted by that
// email gets; an empty MemberSince is now. An unknown organization, or m
// with neither UserID nor Email, is misuse (see NewServer).
func (s *Server) AddMember(organizationID string, m ecloud.OrganizationMembership) {
	s.rep.Helper()
	if m.UserID == "" && m.Email == "" {
		s.rep.Fatalf("ecloudtest: AddMember: the member has neither a user ID nor an email")
		return
	}
	m = clone(m)
	m.OrganizationID = organizationID
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("AddMember", organizationID)
	if o == nil {
		return
	}
	switch {
	case m.UserID == "":
		m.UserID = s.userID(m.Email)
	case m.Email != "":
		key := strings.ToLower(m.Email)
		if _, known := s.users[key]; !known {
			s.users[key] = m.UserID
		}
		s.userIDs[m.UserID] = true
	default:
		s.userIDs[m.UserID] = true
	}
	if m.MemberSince.IsZero() {
		m.MemberSince = s.timeNow()
	}
	if i := slices.IndexFunc(o.members, func(x ecloud.OrganizationMembership) bool { return x.UserID == m.UserID }); i >= 0 {
		o.members[i] = m
		return
	}
	o.members = append(o.members, m)
}

// AddInvitation stores an invitation of an organization added before, as if
// it had been created at inv.CreatedAt, and returns it as the API would. An
// empty Token is generated, an empty CreatedAt is now and an empty ExpiresAt
// is three days after CreatedAt, so a test can seed invitations that have
// expired or were accepted (AcceptedAt). Expired and Organization are
// computed when the invitation is read. An unknown organization, an empty
// inv.Email or a token taken is misuse (see NewServer).
func (s *Server) AddInvitation(organizationID string, inv ecloud.OrganizationInvitation) ecloud.OrganizationInvitation {
	s.rep.Helper()
	if inv.Email == "" {
		s.rep.Fatalf("ecloudtest: AddInvitation: the email is empty")
		return ecloud.OrganizationInvitation{}
	}
	inv = clone(inv)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("AddInvitation", organizationID)
	if o == nil {
		return ecloud.OrganizationInvitation{}
	}
	if inv.Token == "" {
		inv.Token = newToken()
	} else if _, taken := s.tokens[inv.Token]; taken {
		s.rep.Fatalf("ecloudtest: AddInvitation: the token is already used by another invitation")
		return ecloud.OrganizationInvitation{}
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = s.timeNow()
	}
	if inv.ExpiresAt.IsZero() {
		inv.ExpiresAt = inv.CreatedAt.Add(defaultExpiry)
	}
	in := &invitation{orgID: organizationID, inv: inv}
	o.invitations = append(o.invitations, in)
	s.tokens[inv.Token] = in
	return s.render(in)
}

// Invitations returns the invitations of an organization as the API would
// list them (nil for an unknown organization), in the order they were
// created.
func (s *Server) Invitations(organizationID string) []ecloud.OrganizationInvitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[organizationID]
	if !ok {
		return nil
	}
	return s.renderAll(o)
}

// Members returns the members of an organization (nil for an unknown one),
// in the order they joined.
func (s *Server) Members(organizationID string) []ecloud.OrganizationMembership {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[organizationID]
	if !ok {
		return nil
	}
	return clone(o.members)
}

// mustOrg returns an organization a seeding method names, or reports that
// it is unknown and returns nil. Callers hold s.mu.
func (s *Server) mustOrg(caller, id string) *orgState {
	s.rep.Helper()
	o, ok := s.orgs[id]
	if !ok {
		s.rep.Fatalf("ecloudtest: %s: unknown organization %q: call AddOrganization first", caller, id)
		return nil
	}
	return o
}

// timeNow is the server's clock, in UTC with millisecond precision like the
// API's timestamps. Callers hold s.mu.
func (s *Server) timeNow() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// userID returns the user ID of email, assigning a stable one (derived from
// the address) the first time. Callers hold s.mu.
func (s *Server) userID(email string) string {
	key := strings.ToLower(email)
	if id, ok := s.users[key]; ok {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	n := uint64(h.Sum32())
	id := strconv.FormatUint(n, 10)
	for s.userIDs[id] {
		n++
		id = strconv.FormatUint(n, 10)
	}
	s.users[key] = id
	s.userIDs[id] = true
	return id
}

// render returns a copy of an invitation as the API shows it. Callers hold
// s.mu.
func (s *Server) render(in *invitation) ecloud.OrganizationInvitation {
	out := clone(in.inv)
	out.Organization = clone(s.orgs[in.orgID].org)
	out.Expired = !s.timeNow().Before(out.ExpiresAt)
	return out
}

func (s *Server) renderAll(o *orgState) []ecloud.OrganizationInvitation {
	out := make([]ecloud.OrganizationInvitation, 0, len(o.invitations))
	for _, in := range o.invitations {
		out = append(out, s.render(in))
	}
	return out
}

// newToken returns a random invitation token.
func newToken() string { return strings.ToLower(rand.Text()) }

// clone deep-copies a model through JSON, so that callers and the server
// never share slices or pointers.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("ecloudtest: copying a model: " + err.Error())
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic("ecloudtest: copying a model: " + err.Error())
	}
	return out
}
