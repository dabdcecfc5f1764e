package ecloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
)

// tcRoleAssignmentOps are the operations of roles.go.
var tcRoleAssignmentOps = []string{OpAddRoleAssignments, OpRemoveRoleAssignments}

// tcEveryRole assigns a role in every scope and project type, with every
// optional property set.
var tcEveryRole = RoleAssignments{
	Platform:     []PlatformRoleAssignment{{RoleID: "platform-viewer"}},
	Organization: []OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "o1", ApplicationRoles: []string{"viewer"}}},
	Deployment: []DeploymentRoleAssignment{
		{RoleID: "deployment-viewer", OrganizationID: "o1", DeploymentIDs: []string{"d1", "d2"}, ApplicationRoles: []string{"kibana_admin"}},
		{RoleID: "deployment-editor", OrganizationID: "o1", All: Ptr(true)},
	},
	Project: &ProjectRoleAssignments{
		Elasticsearch: []ProjectRoleAssignment{{RoleID: "elasticsearch-viewer", OrganizationID: "o1", All: Ptr(false), ProjectIDs: []string{"p1"}}},
		Observability: []ProjectRoleAssignment{{RoleID: "observability-editor", OrganizationID: "o1", All: Ptr(true)}},
		Security:      []ProjectRoleAssignment{{RoleID: "security-admin", OrganizationID: "o1", ProjectIDs: []string{"p2"}, ApplicationRoles: []string{"soc"}}},
		WorkplaceAI:   []ProjectRoleAssignment{{RoleID: "workplaceai-viewer", OrganizationID: "o1", ProjectIDs: []string{"p3"}}},
		VectorDB:      []ProjectRoleAssignment{{RoleID: "vectordb-admin", OrganizationID: "o1", All: Ptr(true)}},
	},
}

const tcEveryRoleJSON = `{
	"platform": [{"role_id": "platform-viewer"}],
	"organization": [{"role_id": "organization-admin", "organization_id": "o1", "application_roles": ["viewer"]}],
	"deployment": [
		{"role_id": "deployment-viewer", "organization_id": "o1", "deployment_ids": ["d1", "d2"], "application_roles": ["kibana_admin"]},
		{"role_id": "deployment-editor", "organization_id": "o1", "all": true}
	],
	"project": {
		"elasticsearch": [{"role_id": "elasticsearch-viewer", "organization_id": "o1", "all": false, "project_ids": ["p1"]}],
		"observability": [{"role_id": "observability-editor", "organization_id": "o1", "all": true}],
		"security": [{"role_id": "security-admin", "organization_id": "o1", "project_ids": ["p2"], "application_roles": ["soc"]}],
		"workplaceai": [{"role_id": "workplaceai-viewer", "organization_id": "o1", "project_ids": ["p3"]}],
		"vectordb": [{"role_id": "vectordb-admin", "organization_id": "o1", "all": true}]
	}
}`

// tcOneDeployment assigns one role on one deployment.
var tcOneDeployment = RoleAssignments{Deployment: []DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "o1", DeploymentIDs: []string{"d1"}}}}

const tcOneDeploymentJSON = `{"deployment":[{"role_id":"deployment-viewer","organization_id":"o1","deployment_ids":["d1"]}]}`

