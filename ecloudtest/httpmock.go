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
	ecloud.OpListOrganizations:             `/organizations$`,
	ecloud.OpGetOrganization:               `/organizations/[^/]+$`,
	ecloud.OpUpdateOrganization:            `/organizations/[^/]+$`,
	ecloud.OpListOrganizationMembers:       `/organizations/[^/]+/members$`,
	ecloud.OpDeleteOrganizationMemberships: `/organizations/[^/]+/members/[^/]+$`,
	ecloud.OpListOrganizationInvitations:   `/organizations/[^/]+/invitations$`,
	ecloud.OpCreateOrganizationInvitations: `/organizations/[^/]+/invitations$`,
	ecloud.OpGetOrganizationInvitation:     `/organizations/invitations/[^/]+$`,
	ecloud.OpAcceptOrganizationInvitation:  `/organizations/invitations/[^/]+/_accept$`,
	ecloud.OpDeleteOrganizationInvitations: `/organizations/[^/]+/invitations/[^/]+$`,
	ecloud.OpAddRoleAssignments:            `/users/[^/]+/role_assignments$`,
	ecloud.OpRemoveRoleAssignments:         `/users/[^/]+/role_assignments$`,
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
// create-organization-invitations, 200 otherwise) and body as JSON. Lists
// are wrapped as the API sends them: []ecloud.OrganizationInvitation in
// {"invitations":...}, []ecloud.OrganizationMembership in {"members":...} and
// []ecloud.Organization in {"organizations":...}; nil is the empty response
// {}. It panics for an unknown operation or a body JSON cannot encode.
func Responder(operation string, body any) httpmock.Responder {
	spec, ok := operations[operation]
	if !ok {
		panic(fmt.Sprintf("ecloudtest: unknown operation %q", operation))
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
