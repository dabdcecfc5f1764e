package orgsync

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/ascii"
	"github.com/ecloud-go/ecloud/internal/grant"
)

// Kind is what an action does.
type Kind string

// The kinds of action, in the order a plan lists and starts them: what
// gives access before what takes it away.
const (
	Invite       Kind = "invite"        // create an invitation for the email, with the listed roles
	Reinvite     Kind = "re-invite"     // revoke the email's invitations, then invite it again
	AddRoles     Kind = "add roles"     // add the grants the member lacks
	RemoveRoles  Kind = "remove roles"  // remove the grants the member should not have
	RemoveMember Kind = "remove member" // remove the member from the organization
	Revoke       Kind = "revoke"        // revoke the email's unaccepted invitations
)

var kindOrder = map[Kind]int{Invite: 0, Reinvite: 1, AddRoles: 2, RemoveRoles: 3, RemoveMember: 4, Revoke: 5}

// Action is one step of a plan, for people and programs to inspect. It holds
// no invitation token.
type Action struct {
	Kind  Kind
	Email string // the member's or invitation's email, or the listed one for Invite
	// UserID is the member of AddRoles, RemoveRoles and RemoveMember.
	UserID string
	// Roles are the grants AddRoles adds or RemoveRoles removes (exactly what
	// is sent), or the roles of the invitation Invite and Reinvite create; in
	// canonical form.
	Roles ecloud.RoleAssignments
	// Invitations is how many invitations Revoke and Reinvite revoke.
	Invitations int
	// Reason says why, for Reinvite, Revoke and RemoveMember; for Revoke it
	// also describes the invitations, such as "1 pending invitation, not
	// listed".
	Reason string
}

// String is the action as one line of Plan.String, such as
// "+ add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2".
func (a Action) String() string {
	sign := "-"
	switch a.Kind {
	case Invite, AddRoles:
		sign = "+"
	case Reinvite:
		sign = "~"
	}
	line := fmt.Sprintf("%s %-13s %s: ", sign, a.Kind, a.Email)
	switch a.Kind {
	case RemoveMember:
		return line + "user " + a.UserID + ", " + a.Reason
	case Revoke:
		return line + a.Reason
	}
	line += describeGrants(grant.Of(&a.Roles))
	if a.Reason != "" {
		line += " (" + a.Reason + ")"
	}
	return line
}

// describeGrants lists grants in canonical order, or says there are none.
func describeGrants(s grant.Set) string {
	if len(s) == 0 {
		return "no roles"
	}
	var parts []string
	for _, g := range s.Sorted() {
		parts = append(parts, g.String())
	}
	return strings.Join(parts, ", ")
}

// Plan is the set of actions that make an organization match a Desired
// list, made by NewPlan and carried out by Apply. It is applied once: plan
// again rather than apply a plan twice.
type Plan struct {
	organizationID string
	expiresIn      string
	// steps are in the order of Kind, then email and user ID.
	steps []*step
	notes []string
	// applied is set by Apply.
	applied atomic.Bool
}

// step is an action with what Apply needs and Action does not show.
type step struct {
	kind        Kind
	email       string
	userID      string
	grants      grant.Set // added, removed, or the invitation's
	invitations int       // how many invitations Revoke and Reinvite revoke
	tokens      secret    // their tokens
	reason      string
	adminChange int   // +1 when the step gives AdminRole, -1 when it takes it
	after       []int // indexes of the steps that must be done first
}

func (s *step) action() Action {
	return Action{Kind: s.kind, Email: s.email, UserID: s.userID, Roles: grant.ToRoleAssignments(s.grants),
		Invitations: s.invitations, Reason: s.reason}
}

// OrganizationID is the organization the plan is for.
func (p *Plan) OrganizationID() string { return p.organizationID }

// Empty reports whether the plan has no action: the organization matches
// the list (notes aside).
func (p *Plan) Empty() bool { return len(p.steps) == 0 }

// Actions returns the plan's actions, in the order String lists them.
func (p *Plan) Actions() []Action {
	out := make([]Action, len(p.steps))
	for i, s := range p.steps {
		out[i] = s.action()
	}
	return out
}

// Notes are what the plan leaves alone though the list or the listing
// mentions it, such as a protected email whose roles differ from the list,
// or a member not listed while RemoveUnlisted is off; in email order.
func (p *Plan) Notes() []string { return slices.Clone(p.notes) }

