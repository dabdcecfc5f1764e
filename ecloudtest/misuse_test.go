package ecloudtest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// recorder is a test given to NewServer: it records what the server reports
// and, like a real test, Fatalf ends the goroutine that calls it.
type recorder struct {
	testing.TB // the real test, for Cleanup and the rest

	mu     sync.Mutex
	fatals []string
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) reports() (fatals, errors []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.fatals...), append([]string(nil), r.errors...)
}

// stopped runs f on a goroutine of its own, as a test helper runs on the
// test's, and reports whether f returned normally, and what it panicked
// with.
func stopped(f func()) (returned bool, panicked any) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		f()
		returned = true
	}()
	<-done
	return returned, panicked
}

// wantFatal runs call and checks that it reported one t.Fatalf to rec,
// starting with "ecloudtest: " and holding want, and stopped there.
func wantFatal(t *testing.T, rec *recorder, want string, call func()) {
	t.Helper()
	before, _ := rec.reports()
	returned, panicked := stopped(call)
	fatals, _ := rec.reports()
	fatals = fatals[len(before):]
	switch {
	case panicked != nil:
		t.Errorf("with a test: panicked with %v, want t.Fatalf", panicked)
	case returned:
		t.Errorf("with a test: the call went on after the misuse (reported %q)", fatals)
	case len(fatals) != 1 || !strings.HasPrefix(fatals[0], "ecloudtest: ") || !strings.Contains(fatals[0], want):
		t.Errorf("with a test: reported %q, want one t.Fatalf with %q", fatals, want)
	}
}

// wantMisuse checks that call is reported on a server of NewServer, to its
// test with t.Fatalf (wantFatal), and on a server of StartServer with a
// panic whose message starts with "ecloudtest: " and holds want; both
// servers are seeded by seedMisuse, and keep that state.
func wantMisuse(t *testing.T, want string, call func(s *ecloudtest.Server)) {
	t.Helper()
	rec := &recorder{TB: t}
	withTest := ecloudtest.NewServer(rec)
	seedMisuse(withTest)
	wantFatal(t, rec, want, func() { call(withTest) })

	program := ecloudtest.StartServer()
	defer program.Close()
	seedMisuse(program)
	_, panicked := stopped(func() { call(program) })
	if msg, _ := panicked.(string); !strings.HasPrefix(msg, "ecloudtest: ") || !strings.Contains(msg, want) {
		t.Errorf("without a test: panicked with %v, want a message with %q", panicked, want)
	}

	for _, s := range []*ecloudtest.Server{withTest, program} {
		c := s.Client()
		// No fault was queued: every call below succeeds.
		list, err := c.ListOrganizations(t.Context())
		if err != nil || len(list.Organizations) != 2 {
			t.Errorf("ListOrganizations after the misuse = %+v, %v", list, err)
		}
		if domains, err := c.ListDomainClaims(t.Context(), "org-1"); err != nil || len(domains) != 0 {
			t.Errorf("org-1 claims after the misuse = %q, %v", domains, err)
		}
		if domains, err := c.ListDomainClaims(t.Context(), "org-2"); err != nil || !slices.Equal(domains, []string{"taken.example"}) {
			t.Errorf("org-2 claims after the misuse = %q, %v", domains, err)
		}
		if ms, err := c.ListOrganizationMembers(t.Context(), "org-1"); err != nil || len(ms) != 0 {
			t.Errorf("org-1 members after the misuse = %+v, %v", ms, err)
		}
	}
}

// seedMisuse is the state the misuse cases start from: org-1, and org-2,
// which claimed taken.example.
func seedMisuse(s *ecloudtest.Server) {
	s.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	s.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	s.AddDomainClaim("org-2", "taken.example")
	s.AddDomainClaim("org-2", "taken.example") // the same organization again: nothing changes
}

