package orgsync

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/grant"
	"github.com/google/go-cmp/cmp"
)

// TestDiff is the grant diff of one member: what is added and removed so
// that the member's grants in the organization are the wanted ones.
func TestDiff(t *testing.T) {
	t.Parallel()
	other := ecloud.RoleAssignments{
		Platform:     []ecloud.PlatformRoleAssignment{{RoleID: "platform-viewer"}},
		Organization: []ecloud.OrganizationRoleAssignment{{RoleID: AdminRole, OrganizationID: "org-2"}},
		Deployment:   []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-2", DeploymentIDs: []string{"d-1"}}},
	}
	withApps := ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: org, ApplicationRoles: []string{"viewer"}}}}
	security := func(all bool, ids ...string) ecloud.RoleAssignments {
		a := ecloud.ProjectRoleAssignment{RoleID: "admin", OrganizationID: org, ProjectIDs: ids}
		if all {
			a = ecloud.ProjectRoleAssignment{RoleID: "admin", OrganizationID: org, All: ecloud.Ptr(true)}
		}
		return ecloud.RoleAssignments{Project: &ecloud.ProjectRoleAssignments{Security: []ecloud.ProjectRoleAssignment{a}}}
	}
	for _, tc := range []struct {
		name               string
		have, want         *ecloud.RoleAssignments
		wantAdd, wantRemov *ecloud.RoleAssignments
	}{
		{"nothing and nothing", nil, nil, nil, nil},
		{"the same", ptrRoles(admin, viewer("d-1", "d-2")), ptrRoles(viewer("d-2", "d-1"), admin), nil, nil},
		{"the same, grouped otherwise", ptrRoles(viewer("d-1"), viewer("d-2", "d-1")), ptrRoles(viewer("d-2", "d-1")), nil, nil},
		{"one more deployment is exactly that grant", ptrRoles(viewer("d-1", "d-2")), ptrRoles(viewer("d-1", "d-2", "d-3")), ptrRoles(viewer("d-3")), nil},
		{"one deployment less is exactly that grant", ptrRoles(viewer("d-1", "d-2", "d-3")), ptrRoles(viewer("d-1", "d-3")), nil, ptrRoles(viewer("d-2"))},
		{"changing one deployment ID touches only the two IDs", ptrRoles(viewer("d-hidden", "d-1")), ptrRoles(viewer("d-hidden", "d-2")), ptrRoles(viewer("d-2")), ptrRoles(viewer("d-1"))},
		{"IDs to all: all is a grant of its own", ptrRoles(viewer("d-1")), ptrRoles(viewer("all")), ptrRoles(viewer("all")), ptrRoles(viewer("d-1"))},
		{"a new role", ptrRoles(viewer("d-1")), ptrRoles(viewer("d-1"), admin), ptrRoles(admin), nil},
		{"all roles go", ptrRoles(viewer("d-1"), admin), nil, nil, ptrRoles(admin, viewer("d-1"))},
		{"application roles are part of a grant", ptrRoles(orgRole("billing-admin")), ptrRoles(withApps), ptrRoles(withApps), ptrRoles(orgRole("billing-admin"))},
		{"projects", ptrRoles(security(false, "p-1", "p-2")), ptrRoles(security(false, "p-2"), security(true)), ptrRoles(security(true)), ptrRoles(security(false, "p-1"))},
		{"platform roles and other organizations are left alone", ptrRoles(other, viewer("d-1")), ptrRoles(viewer("d-2")), ptrRoles(viewer("d-2")), ptrRoles(viewer("d-1"))},
	} {
		add, remove := diff(org, tc.have, grant.Of(tc.want))
		if d := cmp.Diff(grant.Of(tc.wantAdd), add); d != "" {
			t.Errorf("%s: added (-want +got):\n%s", tc.name, d)
		}
		if d := cmp.Diff(grant.Of(tc.wantRemov), remove); d != "" {
			t.Errorf("%s: removed (-want +got):\n%s", tc.name, d)
		}
	}
}

