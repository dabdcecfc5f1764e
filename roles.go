package ecloud

import (
	"context"
	"net/http"
)

// AddRoleAssignments gives a user the roles in roles, keeping the roles the
// user has. roles must assign at least one role. It is a POST and is not
// retried after the request may have reached the server (see
// WithRetryNonIdempotent). Not available on ECE.
//
// Operation add-role-assignments: POST /users/{user_id}/role_assignments.
func (c *Client) AddRoleAssignments(ctx context.Context, userID string, roles RoleAssignments) error {
	const op = OpAddRoleAssignments
	path, err := roleAssignmentsPath(op, userID, roles)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: path, body: roles})
}

// RemoveRoleAssignments takes the roles in roles away from a user, keeping
// the user's other roles. roles must name at least one role. opts may be nil.
// The request is a DELETE with a JSON body. Not available on ECE.
//
// Operation remove-role-assignments: DELETE /users/{user_id}/role_assignments.
func (c *Client) RemoveRoleAssignments(ctx context.Context, userID string, roles RoleAssignments, opts *RemoveRoleAssignmentsOptions) error {
	const op = OpRemoveRoleAssignments
	path, err := roleAssignmentsPath(op, userID, roles)
	if err != nil {
		return err
	}
	q, err := optionsQuery(op, opts)
	if err != nil {
		return err
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: path, query: q, body: roles})
}

// roleAssignmentsPath validates the arguments of both operations and
// returns their path.
func roleAssignmentsPath(op, userID string, roles RoleAssignments) (string, error) {
	user, err := segment(op, "user ID", userID)
	if err != nil {
		return "", err
	}
	if roles.empty() {
		return "", invalidArgument(op, "no role assignments given")
	}
	return "/users/" + user + "/role_assignments", nil
}

// empty reports whether r assigns nothing: no assignment in any scope (a
// Project with every list empty counts as none).
func (r RoleAssignments) empty() bool {
	if len(r.Platform)+len(r.Organization)+len(r.Deployment) > 0 {
		return false
	}
	p := r.Project
	return p == nil || len(p.Elasticsearch)+len(p.Observability)+len(p.Security)+len(p.WorkplaceAI)+len(p.VectorDB) == 0
}