func TestOpRoleAssignments(t *testing.T) {
	t.Parallel()
	add := func(user string, roles RoleAssignments) func(context.Context, *Client) (any, error) {
		return func(ctx context.Context, c *Client) (any, error) { return nil, c.AddRoleAssignments(ctx, user, roles) }
	}
	remove := func(user string, roles RoleAssignments, opts *RemoveRoleAssignmentsOptions) func(context.Context, *Client) (any, error) {
		return func(ctx context.Context, c *Client) (any, error) {
			return nil, c.RemoveRoleAssignments(ctx, user, roles, opts)
		}
	}
	tcRunOpCases(t, []tcOpCase{
		{
			name: "AddRoleAssignments/every scope", call: add("u-1", tcEveryRole),
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "POST", wantPath: "/users/u-1/role_assignments", wantBody: tcEveryRoleJSON,
		},
		{
			name: "AddRoleAssignments/one deployment, empty answer", call: add("u-1", tcOneDeployment),
			reply:      tcReply{Status: 200, Body: ``},
			wantMethod: "POST", wantPath: "/users/u-1/role_assignments", wantBody: tcOneDeploymentJSON,
		},
		{
			name:       "AddRoleAssignments/project only",
			call:       add("u-1", RoleAssignments{Project: &ProjectRoleAssignments{VectorDB: []ProjectRoleAssignment{{RoleID: "vectordb-admin", OrganizationID: "o1", All: Ptr(true)}}}}),
			reply:      tcReply{Status: 200, Body: "{}\n"},
			wantMethod: "POST", wantPath: "/users/u-1/role_assignments",
			wantBody: `{"project":{"vectordb":[{"role_id":"vectordb-admin","organization_id":"o1","all":true}]}}`,
		},
		{
			name: "RemoveRoleAssignments/nil options", call: remove("u-1", tcOneDeployment, nil),
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/users/u-1/role_assignments", wantBody: tcOneDeploymentJSON,
		},
		{
			name: "RemoveRoleAssignments/nil Force", call: remove("u-1", tcOneDeployment, &RemoveRoleAssignmentsOptions{}),
			reply:      tcReply{Status: 200, Body: ``},
			wantMethod: "DELETE", wantPath: "/users/u-1/role_assignments", wantBody: tcOneDeploymentJSON,
		},
		{
			name: "RemoveRoleAssignments/force=true", call: remove("u-1", tcEveryRole, &RemoveRoleAssignmentsOptions{Force: Ptr(true)}),
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/users/u-1/role_assignments", wantQuery: "force=true", wantBody: tcEveryRoleJSON,
		},
		{
			name: "RemoveRoleAssignments/force=false", call: remove("u-1", tcOneDeployment, &RemoveRoleAssignmentsOptions{Force: Ptr(false)}),
			reply:      tcReply{Status: 200, Body: "{}\n"},
			wantMethod: "DELETE", wantPath: "/users/u-1/role_assignments", wantQuery: "force=false", wantBody: tcOneDeploymentJSON,
		},
	})
}

func TestOpRoleAssignmentsDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcRoleAssignmentOps)
}

func TestOpRoleAssignmentsInvalidArguments(t *testing.T) {
	t.Parallel()
	add := func(user string, roles RoleAssignments) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { return c.AddRoleAssignments(ctx, user, roles) }
	}
	remove := func(user string, roles RoleAssignments) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			return c.RemoveRoleAssignments(ctx, user, roles, &RemoveRoleAssignmentsOptions{Force: Ptr(true)})
		}
	}
	emptyProject := RoleAssignments{Project: &ProjectRoleAssignments{}}
	emptyLists := RoleAssignments{
		Platform: []PlatformRoleAssignment{}, Organization: []OrganizationRoleAssignment{}, Deployment: []DeploymentRoleAssignment{},
		Project: &ProjectRoleAssignments{Elasticsearch: []ProjectRoleAssignment{}, Observability: []ProjectRoleAssignment{},
			Security: []ProjectRoleAssignment{}, WorkplaceAI: []ProjectRoleAssignment{}, VectorDB: []ProjectRoleAssignment{}},
	}
	tcRunInvalidArgs(t, []struct {
		name, op string
		call     func(context.Context, *Client) error
	}{
		{"AddRoleAssignments/empty user ID", OpAddRoleAssignments, add("", tcOneDeployment)},
		{"AddRoleAssignments/dot", OpAddRoleAssignments, add(".", tcOneDeployment)},
		{"AddRoleAssignments/dot-dot", OpAddRoleAssignments, add("..", tcOneDeployment)},
		{"AddRoleAssignments/no roles", OpAddRoleAssignments, add("u-1", RoleAssignments{})},
		{"AddRoleAssignments/empty project", OpAddRoleAssignments, add("u-1", emptyProject)},
		{"AddRoleAssignments/empty lists", OpAddRoleAssignments, add("u-1", emptyLists)},
		{"RemoveRoleAssignments/empty user ID", OpRemoveRoleAssignments, remove("", tcOneDeployment)},
		{"RemoveRoleAssignments/dot-dot", OpRemoveRoleAssignments, remove("..", tcOneDeployment)},
		{"RemoveRoleAssignments/no roles", OpRemoveRoleAssignments, remove("u-1", RoleAssignments{})},
		{"RemoveRoleAssignments/empty project", OpRemoveRoleAssignments, remove("u-1", emptyProject)},
		{"RemoveRoleAssignments/empty lists", OpRemoveRoleAssignments, remove("u-1", emptyLists)},
	})
}