// everyKind returns a fixture whose organization needs an action of every
// kind to match want (everyKindList, with RemoveUnlisted), and the tokens of
// its invitations.
func everyKind(t *testing.T) (f *fixture, want Desired, tokens []string) {
	f = newFixture(t)
	f.member("owner@example.com", admin)
	f.member("ada@example.com", viewer("d-1", "d-2"))
	f.member("bob@example.com", orgRole("billing-admin"))
	f.srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u-ghost"}) // no email
	for _, inv := range []ecloud.OrganizationInvitation{
		f.invitation("cy@example.com", "pending", viewer("d-1")),
		f.invitation("cy@example.com", "expired", viewer("d-1")),
		f.invitation("dan@example.com", "pending"),
		f.invitation("Eve@Example.com", "expired", viewer("all")),
		f.invitation("fay@example.com", "pending"),
		f.invitation("gus@example.com", "accepted"),
	} {
		tokens = append(tokens, inv.Token)
	}
	return f, Desired{Members: everyKindList, RemoveUnlisted: true}, tokens
}

var everyKindList = []Member{
	{Email: "owner@example.com", Roles: admin},
	{Email: " ADA@example.com ", Roles: viewer("d-3", "d-1")},
	{Email: "cy@example.com", Roles: viewer("d-1")},
	{Email: "dan@example.com", Roles: orgRole("billing-admin")},
	{Email: "eve@example.com", Roles: viewer("all")},
	{Email: "hal@example.com", Roles: orgRole("billing-admin")},
}

var everyKindPlan = []string{
	"+ invite        hal@example.com: organization:billing-admin@org-1",
	"~ re-invite     dan@example.com: organization:billing-admin@org-1 (replaces 1 pending invitation with other roles)",
	"~ re-invite     eve@example.com: deployment:deployment-viewer@org-1/all (replaces 1 expired invitation)",
	"+ add roles     ada@example.com: deployment:deployment-viewer@org-1/d-3",
	"- remove roles  ada@example.com: deployment:deployment-viewer@org-1/d-2",
	"- remove member bob@example.com: user u-bob, not listed",
	"- revoke        cy@example.com: 1 expired invitation; a pending one with the listed roles is kept",
	"- revoke        fay@example.com: 1 pending invitation, not listed",
	"# user u-ghost is left alone: the listing shows no email",
}

// TestPlanString: one line per action, by kind then email, every kind of
// action, emails matched case-insensitively with space ignored, accepted
// invitations ignored; and the same text every time.
func TestPlanString(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	p := f.plan(t, want)
	if d := cmp.Diff(everyKindPlan, lines(p.String())); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
	if p.Empty() || len(p.Actions()) != len(everyKindPlan)-1 || p.OrganizationID() != org {
		t.Errorf("Empty %t, %d actions, organization %q", p.Empty(), len(p.Actions()), p.OrganizationID())
	}
	for i := range 5 {
		if again := f.plan(t, want).String(); again != p.String() {
			t.Fatalf("plan %d differs:\n%s", i, again)
		}
	}
}

// TestPlanOrderDoesNotDependOnTheListing: the same state listed in another
// order gives the same plan.
func TestPlanOrderDoesNotDependOnTheListing(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	d, err := readDesired(org, want)
	if err != nil {
		t.Fatal(err)
	}
	members, invs := f.srv.Members(org), f.srv.Invitations(org)
	forward, err := makePlan(d, members, invs)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(members)-1; i < j; i, j = i+1, j-1 {
		members[i], members[j] = members[j], members[i]
	}
	for i, j := 0, len(invs)-1; i < j; i, j = i+1, j-1 {
		invs[i], invs[j] = invs[j], invs[i]
	}
	backward, err := makePlan(d, members, invs)
	if err != nil {
		t.Fatal(err)
	}
	if forward.String() != backward.String() {
		t.Errorf("listing order changes the plan:\n%s\nvs\n%s", forward, backward)
	}
}

// TestDryRunSendsNoWrite: NewPlan and String read the members and the
// invitations, and send nothing else.
func TestDryRunSendsNoWrite(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	before := f.state(t)
	p := f.plan(t, want)
	_ = p.String()
	var got []string
	for _, s := range f.rec.sent() {
		got = append(got, s.method+" "+s.path)
	}
	reads := []string{"GET /api/v1/organizations/org-1/members", "GET /api/v1/organizations/org-1/invitations"}
	if d := cmp.Diff(reads, got); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	if f.state(t) != before {
		t.Error("the state changed")
	}
}

