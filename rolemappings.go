package ecloud

import (
	"context"
	"fmt"
	"net/http"
)

// Role mappings give role assignments to the users who sign in through the
// organization's IdP, by their IdP groups or emails. Each mapping is named
// and checked before anything is sent: a name, a rule with Any or All
// entries, and property rules that each set exactly one of Group and Email.

// ListRoleMappings returns the organization's role mappings, in order. Not
// available on ECE.
//
// Operation get-role-mappings: GET /organizations/{organization_id}/role_mappings.
func (c *Client) ListRoleMappings(ctx context.Context, organizationID string) ([]RoleMapping, error) {
	const op = OpListRoleMappings
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	var out roleMappings
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: roleMappingsPath(org), out: &out}); err != nil {
		return nil, err
	}
	return out.Mappings, nil
}

// AddRoleMappings adds mappings (at least one) to the organization's role
// mappings. It is a POST and is not retried after the request may have
// reached the server (see WithRetryNonIdempotent). Not available on ECE.
//
// Operation add-role-mappings-individually: POST /organizations/{organization_id}/role_mappings.
func (c *Client) AddRoleMappings(ctx context.Context, organizationID string, mappings []RoleMapping) error {
	const op = OpAddRoleMappings
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	if len(mappings) == 0 {
		return invalidArgument(op, "no role mappings given")
	}
	if err := validateRoleMappings(op, mappings); err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: roleMappingsPath(org), body: roleMappings{Mappings: mappings}})
}

// UpdateRoleMappings replaces all the organization's role mappings with
// mappings; an empty list removes them all. Not available on ECE.
//
// Operation update-role-mappings: PUT /organizations/{organization_id}/role_mappings.
func (c *Client) UpdateRoleMappings(ctx context.Context, organizationID string, mappings []RoleMapping) error {
	const op = OpUpdateRoleMappings
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	if err := validateRoleMappings(op, mappings); err != nil {
		return err
	}
	if mappings == nil {
		mappings = []RoleMapping{} // the API requires the list: send [], not null
	}
	return c.do(ctx, call{op: op, method: http.MethodPut, path: roleMappingsPath(org), body: roleMappings{Mappings: mappings}})
}

// DeleteRoleMappings removes all the organization's role mappings. Not
// available on ECE.
//
// Operation delete-role-mappings: DELETE /organizations/{organization_id}/role_mappings.
func (c *Client) DeleteRoleMappings(ctx context.Context, organizationID string) error {
	const op = OpDeleteRoleMappings
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: roleMappingsPath(org)})
}

// UpdateRoleMapping replaces the role mapping called name with mapping. An
// unknown name is 404 CodeOrgRoleMappingRuleRoleMappingNotFound. Not
// available on ECE.
//
// Operation update-role-mapping: PUT /organizations/{organization_id}/role_mappings/{role_name}.
func (c *Client) UpdateRoleMapping(ctx context.Context, organizationID, name string, mapping RoleMapping) error {
	const op = OpUpdateRoleMapping
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return err
	}
	role, err := segment(op, "role mapping name", name)
	if err != nil {
		return err
	}
	if err := mapping.validate(op, "the role mapping"); err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPut, path: roleMappingsPath(org) + "/" + role, body: roleMappingRequest{Mapping: mapping}})
}

// DeleteRoleMappingsByName removes the role mappings called names in one
// call and returns the names the API deleted. The names travel as one path
// segment, comma-separated (the commas as %2C), so a name must not contain a
// comma. Not available on ECE.
//
// Operation delete-role-mappings-individually: DELETE /organizations/{organization_id}/role_mappings/{role_name}
// (the spec's {role_names}, a comma-separated list).
func (c *Client) DeleteRoleMappingsByName(ctx context.Context, organizationID string, names []string) ([]string, error) {
	const op = OpDeleteRoleMappingsByName
	org, err := segment(op, "organization ID", organizationID)
	if err != nil {
		return nil, err
	}
	list, err := listSegment(op, "role mapping name", names)
	if err != nil {
		return nil, err
	}
	var out deletedRoleMappings
	if err := c.do(ctx, call{op: op, method: http.MethodDelete, path: roleMappingsPath(org) + "/" + list, out: &out}); err != nil {
		return nil, err
	}
	return out.Mappings, nil
}

// roleMappingsPath is the path of an organization's role mappings; org is
// escaped.
func roleMappingsPath(org string) string { return "/organizations/" + org + "/role_mappings" }

func validateRoleMappings(op string, mappings []RoleMapping) error {
	for i, m := range mappings {
		if err := m.validate(op, fmt.Sprintf("role mapping %d", i)); err != nil {
			return err
		}
	}
	return nil
}

// validate refuses a mapping the API would: no name, a rule with no
// entries, or a property rule without exactly one of group and email. what
// names the mapping until its name is known.
func (m RoleMapping) validate(op, what string) error {
	if m.Name == "" {
		return invalidArgument(op, "%s has no name", what)
	}
	if len(m.Rule.Any)+len(m.Rule.All) == 0 {
		return invalidArgument(op, "role mapping %q has a rule with no any or all entries", m.Name)
	}
	for _, list := range []struct {
		name  string
		rules []RoleMappingPropertyRule
	}{{"any", m.Rule.Any}, {"all", m.Rule.All}} {
		for j, r := range list.rules {
			if (r.Group == "") == (r.Email == "") {
				return invalidArgument(op, "role mapping %q: %s[%d] must set exactly one of group and email", m.Name, list.name, j)
			}
		}
	}
	return nil
}
