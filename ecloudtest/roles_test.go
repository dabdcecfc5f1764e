package ecloudtest_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/google/go-cmp/cmp"
)

// viewer assigns deployment-viewer in org-1 on ids ("all" for every
// deployment).
func viewer(ids ...string) ecloud.RoleAssignments {
	a := ecloud.DeploymentRoleAssignment{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: ids}
	if len(ids) == 1 && ids[0] == "all" {
		a = ecloud.DeploymentRoleAssignment{RoleID: "deployment-viewer", OrganizationID: "org-1", All: ecloud.Ptr(true)}
	}
	return ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{a}}
}

// rolesOf returns the role assignments of user in org as ListOrganizationMembers
// shows them.
func rolesOf(t *testing.T, c *ecloud.Client, org, user string) *ecloud.RoleAssignments {
	t.Helper()
	members, err := c.ListOrganizationMembers(t.Context(), org)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(members, func(m ecloud.OrganizationMembership) bool { return m.UserID == user })
	if i < 0 {
		t.Fatalf("%s is not a member of %s", user, org)
	}
	return members[i].RoleAssignments
}

func wantRoles(t *testing.T, c *ecloud.Client, org, user string, want *ecloud.RoleAssignments) {
	t.Helper()
	if diff := cmp.Diff(want, rolesOf(t, c, org, user)); diff != "" {
		t.Errorf("roles of %s in %s (-want +got):\n%s", user, org, diff)
	}
}

// TestRoleAssignmentGrants walks the grant semantics of the package
// documentation through the client.
func TestRoleAssignmentGrants(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", Email: "two@example.com"})
	steps := []struct {
		name   string
		remove bool
		roles  ecloud.RoleAssignments
		want   *ecloud.RoleAssignments
	}{
		{"add two deployments", false, viewer("d2", "d1"), &ecloud.RoleAssignments{Deployment: viewer("d1", "d2").Deployment}},
		{"an overlapping add adds the rest", false, viewer("d3", "d2"), &ecloud.RoleAssignments{Deployment: viewer("d1", "d2", "d3").Deployment}},
		{"adding what exists changes nothing", false, viewer("d1"), &ecloud.RoleAssignments{Deployment: viewer("d1", "d2", "d3").Deployment}},
		{"removing d2 of [d1 d2 d3] leaves [d1 d3]", true, viewer("d2"), &ecloud.RoleAssignments{Deployment: viewer("d1", "d3").Deployment}},
		{"removing what does not exist changes nothing", true, viewer("d9", "d2"), &ecloud.RoleAssignments{Deployment: viewer("d1", "d3").Deployment}},
		{"all is a grant of its own", false, viewer("all"), &ecloud.RoleAssignments{Deployment: slices.Concat(viewer("all").Deployment, viewer("d1", "d3").Deployment)}},
		{"removing an ID does not touch all", true, viewer("d1"), &ecloud.RoleAssignments{Deployment: slices.Concat(viewer("all").Deployment, viewer("d3").Deployment)}},
		{"other scopes", false, ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1", ApplicationRoles: []string{"viewer"}}},
			Project:      &ecloud.ProjectRoleAssignments{WorkplaceAI: []ecloud.ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "org-1", ProjectIDs: []string{"p2", "p1"}}}},
		}, &ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1", ApplicationRoles: []string{"viewer"}}},
			Deployment:   slices.Concat(viewer("all").Deployment, viewer("d3").Deployment),
			Project:      &ecloud.ProjectRoleAssignments{WorkplaceAI: []ecloud.ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "org-1", ProjectIDs: []string{"p1", "p2"}}}},
		}},
		{"application roles are part of the grant", true, ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1"}},
		}, &ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1", ApplicationRoles: []string{"viewer"}}},
			Deployment:   slices.Concat(viewer("all").Deployment, viewer("d3").Deployment),
			Project:      &ecloud.ProjectRoleAssignments{WorkplaceAI: []ecloud.ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "org-1", ProjectIDs: []string{"p1", "p2"}}}},
		}},
		{"removing everything leaves no roles", true, ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1", ApplicationRoles: []string{"viewer"}}},
			Deployment:   slices.Concat(viewer("all").Deployment, viewer("d3").Deployment),
			Project:      &ecloud.ProjectRoleAssignments{WorkplaceAI: []ecloud.ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "org-1", ProjectIDs: []string{"p1", "p2"}}}},
		}, nil},
	}
	for _, step := range steps {
		var err error
		if step.remove {
			err = c.RemoveRoleAssignments(ctx, "u-2", step.roles, nil)
		} else {
			err = c.AddRoleAssignments(ctx, "u-2", step.roles)
		}
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if diff := cmp.Diff(step.want, rolesOf(t, c, "org-1", "u-2")); diff != "" {
			t.Fatalf("%s: roles (-want +got):\n%s", step.name, diff)
		}
	}
	// The other member was not touched; Server.Members agrees with the API.
	wantRoles(t, c, "org-1", "u-owner", nil)
	if ms := srv.Members("org-1"); ms[1].RoleAssignments != nil {
		t.Errorf("Members shows %+v", ms[1].RoleAssignments)
	}
}