// TestNoTokenIsEverPrinted: the plan, its actions, a result and an error
// never show an invitation token, whichever way they are printed.
func TestNoTokenIsEverPrinted(t *testing.T) {
	t.Parallel()
	f, want, toks := everyKind(t)
	p := f.plan(t, want)
	f.srv.FailNext(ecloud.OpDeleteOrganizationInvitations, http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound)
	res, err := Apply(t.Context(), f.client, p, &ApplyOptions{Concurrency: 1, ContinueOnError: true})
	if err == nil || res.Count(Failed) != 1 {
		t.Fatalf("want one failure: %v\n%s", err, res)
	}
	var printed []string
	planValue := reflect.ValueOf(p).Elem().Interface() // *p, which vet would not let us copy
	for _, v := range []any{p, planValue, p.Actions(), p.Notes(), res, *res, res.Outcomes, err} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			printed = append(printed, fmt.Sprintf(verb, v))
		}
	}
	printed = append(printed, p.String(), res.String(), err.Error())
	for _, s := range printed {
		for _, tok := range toks {
			if strings.Contains(s, tok) {
				t.Fatalf("a token is printed in:\n%s", s)
			}
		}
	}
	// The tokens were used: the failed revoke and the ones that went
	// through needed them.
	if n := strings.Count(strings.Join(f.rec.writes(), "\n"), "DELETE /organizations/org-1/invitations/"); n != 4 {
		t.Errorf("%d revocations sent, want 4", n)
	}
}

// TestBadListIsRefusedBeforeAnyRequest: every refusal matches
// ErrInvalidArgument, says what is wrong, and nothing is sent.
func TestBadListIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	deployment := func(a ecloud.DeploymentRoleAssignment) ecloud.RoleAssignments {
		a.RoleID, a.OrganizationID = "deployment-viewer", org
		return ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{a}}
	}
	for _, tc := range []struct {
		org  string
		want Desired
		msg  string
	}{
		{"", Desired{}, "no organization ID"},
		{org, Desired{Members: []Member{{Email: "  "}}}, "members[0]: the email is empty"},
		{org, Desired{Members: []Member{{Email: "Ada <ada@example.com>"}}}, `members[0]: "Ada <ada@example.com>" is not an email address`},
		{org, Desired{Members: []Member{{Email: "ada@example.com,bob@example.com"}}}, "is not an email address"},
		{org, Desired{Members: []Member{{Email: "ada@example.com"}, {Email: "x@example.com"}, {Email: " ADA@example.com"}}}, "members[2]: ADA@example.com is listed twice (also members[0])"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: ecloud.RoleAssignments{Platform: []ecloud.PlatformRoleAssignment{{RoleID: "p"}}}}}}, "platform roles"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-2"}}}}}}, `members[0] (ada@example.com): organization[0]: organization_id is "org-2", not the organization synced, "org-1"`},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{OrganizationID: org}}}}}}, "organization[0]: role_id is empty"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: deployment(ecloud.DeploymentRoleAssignment{})}}}, "deployment[0]: give either all: true or a list of IDs"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: deployment(ecloud.DeploymentRoleAssignment{All: ecloud.Ptr(true), DeploymentIDs: []string{"d-1"}})}}}, "deployment[0]: give either"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: deployment(ecloud.DeploymentRoleAssignment{DeploymentIDs: []string{"d-1", ""}})}}}, "deployment[0]: an ID is empty"},
		{org, Desired{Members: []Member{{Email: "ada@example.com", Roles: ecloud.RoleAssignments{Project: &ecloud.ProjectRoleAssignments{VectorDB: []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: org}}}}}}}, "project.vectordb[0]: give either"},
		{org, Desired{Protect: []string{"not an address"}}, "protect[0]"},
	} {
		_, err := NewPlan(t.Context(), f.client, tc.org, tc.want)
		if !errors.Is(err, ecloud.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: error %v, want ErrInvalidArgument and %q", tc.want, err, tc.msg)
		}
	}
	if _, err := NewPlan(t.Context(), nil, org, Desired{}); !errors.Is(err, ecloud.ErrInvalidArgument) {
		t.Errorf("nil API: %v", err)
	}
	if n := len(f.rec.sent()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestNewPlanReportsTheAPIsError: a failed read is the API's error,
// wrapped, and no plan.
func TestNewPlanReportsTheAPIsError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.FailNext(ecloud.OpListOrganizationInvitations, http.StatusForbidden, ecloud.CodeRootPermissionDenied)
	p, err := NewPlan(t.Context(), f.client, org, Desired{})
	if p != nil || !ecloud.HasCode(err, ecloud.CodeRootPermissionDenied) || !strings.HasPrefix(err.Error(), "orgsync: listing the invitations of org-1: ") {
		t.Errorf("plan %v, error %v", p, err)
	}
	if _, err := NewPlan(t.Context(), f.client, "org-unknown", Desired{}); !errors.Is(err, ecloud.ErrNotFound) {
		t.Errorf("unknown organization: %v", err)
	}
}

