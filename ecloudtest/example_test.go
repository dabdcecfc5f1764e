package ecloudtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

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