// TestAcceptedInvitationRolesCanBeChanged: the roles of an invitation become
// the member's as given (here not in canonical order), and role changes
// apply to them.
func TestAcceptedInvitationRolesCanBeChanged(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	roles := viewer("d2", "d1")
	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}, RoleAssignments: &roles})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AcceptOrganizationInvitation(ctx, invs[0].Token); err != nil {
		t.Fatal(err)
	}
	ada := srv.Members("org-1")[1].UserID
	wantRoles(t, c, "org-1", ada, &roles)
	if err := c.RemoveRoleAssignments(ctx, ada, viewer("d1"), nil); err != nil {
		t.Fatal(err)
	}
	want := viewer("d2")
	wantRoles(t, c, "org-1", ada, &want)
}

func TestRoleAssignmentErrors(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	seeded := viewer("d1")
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-2", RoleAssignments: &seeded})
	inOrg := func(org string) ecloud.RoleAssignments {
		return ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: org}}}
	}
	for _, tc := range []struct {
		name   string
		user   string
		roles  ecloud.RoleAssignments
		status int
		code   string
		field  string
	}{
		{"unknown user", "u-nobody", viewer("d2"), 400, ecloud.CodeRoleAssignmentsInvalidTargetUserID, "user_id"},
		{"not a member of the organization", "u-2", inOrg("org-2"), 400, ecloud.CodeRoleAssignmentsInvalidTargetUserID, "organization[0].organization_id"},
		{"unknown organization", "u-2", inOrg("org-9"), 403, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments, "organization[0].organization_id"},
		{"platform role", "u-2", ecloud.RoleAssignments{Platform: []ecloud.PlatformRoleAssignment{{RoleID: "platform-admin"}}}, 403,
			ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments, "platform[0]"},
		{"no organization_id", "u-2", ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "r", DeploymentIDs: []string{"d1"}}}}, 400,
			ecloud.CodeRootInvalidData, "deployment[0].organization_id"},
		{"all and IDs", "u-2", ecloud.RoleAssignments{Project: &ecloud.ProjectRoleAssignments{VectorDB: []ecloud.ProjectRoleAssignment{
			{RoleID: "r", OrganizationID: "org-1", All: ecloud.Ptr(true), ProjectIDs: []string{"p"}}}}}, 400,
			ecloud.CodeRootInvalidData, "project.vectordb[0].project_ids"},
	} {
		for _, remove := range []bool{false, true} {
			var err error
			if remove {
				err = c.RemoveRoleAssignments(ctx, tc.user, tc.roles, nil)
			} else {
				err = c.AddRoleAssignments(ctx, tc.user, tc.roles)
			}
			apiErr := wantAPIError(t, err, tc.status, tc.code)
			if !slices.ContainsFunc(apiErr.Errors, func(d ecloud.ErrorDetail) bool { return slices.Contains(d.Fields, tc.field) }) {
				t.Errorf("%s (remove %v): errors %+v do not name %s", tc.name, remove, apiErr.Errors, tc.field)
			}
		}
	}
	// All or nothing: a valid grant beside a refused one is not applied.
	mixed := ecloud.RoleAssignments{
		Organization: inOrg("org-9").Organization,
		Deployment:   viewer("d5").Deployment,
	}
	wantAPIError(t, c.AddRoleAssignments(ctx, "u-2", mixed), 403, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
	wantRoles(t, c, "org-1", "u-2", &seeded)

	// A removed member is an unknown user.
	if err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{"u-2"}, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.AddRoleAssignments(ctx, "u-2", viewer("d1")), 400, ecloud.CodeRoleAssignmentsInvalidTargetUserID)
}

