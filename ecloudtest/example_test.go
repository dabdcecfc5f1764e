package ecloudtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

func ExampleServer_HideDeployment() {
	srv := ecloudtest.StartServer()
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-1", Email: "ada@example.com"})
	client, ctx := srv.Client(), context.Background()

	viewer := func(ids ...string) ecloud.RoleAssignments {
		return ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: ids},
		}}
	}
	if err := client.AddRoleAssignments(ctx, "u-1", viewer("d-1", "d-2")); err != nil {
		log.Fatal(err)
	}
	// d-2 is deleted: the API refuses any change that names it.
	srv.HideDeployment("d-2")
	err := client.RemoveRoleAssignments(ctx, "u-1", viewer("d-1", "d-2"), nil)
	fmt.Println("refused:", ecloud.HasCode(err, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments))

	// Without it, the removal goes through; the grant on d-2 stays.
	if err := client.RemoveRoleAssignments(ctx, "u-1", viewer("d-1"), nil); err != nil {
		log.Fatal(err)
	}
	members, err := client.ListOrganizationMembers(ctx, "org-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(members[0].RoleAssignments.Deployment[0].DeploymentIDs)
	// Output:
	// refused: true
	// [d-2]
}

func ExampleServer_PublishDomainVerification() {
	srv := ecloudtest.StartServer()
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	client, ctx := srv.Client(), context.Background()

	if _, err := client.GenerateDomainVerificationCode(ctx, "org-1", "example.com"); err != nil {
		log.Fatal(err)
	}
	// The DNS record is not in place yet: 449.
	err := client.VerifyDomainClaim(ctx, "org-1", "example.com")
	fmt.Println("pending:", errors.Is(err, ecloud.ErrVerificationPending))

	// The test says the record is published: verifying claims the domain.
	srv.PublishDomainVerification("org-1", "example.com")
	if err := client.VerifyDomainClaim(ctx, "org-1", "example.com"); err != nil {
		log.Fatal(err)
	}
	domains, err := client.ListDomainClaims(ctx, "org-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(domains)
	// Output:
	// pending: true
	// [example.com]
}

func ExampleServer_Fault() {
	srv := ecloudtest.StartServer() // in a test: ecloudtest.NewServer(t)
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	ctx := context.Background()

	// Two 503s, then the operation's own answer.
	srv.Fault(ecloud.OpListOrganizationMembers, ecloudtest.Fault{Status: 503, Times: 2})
	_, err := srv.Client().ListOrganizationMembers(ctx, "org-1") // Client() does not retry
	fmt.Println("without retries:", err)
	retrying := srv.Client(ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 1}))
	_, err = retrying.ListOrganizationMembers(ctx, "org-1")
	fmt.Println("with one retry:", err)

	// A server slower than the caller's deadline.
	srv.Fault(ecloud.OpGetOrganization, ecloudtest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = srv.Client().GetOrganization(ctx, "org-1")
	fmt.Println("deadline:", errors.Is(err, context.DeadlineExceeded))
	// Output:
	// without retries: ecloud: list-organization-members: 503 Service Unavailable
	// with one retry: <nil>
	// deadline: true
}

func ExampleServer_Requests() {
	srv := ecloudtest.StartServer() // in a test: ecloudtest.NewServer(t)
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	inv := srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "ada@example.com"})
	client := srv.Client()

	if err := client.DeleteOrganizationInvitations(context.Background(), "org-1", []string{inv.Token}); err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests(ecloud.OpDeleteOrganizationInvitations) {
		fmt.Println(r) // tokens are redacted when printed
		fmt.Println("revoked the invitation:", slices.Equal(r.List("invitation_tokens"), []string{inv.Token}))
	}
	// Output:
	// DELETE delete-organization-invitations invitation_tokens=[redacted] organization_id=org-1 → 200
	// revoked the invitation: true
}
