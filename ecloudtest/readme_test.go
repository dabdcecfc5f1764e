package ecloudtest_test

// The code of these tests is shown verbatim in the README ("Testing") and in
// docs/testing.md; change both together.

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/jarcoal/httpmock"
)

func TestInviteTwice(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t) // closed when the test ends
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	client := srv.Client() // retries nothing: the test sees every error
	req := ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}}
	if _, err := client.CreateOrganizationInvitations(t.Context(), "org-1", req); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateOrganizationInvitations(t.Context(), "org-1", req)
	if !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationAlreadyExists) {
		t.Errorf("second invitation: %v", err)
	}
	srv.FailNext(ecloud.OpListOrganizationInvitations, 503) // a fault, for the next request
	if _, err := client.ListOrganizationInvitations(t.Context(), "org-1"); !errors.Is(err, ecloud.ErrServer) {
		t.Errorf("after a 503: %v", err)
	}
}

func TestFaultsAndTheRequestLog(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	inv := srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "ada@example.com"})

	// The next two deletes fail with 503. Client() retries nothing: this
	// test asks for retries, to see them through.
	srv.Fault(ecloud.OpDeleteOrganizationInvitations, ecloudtest.Fault{Status: 503, Times: 2})
	client := srv.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 2}))
	if err := client.DeleteOrganizationInvitations(t.Context(), "org-1", []string{inv.Token}); err != nil {
		t.Fatal(err)
	}
	// What was sent, and answered? The log says.
	var statuses []int
	for _, r := range srv.Requests(ecloud.OpDeleteOrganizationInvitations) {
		statuses = append(statuses, r.Status)
		if tokens := r.List("invitation_tokens"); !slices.Equal(tokens, []string{inv.Token}) {
			t.Errorf("revoked %q", tokens)
		}
	}
	if !slices.Equal(statuses, []int{503, 503, 200}) {
		t.Errorf("statuses %v, want two 503s, then 200", statuses)
	}

	// A server slower than the caller's deadline.
	srv.Fault(ecloud.OpListOrganizationInvitations, ecloudtest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := client.ListOrganizationInvitations(ctx, "org-1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the deadline", err)
	}
}

func TestInvitationsWithHTTPMock(t *testing.T) {
	t.Parallel()
	mock := ecloudtest.NewMockTransport(t) // a request with no responder fails the test
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations",
		httpmock.NewStringResponder(200, `{"invitations":[{"token":"tok-1","email":"ada@example.com",
			"created_at":"2025-06-30T12:00:00Z","expires_at":"2025-07-03T12:00:00Z","expired":false,
			"organization":{"id":"org-1","name":"Acme"}}]}`))
	ecloudtest.RegisterError(mock, ecloud.OpCreateOrganizationInvitations, 400, ecloud.CodeOrganizationInvitationAlreadyExists)

	client, err := ecloud.NewClient(ecloud.WithAPIKey("test-key"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{})) // no retries: each call is one request
	if err != nil {
		t.Fatal(err)
	}
	invs, err := client.ListOrganizationInvitations(t.Context(), "org-1")
	if err != nil || len(invs) != 1 || invs[0].Email != "ada@example.com" {
		t.Fatalf("ListOrganizationInvitations: %v", err)
	}
	_, err = client.CreateOrganizationInvitations(t.Context(), "org-1",
		ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	if !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationAlreadyExists) {
		t.Fatalf("CreateOrganizationInvitations: %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

// Not parallel: ActivateNonDefault uses httpmock's global transport.
func TestOrganizationsWithActivateNonDefault(t *testing.T) {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	t.Cleanup(httpmock.DeactivateAndReset)
	httpmock.RegisterNoResponder(ecloudtest.NoResponder(t)) // names the method and operation that had none
	httpmock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations",
		ecloudtest.Responder(ecloud.OpListOrganizations, []ecloud.Organization{{ID: "org-1", Name: "Acme"}}))

	client, err := ecloud.NewClient(ecloud.WithAPIKey("test-key"), ecloud.WithHTTPClient(hc),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	list, err := client.ListOrganizations(t.Context())
	if err != nil || len(list.Organizations) != 1 || list.Organizations[0].Name != "Acme" {
		t.Fatalf("ListOrganizations = %+v, %v", list, err)
	}
}

// TestREADMEShowsTheseTests keeps the testing sections honest: the tests
// that README.md and docs/testing.md show are the tests above and the flow
// test, verbatim.
func TestREADMEShowsTheseTests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc, file string
		funcs     []string
	}{
		{"../README.md", "readme_test.go", []string{"TestInviteTwice"}},
		{"../docs/testing.md", "flow_test.go", []string{"TestInviteAcceptRemove"}},
		{"../docs/testing.md", "readme_test.go", []string{"TestFaultsAndTheRequestLog", "TestInvitationsWithHTTPMock", "TestOrganizationsWithActivateNonDefault"}},
	} {
		doc, err := os.ReadFile(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range tc.funcs {
			start := strings.Index(string(src), "func "+name+"(")
			if start < 0 {
				t.Fatalf("%s not found in %s", name, tc.file)
			}
			end := strings.Index(string(src)[start:], "\n}\n")
			code := string(src)[start : start+end+3]
			if !strings.Contains(string(doc), "```go\n"+code+"```\n") && !strings.Contains(string(doc), "\n"+code+"```\n") {
				t.Errorf("%s does not show %s of %s verbatim", tc.doc, name, tc.file)
			}
		}
	}
}
