package ecloudtest_test

// The code of these tests is shown verbatim in the README ("Testing your
// code against ecloud"); change both together.

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/jarcoal/httpmock"
)

func TestInvitationsWithHTTPMock(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport() // one per test, so tests can run in parallel
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations",
		httpmock.NewStringResponder(200, `{"invitations":[{"token":"tok-1","email":"ada@example.com",
			"created_at":"2025-06-30T12:00:00Z","expires_at":"2025-07-03T12:00:00Z","expired":false,
			"organization":{"id":"org-1","name":"Acme"}}]}`))
	ecloudtest.RegisterError(mock, ecloud.OpCreateOrganizationInvitations, 400, ecloud.CodeOrganizationInvitationAlreadyExists)

	client, err := ecloud.NewClient(ecloud.WithAPIKey("test-key"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}),
		// An unmatched route is a transport error, which GET retries: never wait.
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 1}))
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
	httpmock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations",
		ecloudtest.Responder(ecloud.OpListOrganizations, []ecloud.Organization{{ID: "org-1", Name: "Acme"}}))

	client, err := ecloud.NewClient(ecloud.WithAPIKey("test-key"), ecloud.WithHTTPClient(hc),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 1}))
	if err != nil {
		t.Fatal(err)
	}
	list, err := client.ListOrganizations(t.Context())
	if err != nil || len(list.Organizations) != 1 || list.Organizations[0].Name != "Acme" {
		t.Fatalf("ListOrganizations = %+v, %v", list, err)
	}
}

// TestREADMEShowsTheseTests keeps the README's testing section honest: the
// flow test and the httpmock recipes it shows are the tests above, verbatim.
func TestREADMEShowsTheseTests(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for file, funcs := range map[string][]string{
		"flow_test.go":   {"TestInviteAcceptRemove"},
		"readme_test.go": {"TestInvitationsWithHTTPMock", "TestOrganizationsWithActivateNonDefault"},
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
