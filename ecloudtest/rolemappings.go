package ecloudtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/ecloud-go/ecloud"
)

// MaxRoleMappings is how many role mappings an organization may have in the
// fake: more is 400 org.role_mapping_rule.too_many_role_mappings. The API
// documents the error but not its limit.
const MaxRoleMappings = 100

// wireRoleMapping is a role mapping as received, so that an absent required
// property can be told from a zero value.
type wireRoleMapping struct {
	Enabled         *bool                   `json:"enabled"`
	Name            *string                 `json:"name"`
	Rule            *ecloud.RoleMappingRule `json:"rule"`
	RoleAssignments *ecloud.RoleAssignments `json:"role_assignments"`
}

func (s *Server) listRoleMappings(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	return map[string]any{"mappings": nonNil(clone(o.roleMappings))}, nil
}

func (s *Server) addRoleMappings(req *request) (any, *apiError) {
	o, added, e := s.mappingsRequest(req, true)
	if e != nil {
		return nil, e
	}
	o.roleMappings = append(o.roleMappings, added...)
	return struct{}{}, nil
}

func (s *Server) updateRoleMappings(req *request) (any, *apiError) {
	o, mappings, e := s.mappingsRequest(req, false)
	if e != nil {
		return nil, e
	}
	o.roleMappings = mappings
	return struct{}{}, nil
}

// mappingsRequest reads the {"mappings":[...]} body of an add (adding) or a
// replacement of all mappings, and returns the organization and the
// mappings, checked against the organization's others when adding and
// against MaxRoleMappings.
func (s *Server) mappingsRequest(req *request, adding bool) (*orgState, []ecloud.RoleMapping, *apiError) {
	var body struct {
		Mappings []wireRoleMapping `json:"mappings"`
	}
	if e := decodeBody(req.body, &body); e != nil {
		return nil, nil, e
	}
	if body.Mappings == nil || adding && len(body.Mappings) == 0 {
		return nil, nil, invalidData("mappings is required and, to add, must not be empty.", "mappings")
	}
	o, e := s.org(req.org)
	if e != nil {
		return nil, nil, e
	}
	var kept []ecloud.RoleMapping
	if adding {
		kept = o.roleMappings
	}
	mappings, e := checkMappings(o, body.Mappings, "mappings", mappingNames(kept))
	if e != nil {
		return nil, nil, e
	}
	if len(kept)+len(mappings) > MaxRoleMappings {
		return nil, nil, apiErr(http.StatusBadRequest, ecloud.CodeOrgRoleMappingRuleTooManyRoleMappings,
			fmt.Sprintf("An organization has at most %d role mappings.", MaxRoleMappings), "mappings")
	}
	return o, mappings, nil
}

func (s *Server) deleteRoleMappings(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	o.roleMappings = nil
	return struct{}{}, nil
}

func (s *Server) updateRoleMapping(req *request) (any, *apiError) {
	var body struct {
		Mapping *wireRoleMapping `json:"mapping"`
	}
	if e := decodeBody(req.body, &body); e != nil {
		return nil, e
	}
	if body.Mapping == nil {
		return nil, invalidData("mapping is required.", "mapping")
	}
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(o.roleMappings, func(m ecloud.RoleMapping) bool { return m.Name == req.name })
	if i < 0 {
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound, "", "role_name")
	}
	others := mappingNames(slices.Delete(slices.Clone(o.roleMappings), i, i+1))
	m, e := checkMappings(o, []wireRoleMapping{*body.Mapping}, "mapping", others)
	if e != nil {
		return nil, e
	}
	o.roleMappings[i] = m[0]
	return struct{}{}, nil
}

func (s *Server) deleteRoleMappingsByName(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if slices.Contains(req.list, "") {
		return nil, invalidData("The list of role mapping names has an empty item.", "role_names")
	}
	deleted := []string{}
	for _, name := range req.list {
		i := slices.IndexFunc(o.roleMappings, func(m ecloud.RoleMapping) bool { return m.Name == name })
		if i >= 0 {
			o.roleMappings = slices.Delete(o.roleMappings, i, i+1)
			deleted = append(deleted, name)
		}
	}
	return map[string]any{"mappings": deleted}, nil
}

