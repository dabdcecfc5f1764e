package ecloudtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/ecloud-go/ecloud"
	"github.com/jarcoal/httpmock"
)

// Helpers for tests that mock the client's transport with
// github.com/jarcoal/httpmock instead of running a Server. Give the client an
// *http.Client whose Transport is the mock (a httpmock.NewMockTransport() per
// test, or httpmock.ActivateNonDefault(hc)), and a RetryPolicy without
// waits: a request that matches no responder is a transport error, which
// GET retries.

// routes are an httpmock URL regexp per operation. They match the end of the
// URL, so they work under any base URL, and query strings are ignored.
var routes = map[string]string{
	ecloud.OpListOrganizations:              `/organizations$`,
	ecloud.OpGetOrganization:                `/organizations/[^/]+$`,
	ecloud.OpUpdateOrganization:             `/organizations/[^/]+$`,
	ecloud.OpListOrganizationMembers:        `/organizations/[^/]+/members$`,
	ecloud.OpDeleteOrganizationMemberships:  `/organizations/[^/]+/members/[^/]+$`,
	ecloud.OpListOrganizationInvitations:    `/organizations/[^/]+/invitations$`,
	ecloud.OpCreateOrganizationInvitations:  `/organizations/[^/]+/invitations$`,
	ecloud.OpGetOrganizationInvitation:      `/organizations/invitations/[^/]+$`,
	ecloud.OpAcceptOrganizationInvitation:   `/organizations/invitations/[^/]+/_accept$`,
	ecloud.OpDeleteOrganizationInvitations:  `/organizations/[^/]+/invitations/[^/]+$`,
	ecloud.OpAddRoleAssignments:             `/users/[^/]+/role_assignments$`,
	ecloud.OpRemoveRoleAssignments:          `/users/[^/]+/role_assignments$`,
	ecloud.OpListDomainClaims:               `/organizations/[^/]+/domains$`,
	ecloud.OpGenerateDomainVerificationCode: `/organizations/[^/]+/domains/_generate_verification_code$`,
	ecloud.OpVerifyDomainClaim:              `/organizations/[^/]+/domains/_verify$`,
	ecloud.OpDeleteDomainClaim:              `/organizations/[^/]+/domains$`,
	ecloud.OpGetOrganizationIdP:             `/organizations/[^/]+/idp$`,
	ecloud.OpSetupOrganizationIdP:           `/organizations/[^/]+/idp$`,
	ecloud.OpTeardownOrganizationIdP:        `/organizations/[^/]+/idp$`,
	ecloud.OpGetOrganizationIdPMetadata:     `/organizations/[^/]+/idp/metadata\.xml$`,
	ecloud.OpListRoleMappings:               `/organizations/[^/]+/role_mappings$`,
	ecloud.OpAddRoleMappings:                `/organizations/[^/]+/role_mappings$`,
	ecloud.OpUpdateRoleMappings:             `/organizations/[^/]+/role_mappings$`,
	ecloud.OpDeleteRoleMappings:             `/organizations/[^/]+/role_mappings$`,
	ecloud.OpUpdateRoleMapping:              `/organizations/[^/]+/role_mappings/[^/]+$`,
	ecloud.OpDeleteRoleMappingsByName:       `/organizations/[^/]+/role_mappings/[^/]+$`,
}

// wrapped are the operations whose answer wraps what Responder is given, by
// the property that holds it.
var wrapped = map[string]string{
	ecloud.OpListDomainClaims:               "domains",
	ecloud.OpGenerateDomainVerificationCode: "verification",
	ecloud.OpListRoleMappings:               "mappings",
	ecloud.OpDeleteRoleMappingsByName:       "mappings",
}

// Route returns the HTTP method of an operation (a spec operationId) and an
// httpmock URL pattern ("=~...") that matches its path under any base URL,
// for RegisterResponder. It panics for an unknown operation.
func Route(operation string) (method, urlPattern string) {
	spec, ok := operations[operation]
	if !ok {
		panic(fmt.Sprintf("ecloudtest: unknown operation %q", operation))
	}
	return spec.method, "=~" + routes[operation]
}