// TestRoleAssignmentsEmptyCountsEveryList: one assignment in any list of
// RoleAssignments or ProjectRoleAssignments is something to send, so a list
// added to the models cannot be refused as empty.
func TestRoleAssignmentsEmptyCountsEveryList(t *testing.T) {
	t.Parallel()
	var lists int
	check := func(name string, ra RoleAssignments) {
		lists++
		if ra.empty() {
			t.Errorf("RoleAssignments with one %s assignment is empty()", name)
		}
	}
	top := reflect.TypeFor[RoleAssignments]()
	for i := range top.NumField() {
		f := top.Field(i)
		if f.Type.Kind() != reflect.Slice {
			continue
		}
		var ra RoleAssignments
		v := reflect.ValueOf(&ra).Elem().Field(i)
		v.Set(reflect.MakeSlice(f.Type, 1, 1))
		check(f.Name, ra)
	}
	project := reflect.TypeFor[ProjectRoleAssignments]()
	for i := range project.NumField() {
		p := &ProjectRoleAssignments{}
		reflect.ValueOf(p).Elem().Field(i).Set(reflect.ValueOf(make([]ProjectRoleAssignment, 1)))
		check("project "+project.Field(i).Name, RoleAssignments{Project: p})
	}
	// Two lists of one assignment each, every pair of neighbours: counts
	// that add up, not cancel out.
	for i := 1; i < project.NumField(); i++ {
		p := &ProjectRoleAssignments{}
		reflect.ValueOf(p).Elem().Field(i - 1).Set(reflect.ValueOf(make([]ProjectRoleAssignment, 1)))
		reflect.ValueOf(p).Elem().Field(i).Set(reflect.ValueOf(make([]ProjectRoleAssignment, 1)))
		if (RoleAssignments{Project: p}).empty() {
			t.Errorf("RoleAssignments with project %s and %s assignments is empty()", project.Field(i-1).Name, project.Field(i).Name)
		}
	}
	for _, ra := range []RoleAssignments{
		{Platform: make([]PlatformRoleAssignment, 1), Organization: make([]OrganizationRoleAssignment, 1)},
		{Organization: make([]OrganizationRoleAssignment, 1), Deployment: make([]DeploymentRoleAssignment, 1)},
	} {
		if ra.empty() {
			t.Errorf("%+v is empty()", ra)
		}
	}
	if want := top.NumField() - 1 + project.NumField(); lists != want {
		t.Errorf("checked %d lists, want %d", lists, want)
	}
	if !(RoleAssignments{}).empty() || !(RoleAssignments{Project: &ProjectRoleAssignments{}}).empty() {
		t.Error("an empty RoleAssignments is not empty()")
	}
}

func TestOpRoleAssignmentsPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"AddRoleAssignments", func(ctx context.Context, c *Client) error {
			return c.AddRoleAssignments(ctx, "realm/u?1#%", tcOneDeployment)
		}, "/users/realm%2Fu%3F1%23%25/role_assignments"},
		{"RemoveRoleAssignments/path traversal stays one segment", func(ctx context.Context, c *Client) error {
			return c.RemoveRoleAssignments(ctx, "../organizations", tcOneDeployment, nil)
		}, "/users/..%2Forganizations/role_assignments"},
	})
}

// TestOpRoleAssignmentsRetries: the DELETE with a body is retried like any
// DELETE and sends the same body each time; the POST is not retried after a
// 503, since the request reached the server.
func TestOpRoleAssignmentsRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		call      func(context.Context, *Client) error
		wantCalls int
		wantErr   bool
	}{
		{"RemoveRoleAssignments", func(ctx context.Context, c *Client) error {
			return c.RemoveRoleAssignments(ctx, "u-1", tcOneDeployment, &RemoveRoleAssignmentsOptions{Force: Ptr(true)})
		}, 2, false},
		{"AddRoleAssignments", func(ctx context.Context, c *Client) error { return c.AddRoleAssignments(ctx, "u-1", tcOneDeployment) }, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bodies, err := tcBodiesAfter503(t, tc.call)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("error = %v, want an error: %v", err, tc.wantErr)
			}
			if tc.wantErr && !errors.Is(err, ErrServer) {
				t.Errorf("error = %v, want the 503", err)
			}
			if len(bodies) != tc.wantCalls {
				t.Fatalf("%d requests, want %d", len(bodies), tc.wantCalls)
			}
			for i, b := range bodies {
				tcJSONEqual(t, []byte(b), tcOneDeploymentJSON)
				if i > 0 && b != bodies[0] {
					t.Errorf("attempt %d sent %q, the first %q", i+1, b, bodies[0])
				}
			}
		})
	}
}

// tcBodiesAfter503 runs call on a client that retries twice without waiting,
// against a mock that answers the first request 503 and the others 200 {},
// and returns call's error and the body of every request, in order.
func tcBodiesAfter503(t *testing.T, call func(context.Context, *Client) error) ([]string, error) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	var (
		mu     sync.Mutex
		bodies []string
	)
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		bodies = append(bodies, string(b))
		if len(bodies) == 1 {
			return httpmock.NewStringResponse(503, `{"errors":[]}`), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	c := mustClient(t, WithAPIKey(tcAPIKey), WithHTTPClient(&http.Client{Transport: mt}), WithRetryPolicy(RetryPolicy{MaxRetries: 2}))
	err := call(context.Background(), c)
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(bodies), err
}