func mappingNames(ms []ecloud.RoleMapping) []string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// checkMappings checks role mappings received under field ("mappings", a
// list, or "mapping", one) for organization o, whose other mappings are
// called taken, and returns them, or an error with every problem found.
func checkMappings(o *orgState, list []wireRoleMapping, field string, taken []string) ([]ecloud.RoleMapping, *apiError) {
	bad := &apiError{status: http.StatusBadRequest}
	out := make([]ecloud.RoleMapping, 0, len(list))
	for i, w := range list {
		f := field
		if field == "mappings" {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		for prop, absent := range map[string]bool{"enabled": w.Enabled == nil, "name": w.Name == nil, "rule": w.Rule == nil, "role_assignments": w.RoleAssignments == nil} {
			if absent {
				bad.add(ecloud.CodeRootInvalidData, prop+" is required.", f+"."+prop)
			}
		}
		if w.Enabled == nil || w.Name == nil || w.Rule == nil || w.RoleAssignments == nil {
			continue
		}
		m := ecloud.RoleMapping{Enabled: *w.Enabled, Name: *w.Name, Rule: clone(*w.Rule), RoleAssignments: clone(*w.RoleAssignments)}
		switch {
		case m.Name == "" || strings.Contains(m.Name, ","):
			bad.add(ecloud.CodeOrgRoleMappingRuleSyntaxError, "A role mapping name must not be empty or contain a comma.", f+".name")
		case slices.Contains(taken, m.Name):
			bad.add(ecloud.CodeRootInvalidData, "Another role mapping is called "+m.Name+".", f+".name")
		}
		taken = append(taken, m.Name)
		checkRule(bad, m.Rule, f+".rule")
		if e := validateRoles(&m.RoleAssignments, f+".role_assignments", o.org.ID); e != nil {
			bad.details = append(bad.details, e.details...)
		}
		if len(assignments(&m.RoleAssignments, "")) == 0 {
			bad.add(ecloud.CodeRootInvalidData, "role_assignments assigns no role.", f+".role_assignments")
		}
		out = append(out, m)
	}
	if len(bad.details) > 0 {
		slices.SortStableFunc(bad.details, func(a, b ecloud.ErrorDetail) int { return strings.Compare(a.Fields[0], b.Fields[0]) })
		return nil, bad
	}
	return out, nil
}

// checkRule adds to bad what is wrong with a rule: no entries (empty_rule),
// a property rule with neither group nor email (empty_rule) or with both
// (ambiguous_rule), an email pattern that is not local@domain
// (email_syntax_error), a blank group or one with control characters
// (syntax_error).
func checkRule(bad *apiError, r ecloud.RoleMappingRule, field string) {
	if len(r.Any)+len(r.All) == 0 {
		bad.add(ecloud.CodeOrgRoleMappingRuleEmptyRule, "", field)
		return
	}
	for _, list := range []struct {
		name  string
		rules []ecloud.RoleMappingPropertyRule
	}{{"any", r.Any}, {"all", r.All}} {
		for j, p := range list.rules {
			f := fmt.Sprintf("%s.%s[%d]", field, list.name, j)
			switch {
			case p.Group == "" && p.Email == "":
				bad.add(ecloud.CodeOrgRoleMappingRuleEmptyRule, "A property rule needs a group or an email.", f)
			case p.Group != "" && p.Email != "":
				bad.add(ecloud.CodeOrgRoleMappingRuleAmbiguousRule, "A property rule has a group or an email, not both.", f)
			case p.Email != "" && !validEmailPattern(p.Email):
				bad.add(ecloud.CodeOrgRoleMappingRuleEmailSyntaxError, "The email must be local@domain; both parts may hold wildcards.", f+".email")
			case p.Group != "" && (strings.TrimSpace(p.Group) == "" || strings.ContainsFunc(p.Group, unicode.IsControl)):
				bad.add(ecloud.CodeOrgRoleMappingRuleSyntaxError, "The group must not be blank or contain control characters.", f+".group")
			}
		}
	}
}

// validEmailPattern accepts local@domain with both parts non-empty, one @
// and no spaces; * and ? are wildcards like any other character.
func validEmailPattern(p string) bool {
	local, domain, ok := strings.Cut(p, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@") && !strings.ContainsFunc(p, unicode.IsSpace)
}