// String is the plan for people: one line per action in a stable order
// (by kind, then email), each starting with "+" (gives access), "~"
// (re-invite) or "-" (takes access away), then one line per note starting
// with "#". It is empty for an empty plan without notes, and never shows an
// invitation token.
func (p *Plan) String() string {
	var b strings.Builder
	for _, s := range p.steps {
		b.WriteString(s.action().String() + "\n")
	}
	for _, n := range p.notes {
		b.WriteString("# " + n + "\n")
	}
	return b.String()
}

// NewPlan reads the members and invitations of organizationID and returns
// the plan that makes them match want; it writes nothing. want is checked
// before any request: an empty or invalid email, an email listed twice, a
// role outside the organization (or a platform role), or a deployment or
// project assignment without exactly one of all and IDs is an error matching
// ecloud.ErrInvalidArgument. A plan that would leave no member with the role
// organization-admin is refused with an error matching ErrLastAdmin. Errors
// of the API are returned wrapped.
func NewPlan(ctx context.Context, api API, organizationID string, want Desired) (*Plan, error) {
	if api == nil {
		return nil, invalid("NewPlan: no API given")
	}
	d, err := readDesired(organizationID, want)
	if err != nil {
		return nil, err
	}
	members, err := api.ListOrganizationMembers(ctx, organizationID)
	if err != nil {
		return nil, fmt.Errorf("orgsync: listing the members of %s: %w", organizationID, err)
	}
	invitations, err := api.ListOrganizationInvitations(ctx, organizationID)
	if err != nil {
		return nil, fmt.Errorf("orgsync: listing the invitations of %s: %w", organizationID, err)
	}
	return makePlan(d, members, invitations)
}

// desired is a checked Desired.
type desired struct {
	org            string
	listed         map[string]listed // by email key
	protect        map[string]bool   // email keys
	removeUnlisted bool
	expiresIn      string
}

type listed struct {
	email  string // as listed, without surrounding space
	grants grant.Set
}

// emailKey is what emails are matched by.
func emailKey(email string) string { return ascii.Lower(strings.TrimSpace(email)) }

func invalid(format string, args ...any) error {
	return fmt.Errorf("orgsync: "+format+": %w", append(args, ecloud.ErrInvalidArgument)...)
}

// readDesired checks want, for organization org.
func readDesired(org string, want Desired) (desired, error) {
	d := desired{org: org, listed: map[string]listed{}, protect: map[string]bool{}, removeUnlisted: want.RemoveUnlisted, expiresIn: want.ExpiresIn}
	if strings.TrimSpace(org) == "" {
		return d, invalid("no organization ID given")
	}
	first := map[string]int{}
	for i, m := range want.Members {
		email, err := checkEmail(m.Email)
		if err != nil {
			return d, invalid("members[%d]: %v", i, err)
		}
		key := emailKey(email)
		if j, dup := first[key]; dup {
			return d, invalid("members[%d]: %s is listed twice (also members[%d]); list each person once with all their roles", i, email, j)
		}
		first[key] = i
		if err := checkRoles(org, &m.Roles); err != nil {
			return d, invalid("members[%d] (%s): %v", i, email, err)
		}
		d.listed[key] = listed{email: email, grants: grant.Of(&m.Roles)}
	}
	for i, email := range want.Protect {
		email, err := checkEmail(email)
		if err != nil {
			return d, invalid("protect[%d]: %v", i, err)
		}
		d.protect[emailKey(email)] = true
	}
	return d, nil
}

// checkEmail returns email without surrounding space when it is a bare
// address.
func checkEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", fmt.Errorf("the email is empty")
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Name != "" || a.Address != email {
		return "", fmt.Errorf("%q is not an email address", email)
	}
	return email, nil
}