// TestMisuseIsReported: a programming error in a test's use of the server
// fails the test with a message that says what is wrong (or panics with it,
// for a server no test owns), and changes nothing.
func TestMisuseIsReported(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, want string
		call       func(s *ecloudtest.Server)
	}{
		{"AddOrganization without ID", "AddOrganization: the organization ID is empty", func(s *ecloudtest.Server) { s.AddOrganization(ecloud.Organization{Name: "x"}) }},
		{"AddMember to an unknown organization", `AddMember: unknown organization "nope"`, func(s *ecloudtest.Server) { s.AddMember("nope", ecloud.OrganizationMembership{UserID: "u"}) }},
		{"AddMember without identity", "neither a user ID nor an email", func(s *ecloudtest.Server) { s.AddMember("org-1", ecloud.OrganizationMembership{}) }},
		{"AddInvitation to an unknown organization", `AddInvitation: unknown organization "nope"`, func(s *ecloudtest.Server) {
			s.AddInvitation("nope", ecloud.OrganizationInvitation{Email: "a@example.com"})
		}},
		{"AddInvitation without email", "AddInvitation: the email is empty", func(s *ecloudtest.Server) { s.AddInvitation("org-1", ecloud.OrganizationInvitation{}) }},
		{"AddInvitation with a token taken", "the token is already used", func(s *ecloudtest.Server) {
			s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "a@example.com", Token: "tok"})
			s.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "b@example.com", Token: "tok"})
		}},
		{"publish, unknown organization", `PublishDomainVerification: unknown organization "nope"`, func(s *ecloudtest.Server) { s.PublishDomainVerification("nope", "example.com") }},
		{"publish, no code generated", "no verification code", func(s *ecloudtest.Server) { s.PublishDomainVerification("org-1", "example.com") }},
		{"publish, code of another organization", "no verification code", func(s *ecloudtest.Server) { s.PublishDomainVerification("org-1", "taken.example") }},
		{"publish, empty domain", "no verification code", func(s *ecloudtest.Server) { s.PublishDomainVerification("org-1", "") }},
		{"claim, unknown organization", `AddDomainClaim: unknown organization "nope"`, func(s *ecloudtest.Server) { s.AddDomainClaim("nope", "example.com") }},
		{"claim, not a domain", "is not a domain name", func(s *ecloudtest.Server) { s.AddDomainClaim("org-1", "not a domain") }},
		{"claim, empty", "is not a domain name", func(s *ecloudtest.Server) { s.AddDomainClaim("org-1", "") }},
		{"claim, trailing dot (not canonical)", "is not a domain name", func(s *ecloudtest.Server) { s.AddDomainClaim("org-1", "example.com.") }},
		{"claim, claimed by another", `is claimed by organization "org-2"`, func(s *ecloudtest.Server) { s.AddDomainClaim("org-1", "Taken.example") }},
		{"Client with an invalid option", "Server.Client: ecloud: WithRetryPolicy: MaxRetries is negative", func(s *ecloudtest.Server) {
			s.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: -1}))
		}},
		{"FailNext, unknown operation", `FailNext: unknown operation "list-organisation-invitations" (did you mean "list-organization-invitations"?)`, func(s *ecloudtest.Server) {
			s.FailNext("list-organisation-invitations", 503)
		}},
		{"FailNext, success status", "Status must be an error status", func(s *ecloudtest.Server) { s.FailNext(ecloud.OpListOrganizations, 200) }},
		{"FailNext, status 399", "Status must be an error status", func(s *ecloudtest.Server) { s.FailNext(ecloud.OpListOrganizations, 399) }},
		{"FailNext, status 600", "Status must be an error status", func(s *ecloudtest.Server) { s.FailNext(ecloud.OpListOrganizations, 600) }},
		{"Fault, unknown operation", `Fault: unknown operation "get-org" (did you mean "get-organization"?)`, func(s *ecloudtest.Server) {
			s.Fault("get-org", ecloudtest.Fault{Status: 500})
		}},
		{"Fault, status 600", "Status must be an error status", func(s *ecloudtest.Server) { s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Status: 600}) }},
		{"Fault, codes without a status", "Codes need a Status", func(s *ecloudtest.Server) {
			s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Codes: []string{ecloud.CodeRootUnauthorized}, Delay: time.Millisecond})
		}},
		{"Fault, negative delay", "Delay is negative", func(s *ecloudtest.Server) { s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Delay: -time.Second}) }},
		{"Fault, negative times", "Times is negative", func(s *ecloudtest.Server) {
			s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Status: 500, Times: -1})
		}},
		{"Fault, unknown drop", "Drop is not", func(s *ecloudtest.Server) { s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Drop: 7}) }},
		{"Fault, a status that is never sent", "DropBeforeAnswer sends no answer", func(s *ecloudtest.Server) {
			s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Status: 500, Drop: ecloudtest.DropBeforeAnswer})
		}},
		{"Fault, a header that is never sent", "DropBeforeAnswer sends no answer", func(s *ecloudtest.Server) {
			s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Header: http.Header{"Retry-After": {"1"}}, Drop: ecloudtest.DropBeforeAnswer})
		}},
		{"Fault that changes nothing", "the fault changes nothing", func(s *ecloudtest.Server) { s.Fault(ecloud.OpListOrganizations, ecloudtest.Fault{Times: 3}) }},
		{"Requests, unknown operation", `Requests: unknown operation "list-members"`, func(s *ecloudtest.Server) { s.Requests("list-members") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantMisuse(t, tc.want, tc.call)
		})
	}
}