// TestInvitationRules: invite a listed email that has nothing; keep a
// pending invitation with the listed roles; re-send one with other roles or
// an expired one; an accepted invitation is history; a listed member's
// invitations are left alone.
func TestInvitationRules(t *testing.T) {
	t.Parallel()
	billing := orgRole("billing-admin")
	for _, tc := range []struct {
		name  string
		seed  func(f *fixture)
		roles ecloud.RoleAssignments
		want  []string // the plan
	}{
		{"nothing: invite", func(*fixture) {}, billing,
			[]string{"+ invite        new@example.com: organization:billing-admin@org-1"}},
		{"nothing, no roles: invite without roles", func(*fixture) {}, ecloud.RoleAssignments{},
			[]string{"+ invite        new@example.com: no roles"}},
		{"pending with the roles: nothing", func(f *fixture) { f.invitation("new@example.com", "pending", billing) }, billing, nil},
		{"pending with the roles, listed otherwise grouped: nothing", func(f *fixture) { f.invitation("new@example.com", "pending", viewer("d-2"), viewer("d-1")) }, viewer("d-1", "d-2"), nil},
		{"pending with other roles: re-invite", func(f *fixture) { f.invitation("new@example.com", "pending", viewer("d-1")) }, billing,
			[]string{"~ re-invite     new@example.com: organization:billing-admin@org-1 (replaces 1 pending invitation with other roles)"}},
		{"pending without roles, listed with some: re-invite", func(f *fixture) { f.invitation("new@example.com", "pending") }, billing,
			[]string{"~ re-invite     new@example.com: organization:billing-admin@org-1 (replaces 1 pending invitation with other roles)"}},
		{"expired with the roles: re-invite", func(f *fixture) { f.invitation("new@example.com", "expired", billing) }, billing,
			[]string{"~ re-invite     new@example.com: organization:billing-admin@org-1 (replaces 1 expired invitation)"}},
		{"accepted, no longer a member: invite", func(f *fixture) { f.invitation("new@example.com", "accepted", billing) }, billing,
			[]string{"+ invite        new@example.com: organization:billing-admin@org-1"}},
		{"several states: one re-invite replaces the unaccepted ones", func(f *fixture) {
			f.invitation("new@example.com", "accepted", billing)
			f.invitation("NEW@example.com", "expired", billing)
			f.invitation("new@example.com", "pending", viewer("d-1"))
			f.invitation("new@example.com", "expired")
		}, billing, []string{"~ re-invite     new@example.com: organization:billing-admin@org-1 (replaces 1 pending invitation with other roles and 2 expired invitations)"}},
		{"a matching pending one is kept, the others revoked", func(f *fixture) {
			f.invitation("new@example.com", "pending", viewer("d-1"))
			f.invitation("new@example.com", "pending", billing)
			f.invitation("new@example.com", "expired", billing)
		}, billing, []string{"- revoke        new@example.com: 1 pending invitation with other roles and 1 expired invitation; a pending one with the listed roles is kept"}},
		{"a member with a pending invitation: roles only", func(f *fixture) {
			f.member("new@example.com")
			f.invitation("new@example.com", "pending", viewer("d-1"))
		}, billing, []string{"+ add roles     new@example.com: organization:billing-admin@org-1"}},
	} {
		f := newFixture(t)
		f.member("owner@example.com", admin)
		tc.seed(f)
		want := Desired{Members: []Member{{Email: "owner@example.com", Roles: admin}, {Email: "new@example.com", Roles: tc.roles}}}
		p := f.plan(t, want)
		if d := cmp.Diff(tc.want, lines(p.String())); d != "" {
			t.Errorf("%s: plan (-want +got):\n%s", tc.name, d)
			continue
		}
		f.apply(t, p, nil)
		if again := f.plan(t, want); !again.Empty() {
			t.Errorf("%s: after Apply, the plan is\n%s", tc.name, again)
		}
		// The email ends with exactly one unaccepted invitation, pending,
		// with the listed roles (unless it is a member).
		var live []ecloud.OrganizationInvitation
		for _, inv := range f.srv.Invitations(org) {
			if strings.EqualFold(inv.Email, "new@example.com") && inv.AcceptedAt == nil {
				live = append(live, inv)
			}
		}
		if strings.Contains(tc.name, "member") {
			continue
		}
		if len(live) != 1 || live[0].Expired || !grant.Of(live[0].RoleAssignments).Equal(grant.Of(&tc.roles)) {
			t.Errorf("%s: unaccepted invitations after Apply: %+v", tc.name, live)
		}
	}
}

