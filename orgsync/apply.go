package orgsync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/grant"
)

// DefaultConcurrency is how many actions Apply runs at once when
// ApplyOptions.Concurrency is 0.
const DefaultConcurrency = 4

// ApplyOptions are the options of Apply; nil means the defaults.
type ApplyOptions struct {
	// Concurrency is how many actions run at once; 0 means
	// DefaultConcurrency. Negative is an error.
	Concurrency int
	// ContinueOnError keeps starting actions after one failed. An action
	// that waits for one that failed (a member's removal of roles waits for
	// its addition) is still skipped.
	ContinueOnError bool
}

// Status is what became of an action.
type Status string

// The statuses of an action.
const (
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped" // not started
)

// Outcome is what became of one action.
type Outcome struct {
	Action Action
	Status Status
	// Err is why the action failed (the API's error), or why it was skipped:
	// stopped after a failure, ctx ended (the error matches ctx.Err()), or an
	// action it waits for did not succeed. Nil when done.
	Err error
}

// String is the outcome as one line: the status, the action, and the error.
func (o Outcome) String() string {
	line := fmt.Sprintf("%-7s %s", o.Status, o.Action)
	if o.Err != nil {
		line += ": " + o.Err.Error()
	}
	return line
}

// Result is what Apply did: an Outcome per action of the plan, in the
// plan's order.
type Result struct {
	Outcomes []Outcome
}

// Count returns how many actions ended with status s.
func (r *Result) Count(s Status) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// String is one line per action, as Outcome.String, in the plan's order.
func (r *Result) String() string {
	var b strings.Builder
	for _, o := range r.Outcomes {
		b.WriteString(o.String() + "\n")
	}
	return b.String()
}

// errStopped is why actions are skipped after a failure.
var errStopped = errors.New("not started: an action failed and ContinueOnError is off")

// Apply carries out plan in organization plan.OrganizationID() and returns
// what became of each action. It runs up to opts.Concurrency actions at
// once, in the plan's order as far as the order between actions allows (a
// member's roles are added before others are removed; AdminRole is taken
// from a member only after every grant of it the plan adds). After a failure
// it starts nothing more, unless opts.ContinueOnError; once ctx ends it
// starts nothing more. The error is nil when every action was done;
// otherwise it says how many failed and were skipped and matches each
// failure's error and, when ctx ended, ctx.Err(). A nil plan, a negative
// Concurrency, and a plan applied before are errors matching
// ecloud.ErrInvalidArgument, with a nil Result.
//
// Apply sends each request once: retries are the client's, which never
// resends a POST that may have reached the server.
func Apply(ctx context.Context, api API, plan *Plan, opts *ApplyOptions) (*Result, error) {
	var o ApplyOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case api == nil:
		return nil, invalid("Apply: no API given")
	case plan == nil:
		return nil, invalid("Apply: no plan given")
	case o.Concurrency < 0:
		return nil, invalid("Apply: Concurrency is %d", o.Concurrency)
	case o.Concurrency == 0:
		o.Concurrency = DefaultConcurrency
	}
	if !plan.applied.CompareAndSwap(false, true) {
		return nil, invalid("Apply: the plan was applied before; make a new plan")
	}

	steps := plan.steps
	res := &Result{Outcomes: make([]Outcome, len(steps))}
	for i, s := range steps {
		res.Outcomes[i].Action = s.action()
	}
	type finished struct {
		i   int
		err error
	}
	results := make(chan finished, len(steps))
	started := make([]bool, len(steps))
	running, failed := 0, false
	var stop error // why nothing more is started
	for {
		if stop == nil {
			if err := ctx.Err(); err != nil {
				stop = fmt.Errorf("not started: %w", err)
			} else if failed && !o.ContinueOnError {
				stop = errStopped
			}
		}
		// Start what can start; skip what never will. Skipping one step
		// may doom a later one, so repeat until nothing changes.
		for changed := true; changed; {
			changed = false
			for i, s := range steps {
				if started[i] {
					continue
				}
				why, ready := stop, true
				for _, j := range s.after {
					switch {
					case why != nil:
					case res.Outcomes[j].Status == Failed || res.Outcomes[j].Status == Skipped:
						why = fmt.Errorf("not started: it waits for %q, which did not succeed", steps[j].action().String())
					case res.Outcomes[j].Status != Done:
						ready = false
					}
				}
				switch {
				case why != nil:
					started[i], changed = true, true
					res.Outcomes[i].Status, res.Outcomes[i].Err = Skipped, why
				case ready && running < o.Concurrency:
					started[i] = true
					running++
					go func() { results <- finished{i, s.run(ctx, api, plan)} }()
				}
			}
		}
		if running == 0 {
			break // every step has started or was skipped: steps never wait in a circle
		}
		f := <-results
		running--
		if f.err != nil {
			res.Outcomes[f.i].Status, res.Outcomes[f.i].Err = Failed, f.err
			failed = true
		} else {
			res.Outcomes[f.i].Status = Done
		}
	}
	return res, applyError(ctx, res)
}

// run carries out one step.
func (s *step) run(ctx context.Context, api API, plan *Plan) error {
	org := plan.organizationID
	switch s.kind {
	case Invite:
		return invite(ctx, api, plan, s.email, s.grants)
	case Reinvite:
		if err := api.DeleteOrganizationInvitations(ctx, org, s.tokens()); err != nil {
			return err
		}
		if err := invite(ctx, api, plan, s.email, s.grants); err != nil {
			return fmt.Errorf("revoked the invitations of %s, but inviting again failed: %w", s.email, err)
		}
		return nil
	case AddRoles:
		return api.AddRoleAssignments(ctx, s.userID, grant.ToRoleAssignments(s.grants))
	case RemoveRoles:
		return api.RemoveRoleAssignments(ctx, s.userID, grant.ToRoleAssignments(s.grants), nil)
	case RemoveMember:
		return api.DeleteOrganizationMemberships(ctx, org, []string{s.userID}, nil)
	case Revoke:
		return api.DeleteOrganizationInvitations(ctx, org, s.tokens())
	}
	return fmt.Errorf("orgsync: unknown action %q", s.kind)
}

// invite invites email with the roles in grants (none when it is empty).
func invite(ctx context.Context, api API, plan *Plan, email string, grants grant.Set) error {
	req := ecloud.CreateInvitationsRequest{Emails: []string{email}, ExpiresIn: plan.expiresIn}
	if len(grants) > 0 {
		ra := grant.ToRoleAssignments(grants)
		req.RoleAssignments = &ra
	}
	_, err := api.CreateOrganizationInvitations(ctx, plan.organizationID, req)
	return err
}

// applyError is the error of Apply for res: nil when every action was done.
func applyError(ctx context.Context, res *Result) error {
	failed, skipped := res.Count(Failed), res.Count(Skipped)
	if failed+skipped == 0 {
		return nil
	}
	msg := fmt.Sprintf("orgsync: %d of %d actions failed, %d skipped", failed, len(res.Outcomes), skipped)
	var errs []error
	for _, o := range res.Outcomes {
		if o.Status == Failed {
			if errs == nil {
				msg += fmt.Sprintf("; first failure: %s: %v", o.Action, o.Err)
			}
			errs = append(errs, o.Err)
		}
	}
	if err := ctx.Err(); err != nil {
		msg += "; stopped: " + err.Error()
		errs = append(errs, err)
	}
	return &joinedError{msg: msg, errs: errs}
}

// joinedError is an error with its own message that matches each of errs.
type joinedError struct {
	msg  string
	errs []error
}

func (e *joinedError) Error() string   { return e.msg }
func (e *joinedError) Unwrap() []error { return e.errs }
