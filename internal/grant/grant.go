// Package grant is the set model of role assignments, shared by the fake API
// (ecloudtest) and by code that compares or reconciles members' roles.
//
// An ecloud.RoleAssignments is read as a set of atomic grants, one per
// (scope, project type, role, organization, target, application roles):
//
//   - a platform assignment is one grant of its role;
//   - an organization assignment is one grant of its role in its organization;
//   - a deployment assignment is one grant per deployment ID, or one grant on
//     all deployments when All is true: deployment_ids [d1, d2] is two grants,
//     and "all" is a target of its own that neither contains nor is contained
//     in an ID;
//   - a project assignment is the same per project type (elasticsearch,
//     observability, security, workplaceai, vectordb) and project ID.
//
// Application roles are part of a grant's identity: {role, d1} and {role, d1,
// application roles [viewer]} are two grants, so removing one leaves the
// other, and changing an assignment's application roles is adding the new
// grant and removing the old. They are compared as a set (order and
// duplicates do not matter, empty names are dropped).
//
// With this model, adding a grant that exists changes nothing, removing one
// that does not exist changes nothing, and removing {role, [d1]} from {role,
// [d1, d2]} leaves {role, [d2]}: set union and difference. An assignment that
// names no target (neither All nor an ID) is no grant. ToRoleAssignments
// turns a set back into the canonical RoleAssignments: every list sorted,
// one assignment per (role, organization, application roles) with its IDs
// sorted, and a separate one for All.
package grant

import (
	"cmp"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/ecloud-go/ecloud"
)

// Scope is the scope of a grant, named as in RoleAssignments' JSON.
type Scope string

// The scopes, in the order RoleAssignments lists them.
const (
	Platform     Scope = "platform"
	Organization Scope = "organization"
	Deployment   Scope = "deployment"
	Project      Scope = "project"
)

// scopeOrder sorts scopes as RoleAssignments lists them.
var scopeOrder = map[Scope]int{Platform: 0, Organization: 1, Deployment: 2, Project: 3}

// Grant is one atomic grant of a role. It is comparable, so a Set is a map.
type Grant struct {
	Scope Scope
	// ProjectType is the project type of a Project grant: elasticsearch,
	// observability, security, workplaceai or vectordb (ProjectTypes).
	ProjectType string
	RoleID      string
	// OrganizationID is the organization of every grant but a Platform one.
	OrganizationID string
	// All is true for a Deployment or Project grant on every deployment or
	// project of the organization; Target is then empty.
	All bool
	// Target is the deployment or project ID of a Deployment or Project grant
	// that is not All.
	Target string
	// ApplicationRoles are the grant's application roles in canonical form:
	// sorted, without duplicates or empty names, joined by "\n" (see
	// JoinApplicationRoles and ApplicationRoleList). Empty means none.
	ApplicationRoles string
}

// JoinApplicationRoles is the canonical form of a list of application
// roles, as Grant.ApplicationRoles holds it.
func JoinApplicationRoles(roles []string) string {
	roles = slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return r == "" })
	slices.Sort(roles)
	return strings.Join(slices.Compact(roles), "\n")
}

// ApplicationRoleList returns the grant's application roles, sorted; nil for
// none.
func (g Grant) ApplicationRoleList() []string {
	if g.ApplicationRoles == "" {
		return nil
	}
	return strings.Split(g.ApplicationRoles, "\n")
}

// String describes the grant for people, such as
// "deployment:deployment-viewer@org-1/d1" or
// "project/security:admin@org-1/all [soc,viewer]".
func (g Grant) String() string {
	var b strings.Builder
	b.WriteString(string(g.Scope))
	if g.ProjectType != "" {
		b.WriteString("/" + g.ProjectType)
	}
	b.WriteString(":" + g.RoleID)
	if g.OrganizationID != "" {
		b.WriteString("@" + g.OrganizationID)
	}
	switch {
	case g.All:
		b.WriteString("/all")
	case g.Target != "":
		b.WriteString("/" + g.Target)
	}
	if g.ApplicationRoles != "" {
		b.WriteString(" [" + strings.Join(g.ApplicationRoleList(), ",") + "]")
	}
	return b.String()
}

