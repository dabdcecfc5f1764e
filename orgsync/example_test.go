package orgsync_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/ecloud-go/ecloud/orgsync"
)

func Example() {
	// A fake organization: an admin, and Ada, who views deployment d-1.
	srv := ecloudtest.StartServer()
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	admin := ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}}}
	viewer := func(ids ...string) ecloud.RoleAssignments {
		return ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: ids}}}
	}
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-1", Email: "owner@example.com", RoleAssignments: &admin})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "ada@example.com", RoleAssignments: ecloud.Ptr(viewer("d-1"))})
	client, ctx := srv.Client(), context.Background()

	// The list: Ada views d-2 instead of d-1, and Lin joins.
	want := orgsync.Desired{Members: []orgsync.Member{
		{Email: "owner@example.com", Roles: admin},
		{Email: "Ada@example.com", Roles: viewer("d-2")},
		{Email: "lin@example.com", Roles: viewer("d-1", "d-2")},
	}}
	plan, err := orgsync.NewPlan(ctx, client, "org-1", want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan) // a dry run stops here

	result, err := orgsync.Apply(ctx, client, plan, nil)
	fmt.Print(result)
	if err != nil {
		log.Fatal(err)
	}

	plan, err = orgsync.NewPlan(ctx, client, "org-1", want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("empty after Apply:", plan.Empty())
	// Output:
	// + invite        lin@example.com: deployment:deployment-viewer@org-1/d-1, deployment:deployment-viewer@org-1/d-2
	// + add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2
	// - remove roles  ada@example.com: deployment:deployment-viewer@org-1/d-1
	// done    + invite        lin@example.com: deployment:deployment-viewer@org-1/d-1, deployment:deployment-viewer@org-1/d-2
	// done    + add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2
	// done    - remove roles  ada@example.com: deployment:deployment-viewer@org-1/d-1
	// empty after Apply: true
}

// syncOrg is the README's orgsync snippet, verbatim but for its last line.
func syncOrg(ctx context.Context, client *ecloud.Client) error {
	plan, err := orgsync.NewPlan(ctx, client, "org-1", orgsync.Desired{
		Members: []orgsync.Member{
			{Email: "ada@example.com", Roles: ecloud.RoleAssignments{
				Deployment: []ecloud.DeploymentRoleAssignment{
					{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-1", "d-2"}},
				},
			}},
		},
		RemoveUnlisted: true,                          // remove members, and revoke invitations, not listed
		Protect:        []string{"owner@example.com"}, // never removed or changed
		ExpiresIn:      "7d",                          // for new invitations
	})
	if err != nil {
		return err // a bad list (ecloud.ErrInvalidArgument), orgsync.ErrLastAdmin, or the API's error
	}
	fmt.Print(plan) // one line per action; never an invitation token
	result, err := orgsync.Apply(ctx, client, plan, &orgsync.ApplyOptions{Concurrency: 4})
	if err != nil {
		fmt.Print(result) // every action: done, failed (with the error) or skipped
		return err
	}
	fmt.Print(result)
	return nil
}

func ExampleApply() {
	srv := ecloudtest.StartServer()
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-owner", Email: "owner@example.com", RoleAssignments: &ecloud.RoleAssignments{
		Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}},
	}})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-ada", Email: "ada@example.com", RoleAssignments: &ecloud.RoleAssignments{
		Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-1"}}},
	}})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-bob", Email: "bob@example.com"})
	srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "cy@example.com"})

	if err := syncOrg(context.Background(), srv.Client()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// + add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2
	// - remove member bob@example.com: user u-bob, not listed
	// - revoke        cy@example.com: 1 pending invitation, not listed
	// # owner@example.com is protected: left alone, though the list would remove member
	// done    + add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2
	// done    - remove member bob@example.com: user u-bob, not listed
	// done    - revoke        cy@example.com: 1 pending invitation, not listed
}
