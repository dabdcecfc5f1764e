package ecloudtest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/grant"
)

// HideDeployment makes the fake refuse, as the live API does for a
// deployment that was deleted or that the caller cannot see, every add or
// remove of role assignments that names deploymentID: 403
// role_assignments.unauthorized_role_assignments, and nothing changes.
// Grants on it that members already hold stay, and are listed. force=true
// does not help (the API says force is effective only for platform
// administrators, which the fake's callers are not).
func (s *Server) HideDeployment(deploymentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden[deploymentID] = true
}

func (s *Server) addRoleAssignments(req *request) (any, *apiError) {
	return s.changeRoles(req, grant.Set.Union)
}

func (s *Server) removeRoleAssignments(req *request) (any, *apiError) {
	return s.changeRoles(req, grant.Set.Minus)
}

// changeRoles applies the grants of the body to the user's memberships, all
// or nothing: apply is union for an add and difference for a remove, per
// organization.
func (s *Server) changeRoles(req *request, apply func(have, change grant.Set) grant.Set) (any, *apiError) {
	var body ecloud.RoleAssignments
	if e := decodeBody(req.body, &body); e != nil {
		return nil, e
	}
	memberships := s.memberships(req.user)
	if len(memberships) == 0 {
		return nil, apiErr(http.StatusBadRequest, ecloud.CodeRoleAssignmentsInvalidTargetUserID, "", "user_id")
	}
	if e := validateRoles(&body, "", ""); e != nil {
		return nil, e
	}
	list := assignments(&body, "")
	if len(list) == 0 {
		return nil, invalidData("The request assigns no role.")
	}

	refused := &apiError{status: http.StatusForbidden}
	notMember := &apiError{status: http.StatusBadRequest}
	for _, a := range list {
		switch {
		case a.scope == grant.Platform:
			refused.add(ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments, "Platform roles cannot be changed with an organization's credentials.", a.field)
		case s.orgs[a.orgID] == nil:
			refused.add(ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments, "Unknown organization: "+a.orgID+".", a.field+".organization_id")
		case memberships[a.orgID] == nil:
			notMember.add(ecloud.CodeRoleAssignmentsInvalidTargetUserID, "The user is not a member of organization "+a.orgID+".", a.field+".organization_id")
		}
		if a.scope != grant.Deployment {
			continue
		}
		for i, id := range a.ids {
			if s.hidden[id] {
				refused.add(ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments, "You are not authorised to change role assignments on deployment "+id+".", a.field+".deployment_ids["+strconv.Itoa(i)+"]")
			}
		}
	}
	for _, e := range []*apiError{refused, notMember} {
		if len(e.details) > 0 {
			return nil, e
		}
	}

	change := grant.Of(&body)
	for orgID, m := range memberships {
		mine := grant.Set{}
		for g := range change {
			if g.OrganizationID == orgID {
				mine.Add(g)
			}
		}
		if len(mine) == 0 {
			continue
		}
		ra := grant.ToRoleAssignments(apply(grant.Of(m.RoleAssignments), mine))
		m.RoleAssignments = nil
		if !emptyRoles(ra) {
			m.RoleAssignments = &ra
		}
	}
	return struct{}{}, nil
}

// memberships returns the user's memberships by organization ID, to be
// changed in place. Callers hold s.mu.
func (s *Server) memberships(userID string) map[string]*ecloud.OrganizationMembership {
	out := map[string]*ecloud.OrganizationMembership{}
	for id, o := range s.orgs {
		if i := slices.IndexFunc(o.members, func(m ecloud.OrganizationMembership) bool { return m.UserID == userID }); i >= 0 {
			out[id] = &o.members[i]
		}
	}
	return out
}

func emptyRoles(ra ecloud.RoleAssignments) bool {
	return len(ra.Platform)+len(ra.Organization)+len(ra.Deployment) == 0 && ra.Project == nil
}

// assignment is one assignment of a RoleAssignments, with the field path
// that names it in an error.
type assignment struct {
	field   string // such as "deployment[0]" or "role_assignments.project.security[1]"
	scope   grant.Scope
	roleID  string
	orgID   string
	all     *bool
	ids     []string
	idsName string // "deployment_ids" or "project_ids"
}

// assignments lists the assignments of ra, every scope and project type;
// prefix is the path of ra in the request ("" when ra is the body).
func assignments(ra *ecloud.RoleAssignments, prefix string) []assignment {
	if ra == nil {
		return nil
	}
	if prefix != "" {
		prefix += "."
	}
	var out []assignment
	for i, a := range ra.Platform {
		out = append(out, assignment{field: fmt.Sprintf("%splatform[%d]", prefix, i), scope: grant.Platform, roleID: a.RoleID})
	}
	for i, a := range ra.Organization {
		out = append(out, assignment{field: fmt.Sprintf("%sorganization[%d]", prefix, i), scope: grant.Organization, roleID: a.RoleID, orgID: a.OrganizationID})
	}
	for i, a := range ra.Deployment {
		out = append(out, assignment{field: fmt.Sprintf("%sdeployment[%d]", prefix, i), scope: grant.Deployment, roleID: a.RoleID, orgID: a.OrganizationID,
			all: a.All, ids: a.DeploymentIDs, idsName: "deployment_ids"})
	}
	for typ, list := range grant.ProjectLists(ra.Project) {
		for i, a := range list {
			out = append(out, assignment{field: fmt.Sprintf("%sproject.%s[%d]", prefix, typ, i), scope: grant.Project, roleID: a.RoleID, orgID: a.OrganizationID,
				all: a.All, ids: a.ProjectIDs, idsName: "project_ids"})
		}
	}
	return out
}

// validateRoles checks role assignments as the spec describes them: role_id
// present; organization_id present, and equal to orgID when that is set (the
// organization of an invitation); deployment_ids / project_ids absent when
// all is true and present otherwise. prefix is the path of ra in the request.
func validateRoles(ra *ecloud.RoleAssignments, prefix, orgID string) *apiError {
	bad := &apiError{status: http.StatusBadRequest}
	check := func(ok bool, msg, field string) {
		if !ok {
			bad.add(ecloud.CodeRootInvalidData, msg, field)
		}
	}
	for _, a := range assignments(ra, prefix) {
		check(a.roleID != "", "role_id is required.", a.field+".role_id")
		if a.scope == grant.Platform {
			continue
		}
		if orgID != "" {
			check(a.orgID == orgID, "organization_id must be the organization of the request.", a.field+".organization_id")
		} else {
			check(a.orgID != "", "organization_id is required.", a.field+".organization_id")
		}
		if a.scope == grant.Deployment || a.scope == grant.Project {
			all := a.all != nil && *a.all
			check(all == (a.ids == nil), a.idsName+" must be absent when all is true and present otherwise.", a.field+"."+a.idsName)
		}
	}
	if len(bad.details) == 0 {
		return nil
	}
	slices.SortFunc(bad.details, func(a, b ecloud.ErrorDetail) int { return strings.Compare(a.Fields[0], b.Fields[0]) })
	return bad
}