// Compare orders grants as ToRoleAssignments lists them: by scope, project
// type, organization, role, application roles, All before IDs, then target.
func Compare(a, b Grant) int {
	return cmp.Or(
		cmp.Compare(scopeOrder[a.Scope], scopeOrder[b.Scope]),
		cmp.Compare(a.Scope, b.Scope),
		cmp.Compare(projectIndex(a.ProjectType), projectIndex(b.ProjectType)),
		cmp.Compare(a.ProjectType, b.ProjectType),
		cmp.Compare(a.OrganizationID, b.OrganizationID),
		cmp.Compare(a.RoleID, b.RoleID),
		cmp.Compare(a.ApplicationRoles, b.ApplicationRoles),
		-compareBool(a.All, b.All),
		cmp.Compare(a.Target, b.Target),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Set is a set of grants.
type Set map[Grant]struct{}

// Of returns the grants of ra (none for nil).
func Of(ra *ecloud.RoleAssignments) Set {
	s := Set{}
	if ra == nil {
		return s
	}
	for _, a := range ra.Platform {
		s.Add(Grant{Scope: Platform, RoleID: a.RoleID})
	}
	for _, a := range ra.Organization {
		s.Add(Grant{Scope: Organization, RoleID: a.RoleID, OrganizationID: a.OrganizationID, ApplicationRoles: JoinApplicationRoles(a.ApplicationRoles)})
	}
	for _, a := range ra.Deployment {
		s.addTargets(Grant{Scope: Deployment, RoleID: a.RoleID, OrganizationID: a.OrganizationID, ApplicationRoles: JoinApplicationRoles(a.ApplicationRoles)}, a.All, a.DeploymentIDs)
	}
	for typ, list := range ProjectLists(ra.Project) {
		for _, a := range list {
			s.addTargets(Grant{Scope: Project, ProjectType: typ, RoleID: a.RoleID, OrganizationID: a.OrganizationID, ApplicationRoles: JoinApplicationRoles(a.ApplicationRoles)}, a.All, a.ProjectIDs)
		}
	}
	return s
}

// addTargets adds base on all targets when all is true, and on each ID
// (IDs given beside all: true, which the spec forbids, are kept too).
func (s Set) addTargets(base Grant, all *bool, ids []string) {
	if all != nil && *all {
		g := base
		g.All = true
		s.Add(g)
	}
	for _, id := range ids {
		g := base
		g.Target = id
		s.Add(g)
	}
}

// Add adds grants to s.
func (s Set) Add(grants ...Grant) {
	for _, g := range grants {
		s[g] = struct{}{}
	}
}

// Has reports whether g is in s.
func (s Set) Has(g Grant) bool {
	_, ok := s[g]
	return ok
}

// Union returns a new set with the grants of s and t.
func (s Set) Union(t Set) Set {
	out := maps.Clone(s)
	if out == nil {
		out = Set{}
	}
	maps.Copy(out, t)
	return out
}

// Minus returns a new set with the grants of s that are not in t.
func (s Set) Minus(t Set) Set {
	out := Set{}
	for g := range s {
		if !t.Has(g) {
			out.Add(g)
		}
	}
	return out
}

// Equal reports whether s and t hold the same grants.
func (s Set) Equal(t Set) bool {
	return len(s) == len(t) && len(s.Minus(t)) == 0
}

// Sorted returns the grants of s in Compare order.
func (s Set) Sorted() []Grant {
	return slices.SortedFunc(maps.Keys(s), Compare)
}

// ToRoleAssignments returns the canonical RoleAssignments of s: platform
// roles sorted; one organization assignment per grant; per deployment role,
// organization and application roles one assignment with All and one with
// the sorted IDs; the same per project type. Lists and Project are nil when
// empty, so the empty set is the zero RoleAssignments. A grant with a scope
// or project type Of never makes is a programming error: it panics.
func ToRoleAssignments(s Set) ecloud.RoleAssignments {
	var ra ecloud.RoleAssignments
	var project ecloud.ProjectRoleAssignments
	hasProject := false
	// Grants of one assignment are adjacent in Compare order: same scope,
	// project type, organization, role, application roles and All.
	grants := s.Sorted()
	for i := 0; i < len(grants); {
		g := grants[i]
		j := i + 1
		for j < len(grants) && sameAssignment(g, grants[j]) {
			j++
		}
		var all *bool
		var ids []string
		if g.All {
			all = ecloud.Ptr(true)
		} else {
			for _, t := range grants[i:j] {
				ids = append(ids, t.Target)
			}
		}
		apps := g.ApplicationRoleList()
		switch g.Scope {
		case Platform:
			ra.Platform = append(ra.Platform, ecloud.PlatformRoleAssignment{RoleID: g.RoleID})
		case Organization:
			ra.Organization = append(ra.Organization, ecloud.OrganizationRoleAssignment{RoleID: g.RoleID, OrganizationID: g.OrganizationID, ApplicationRoles: apps})
		case Deployment:
			ra.Deployment = append(ra.Deployment, ecloud.DeploymentRoleAssignment{RoleID: g.RoleID, OrganizationID: g.OrganizationID, All: all, DeploymentIDs: ids, ApplicationRoles: apps})
		case Project:
			list := projectList(&project, g.ProjectType)
			*list = append(*list, ecloud.ProjectRoleAssignment{RoleID: g.RoleID, OrganizationID: g.OrganizationID, All: all, ProjectIDs: ids, ApplicationRoles: apps})
			hasProject = true
		default:
			panic("grant: ToRoleAssignments: unknown scope " + string(g.Scope))
		}
		i = j
	}
	if hasProject {
		ra.Project = &project
	}
	return ra
}

// sameAssignment reports whether b belongs in the same assignment as a: a
// deployment or project grant on an ID that differs from a only by its ID.
func sameAssignment(a, b Grant) bool {
	if a.All || b.All || (a.Scope != Deployment && a.Scope != Project) {
		return false
	}
	a.Target, b.Target = "", ""
	return a == b
}

// projectTypes maps each project type, by its JSON name in
// ecloud.ProjectRoleAssignments, to its list: the one place that knows the
// project types.
var projectTypes = []struct {
	name string
	list func(*ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment
}{
	{"elasticsearch", func(p *ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment { return &p.Elasticsearch }},
	{"observability", func(p *ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment { return &p.Observability }},
	{"security", func(p *ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment { return &p.Security }},
	{"workplaceai", func(p *ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment { return &p.WorkplaceAI }},
	{"vectordb", func(p *ecloud.ProjectRoleAssignments) *[]ecloud.ProjectRoleAssignment { return &p.VectorDB }},
}

// ProjectTypes returns the project types, by their JSON names, in the order
// of ecloud.ProjectRoleAssignments.
func ProjectTypes() []string {
	out := make([]string, len(projectTypes))
	for i, t := range projectTypes {
		out[i] = t.name
	}
	return out
}

// ProjectLists yields each project type of p with its list of assignments,
// in ProjectTypes order, empty lists included; nothing for nil.
func ProjectLists(p *ecloud.ProjectRoleAssignments) iter.Seq2[string, []ecloud.ProjectRoleAssignment] {
	return func(yield func(string, []ecloud.ProjectRoleAssignment) bool) {
		if p == nil {
			return
		}
		for _, t := range projectTypes {
			if !yield(t.name, *t.list(p)) {
				return
			}
		}
	}
}

// projectList is the list of project type typ in p. An unknown type is a
// grant made by hand, never by Of: it panics.
func projectList(p *ecloud.ProjectRoleAssignments, typ string) *[]ecloud.ProjectRoleAssignment {
	i := projectIndex(typ)
	if i == len(projectTypes) {
		panic("grant: ToRoleAssignments: unknown project type " + typ)
	}
	return projectTypes[i].list(p)
}

// projectIndex is the position of typ in ProjectTypes; unknown types sort
// last.
func projectIndex(typ string) int {
	for i, t := range projectTypes {
		if t.name == typ {
			return i
		}
	}
	return len(projectTypes)
}