// checkRoles refuses what the plan could not give in organization org: a
// platform role, a role of another organization, an assignment without a
// role, and a deployment or project assignment without exactly one of all
// and IDs, or with an empty ID.
func checkRoles(org string, ra *ecloud.RoleAssignments) error {
	if len(ra.Platform) > 0 {
		return fmt.Errorf("platform[0]: platform roles are not given by an organization")
	}
	type assignment struct {
		field, roleID, orgID string
		targeted             bool // a deployment or project assignment
		all                  *bool
		ids                  []string
	}
	var list []assignment
	for i, a := range ra.Organization {
		list = append(list, assignment{field: fmt.Sprintf("organization[%d]", i), roleID: a.RoleID, orgID: a.OrganizationID})
	}
	for i, a := range ra.Deployment {
		list = append(list, assignment{fmt.Sprintf("deployment[%d]", i), a.RoleID, a.OrganizationID, true, a.All, a.DeploymentIDs})
	}
	for typ, as := range grant.ProjectLists(ra.Project) {
		for i, a := range as {
			list = append(list, assignment{fmt.Sprintf("project.%s[%d]", typ, i), a.RoleID, a.OrganizationID, true, a.All, a.ProjectIDs})
		}
	}
	for _, a := range list {
		switch {
		case a.roleID == "":
			return fmt.Errorf("%s: role_id is empty", a.field)
		case a.orgID != org:
			return fmt.Errorf("%s: organization_id is %q, not the organization synced, %q", a.field, a.orgID, org)
		case !a.targeted:
			continue
		case (a.all != nil && *a.all) == (len(a.ids) > 0):
			return fmt.Errorf("%s: give either all: true or a list of IDs", a.field)
		case slices.Contains(a.ids, ""):
			return fmt.Errorf("%s: an ID is empty", a.field)
		}
	}
	return nil
}

// diff returns the grants to add to and remove from have, a member's roles,
// so that its grants in organization org are want. Grants in other
// organizations, and platform grants, are in neither.
func diff(org string, have *ecloud.RoleAssignments, want grant.Set) (add, remove grant.Set) {
	mine := grant.Set{}
	for g := range grant.Of(have) {
		if g.Scope != grant.Platform && g.OrganizationID == org {
			mine.Add(g)
		}
	}
	return want.Minus(mine), mine.Minus(want)
}

// adminGrants counts the grants of s that are AdminRole in org.
func adminGrants(org string, s grant.Set) int {
	n := 0
	for g := range s {
		if g.Scope == grant.Organization && g.RoleID == AdminRole && g.OrganizationID == org {
			n++
		}
	}
	return n
}

// planner builds a plan from a checked Desired and the organization's
// state.
type planner struct {
	d     desired
	plan  *Plan
	notes map[string][]string // by email key ("" for those without one)
	// adminAfter is whether a member holds AdminRole after the plan;
	// adminLost describes each member that holds it now but not after.
	adminAfter bool
	adminLost  []string
}

