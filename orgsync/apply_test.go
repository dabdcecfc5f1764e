package orgsync

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/google/go-cmp/cmp"
)

// TestOnlyTheDifferenceIsSent: adding one deployment sends exactly that
// grant, removing one sends exactly that one, and nothing the member keeps
// is sent, so a hidden deployment the list does not change blocks nothing.
func TestOnlyTheDifferenceIsSent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.member("owner@example.com", admin)
	f.member("ada@example.com", viewer("d-hidden", "d-1"), orgRole("billing-admin"))
	f.srv.HideDeployment("d-hidden")
	want := Desired{Members: []Member{
		{Email: "owner@example.com", Roles: admin},
		{Email: "ada@example.com", Roles: union(viewer("d-hidden", "d-2"), orgRole("billing-admin"))},
	}}
	p := f.plan(t, want)
	f.apply(t, p, nil)
	wantWrites := []string{
		`POST /users/u-ada/role_assignments {"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d-2"]}]}`,
		`DELETE /users/u-ada/role_assignments {"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d-1"]}]}`,
	}
	if d := cmp.Diff(wantWrites, f.rec.writes()); d != "" {
		t.Errorf("writes (-want +got):\n%s", d)
	}
	if d := cmp.Diff(ptrRoles(orgRole("billing-admin"), viewer("d-2", "d-hidden")), f.roles(t, "ada@example.com")); d != "" {
		t.Errorf("roles (-want +got):\n%s", d)
	}
	if again := f.plan(t, want); !again.Empty() {
		t.Errorf("plan after Apply:\n%s", again)
	}
}

