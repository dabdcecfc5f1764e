// Package orgsync makes an organization's members, invitations and roles
// match a list: membership as code.
//
// NewPlan reads the organization (its members and invitations; nothing is
// written) and works out the actions that make it match a Desired list;
// Plan.String shows them, one line per action, which is a dry run. Apply
// carries a plan out and reports every action as done, failed or skipped:
//
//	plan, err := orgsync.NewPlan(ctx, client, orgID, orgsync.Desired{Members: members})
//	if err != nil {
//		return err
//	}
//	fmt.Print(plan) // review it
//	result, err := orgsync.Apply(ctx, client, plan, nil)
//	fmt.Print(result)
//
// # Rules
//
// Roles are compared as sets of grants, as package ecloudtest and the
// "Roles" section of docs/operations.md describe them: one grant per scope, role,
// organization, target and application roles, where a deployment or project
// target is one ID or "all". Only the difference is sent: giving a member
// one more deployment adds exactly that grant, and nothing the member keeps
// is removed or sent again, so a grant on a deleted or hidden deployment
// that the list does not change can never make a change fail. Only grants in the organization being
// synced are managed: grants the listing shows in other organizations, and
// platform roles, are left alone, and a Member that asks for one is an error.
//
// For each member, the missing grants are added before the extra ones are
// removed, and the removal is not started when the addition failed, so a
// failure midway never leaves a member with less access than both before and
// after.
//
// A listed email that is neither a member nor holds a pending invitation is
// invited with its roles. Invitations cannot be changed: a pending invitation
// with other roles is revoked and sent again (the action "re-invite"), and so
// is an expired one that was not accepted. When the email already holds a
// pending invitation with its roles, its other unaccepted invitations are
// revoked. Accepted invitations are history: they are never read as state nor
// touched. A listed email that is a member is left alone as an invitee.
//
// With RemoveUnlisted, a member whose email is not listed is removed from the
// organization and the email's unaccepted invitations are revoked; without
// it they are left alone and the plan notes them. A protected email
// (Desired.Protect) is never removed or changed, nor are its invitations:
// the plan notes what the list would have changed. NewPlan refuses, with an
// error matching ErrLastAdmin, a plan that would remove or demote every
// member who holds the organization role organization-admin; Apply takes
// that role from a member only once every grant of it the plan adds has been
// made.
//
// Emails are matched with ASCII letters case-insensitive and surrounding
// space ignored; any other difference makes another address, so that a
// look-alike (a Kelvin sign U+212A for a "K") is never taken for a listed
// person.
// An email listed twice is an error (ecloud.ErrInvalidArgument), as two
// entries could ask for different roles. A member the listing shows without
// an email or user ID, and an invitation without an email or token, cannot
// be matched or acted on: it is left alone, with a note.
//
// After an Apply that succeeded, NewPlan on the same Desired is empty. After
// a partial failure, planning again gives the actions that remain: running
// the sync again converges.
//
// # Apply
//
// Apply runs up to ApplyOptions.Concurrency actions at once (4 by default),
// each one API call (two for a re-invite: revoke, then invite). It starts
// nothing more after the first failure unless ContinueOnError is set, and
// nothing more once ctx ends; what was not started is reported as skipped.
// It adds no retries of its own: each call goes through the client's retry
// rules and rate limit, which never resend a POST (an invitation, a role
// addition) that may have reached the server.
//
// Invitation tokens, which Apply needs to revoke invitations, are kept
// inside the plan and never printed: not by Plan.String, Action.String,
// Result.String or any error.
package orgsync

import (
	"context"
	"errors"

	"github.com/ecloud-go/ecloud"
)

// API is the part of the Elastic Cloud API that orgsync uses: listing and
// removing members, listing, creating and revoking invitations, and adding
// and removing role assignments. *ecloud.Client implements it.
type API interface {
	ListOrganizationMembers(ctx context.Context, organizationID string) ([]ecloud.OrganizationMembership, error)
	DeleteOrganizationMemberships(ctx context.Context, organizationID string, userIDs []string, opts *ecloud.DeleteMembershipsOptions) error
	ListOrganizationInvitations(ctx context.Context, organizationID string) ([]ecloud.OrganizationInvitation, error)
	CreateOrganizationInvitations(ctx context.Context, organizationID string, req ecloud.CreateInvitationsRequest) ([]ecloud.OrganizationInvitation, error)
	DeleteOrganizationInvitations(ctx context.Context, organizationID string, tokens []string) error
	AddRoleAssignments(ctx context.Context, userID string, roles ecloud.RoleAssignments) error
	RemoveRoleAssignments(ctx context.Context, userID string, roles ecloud.RoleAssignments, opts *ecloud.RemoveRoleAssignmentsOptions) error
}

var _ API = (*ecloud.Client)(nil)

// Member is one person of the list.
type Member struct {
	Email string                 // matched with ASCII letters case-insensitive, surrounding space ignored
	Roles ecloud.RoleAssignments // the complete set of roles this person should have
}

// Desired is what the organization should look like.
type Desired struct {
	Members        []Member
	RemoveUnlisted bool     // remove members, and revoke invitations, whose email is not listed
	Protect        []string // emails never removed or changed (e.g. the owner running the sync)
	ExpiresIn      string   // for new invitations; "" = the API's default
}

// AdminRole is the organization role of which NewPlan never removes the last
// holder.
const AdminRole = "organization-admin"

// ErrLastAdmin is matched by the error of NewPlan when the plan would leave
// the organization without a member holding AdminRole.
var ErrLastAdmin = errors.New("orgsync: no member would be left with the role " + AdminRole)
