package ecloudtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/jarcoal/httpmock"
)

// Helpers for tests that mock the client's transport with
// github.com/jarcoal/httpmock instead of running a Server. Give the client an
// *http.Client whose Transport is the mock (NewMockTransport(t) per test, or
// httpmock.ActivateNonDefault(hc)), and a RetryPolicy without waits: a
// request that matches no responder is a transport error, which GET retries.
// Operations are named by the ecloud.Op… constants.

// wrapped are the operations whose answer wraps what Responder is given, by
// the property that holds it.
var wrapped = map[string]string{
	ecloud.OpListDomainClaims:               "domains",
	ecloud.OpGenerateDomainVerificationCode: "verification",
	ecloud.OpListRoleMappings:               "mappings",
	ecloud.OpDeleteRoleMappingsByName:       "mappings",
}

// mockTests are the tests of the transports NewMockTransport made, so that
// RegisterJSON and RegisterError report misuse against them.
var mockTests sync.Map // *httpmock.MockTransport → testing.TB

// NewMockTransport returns a new httpmock transport for the test t, whose
// requests that match no responder fail t (t.Errorf) and the request with an
// error that names the method and the operation (NoResponder). RegisterJSON
// and RegisterError on it report misuse, such as an unknown operation, with
// t.Fatalf.
func NewMockTransport(t testing.TB) *httpmock.MockTransport {
	t.Helper()
	m := httpmock.NewMockTransport()
	m.RegisterNoResponder(NoResponder(t))
	mockTests.Store(m, t)
	t.Cleanup(func() { mockTests.Delete(m) })
	return m
}

// NoResponder answers a request that matches no responder with an error
// that says which method and operation had none, such as "no responder
// found for GET list-organization-invitations (GET
// /organizations/{organization_id}/invitations)", or, for a path of no
// operation, its shape with every ID and token replaced by "*". It unwraps
// to httpmock.NoResponderFound, and names no ID or token, so the SDK keeps
// it whole in the error it returns (the SDK strips URLs from errors, since
// they may carry invitation tokens). When t is not nil, each such request
// also fails t (t.Errorf). Register it with m.RegisterNoResponder, or
// httpmock.RegisterNoResponder for ActivateNonDefault.
func NoResponder(t testing.TB) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		err := &noResponderError{describeUnmatched(r.Method, r.URL.EscapedPath())}
		if t != nil {
			t.Errorf("ecloudtest: %v", err)
		}
		return nil, err
	}
}

// noResponderError is NoResponder's error.
type noResponderError struct{ msg string }

func (e *noResponderError) Error() string { return e.msg }
func (e *noResponderError) Unwrap() error { return httpmock.NoResponderFound }

// describeUnmatched says what a request that matched no responder was for,
// without the IDs and tokens of its path.
func describeUnmatched(method, escaped string) string {
	path := escaped
	if i := strings.Index(escaped, apiRoot+"/"); i >= 0 {
		path = escaped[i:]
	}
	_, candidates := route(path)
	if len(candidates) == 0 {
		return fmt.Sprintf("no responder found for %s %s, a path of no API operation", method, pathShape(escaped))
	}
	var others []string
	for _, op := range candidates {
		spec := operations[op]
		if spec.method == method {
			return fmt.Sprintf("no responder found for %s %s (%s %s)", method, op, spec.method, spec.path)
		}
		others = append(others, spec.method+" "+op)
	}
	return fmt.Sprintf("no responder found for %s %s: that path takes %s", method, operations[candidates[0]].path, strings.Join(others, ", "))
}

// mustOperation checks an operation named to a helper: against the test of
// m when NewMockTransport made m, otherwise with a panic that says what is
// wrong. It reports whether the operation is known.
func mustOperation(caller string, m *httpmock.MockTransport, operation string) bool {
	err := checkOperation(operation)
	if err == nil {
		return true
	}
	if t, ok := mockTests.Load(m); m != nil && ok {
		t.(testing.TB).Helper()
		t.(testing.TB).Fatalf("ecloudtest: %s: %v", caller, err)
		return false
	}
	panic(fmt.Sprintf("ecloudtest: %s: %v", caller, err))
}

// Route returns the HTTP method of an operation (an ecloud.Op… constant) and
// an httpmock URL pattern ("=~...") that matches its path under any base
// URL, for RegisterResponder. It panics, saying so, for an unknown
// operation.
func Route(operation string) (method, urlPattern string) {
	mustOperation("Route", nil, operation)
	return operations[operation].method, "=~" + routePattern(operation)
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
// Content-Type application/xml. It panics, saying so, for an unknown
// operation or a body it cannot send.
func Responder(operation string, body any) httpmock.Responder {
	mustOperation("Responder", nil, operation)
	spec := operations[operation]
	if spec.xml {
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
	return replyResponder(reply{status: spec.status, header: http.Header{"Content-Type": {"application/json"}}, body: b})
}

// ErrorResponder answers status with the codes both in the
// x-cloud-error-codes header and as the body's errors, each with the spec's
// message, as the API does.
func ErrorResponder(status int, codes ...string) httpmock.Responder {
	return replyResponder(errorReply(injected(status, codes), false))
}

// RegisterJSON registers Responder(operation, body) on m for the
// operation's method and path. On a transport NewMockTransport did not make,
// it also registers NoResponder(nil) as m's answer to requests that match no
// responder, replacing one registered before (register your own after it).
func RegisterJSON(m *httpmock.MockTransport, operation string, body any) {
	if !mustOperation("RegisterJSON", m, operation) {
		return
	}
	register(m, operation, Responder(operation, body))
}

// RegisterError registers ErrorResponder(status, codes...) on m for the
// operation's method and path, and NoResponder as RegisterJSON does.
func RegisterError(m *httpmock.MockTransport, operation string, status int, codes ...string) {
	if !mustOperation("RegisterError", m, operation) {
		return
	}
	register(m, operation, ErrorResponder(status, codes...))
}

func register(m *httpmock.MockTransport, operation string, r httpmock.Responder) {
	method, pattern := Route(operation)
	m.RegisterResponder(method, pattern, r)
	if _, ours := mockTests.Load(m); !ours {
		m.RegisterNoResponder(NoResponder(nil))
	}
}

// replyResponder answers rep, again on every call.
func replyResponder(rep reply) httpmock.Responder {
	return httpmock.NewBytesResponder(rep.status, rep.body).HeaderSet(rep.header)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