// TestAMembersRolesAreAddedBeforeTheyAreRemoved: the addition goes first;
// when the removal fails the member has both the old and the new roles;
// when the addition fails the removal is not sent and the member keeps the
// old roles.
func TestAMembersRolesAreAddedBeforeTheyAreRemoved(t *testing.T) {
	t.Parallel()
	list := []Member{{Email: "owner@example.com", Roles: admin}, {Email: "ada@example.com", Roles: viewer("d-2")}}
	seed := func() *fixture {
		f := newFixture(t)
		f.member("owner@example.com", admin)
		f.member("ada@example.com", viewer("d-1"))
		return f
	}

	f := seed()
	f.apply(t, f.plan(t, Desired{Members: list}), &ApplyOptions{Concurrency: 8})
	if w := f.rec.writes(); len(w) != 2 || !strings.HasPrefix(w[0], "POST ") || !strings.HasPrefix(w[1], "DELETE ") {
		t.Errorf("writes: %q, want the POST first", w)
	}

	f = seed()
	f.srv.FailNext(ecloud.OpRemoveRoleAssignments, http.StatusForbidden, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
	res, err := Apply(t.Context(), f.client, f.plan(t, Desired{Members: list}), nil)
	if !ecloud.HasCode(err, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments) || res.Count(Done) != 1 || res.Count(Failed) != 1 {
		t.Fatalf("error %v\n%s", err, res)
	}
	if d := cmp.Diff(ptrRoles(viewer("d-1", "d-2")), f.roles(t, "ada@example.com")); d != "" {
		t.Errorf("after a failed removal, roles (-want +got):\n%s", d)
	}

	f = seed()
	f.srv.FailNext(ecloud.OpAddRoleAssignments, http.StatusForbidden, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
	res, err = Apply(t.Context(), f.client, f.plan(t, Desired{Members: list}), &ApplyOptions{ContinueOnError: true})
	if err == nil || res.Count(Failed) != 1 || res.Count(Skipped) != 1 {
		t.Fatalf("error %v\n%s", err, res)
	}
	skipped := res.Outcomes[1]
	if skipped.Action.Kind != RemoveRoles || skipped.Status != Skipped ||
		skipped.Err.Error() != `not started: it waits for "+ add roles     ada@example.com: deployment:deployment-viewer@org-1/d-2", which did not succeed` {
		t.Errorf("outcome of the removal: %v", skipped)
	}
	if w := f.rec.writes(); len(w) != 1 {
		t.Errorf("writes: %q, want only the failed addition", w)
	}
	if d := cmp.Diff(ptrRoles(viewer("d-1")), f.roles(t, "ada@example.com")); d != "" {
		t.Errorf("after a failed addition, roles (-want +got):\n%s", d)
	}
}

// TestApplyThenPlanIsEmpty: after a successful Apply of a plan with every
// kind of action, NewPlan on the same list is empty, and the state is the
// list.
func TestApplyThenPlanIsEmpty(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	res := f.apply(t, f.plan(t, want), nil)
	if res.Count(Done) != len(everyKindPlan)-1 {
		t.Errorf("result:\n%s", res)
	}
	again := f.plan(t, want)
	if !again.Empty() {
		t.Errorf("plan after Apply:\n%s", again)
	}
	if d := cmp.Diff(ptrRoles(viewer("d-1", "d-3")), f.roles(t, "ada@example.com")); d != "" {
		t.Errorf("ada's roles (-want +got):\n%s", d)
	}
}

// TestStopAtTheFirstError: after a failure nothing more is started; what
// was not started is skipped; the error wraps the API's.
func TestStopAtTheFirstError(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	f.srv.FailNext(ecloud.OpCreateOrganizationInvitations, http.StatusBadRequest, ecloud.CodeOrganizationInvitationsPendingLimitExceeded)
	p := f.plan(t, want)
	res, err := Apply(t.Context(), f.client, p, &ApplyOptions{Concurrency: 1})
	if !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationsPendingLimitExceeded) || !errors.Is(err, ecloud.ErrBadRequest) {
		t.Fatalf("error %v", err)
	}
	if !strings.HasPrefix(err.Error(), "orgsync: 1 of 8 actions failed, 7 skipped; first failure: + invite        hal@example.com: organization:billing-admin@org-1: ecloud: create-organization-invitations: 400") {
		t.Errorf("error text: %v", err)
	}
	if res.Outcomes[0].Status != Failed || res.Count(Skipped) != 7 {
		t.Errorf("result:\n%s", res)
	}
	for _, o := range res.Outcomes[1:] {
		if !errors.Is(o.Err, errStopped) {
			t.Errorf("%s: %v", o.Action, o.Err)
		}
	}
	if w := f.rec.writes(); len(w) != 1 {
		t.Errorf("writes: %q, want only the failed one", w)
	}
}

// TestContinueOnErrorThenConverge: failures midway with ContinueOnError do
// not stop the other actions; planning again gives what remains, and
// applying that converges.
func TestContinueOnErrorThenConverge(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	f.srv.FailNext(ecloud.OpAddRoleAssignments, http.StatusServiceUnavailable) // not retried: a POST that reached the server
	f.srv.FailNext(ecloud.OpDeleteOrganizationMemberships, http.StatusInternalServerError)
	res, err := Apply(t.Context(), f.client, f.plan(t, want), &ApplyOptions{Concurrency: 2, ContinueOnError: true})
	if !errors.Is(err, ecloud.ErrServer) {
		t.Fatalf("error %v", err)
	}
	var got []string
	for _, o := range res.Outcomes {
		got = append(got, string(o.Status)+" "+string(o.Action.Kind)+" "+o.Action.Email)
	}
	wantOutcomes := []string{
		"done invite hal@example.com",
		"done re-invite dan@example.com",
		"done re-invite eve@example.com",
		"failed add roles ada@example.com",
		"skipped remove roles ada@example.com",
		"failed remove member bob@example.com",
		"done revoke cy@example.com",
		"done revoke fay@example.com",
	}
	if d := cmp.Diff(wantOutcomes, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}

	again := f.plan(t, want)
	wantPlan := []string{
		"+ add roles     ada@example.com: deployment:deployment-viewer@org-1/d-3",
		"- remove roles  ada@example.com: deployment:deployment-viewer@org-1/d-2",
		"- remove member bob@example.com: user u-bob, not listed",
		"# user u-ghost is left alone: the listing shows no email",
	}
	if d := cmp.Diff(wantPlan, lines(again.String())); d != "" {
		t.Errorf("plan after a partial failure (-want +got):\n%s", d)
	}
	f.apply(t, again, nil)
	if last := f.plan(t, want); !last.Empty() {
		t.Errorf("plan after the second Apply:\n%s", last)
	}
}

// TestAPOSTIsSentOnce: Apply adds no retry of its own, and a POST that
// reached the server is not resent by the client either.
func TestAPOSTIsSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.member("owner@example.com", admin)
	f.member("ada@example.com")
	f.srv.FailNext(ecloud.OpCreateOrganizationInvitations, http.StatusServiceUnavailable)
	f.srv.FailNext(ecloud.OpAddRoleAssignments, http.StatusBadGateway)
	want := Desired{Members: []Member{{Email: "owner@example.com", Roles: admin}, {Email: "ada@example.com", Roles: viewer("d-1")}, {Email: "new@example.com"}}}
	res, err := Apply(t.Context(), f.client, f.plan(t, want), &ApplyOptions{ContinueOnError: true})
	if err == nil || res.Count(Failed) != 2 {
		t.Fatalf("error %v\n%s", err, res)
	}
	if w := f.rec.writes(); len(w) != 2 {
		t.Errorf("writes: %q, want each POST once", w)
	}
}

