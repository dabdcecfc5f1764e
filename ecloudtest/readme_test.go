package ecloudtest_test

// The code of these tests is shown verbatim in the README ("Testing your
// code against ecloud"); change both together.

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

// TestREADMEShowsTheseTests keeps the README's testing section honest: the
// flow test, the faults and log test and the httpmock recipes it shows are
// the tests above, verbatim.
func TestREADMEShowsTheseTests(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for file, funcs := range map[string][]string{
		"flow_test.go":   {"TestInviteAcceptRemove"},
		"readme_test.go": {"TestFaultsAndTheRequestLog", "TestInvitationsWithHTTPMock", "TestOrganizationsWithActivateNonDefault"},
	} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range funcs {
			start := strings.Index(string(src), "func "+name+"(")
			if start < 0 {
				t.Fatalf("%s not found in %s", name, file)
			}
			end := strings.Index(string(src)[start:], "\n}\n")
			code := string(src)[start : start+end+3]
			if !strings.Contains(string(readme), code) {
				t.Errorf("README.md does not show %s of %s verbatim", name, file)
			}
		}
	}
}