// Responder answers an operation's success: its status (201 for
// create-organization-invitations and add-role-mappings-individually, 200
// otherwise) and body as JSON. Lists are wrapped as the API sends them:
// []ecloud.OrganizationInvitation in {"invitations":...},
// []ecloud.OrganizationMembership in {"members":...} and
// []ecloud.Organization in {"organizations":...}; the results of the SSO
// operations too: domain-claim-get-domain-claims takes the []string of
// domains ({"domains":...}), domain-claim-generate-verification-code the
// code ({"verification":...}), get-role-mappings a []ecloud.RoleMapping and
// delete-role-mappings-individually the []string of names deleted
// ({"mappings":...}). nil is the empty response {}, or an empty list.
// get-organization-idp-metadata answers body ([]byte or string) as is, with
// Content-Type application/xml. It panics for an unknown operation or a body
// JSON cannot encode.
func Responder(operation string, body any) httpmock.Responder {
	spec, ok := operations[operation]
	if !ok {
		panic(fmt.Sprintf("ecloudtest: unknown operation %q", operation))
	}
	if answersXML(operation) {
		var doc []byte
		switch v := body.(type) {
		case []byte:
			doc = v
		case string:
			doc = []byte(v)
		default:
			panic(fmt.Sprintf("ecloudtest: Responder: %s answers XML: give a []byte or a string, not %T", operation, body))
		}
		return httpmock.NewBytesResponder(spec.status, doc).HeaderSet(http.Header{"Content-Type": {"application/xml"}})
	}
	if key, ok := wrapped[operation]; ok && (body != nil || key != "verification") {
		switch v := body.(type) {
		case nil: // an empty list
			body = []string{}
		case []string:
			body = nonNil(v)
		case []ecloud.RoleMapping:
			body = nonNil(v)
		}
		body = map[string]any{key: body}
	}
	switch v := body.(type) {
	case nil:
		body = struct{}{}
	case []ecloud.OrganizationInvitation:
		body = map[string]any{"invitations": nonNil(v)}
	case []ecloud.OrganizationMembership:
		body = map[string]any{"members": nonNil(v)}
	case []ecloud.Organization:
		body = ecloud.OrganizationList{Organizations: nonNil(v)}
	}
	b, err := json.Marshal(body)
	if err != nil {
		panic("ecloudtest: Responder: " + err.Error())
	}
	return jsonResponder(spec.status, b, nil)
}

// ErrorResponder answers status with the codes both in the
// x-cloud-error-codes header and as the body's errors, each with the spec's
// message, as the API does.
func ErrorResponder(status int, codes ...string) httpmock.Responder {
	e := injected(failure{status: status, codes: codes})
	b, err := json.Marshal(map[string]any{"errors": e.details})
	if err != nil {
		panic("ecloudtest: ErrorResponder: " + err.Error())
	}
	var h http.Header
	if len(codes) > 0 {
		h = http.Header{"X-Cloud-Error-Codes": {strings.Join(codes, ",")}}
	}
	return jsonResponder(status, b, h)
}

// RegisterJSON registers Responder(operation, body) on m for the
// operation's method and path.
func RegisterJSON(m *httpmock.MockTransport, operation string, body any) {
	method, pattern := Route(operation)
	m.RegisterResponder(method, pattern, Responder(operation, body))
}

// RegisterError registers ErrorResponder(status, codes...) on m for the
// operation's method and path.
func RegisterError(m *httpmock.MockTransport, operation string, status int, codes ...string) {
	method, pattern := Route(operation)
	m.RegisterResponder(method, pattern, ErrorResponder(status, codes...))
}

func jsonResponder(status int, body []byte, extra http.Header) httpmock.Responder {
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range extra {
		h[k] = v
	}
	return httpmock.NewBytesResponder(status, body).HeaderSet(h)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
