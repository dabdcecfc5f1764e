package ecloud

import (
	"context"
	"errors"
	"testing"
)

// tcRoleMappingOps are the operations of rolemappings.go.
var tcRoleMappingOps = []string{OpListRoleMappings, OpAddRoleMappings, OpUpdateRoleMappings, OpDeleteRoleMappings, OpUpdateRoleMapping, OpDeleteRoleMappingsByName}

var tcAdminsMapping = RoleMapping{
	Enabled: true,
	Name:    "admins",
	Rule:    RoleMappingRule{Any: []RoleMappingPropertyRule{{Group: "cloud-admins"}, {Email: "*@ops.acme.example"}}},
	RoleAssignments: RoleAssignments{
		Organization: []OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "o1"}},
	},
}

const tcAdminsMappingJSON = `{"enabled":true,"name":"admins",
	"rule":{"any":[{"group":"cloud-admins"},{"email":"*@ops.acme.example"}]},
	"role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"o1"}]}}`

var tcViewersMapping = RoleMapping{
	Name: "viewers",
	Rule: RoleMappingRule{All: []RoleMappingPropertyRule{{Group: "staff"}, {Email: "*@acme.example"}}},
	RoleAssignments: RoleAssignments{
		Deployment: []DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "o1", All: Ptr(true)}},
	},
}

const tcViewersMappingJSON = `{"enabled":false,"name":"viewers",
	"rule":{"all":[{"group":"staff"},{"email":"*@acme.example"}]},
	"role_assignments":{"deployment":[{"role_id":"deployment-viewer","organization_id":"o1","all":true}]}}`

func TestOpRoleMappings(t *testing.T) {
	t.Parallel()
	tcRunOpCases(t, []tcOpCase{
		{
			name:       "ListRoleMappings",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListRoleMappings(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"mappings":[` + tcAdminsMappingJSON + `,` + tcViewersMappingJSON + `]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/role_mappings",
			want: []RoleMapping{tcAdminsMapping, tcViewersMapping},
		},
		{
			name:       "ListRoleMappings/none",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListRoleMappings(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"mappings":[]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/role_mappings",
			want: []RoleMapping{},
		},
		{
			name: "AddRoleMappings",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AddRoleMappings(ctx, "o1", []RoleMapping{tcAdminsMapping, tcViewersMapping})
			},
			reply:      tcReply{Status: 201, Body: `{}`},
			wantMethod: "POST", wantPath: "/organizations/o1/role_mappings",
			wantBody: `{"mappings":[` + tcAdminsMappingJSON + `,` + tcViewersMappingJSON + `]}`,
		},
		{
			name: "UpdateRoleMappings",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateRoleMappings(ctx, "o1", []RoleMapping{tcViewersMapping})
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "PUT", wantPath: "/organizations/o1/role_mappings",
			wantBody: `{"mappings":[` + tcViewersMappingJSON + `]}`,
		},
		{
			name:       "UpdateRoleMappings/nil sends an empty list",
			call:       func(ctx context.Context, c *Client) (any, error) { return nil, c.UpdateRoleMappings(ctx, "o1", nil) },
			reply:      tcReply{Status: 200, Body: ``},
			wantMethod: "PUT", wantPath: "/organizations/o1/role_mappings",
			wantBody: `{"mappings":[]}`,
		},
		{
			name:       "DeleteRoleMappings",
			call:       func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteRoleMappings(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/role_mappings",
		},
		{
			name: "UpdateRoleMapping",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateRoleMapping(ctx, "o1", "admins", tcAdminsMapping)
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "PUT", wantPath: "/organizations/o1/role_mappings/admins",
			wantBody: `{"mapping":` + tcAdminsMappingJSON + `}`,
		},
		{
			name: "DeleteRoleMappingsByName",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeleteRoleMappingsByName(ctx, "o1", []string{"admins", "viewers", "gone"})
			},
			reply:      tcReply{Status: 200, Body: `{"mappings":["admins","viewers"]}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/role_mappings/admins%2Cviewers%2Cgone",
			want: []string{"admins", "viewers"},
		},
		{
			name: "DeleteRoleMappingsByName/one",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeleteRoleMappingsByName(ctx, "o1", []string{"admins"})
			},
			reply:      tcReply{Status: 200, Body: `{"mappings":[]}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/role_mappings/admins",
			want: []string{},
		},
	})
}

func TestOpRoleMappingsDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcRoleMappingOps)
}