// TestHiddenDeployment: a deployment the API hides (deleted, or not visible
// to the caller) refuses role changes that name it, as the live API does.
func TestHiddenDeployment(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	if err := c.AddRoleAssignments(ctx, "u-owner", viewer("d-gone", "d-live")); err != nil {
		t.Fatal(err)
	}
	srv.HideDeployment("d-gone")
	before := viewer("d-gone", "d-live")
	for name, call := range map[string]func() error{
		"remove": func() error { return c.RemoveRoleAssignments(ctx, "u-owner", viewer("d-live", "d-gone"), nil) },
		"remove force": func() error {
			return c.RemoveRoleAssignments(ctx, "u-owner", viewer("d-gone"), &ecloud.RemoveRoleAssignmentsOptions{Force: ecloud.Ptr(true)})
		},
		"add": func() error { return c.AddRoleAssignments(ctx, "u-owner", viewer("d-gone")) },
	} {
		apiErr := wantAPIError(t, call(), 403, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
		if !slices.ContainsFunc(apiErr.Errors, func(d ecloud.ErrorDetail) bool {
			return slices.Contains(d.Fields, "deployment[0].deployment_ids[1]") || slices.Contains(d.Fields, "deployment[0].deployment_ids[0]")
		}) {
			t.Errorf("%s: errors %+v do not name the deployment", name, apiErr.Errors)
		}
		wantRoles(t, c, "org-1", "u-owner", &before) // nothing changed, the hidden grant is still listed
	}
	// Grants that do not name it still change.
	if err := c.RemoveRoleAssignments(ctx, "u-owner", viewer("d-live"), nil); err != nil {
		t.Fatal(err)
	}
	after := viewer("d-gone")
	wantRoles(t, c, "org-1", "u-owner", &after)
	// all does not name the deployment.
	if err := c.AddRoleAssignments(ctx, "u-owner", viewer("all")); err != nil {
		t.Fatal(err)
	}
}

// TestRoleAssignmentsPerOrganization: one request can change the user's
// roles in several of their organizations; each membership lists its own.
func TestRoleAssignmentsPerOrganization(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	srv.AddOrganization(ecloud.Organization{ID: "org-2", Name: "Other"})
	srv.AddMember("org-2", ecloud.OrganizationMembership{UserID: "u-owner"})
	roles := ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{
		{RoleID: "billing-admin", OrganizationID: "org-2"}, {RoleID: "organization-admin", OrganizationID: "org-1"},
	}}
	if err := c.AddRoleAssignments(ctx, "u-owner", roles); err != nil {
		t.Fatal(err)
	}
	wantRoles(t, c, "org-1", "u-owner", &ecloud.RoleAssignments{Organization: roles.Organization[1:]})
	wantRoles(t, c, "org-2", "u-owner", &ecloud.RoleAssignments{Organization: roles.Organization[:1]})
}

func TestRoleAssignmentsConcurrently(t *testing.T) {
	t.Parallel()
	_, c, _ := newServer(t)
	ctx := t.Context()
	const n = 20
	var wg sync.WaitGroup
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("d%02d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.AddRoleAssignments(ctx, "u-owner", viewer(fmt.Sprintf("d%02d", i), "d-shared")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	all := viewer(append([]string{"d-shared"}, want...)...) // sorted
	wantRoles(t, c, "org-1", "u-owner", &all)
}

func TestFailNextRoleAssignments(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpRemoveRoleAssignments, 401, ecloud.CodeRootUnauthorized)
	wantAPIError(t, c.RemoveRoleAssignments(t.Context(), "u-owner", viewer("d1"), nil), 401, ecloud.CodeRootUnauthorized)
	if err := c.RemoveRoleAssignments(t.Context(), "u-owner", viewer("d1"), nil); err != nil {
		t.Errorf("after the injected failure: %v", err)
	}
}