// TestExpiresInIsSentWithNewInvitations.
func TestExpiresInIsSentWithNewInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.invitation("old@example.com", "expired")
	f.apply(t, f.plan(t, Desired{Members: []Member{{Email: "new@example.com"}, {Email: "old@example.com"}}, ExpiresIn: "7d"}), nil)
	invs := f.srv.Invitations(org)
	if len(invs) != 2 {
		t.Fatalf("%d invitations", len(invs))
	}
	for _, inv := range invs {
		if !inv.ExpiresAt.Equal(t0.Add(7 * 24 * 60 * 60 * 1e9)) {
			t.Errorf("%s expires at %s, want 7 days after %s", inv.Email, inv.ExpiresAt, t0)
		}
	}
	if n := strings.Count(strings.Join(f.rec.writes(), "\n"), `"expires_in":"7d"`); n != 2 {
		t.Errorf("expires_in sent %d times, want 2:\n%s", n, f.rec.writes())
	}
}

// TestRemovalOnlyWithRemoveUnlisted: without RemoveUnlisted nothing is
// removed or revoked and the plan notes what it keeps; with it, unlisted
// members are removed and their unaccepted invitations revoked, never the
// protected ones, never accepted invitations.
func TestRemovalOnlyWithRemoveUnlisted(t *testing.T) {
	t.Parallel()
	seed := func(f *fixture) {
		f.member("owner@example.com", admin)
		f.member("bob@example.com", viewer("d-1"))
		f.member("boss@example.com", admin)
		f.invitation("bob@example.com", "pending")
		f.invitation("fay@example.com", "expired")
		f.invitation("gus@example.com", "accepted")
		f.invitation("Kim@example.com", "pending")
	}
	list := []Member{{Email: "owner@example.com", Roles: admin}}

	f := newFixture(t)
	seed(f)
	p := f.plan(t, Desired{Members: list})
	want := []string{
		"# bob@example.com is a member, not listed: kept, as RemoveUnlisted is off",
		"# bob@example.com has 1 pending invitation, not listed: kept, as RemoveUnlisted is off",
		"# boss@example.com is a member, not listed: kept, as RemoveUnlisted is off",
		"# fay@example.com has 1 expired invitation, not listed: kept, as RemoveUnlisted is off",
		"# Kim@example.com has 1 pending invitation, not listed: kept, as RemoveUnlisted is off",
	}
	if d := cmp.Diff(want, lines(p.String())); d != "" || !p.Empty() {
		t.Errorf("without RemoveUnlisted: Empty %t, plan (-want +got):\n%s", p.Empty(), d)
	}

	f = newFixture(t)
	seed(f)
	p = f.plan(t, Desired{Members: list, RemoveUnlisted: true, Protect: []string{" BOSS@example.com", "kim@example.com"}})
	want = []string{
		"- remove member bob@example.com: user u-bob, not listed",
		"- revoke        bob@example.com: 1 pending invitation, not listed",
		"- revoke        fay@example.com: 1 expired invitation, not listed",
		"# boss@example.com is protected: left alone, though the list would remove member",
		"# kim@example.com is protected: left alone, though the list would revoke",
	}
	if d := cmp.Diff(want, lines(p.String())); d != "" {
		t.Fatalf("with RemoveUnlisted: plan (-want +got):\n%s", d)
	}
	f.apply(t, p, nil)
	var members, invs []string
	for _, m := range f.srv.Members(org) {
		members = append(members, m.Email)
	}
	for _, inv := range f.srv.Invitations(org) {
		invs = append(invs, inv.Email)
	}
	if d := cmp.Diff([]string{"owner@example.com", "boss@example.com"}, members); d != "" {
		t.Errorf("members (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"gus@example.com", "Kim@example.com"}, invs); d != "" {
		t.Errorf("invitations (-want +got):\n%s", d)
	}
}

// TestProtectedEmailsAreNeverChanged: a protected member keeps its roles
// whatever the list says, and a protected invitee's invitations stay.
func TestProtectedEmailsAreNeverChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.member("owner@example.com", admin, viewer("d-1"))
	f.member("ada@example.com", admin)
	f.invitation("cy@example.com", "expired")
	list := []Member{
		{Email: "owner@example.com", Roles: viewer("d-2")},
		{Email: "ada@example.com", Roles: admin},
		{Email: "cy@example.com", Roles: admin},
		{Email: "dee@example.com", Roles: admin},
	}
	p := f.plan(t, Desired{Members: list, RemoveUnlisted: true, Protect: []string{"Owner@Example.com ", "cy@example.com", "dee@example.com"}})
	want := []string{
		"# cy@example.com is protected: left alone, though the list would re-invite",
		"# dee@example.com is protected: left alone, though the list would invite",
		"# owner@example.com is protected: left alone, though the list would add roles and remove roles",
	}
	if d := cmp.Diff(want, lines(p.String())); d != "" || !p.Empty() {
		t.Errorf("Empty %t, plan (-want +got):\n%s", p.Empty(), d)
	}
}