func TestOpRoleMappingsInvalidArguments(t *testing.T) {
	t.Parallel()
	with := func(change func(*RoleMapping)) RoleMapping {
		m := tcAdminsMapping
		m.Rule = RoleMappingRule{Any: []RoleMappingPropertyRule{{Group: "cloud-admins"}}}
		change(&m)
		return m
	}
	bad := map[string]RoleMapping{
		"no name":    with(func(m *RoleMapping) { m.Name = "" }),
		"empty rule": with(func(m *RoleMapping) { m.Rule = RoleMappingRule{} }),
		"empty lists": with(func(m *RoleMapping) {
			m.Rule = RoleMappingRule{Any: []RoleMappingPropertyRule{}, All: []RoleMappingPropertyRule{}}
		}),
		"any: group and email": with(func(m *RoleMapping) { m.Rule.Any = []RoleMappingPropertyRule{{Group: "g", Email: "e@x.example"}} }),
		"any: neither":         with(func(m *RoleMapping) { m.Rule.Any = []RoleMappingPropertyRule{{Group: "g"}, {}} }),
		"all: group and email": with(func(m *RoleMapping) {
			m.Rule = RoleMappingRule{All: []RoleMappingPropertyRule{{Group: "g", Email: "e@x.example"}}}
		}),
		"all: neither, any fine": with(func(m *RoleMapping) {
			m.Rule.All = []RoleMappingPropertyRule{{Email: "e@x.example"}, {}}
		}),
	}
	type tcCase = struct {
		name, op string
		call     func(context.Context, *Client) error
	}
	cases := []tcCase{
		{"ListRoleMappings/empty ID", OpListRoleMappings, func(ctx context.Context, c *Client) error {
			_, err := c.ListRoleMappings(ctx, "")
			return err
		}},
		{"DeleteRoleMappings/dot-dot", OpDeleteRoleMappings, func(ctx context.Context, c *Client) error { return c.DeleteRoleMappings(ctx, "..") }},
		{"AddRoleMappings/empty ID", OpAddRoleMappings, func(ctx context.Context, c *Client) error {
			return c.AddRoleMappings(ctx, "", []RoleMapping{tcAdminsMapping})
		}},
		{"AddRoleMappings/nil", OpAddRoleMappings, func(ctx context.Context, c *Client) error { return c.AddRoleMappings(ctx, "o1", nil) }},
		{"AddRoleMappings/empty", OpAddRoleMappings, func(ctx context.Context, c *Client) error {
			return c.AddRoleMappings(ctx, "o1", []RoleMapping{})
		}},
		{"UpdateRoleMappings/dot", OpUpdateRoleMappings, func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMappings(ctx, ".", []RoleMapping{tcAdminsMapping})
		}},
		{"UpdateRoleMapping/empty name", OpUpdateRoleMapping, func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMapping(ctx, "o1", "", tcAdminsMapping)
		}},
		{"UpdateRoleMapping/dot-dot name", OpUpdateRoleMapping, func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMapping(ctx, "o1", "..", tcAdminsMapping)
		}},
		{"UpdateRoleMapping/empty ID", OpUpdateRoleMapping, func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMapping(ctx, "", "admins", tcAdminsMapping)
		}},
	}
	for name, m := range bad {
		cases = append(cases,
			tcCase{"AddRoleMappings/" + name, OpAddRoleMappings, func(ctx context.Context, c *Client) error {
				return c.AddRoleMappings(ctx, "o1", []RoleMapping{tcViewersMapping, m}) // the second one is bad
			}},
			tcCase{"UpdateRoleMappings/" + name, OpUpdateRoleMappings, func(ctx context.Context, c *Client) error {
				return c.UpdateRoleMappings(ctx, "o1", []RoleMapping{m})
			}},
			tcCase{"UpdateRoleMapping/" + name, OpUpdateRoleMapping, func(ctx context.Context, c *Client) error {
				return c.UpdateRoleMapping(ctx, "o1", "admins", m)
			}},
		)
	}
	for name, names := range map[string][]string{
		"nil": nil, "empty": {}, "empty item": {"admins", ""}, "comma in a name": {"admins,viewers"}, "dot-dot": {".."},
	} {
		cases = append(cases, tcCase{"DeleteRoleMappingsByName/" + name, OpDeleteRoleMappingsByName, func(ctx context.Context, c *Client) error {
			_, err := c.DeleteRoleMappingsByName(ctx, "o1", names)
			return err
		}})
	}
	cases = append(cases, tcCase{"DeleteRoleMappingsByName/empty ID", OpDeleteRoleMappingsByName, func(ctx context.Context, c *Client) error {
		_, err := c.DeleteRoleMappingsByName(ctx, "", []string{"admins"})
		return err
	}})
	tcRunInvalidArgs(t, cases)
}

