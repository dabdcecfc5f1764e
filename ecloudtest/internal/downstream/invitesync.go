// Package invitesync is code as a team that uses ecloud would write it, with
// the tests such a team would write with ecloudtest: a job that revokes the
// invitations of an organization that expired without being accepted.
package invitesync

import (
	"context"
	"fmt"
	"time"

	"github.com/ecloud-go/ecloud"
)

// API is what the job calls.
type API interface {
	ListOrganizationInvitations(ctx context.Context, organizationID string) ([]ecloud.OrganizationInvitation, error)
	DeleteOrganizationInvitations(ctx context.Context, organizationID string, tokens []string) error
}

// Options tune a run.
type Options struct {
	Batch   int           // tokens per delete call; 0 means 50
	PerCall time.Duration // deadline of each call; 0 means none
}

// RevokeExpired deletes the invitations of org that expired without being
// accepted, Batch tokens per call, and returns the emails of those it
// revoked. It stops at the first error, returning what it revoked so far;
// running it again picks up the rest.
func RevokeExpired(ctx context.Context, api API, org string, opts Options) ([]string, error) {
	if opts.Batch <= 0 {
		opts.Batch = 50
	}
	call := func() (context.Context, context.CancelFunc) {
		if opts.PerCall > 0 {
			return context.WithTimeout(ctx, opts.PerCall)
		}
		return context.WithCancel(ctx)
	}

	cctx, cancel := call()
	invs, err := api.ListOrganizationInvitations(cctx, org)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("listing the invitations: %w", err)
	}
	var tokens, emails []string
	for _, inv := range invs {
		if inv.Expired && inv.AcceptedAt == nil {
			tokens = append(tokens, inv.Token)
			emails = append(emails, inv.Email)
		}
	}
	var revoked []string
	for start := 0; start < len(tokens); start += opts.Batch {
		end := min(start+opts.Batch, len(tokens))
		cctx, cancel := call()
		err := api.DeleteOrganizationInvitations(cctx, org, tokens[start:end])
		cancel()
		if err != nil {
			return revoked, fmt.Errorf("revoking %d invitations: %w", end-start, err)
		}
		revoked = append(revoked, emails[start:end]...)
	}
	return revoked, nil
}