// TestLastAdminIsNeverRemoved: a plan that removes or demotes every member
// holding organization-admin is refused, saying why; one that hands the
// role over is not, nor one where a holder stays (protected, without email,
// or unlisted without RemoveUnlisted).
func TestLastAdminIsNeverRemoved(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		seed func(f *fixture)
		want Desired
		err  string // "" when the plan is accepted
	}{
		{"the only admin, unlisted, removed",
			func(f *fixture) { f.member("owner@example.com", admin) },
			Desired{Members: []Member{{Email: "ada@example.com", Roles: admin}}, RemoveUnlisted: true},
			"orgsync: no member would be left with the role organization-admin: organization org-1: the plan takes it from owner@example.com (user u-owner, removed, not listed), the only member(s) holding it; list one of them with the role, or protect one"},
		{"the only admin, demoted",
			func(f *fixture) { f.member("owner@example.com", admin) },
			Desired{Members: []Member{{Email: "owner@example.com", Roles: viewer("d-1")}}},
			"the plan takes it from owner@example.com (user u-owner, listed without it)"},
		{"both admins, one demoted, one removed",
			func(f *fixture) { f.member("owner@example.com", admin); f.member("ada@example.com", admin) },
			Desired{Members: []Member{{Email: "ada@example.com"}}, RemoveUnlisted: true},
			"the plan takes it from ada@example.com (user u-ada, listed without it) and owner@example.com (user u-owner, removed, not listed)"},
		{"the only admin with application roles, demoted",
			func(f *fixture) {
				f.member("owner@example.com", ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: AdminRole, OrganizationID: org, ApplicationRoles: []string{"x"}}}})
			},
			Desired{Members: []Member{{Email: "owner@example.com"}}},
			"listed without it"},
		{"handing over to a member", func(f *fixture) { f.member("owner@example.com", admin); f.member("ada@example.com") },
			Desired{Members: []Member{{Email: "ada@example.com", Roles: admin}}, RemoveUnlisted: true}, ""},
		{"an invitee does not count", func(f *fixture) { f.member("owner@example.com", admin) },
			Desired{Members: []Member{{Email: "ada@example.com", Roles: admin}}, RemoveUnlisted: true}, "the only member(s) holding it"},
		{"a protected admin stays", func(f *fixture) { f.member("owner@example.com", admin) },
			Desired{Members: []Member{{Email: "owner@example.com"}}, Protect: []string{"owner@example.com"}}, ""},
		{"an unlisted admin stays without RemoveUnlisted", func(f *fixture) { f.member("owner@example.com", admin); f.member("ada@example.com", admin) },
			Desired{Members: []Member{{Email: "ada@example.com"}}}, ""},
		{"an admin without email stays", func(f *fixture) {
			f.member("owner@example.com", admin)
			f.srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u-ghost", RoleAssignments: &admin})
		}, Desired{RemoveUnlisted: true}, ""},
		{"no admin to begin with", func(f *fixture) { f.member("owner@example.com") }, Desired{RemoveUnlisted: true, Members: []Member{{Email: "x@example.com"}}}, ""},
	} {
		f := newFixture(t)
		tc.seed(f)
		p, err := NewPlan(t.Context(), f.client, org, tc.want)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (!errors.Is(err, ErrLastAdmin) || !strings.Contains(err.Error(), tc.err) || p != nil):
			t.Errorf("%s: plan %v, error %v; want ErrLastAdmin and %q", tc.name, p, err, tc.err)
		}
	}
}

