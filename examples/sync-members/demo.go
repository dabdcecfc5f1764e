package main

import (
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

// seedDemo adds to the demo organization of the other examples (demo.Seed,
// which demo.Start runs) what makes members.json show every kind of action:
//   - Grace views deployments d-old, d-web and d-search; d-old was deleted,
//     so the API refuses any change that names it (the list keeps it);
//   - Dennis is a member the list does not name;
//   - Katherine also has an expired invitation beside her pending one.
//
// With the invitations of demo.Seed (Alan's pending, Edsger's and Barbara's
// expired), members.json then gives: an invitation (Margaret), two
// re-invitations (Alan's roles differ, Edsger's expired), roles added to and
// removed from Grace, Katherine's expired invitation revoked, and with
// -remove-unlisted Dennis removed and Barbara's invitation revoked.
func seedDemo(srv *ecloudtest.Server, now time.Time) {
	now = now.UTC().Truncate(time.Minute)
	day := 24 * time.Hour
	for _, m := range srv.Members(demo.OrgID) {
		if m.Email != "grace@example.com" {
			continue
		}
		m.RoleAssignments = &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "deployment-viewer", OrganizationID: demo.OrgID, DeploymentIDs: []string{"d-old", "d-search", "d-web"}},
		}}
		srv.AddMember(demo.OrgID, m)
	}
	srv.HideDeployment("d-old")
	srv.AddMember(demo.OrgID, ecloud.OrganizationMembership{
		UserID: "1000000003", Name: "Dennis Ritchie", Email: "dennis@example.com", MemberSince: now.Add(-90 * day),
		RoleAssignments: &ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: demo.OrgID}}},
	})
	srv.AddInvitation(demo.OrgID, ecloud.OrganizationInvitation{Email: "katherine@example.com", CreatedAt: now.Add(-9 * day)})
}
