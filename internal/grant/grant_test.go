package grant

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/google/go-cmp/cmp"
)

// Shorthands for grants and assignments.

func dep(role string, targets ...string) Grant {
	g := Grant{Scope: Deployment, RoleID: role, OrganizationID: "org-1"}
	if len(targets) == 1 && targets[0] == "all" {
		g.All = true
	} else if len(targets) == 1 {
		g.Target = targets[0]
	}
	return g
}

func withApps(g Grant, apps ...string) Grant {
	g.ApplicationRoles = JoinApplicationRoles(apps)
	return g
}

func deps(role string, ids ...string) []Grant {
	var out []Grant
	for _, id := range ids {
		out = append(out, dep(role, id))
	}
	return out
}

func set(grants ...Grant) Set {
	s := Set{}
	s.Add(grants...)
	return s
}

func depRA(role string, ids ...string) ecloud.DeploymentRoleAssignment {
	return ecloud.DeploymentRoleAssignment{RoleID: role, OrganizationID: "org-1", DeploymentIDs: ids}
}

func depAll(role string) ecloud.DeploymentRoleAssignment {
	return ecloud.DeploymentRoleAssignment{RoleID: role, OrganizationID: "org-1", All: ecloud.Ptr(true)}
}

func TestOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ra   *ecloud.RoleAssignments
		want []Grant
	}{
		{"nil", nil, nil},
		{"zero", &ecloud.RoleAssignments{}, nil},
		{"empty project", &ecloud.RoleAssignments{Project: &ecloud.ProjectRoleAssignments{Security: []ecloud.ProjectRoleAssignment{}}}, nil},
		{"platform", &ecloud.RoleAssignments{Platform: []ecloud.PlatformRoleAssignment{{RoleID: "platform-viewer"}}},
			[]Grant{{Scope: Platform, RoleID: "platform-viewer"}}},
		{"organization with application roles", &ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{
			{RoleID: "organization-admin", OrganizationID: "org-1", ApplicationRoles: []string{"viewer", "editor", "viewer", ""}},
		}}, []Grant{{Scope: Organization, RoleID: "organization-admin", OrganizationID: "org-1", ApplicationRoles: "editor\nviewer"}}},
		{"two deployment IDs are two grants", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1", "d2")}},
			deps("viewer", "d1", "d2")},
		{"duplicate IDs and assignments are one grant", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			depRA("viewer", "d1", "d1"), depRA("viewer", "d1"),
		}}, deps("viewer", "d1")},
		{"all is its own target", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{depAll("viewer"), depRA("viewer", "d1")}},
			[]Grant{dep("viewer", "all"), dep("viewer", "d1")}},
		{"all false with IDs", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "viewer", OrganizationID: "org-1", All: ecloud.Ptr(false), DeploymentIDs: []string{"d1"}},
		}}, deps("viewer", "d1")},
		{"all with IDs keeps both", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "viewer", OrganizationID: "org-1", All: ecloud.Ptr(true), DeploymentIDs: []string{"d1"}},
		}}, []Grant{dep("viewer", "all"), dep("viewer", "d1")}},
		{"no target is no grant", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "viewer", OrganizationID: "org-1"}, {RoleID: "viewer", OrganizationID: "org-1", DeploymentIDs: []string{}},
		}}, nil},
		{"application roles make another grant", &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
			depRA("viewer", "d1"), {RoleID: "viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d1"}, ApplicationRoles: []string{"kibana"}},
		}}, []Grant{dep("viewer", "d1"), withApps(dep("viewer", "d1"), "kibana")}},
		{"every project type", &ecloud.RoleAssignments{Project: &ecloud.ProjectRoleAssignments{
			Elasticsearch: []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p1"}}},
			Observability: []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", All: ecloud.Ptr(true)}},
			Security:      []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p1"}, ApplicationRoles: []string{"soc"}}},
			WorkplaceAI:   []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p2"}}},
			VectorDB:      []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p3"}}},
		}}, []Grant{
			{Scope: Project, ProjectType: "elasticsearch", RoleID: "r", OrganizationID: "o", Target: "p1"},
			{Scope: Project, ProjectType: "observability", RoleID: "r", OrganizationID: "o", All: true},
			{Scope: Project, ProjectType: "security", RoleID: "r", OrganizationID: "o", Target: "p1", ApplicationRoles: "soc"},
			{Scope: Project, ProjectType: "workplaceai", RoleID: "r", OrganizationID: "o", Target: "p2"},
			{Scope: Project, ProjectType: "vectordb", RoleID: "r", OrganizationID: "o", Target: "p3"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Of(tc.ra)
			if got == nil {
				t.Fatal("Of returned a nil set")
			}
			if diff := cmp.Diff(tc.want, got.Sorted()); diff != "" && !(len(tc.want) == 0 && len(got) == 0) {
				t.Errorf("Of (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToRoleAssignments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    Set
		want string // JSON of the result
	}{
		{"empty", Set{}, `{}`},
		{"nil", nil, `{}`},
		{"IDs regroup, sorted", set(dep("viewer", "d2"), dep("viewer", "d1"), dep("admin", "d3")),
			`{"deployment":[{"role_id":"admin","organization_id":"org-1","deployment_ids":["d3"]},
			  {"role_id":"viewer","organization_id":"org-1","deployment_ids":["d1","d2"]}]}`},
		{"all apart from IDs, first", set(dep("viewer", "d1"), dep("viewer", "all")),
			`{"deployment":[{"role_id":"viewer","organization_id":"org-1","all":true},
			  {"role_id":"viewer","organization_id":"org-1","deployment_ids":["d1"]}]}`},
		{"application roles apart", set(dep("viewer", "d1"), withApps(dep("viewer", "d2"), "b", "a"), withApps(dep("viewer", "d3"), "a", "b")),
			`{"deployment":[{"role_id":"viewer","organization_id":"org-1","deployment_ids":["d1"]},
			  {"role_id":"viewer","organization_id":"org-1","deployment_ids":["d2","d3"],"application_roles":["a","b"]}]}`},
		{"organizations apart", set(Grant{Scope: Deployment, RoleID: "viewer", OrganizationID: "org-2", Target: "d9"}, dep("viewer", "d1")),
			`{"deployment":[{"role_id":"viewer","organization_id":"org-1","deployment_ids":["d1"]},
			  {"role_id":"viewer","organization_id":"org-2","deployment_ids":["d9"]}]}`},
		{"every scope", set(
			Grant{Scope: Project, ProjectType: "vectordb", RoleID: "r", OrganizationID: "org-1", Target: "p2"},
			Grant{Scope: Project, ProjectType: "elasticsearch", RoleID: "r", OrganizationID: "org-1", All: true},
			Grant{Scope: Organization, RoleID: "billing-admin", OrganizationID: "org-1", ApplicationRoles: "viewer"},
			Grant{Scope: Organization, RoleID: "billing-admin", OrganizationID: "org-1"},
			Grant{Scope: Platform, RoleID: "platform-viewer"},
			dep("viewer", "d1"),
		), `{"platform":[{"role_id":"platform-viewer"}],
			"organization":[{"role_id":"billing-admin","organization_id":"org-1"},
			  {"role_id":"billing-admin","organization_id":"org-1","application_roles":["viewer"]}],
			"deployment":[{"role_id":"viewer","organization_id":"org-1","deployment_ids":["d1"]}],
			"project":{"elasticsearch":[{"role_id":"r","organization_id":"org-1","all":true}],
			  "vectordb":[{"role_id":"r","organization_id":"org-1","project_ids":["p2"]}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(ToRoleAssignments(tc.s))
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.want), &w); err != nil {
				t.Fatalf("bad test: %v", err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("ToRoleAssignments (-want +got):\n%s\ngot %s", diff, got)
			}
		})
	}
	if ra := ToRoleAssignments(Set{}); !reflect.DeepEqual(ra, ecloud.RoleAssignments{}) {
		t.Errorf("the empty set gives %+v, want the zero RoleAssignments", ra)
	}
}

// TestSetOperations are the grant semantics ecloudtest implements for
// add-role-assignments (union) and remove-role-assignments (difference).
func TestSetOperations(t *testing.T) {
	t.Parallel()
	ra := func(as ...ecloud.DeploymentRoleAssignment) *ecloud.RoleAssignments {
		return &ecloud.RoleAssignments{Deployment: as}
	}
	for _, tc := range []struct {
		name             string
		have, change     *ecloud.RoleAssignments
		afterAdd, afterR []ecloud.DeploymentRoleAssignment
	}{
		{"remove one ID of two", ra(depRA("viewer", "d1", "d2")), ra(depRA("viewer", "d1")),
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1", "d2")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d2")}},
		{"add what exists; remove what does not", ra(depRA("viewer", "d1")), ra(depRA("viewer", "d1", "d3")),
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1", "d3")}, nil},
		{"overlapping add then remove strips the overlap", ra(depRA("viewer", "d1", "d2")), ra(depRA("viewer", "d2", "d3")),
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1", "d2", "d3")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}},
		{"removing an ID leaves all", ra(depAll("viewer")), ra(depRA("viewer", "d1")),
			[]ecloud.DeploymentRoleAssignment{depAll("viewer"), depRA("viewer", "d1")}, []ecloud.DeploymentRoleAssignment{depAll("viewer")}},
		{"removing all leaves the IDs", ra(depAll("viewer"), depRA("viewer", "d1")), ra(depAll("viewer")),
			[]ecloud.DeploymentRoleAssignment{depAll("viewer"), depRA("viewer", "d1")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}},
		{"another role is another grant", ra(depRA("viewer", "d1")), ra(depRA("admin", "d1")),
			[]ecloud.DeploymentRoleAssignment{depRA("admin", "d1"), depRA("viewer", "d1")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}},
		{"duplicates in the change", ra(depRA("viewer", "d1", "d2")), ra(depRA("viewer", "d2", "d2"), depRA("viewer", "d2")),
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1", "d2")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}},
		{"empty change", ra(depRA("viewer", "d1")), nil,
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}, []ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}},
		{"from nothing", nil, ra(depRA("viewer", "d1")),
			[]ecloud.DeploymentRoleAssignment{depRA("viewer", "d1")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			have, change := Of(tc.have), Of(tc.change)
			if got := ToRoleAssignments(have.Union(change)).Deployment; !cmp.Equal(tc.afterAdd, got) {
				t.Errorf("after adding: %s", cmp.Diff(tc.afterAdd, got))
			}
			if got := ToRoleAssignments(have.Minus(change)).Deployment; !cmp.Equal(tc.afterR, got) {
				t.Errorf("after removing: %s", cmp.Diff(tc.afterR, got))
			}
			if !Of(tc.have).Equal(have) {
				t.Error("Union or Minus changed its receiver")
			}
		})
	}
}

func TestSetBasics(t *testing.T) {
	t.Parallel()
	a, b, c := dep("viewer", "d1"), dep("viewer", "d2"), dep("viewer", "all")
	s := set(a, b, a)
	if len(s) != 2 || !s.Has(a) || !s.Has(b) || s.Has(c) {
		t.Errorf("set = %v", s.Sorted())
	}
	if !s.Equal(set(b, a)) || s.Equal(set(a)) || s.Equal(set(a, c)) || !Set(nil).Equal(Set{}) {
		t.Error("Equal is wrong")
	}
	if u := Set(nil).Union(s); !u.Equal(s) {
		t.Errorf("nil ∪ s = %v", u.Sorted())
	}
	if m := s.Minus(nil); !m.Equal(s) {
		t.Errorf("s − nil = %v", m.Sorted())
	}
	if m := Set(nil).Minus(s); m == nil || len(m) != 0 {
		t.Errorf("nil − s = %v", m)
	}
	u := s.Union(set(c))
	u.Add(withApps(a, "x"))
	if len(s) != 2 {
		t.Error("Union shares its receiver's map")
	}
}

// TestRoundTrip: any RoleAssignments, regrouped, holds the same grants, and
// regrouping is stable.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ra := range []*ecloud.RoleAssignments{
		{},
		{Platform: []ecloud.PlatformRoleAssignment{{RoleID: "b"}, {RoleID: "a"}, {RoleID: "a"}}},
		{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "r", OrganizationID: "o", ApplicationRoles: []string{"y", "x"}}, {RoleID: "r", OrganizationID: "o"}}},
		{Deployment: []ecloud.DeploymentRoleAssignment{depRA("viewer", "d3", "d1"), depAll("viewer"), depRA("viewer", "d2"), depRA("admin", "d1")}},
		{Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "viewer", OrganizationID: "org-1", All: ecloud.Ptr(true), DeploymentIDs: []string{"d1"}, ApplicationRoles: []string{"k"}}}},
		{Project: &ecloud.ProjectRoleAssignments{
			Security: []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p2", "p1"}}},
			VectorDB: []ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", All: ecloud.Ptr(true)}, {RoleID: "r", OrganizationID: "o", All: ecloud.Ptr(false), ProjectIDs: []string{"p1"}}},
		}},
	} {
		grants := Of(ra)
		canon := ToRoleAssignments(grants)
		if again := Of(&canon); !again.Equal(grants) {
			t.Errorf("%+v: regrouped grants %v, want %v", ra, again.Sorted(), grants.Sorted())
		}
		if twice := ToRoleAssignments(Of(&canon)); !reflect.DeepEqual(twice, canon) {
			t.Errorf("regrouping is not stable:\n%+v\n%+v", canon, twice)
		}
	}
}

// TestProjectTypesCoverTheModel: every project list of
// ecloud.ProjectRoleAssignments is a project type here, so a type added to
// the model cannot be silently ignored by Of.
func TestProjectTypesCoverTheModel(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[ecloud.ProjectRoleAssignments]()
	var fields []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
		// A RoleAssignments with only this list set yields a grant of this type.
		var p ecloud.ProjectRoleAssignments
		reflect.ValueOf(&p).Elem().Field(i).Set(reflect.ValueOf([]ecloud.ProjectRoleAssignment{{RoleID: "r", OrganizationID: "o", ProjectIDs: []string{"p"}}}))
		got := Of(&ecloud.RoleAssignments{Project: &p}).Sorted()
		if len(got) != 1 || got[0].ProjectType != name {
			t.Errorf("project list %s gives grants %v", name, got)
			continue
		}
		if back := ToRoleAssignments(set(got...)); !reflect.DeepEqual(back.Project, &p) {
			t.Errorf("project list %s comes back as %+v", name, back.Project)
		}
	}
	if !slices.Equal(fields, ProjectTypes()) {
		t.Errorf("ProjectTypes() = %v, the model's lists are %v", ProjectTypes(), fields)
	}
	var seen []string
	for name, list := range ProjectLists(&ecloud.ProjectRoleAssignments{}) {
		if list != nil {
			t.Errorf("%s: %v from an empty ProjectRoleAssignments", name, list)
		}
		seen = append(seen, name)
	}
	if !slices.Equal(seen, ProjectTypes()) {
		t.Errorf("ProjectLists yields %v", seen)
	}
	for range ProjectLists(nil) {
		t.Error("ProjectLists(nil) yields something")
	}
	for range ProjectLists(&ecloud.ProjectRoleAssignments{}) {
		break // stopping early must not panic
	}
}

func TestStringAndApplicationRoles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		g    Grant
		want string
	}{
		{Grant{Scope: Platform, RoleID: "platform-viewer"}, "platform:platform-viewer"},
		{Grant{Scope: Organization, RoleID: "billing-admin", OrganizationID: "org-1"}, "organization:billing-admin@org-1"},
		{dep("viewer", "d1"), "deployment:viewer@org-1/d1"},
		{withApps(Grant{Scope: Project, ProjectType: "security", RoleID: "admin", OrganizationID: "org-1", All: true}, "viewer", "soc"),
			"project/security:admin@org-1/all [soc,viewer]"},
	} {
		if got := tc.g.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	if got := withApps(dep("v", "d"), "b", "a", "b", "").ApplicationRoleList(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("ApplicationRoleList = %q", got)
	}
	if got := dep("v", "d").ApplicationRoleList(); got != nil {
		t.Errorf("no application roles: %q", got)
	}
	if JoinApplicationRoles(nil) != "" || JoinApplicationRoles([]string{""}) != "" || JoinApplicationRoles([]string{}) != "" {
		t.Error("no application roles do not join to \"\"")
	}
}

func TestCompareIsATotalOrder(t *testing.T) {
	t.Parallel()
	grants := []Grant{
		{Scope: Project, ProjectType: "vectordb", RoleID: "r", OrganizationID: "o", Target: "p"},
		{Scope: Project, ProjectType: "elasticsearch", RoleID: "r", OrganizationID: "o", Target: "p"},
		dep("viewer", "d2"), dep("viewer", "all"), dep("viewer", "d1"), withApps(dep("viewer", "d1"), "a"),
		{Scope: Organization, RoleID: "r", OrganizationID: "o"},
		{Scope: Platform, RoleID: "r"},
	}
	want := []Grant{grants[7], grants[6], grants[3], grants[4], grants[2], grants[5], grants[1], grants[0]}
	got := set(grants...).Sorted()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sorted (-want +got):\n%s", diff)
	}
	for i, a := range got {
		for j, b := range got {
			if c := Compare(a, b); (c == 0) != (i == j) || (c < 0) != (i < j) {
				t.Errorf("Compare(%v, %v) = %d", a, b, c)
			}
		}
	}
}

func TestToRoleAssignmentsRefusesHandMadeNonsense(t *testing.T) {
	t.Parallel()
	for _, g := range []Grant{{Scope: "galaxy", RoleID: "r"}, {Scope: Project, ProjectType: "quantum", RoleID: "r", Target: "p"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ToRoleAssignments(%v) did not panic", g)
				}
			}()
			ToRoleAssignments(set(g))
		}()
	}
}