// makePlan is NewPlan after the reads.
func makePlan(d desired, members []ecloud.OrganizationMembership, invitations []ecloud.OrganizationInvitation) (*Plan, error) {
	p := newPlanner(d)

	membersOf := map[string][]ecloud.OrganizationMembership{}
	for _, m := range members {
		switch {
		case strings.TrimSpace(m.Email) == "" && m.UserID == "":
			p.note("", "a member the listing shows without email or user ID is left alone")
		case strings.TrimSpace(m.Email) == "":
			p.note("", "user "+m.UserID+" is left alone: the listing shows no email")
			p.admin(m, p.holdsAdmin(m), "")
		default:
			membersOf[emailKey(m.Email)] = append(membersOf[emailKey(m.Email)], m)
		}
	}
	invitationsOf := map[string][]ecloud.OrganizationInvitation{}
	for _, inv := range invitations {
		switch {
		case inv.AcceptedAt != nil:
			// History, not state.
		case strings.TrimSpace(inv.Email) == "":
			p.note("", "an invitation the listing shows without email is left alone")
		case inv.Token == "":
			p.note(emailKey(inv.Email), "an invitation of "+inv.Email+" is left alone: the listing shows no token")
		default:
			invitationsOf[emailKey(inv.Email)] = append(invitationsOf[emailKey(inv.Email)], inv)
		}
	}

	keys := slices.Collect(maps.Keys(d.listed))
	for k := range membersOf {
		keys = append(keys, k)
	}
	for k := range invitationsOf {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range slices.Compact(keys) {
		ms, invs := membersOf[key], invitationsOf[key]
		slices.SortFunc(ms, func(a, b ecloud.OrganizationMembership) int { return strings.Compare(a.UserID, b.UserID) })
		want, isListed := d.listed[key]
		if d.protect[key] {
			p.protected(key, want, isListed, ms, invs)
		} else {
			p.email(key, want, isListed, ms, invs)
		}
	}
	if err := p.checkAdmins(); err != nil {
		return nil, err
	}
	p.order()
	return p.plan, nil
}

func newPlanner(d desired) *planner {
	return &planner{d: d, plan: &Plan{organizationID: d.org, expiresIn: d.expiresIn}, notes: map[string][]string{}}
}

func (p *planner) note(key, text string) { p.notes[key] = append(p.notes[key], text) }

func (p *planner) add(s *step) { p.plan.steps = append(p.plan.steps, s) }

// holdsAdmin reports whether m holds AdminRole now.
func (p *planner) holdsAdmin(m ecloud.OrganizationMembership) bool {
	return adminGrants(p.d.org, grant.Of(m.RoleAssignments)) > 0
}

// admin records whether m holds AdminRole after the plan and, when it loses
// the role, why.
func (p *planner) admin(m ecloud.OrganizationMembership, after bool, why string) {
	switch {
	case after:
		p.adminAfter = true
	case p.holdsAdmin(m):
		p.adminLost = append(p.adminLost, fmt.Sprintf("%s (user %s, %s)", m.Email, m.UserID, why))
	}
}

// noUserID leaves alone a member the listing shows without user ID.
func (p *planner) noUserID(m ecloud.OrganizationMembership) {
	p.note(emailKey(m.Email), "a member "+m.Email+" is left alone: the listing shows no user ID")
	p.admin(m, p.holdsAdmin(m), "")
}

// member plans the roles of a listed member.
func (p *planner) member(m ecloud.OrganizationMembership, want grant.Set) {
	if m.UserID == "" {
		p.noUserID(m)
		return
	}
	add, remove := diff(p.d.org, m.RoleAssignments, want)
	p.admin(m, adminGrants(p.d.org, want) > 0, "listed without it")
	if len(add) > 0 {
		p.add(&step{kind: AddRoles, email: m.Email, userID: m.UserID, grants: add, adminChange: sign(adminGrants(p.d.org, add))})
	}
	if len(remove) > 0 {
		p.add(&step{kind: RemoveRoles, email: m.Email, userID: m.UserID, grants: remove, adminChange: -sign(adminGrants(p.d.org, remove))})
	}
}

func sign(n int) int { return min(n, 1) }

// invitee plans the invitations of a listed email that is not a member.
func (p *planner) invitee(want listed, invs []ecloud.OrganizationInvitation) {
	// Keep the pending invitation with the listed roles that expires last.
	keep := -1
	for i, inv := range invs {
		if !inv.Expired && grant.Of(inv.RoleAssignments).Equal(want.grants) && (keep < 0 || inv.ExpiresAt.After(invs[keep].ExpiresAt)) {
			keep = i
		}
	}
	if keep >= 0 {
		if others := slices.Delete(slices.Clone(invs), keep, keep+1); len(others) > 0 {
			p.add(&step{kind: Revoke, email: want.email, invitations: len(others), tokens: tokensOf(others),
				reason: describeInvitations(others, want.grants) + "; a pending one with the listed roles is kept"})
		}
		return
	}
	s := &step{kind: Invite, email: want.email, grants: want.grants}
	if len(invs) > 0 {
		s.kind, s.invitations, s.tokens, s.reason = Reinvite, len(invs), tokensOf(invs), "replaces "+describeInvitations(invs, want.grants)
	}
	p.add(s)
}

// unlisted plans the members and invitations of an email that is not
// listed.
func (p *planner) unlisted(key string, ms []ecloud.OrganizationMembership, invs []ecloud.OrganizationInvitation) {
	if !p.d.removeUnlisted {
		for _, m := range ms {
			p.admin(m, p.holdsAdmin(m), "")
			p.note(key, m.Email+" is a member, not listed: kept, as RemoveUnlisted is off")
		}
		if len(invs) > 0 {
			p.note(key, invs[0].Email+" has "+describeInvitations(invs, nil)+", not listed: kept, as RemoveUnlisted is off")
		}
		return
	}
	for _, m := range ms {
		if m.UserID == "" {
			p.noUserID(m)
			continue
		}
		p.admin(m, false, "removed, not listed")
		p.add(&step{kind: RemoveMember, email: m.Email, userID: m.UserID, reason: "not listed",
			adminChange: -sign(adminGrants(p.d.org, grant.Of(m.RoleAssignments)))})
	}
	if len(invs) > 0 {
		p.add(&step{kind: Revoke, email: invs[0].Email, invitations: len(invs), tokens: tokensOf(invs), reason: describeInvitations(invs, nil) + ", not listed"})
	}
}

// email plans the members and invitations of an email that is not
// protected.
func (p *planner) email(key string, want listed, isListed bool, ms []ecloud.OrganizationMembership, invs []ecloud.OrganizationInvitation) {
	switch {
	case !isListed:
		p.unlisted(key, ms, invs)
	case len(ms) > 0:
		for _, m := range ms {
			p.member(m, want.grants)
		}
	default:
		p.invitee(want, invs)
	}
}

// protected changes nothing for a protected email, and notes what the list
// would have changed.
func (p *planner) protected(key string, want listed, isListed bool, ms []ecloud.OrganizationMembership, invs []ecloud.OrganizationInvitation) {
	for _, m := range ms {
		p.admin(m, p.holdsAdmin(m), "")
	}
	probe := newPlanner(p.d)
	probe.email(key, want, isListed, ms, invs)
	steps := probe.plan.steps
	if len(steps) == 0 {
		return
	}
	slices.SortStableFunc(steps, func(a, b *step) int { return cmp.Compare(kindOrder[a.kind], kindOrder[b.kind]) })
	var would []string
	for _, s := range steps {
		would = append(would, string(s.kind))
	}
	p.note(key, key+" is protected: left alone, though the list would "+strings.Join(slices.Compact(would), " and "))
}

// secret holds invitation tokens where no fmt verb reaches them, even on a
// Plan value: fmt prints a func as an address.
type secret func() []string

// tokensOf returns the tokens of invs.
func tokensOf(invs []ecloud.OrganizationInvitation) secret {
	toks := make([]string, len(invs))
	for i, inv := range invs {
		toks[i] = inv.Token
	}
	return func() []string { return toks }
}

// describeInvitations describes unaccepted invitations by state, such as
// "1 pending invitation with other roles and 1 expired invitation"; with
// want nil, pending ones are not compared.
func describeInvitations(invs []ecloud.OrganizationInvitation, want grant.Set) string {
	var expired, pendingOther, pending int
	for _, inv := range invs {
		switch {
		case inv.Expired:
			expired++
		case want != nil && !grant.Of(inv.RoleAssignments).Equal(want):
			pendingOther++
		default:
			pending++
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{pendingOther, "pending %s with other roles"}, {pending, "pending %s"}, {expired, "expired %s"}} {
		if c.n == 0 {
			continue
		}
		noun := "invitation"
		if c.n > 1 {
			noun += "s"
		}
		parts = append(parts, fmt.Sprintf("%d "+c.what, c.n, noun))
	}
	return strings.Join(parts, " and ")
}

// checkAdmins refuses a plan that takes AdminRole from every member that
// holds it.
func (p *planner) checkAdmins() error {
	if p.adminAfter || len(p.adminLost) == 0 {
		return nil
	}
	slices.Sort(p.adminLost)
	return fmt.Errorf("%w: organization %s: the plan takes it from %s, the only member(s) holding it; "+
		"list one of them with the role, or protect one", ErrLastAdmin, p.d.org, strings.Join(p.adminLost, " and "))
}

// order sorts the steps by kind, email and user ID, links each step to the
// steps that must be done first, and gathers the notes: a member's removal
// of roles waits for its addition, and a step that takes AdminRole from a
// member waits for every step that gives it.
func (p *planner) order() {
	steps := p.plan.steps
	slices.SortFunc(steps, func(a, b *step) int {
		return cmp.Or(cmp.Compare(kindOrder[a.kind], kindOrder[b.kind]), cmp.Compare(emailKey(a.email), emailKey(b.email)), cmp.Compare(a.userID, b.userID))
	})
	for _, s := range steps {
		for j, t := range steps {
			switch {
			case s.kind == RemoveRoles && t.kind == AddRoles && t.userID == s.userID,
				s.adminChange < 0 && t.adminChange > 0:
				s.after = append(s.after, j)
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(p.notes)) {
		p.plan.notes = append(p.plan.notes, p.notes[key]...)
	}
}