// TestCancelledContext: once ctx ends nothing more is started, the rest is
// skipped, and the error matches context.Canceled.
func TestCancelledContext(t *testing.T) {
	t.Parallel()
	f, want, _ := everyKind(t)
	p := f.plan(t, want)
	before := f.state(t)
	ctx, cancel := context.WithCancel(t.Context())
	api := &hooked{API: f.client, before: func(string) { cancel() }}
	res, err := Apply(ctx, api, p, &ApplyOptions{Concurrency: 1, ContinueOnError: true})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if res.Outcomes[0].Status != Failed || !errors.Is(res.Outcomes[0].Err, context.Canceled) || res.Count(Skipped) != len(res.Outcomes)-1 {
		t.Errorf("result:\n%s", res)
	}
	for _, o := range res.Outcomes[1:] {
		if !errors.Is(o.Err, context.Canceled) {
			t.Errorf("%s: %v", o.Action, o.Err)
		}
	}
	if f.state(t) != before {
		t.Error("the state changed")
	}

	// Cancelled before Apply: nothing starts.
	f, want, _ = everyKind(t)
	p = f.plan(t, want)
	res, err = Apply(ctx, f.client, p, nil)
	if !errors.Is(err, context.Canceled) || res.Count(Skipped) != len(res.Outcomes) || len(f.rec.writes()) != 0 {
		t.Errorf("error %v, writes %q\n%s", err, f.rec.writes(), res)
	}
}

// hooked calls before (with the method's name) ahead of each write, and
// counts the writes in flight.
type hooked struct {
	API
	before            func(method string)
	inFlight, maxSeen atomic.Int32
}

func (h *hooked) enter(method string) func() {
	n := h.inFlight.Add(1)
	for {
		m := h.maxSeen.Load()
		if n <= m || h.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	if h.before != nil {
		h.before(method)
	}
	return func() { h.inFlight.Add(-1) }
}

func (h *hooked) CreateOrganizationInvitations(ctx context.Context, org string, req ecloud.CreateInvitationsRequest) ([]ecloud.OrganizationInvitation, error) {
	defer h.enter("CreateOrganizationInvitations")()
	return h.API.CreateOrganizationInvitations(ctx, org, req)
}

func (h *hooked) DeleteOrganizationInvitations(ctx context.Context, org string, tokens []string) error {
	defer h.enter("DeleteOrganizationInvitations")()
	return h.API.DeleteOrganizationInvitations(ctx, org, tokens)
}

func (h *hooked) AddRoleAssignments(ctx context.Context, user string, roles ecloud.RoleAssignments) error {
	defer h.enter("AddRoleAssignments")()
	return h.API.AddRoleAssignments(ctx, user, roles)
}

func (h *hooked) RemoveRoleAssignments(ctx context.Context, user string, roles ecloud.RoleAssignments, opts *ecloud.RemoveRoleAssignmentsOptions) error {
	defer h.enter("RemoveRoleAssignments")()
	return h.API.RemoveRoleAssignments(ctx, user, roles, opts)
}

func (h *hooked) DeleteOrganizationMemberships(ctx context.Context, org string, users []string, opts *ecloud.DeleteMembershipsOptions) error {
	defer h.enter("DeleteOrganizationMemberships")()
	return h.API.DeleteOrganizationMemberships(ctx, org, users, opts)
}

// TestConcurrencyIsBounded: no more than Concurrency actions run at once,
// and that many do. Each call waits until that many are in flight (or 2 s),
// then 50 ms more, so calls beyond the bound would overlap and be seen.
func TestConcurrencyIsBounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		concurrency, want int
	}{{1, 1}, {3, 3}, {0, DefaultConcurrency}} {
		f := newFixture(t)
		f.member("owner@example.com", admin)
		want := Desired{Members: []Member{{Email: "owner@example.com", Roles: admin}}}
		for _, c := range "abcdefghijkl" { // 12 invitations: whole batches of 1, 3 and 4
			want.Members = append(want.Members, Member{Email: string(c) + "@example.com"})
		}
		api := &hooked{API: f.client}
		api.before = func(string) {
			for deadline := time.Now().Add(2 * time.Second); int(api.inFlight.Load()) < tc.want && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
		}
		res, err := Apply(t.Context(), api, f.plan(t, want), &ApplyOptions{Concurrency: tc.concurrency})
		if err != nil || res.Count(Done) != 12 {
			t.Fatalf("concurrency %d: %v\n%s", tc.concurrency, err, res)
		}
		if got := int(api.maxSeen.Load()); got != tc.want {
			t.Errorf("concurrency %d: %d actions ran at once, want %d", tc.concurrency, got, tc.want)
		}
	}
}