// TestRoleMappingValidateAcceptsEachShape: the rules the SDK checks refuse
// nothing the spec allows: any or all (or both), groups and emails with
// wildcards.
func TestRoleMappingValidateAcceptsEachShape(t *testing.T) {
	t.Parallel()
	for _, rule := range []RoleMappingRule{
		{Any: []RoleMappingPropertyRule{{Group: "g"}}},
		{All: []RoleMappingPropertyRule{{Email: "*@acme.example"}}},
		{Any: []RoleMappingPropertyRule{{Group: "g*"}}, All: []RoleMappingPropertyRule{{Email: "a@b.example"}, {Group: "h"}}},
	} {
		m := RoleMapping{Name: "m", Rule: rule}
		if err := m.validate("op", "the role mapping"); err != nil {
			t.Errorf("%+v: %v", rule, err)
		}
	}
}

func TestOpRoleMappingsPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"ListRoleMappings", func(ctx context.Context, c *Client) error {
			_, err := c.ListRoleMappings(ctx, "o/1")
			return err
		}, "/organizations/o%2F1/role_mappings"},
		{"UpdateRoleMapping", func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMapping(ctx, "o1", "team/a b?#%", tcAdminsMapping)
		}, "/organizations/o1/role_mappings/team%2Fa%20b%3F%23%25"},
		{"UpdateRoleMapping/path traversal stays one segment", func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMapping(ctx, "o1", "../../users", tcAdminsMapping)
		}, "/organizations/o1/role_mappings/..%2F..%2Fusers"},
		{"DeleteRoleMappingsByName", func(ctx context.Context, c *Client) error {
			_, err := c.DeleteRoleMappingsByName(ctx, "o#1", []string{"a/b", "c d", "e?f"})
			return err
		}, "/organizations/o%231/role_mappings/a%2Fb%2Cc%20d%2Ce%3Ff"},
	})
}

func TestOpRoleMappingsSuccessWithInvalidJSON(t *testing.T) {
	t.Parallel()
	tcRunBrokenJSON(t, []tcBrokenJSONCase{
		{OpListRoleMappings, 200, func(ctx context.Context, c *Client) (any, error) { return c.ListRoleMappings(ctx, "o1") }},
		{OpDeleteRoleMappingsByName, 200, func(ctx context.Context, c *Client) (any, error) {
			return c.DeleteRoleMappingsByName(ctx, "o1", []string{"admins"})
		}},
	})
}

// TestOpRoleMappingsRetries: the PUT that replaces every mapping is retried
// and sends the same body each time; the POST that adds mappings is not
// retried after a 503, since the request reached the server.
func TestOpRoleMappingsRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		call      func(context.Context, *Client) error
		wantCalls int
	}{
		{"UpdateRoleMappings", func(ctx context.Context, c *Client) error {
			return c.UpdateRoleMappings(ctx, "o1", []RoleMapping{tcAdminsMapping})
		}, 2},
		{"AddRoleMappings", func(ctx context.Context, c *Client) error {
			return c.AddRoleMappings(ctx, "o1", []RoleMapping{tcAdminsMapping})
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bodies, err := tcBodiesAfter503(t, tc.call)
			if (err != nil) != (tc.wantCalls == 1) || (err != nil && !errors.Is(err, ErrServer)) {
				t.Fatalf("error = %v", err)
			}
			if len(bodies) != tc.wantCalls {
				t.Fatalf("%d requests, want %d", len(bodies), tc.wantCalls)
			}
			for i, b := range bodies {
				tcJSONEqual(t, []byte(b), `{"mappings":[`+tcAdminsMappingJSON+`]}`)
				if b != bodies[0] {
					t.Errorf("attempt %d sent %q, the first %q", i+1, b, bodies[0])
				}
			}
		})
	}
}