// TestMembersWithoutEmail are left alone with a note, even with
// RemoveUnlisted; so are invitations without email or token.
func TestMembersWithoutEmail(t *testing.T) {
	t.Parallel()
	d, err := readDesired(org, Desired{RemoveUnlisted: true, Members: []Member{{Email: "ada@example.com", Roles: admin}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := makePlan(d,
		[]ecloud.OrganizationMembership{
			{UserID: "u-ada", Email: "ada@example.com", RoleAssignments: &admin},
			{UserID: "u-2"},
			{Email: "x@example.com"},
			{},
		},
		[]ecloud.OrganizationInvitation{{Token: "secret-1"}, {Email: "y@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"# user u-2 is left alone: the listing shows no email",
		"# a member the listing shows without email or user ID is left alone",
		"# an invitation the listing shows without email is left alone",
		"# a member x@example.com is left alone: the listing shows no user ID",
		"# an invitation of y@example.com is left alone: the listing shows no token",
	}
	if d := cmp.Diff(want, lines(p.String())); d != "" || !p.Empty() {
		t.Errorf("Empty %t, plan (-want +got):\n%s", p.Empty(), d)
	}
}

// TestLookAlikeEmailsAreOtherPeople: only ASCII letters match without
// regard to case. A member whose address spells "Kim" with the Kelvin sign
// U+212A (strings.ToLower makes it a "k") is not the listed kim, in the
// list, in Protect or in the listing: kim is invited, the look-alike is
// removed as unlisted, and protecting kim does not protect it.
func TestLookAlikeEmailsAreOtherPeople(t *testing.T) {
	t.Parallel()
	const kelvin = "\u212Aim@example.com"
	f := newFixture(t)
	f.member("owner@example.com", admin)
	f.member(kelvin, viewer("d-1"))
	f.invitation("\u017Fam@example.com", "pending") // long s: not sam
	list := []Member{{Email: "owner@example.com", Roles: admin}, {Email: "kim@example.com", Roles: admin}, {Email: "SAM@example.com", Roles: admin}}
	p := f.plan(t, Desired{Members: list, RemoveUnlisted: true, Protect: []string{"KIM@example.com"}})
	want := []string{
		"+ invite        SAM@example.com: organization:organization-admin@org-1",
		"- remove member " + kelvin + ": user u-\u212Aim, not listed",
		"- revoke        \u017Fam@example.com: 1 pending invitation, not listed",
		"# kim@example.com is protected: left alone, though the list would invite",
	}
	if d := cmp.Diff(want, lines(p.String())); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
}