// TestAdminIsTakenOnlyAfterItIsGiven: handing organization-admin over,
// the old holder loses it only after the new one has it; when giving it
// fails, the old holder keeps it, even with ContinueOnError.
func TestAdminIsTakenOnlyAfterItIsGiven(t *testing.T) {
	t.Parallel()
	list := Desired{Members: []Member{{Email: "ada@example.com", Roles: admin}, {Email: "owner@example.com"}}, RemoveUnlisted: true}
	seed := func() *fixture {
		f := newFixture(t)
		f.member("ada@example.com")
		f.member("owner@example.com", admin)
		f.member("zed@example.com", admin) // removed, not listed
		return f
	}

	f := seed()
	var mu sync.Mutex
	var order []string
	api := &hooked{API: f.client, before: func(m string) {
		if m == "AddRoleAssignments" {
			time.Sleep(100 * time.Millisecond) // the others would overtake it, were they not waiting
		}
		mu.Lock()
		order = append(order, m)
		mu.Unlock()
	}}
	if _, err := Apply(t.Context(), api, f.plan(t, list), &ApplyOptions{Concurrency: 8}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"AddRoleAssignments", "DeleteOrganizationMemberships", "RemoveRoleAssignments"}, sortedAfterFirst(order)); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}

	f = seed()
	f.srv.FailNext(ecloud.OpAddRoleAssignments, http.StatusForbidden)
	res, err := Apply(t.Context(), f.client, f.plan(t, list), &ApplyOptions{ContinueOnError: true})
	if err == nil || res.Count(Failed) != 1 || res.Count(Skipped) != 2 {
		t.Fatalf("error %v\n%s", err, res)
	}
	if d := cmp.Diff(&admin, f.roles(t, "owner@example.com")); d != "" {
		t.Errorf("owner's roles (-want +got):\n%s", d)
	}
	if len(f.srv.Members(org)) != 3 {
		t.Errorf("members: %+v", f.srv.Members(org))
	}
}

// sortedAfterFirst keeps the first element and sorts the rest.
func sortedAfterFirst(s []string) []string {
	if len(s) < 2 {
		return s
	}
	rest := slices.Clone(s[1:])
	slices.Sort(rest)
	return append([]string{s[0]}, rest...)
}

// TestApplyRefuses a nil plan or API, a negative concurrency and a plan
// applied before, sending nothing.
func TestApplyRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.member("owner@example.com", admin)
	p := f.plan(t, Desired{Members: []Member{{Email: "owner@example.com", Roles: admin}, {Email: "new@example.com"}}})
	for _, tc := range []struct {
		api  API
		plan *Plan
		opts *ApplyOptions
		msg  string
	}{
		{nil, p, nil, "no API"},
		{f.client, nil, nil, "no plan"},
		{f.client, p, &ApplyOptions{Concurrency: -1}, "Concurrency is -1"},
	} {
		if res, err := Apply(t.Context(), tc.api, tc.plan, tc.opts); res != nil || !errors.Is(err, ecloud.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, %v", tc.msg, res, err)
		}
	}
	if n := len(f.rec.writes()); n != 0 {
		t.Fatalf("%d writes", n)
	}
	f.apply(t, p, nil)
	if _, err := Apply(t.Context(), f.client, p, nil); !errors.Is(err, ecloud.ErrInvalidArgument) || !strings.Contains(err.Error(), "applied before") {
		t.Errorf("second Apply: %v", err)
	}
	if n := len(f.rec.writes()); n != 1 {
		t.Errorf("%d writes, want 1", n)
	}
	// An empty plan applies to an empty result.
	res, err := Apply(t.Context(), f.client, f.plan(t, Desired{Members: []Member{{Email: "owner@example.com", Roles: admin}, {Email: "new@example.com"}}}), nil)
	if err != nil || len(res.Outcomes) != 0 || res.String() != "" {
		t.Errorf("empty plan: %v, %v", res, err)
	}
}
