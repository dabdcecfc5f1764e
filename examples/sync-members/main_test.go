package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
	"github.com/ecloud-go/ecloud/orgsync"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

// demoPlan is the plan of members.json against the demo API, with
// -remove-unlisted: an action of every kind. docs/orgsync.md shows it.
const demoPlan = `plan for organization demo-org: 8 action(s)
+ invite        margaret@example.com: deployment:deployment-admin@demo-org/all, project/security:viewer@demo-org/p-soc
~ re-invite     alan@example.com: organization:billing-admin@demo-org (replaces 1 pending invitation with other roles)
~ re-invite     edsger@example.com: deployment:deployment-viewer@demo-org/all (replaces 1 expired invitation)
+ add roles     grace@example.com: deployment:deployment-editor@demo-org/d-search, deployment:deployment-viewer@demo-org/d-logs
- remove roles  grace@example.com: deployment:deployment-viewer@demo-org/d-search
- remove member dennis@example.com: user 1000000003, not listed
- revoke        barbara@example.com: 1 expired invitation, not listed
- revoke        katherine@example.com: 1 expired invitation; a pending one with the listed roles is kept
`

const dryRunLine = "dry run: nothing was changed; run again with -apply to make these changes\n"

func TestDemoDryRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", "members.json", "-remove-unlisted"}, demoPlan + dryRunLine},
		{[]string{"-remove-unlisted"}, demoPlan + dryRunLine}, // the sample list, embedded
		{[]string{"-f", "members.json"}, strings.NewReplacer(
			"8 action(s)", "6 action(s)",
			"- remove member dennis@example.com: user 1000000003, not listed\n", "",
			"- revoke        barbara@example.com: 1 expired invitation, not listed\n", "",
		).Replace(demoPlan) +
			"# barbara@example.com has 1 expired invitation, not listed: kept, as RemoveUnlisted is off\n" +
			"# dennis@example.com is a member, not listed: kept, as RemoveUnlisted is off\n" + dryRunLine},
		{[]string{"-f", "members.json", "-remove-unlisted", "-protect", "x@example.com, DENNIS@example.com"}, strings.NewReplacer(
			"8 action(s)", "7 action(s)",
			"- remove member dennis@example.com: user 1000000003, not listed\n", "",
		).Replace(demoPlan) +
			"# dennis@example.com is protected: left alone, though the list would remove member\n" + dryRunLine},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != 0 {
			t.Fatalf("%q: exit %d, stderr: %s", tc.args, code, stderr.String())
		}
		if d := cmp.Diff(tc.want, stdout.String()); d != "" {
			t.Errorf("%q: output (-want +got):\n%s", tc.args, d)
		}
		if !strings.Contains(stderr.String(), "using the built-in demo API") {
			t.Errorf("stderr does not say the demo API is used: %q", stderr.String())
		}
	}
}

func TestDemoApply(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-f", "members.json", "-remove-unlisted", "-apply"}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	var applied []string
	for _, line := range strings.Split(demoPlan, "\n")[1:] {
		if line != "" {
			applied = append(applied, "done    "+line)
		}
	}
	want := demoPlan + "\napplied:\n" + strings.Join(applied, "\n") + "\n8 done, 0 failed, 0 skipped\n"
	if d := cmp.Diff(want, stdout.String()); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
}

// writeCounter counts the write calls made through it.
type writeCounter struct {
	syncAPI
	writes atomic.Int32
}

func (c *writeCounter) CreateOrganizationInvitations(ctx context.Context, org string, req ecloud.CreateInvitationsRequest) ([]ecloud.OrganizationInvitation, error) {
	c.writes.Add(1)
	return c.syncAPI.CreateOrganizationInvitations(ctx, org, req)
}

func (c *writeCounter) DeleteOrganizationInvitations(ctx context.Context, org string, tokens []string) error {
	c.writes.Add(1)
	return c.syncAPI.DeleteOrganizationInvitations(ctx, org, tokens)
}

func (c *writeCounter) DeleteOrganizationMemberships(ctx context.Context, org string, users []string, opts *ecloud.DeleteMembershipsOptions) error {
	c.writes.Add(1)
	return c.syncAPI.DeleteOrganizationMemberships(ctx, org, users, opts)
}

func (c *writeCounter) AddRoleAssignments(ctx context.Context, user string, roles ecloud.RoleAssignments) error {
	c.writes.Add(1)
	return c.syncAPI.AddRoleAssignments(ctx, user, roles)
}

func (c *writeCounter) RemoveRoleAssignments(ctx context.Context, user string, roles ecloud.RoleAssignments, opts *ecloud.RemoveRoleAssignmentsOptions) error {
	c.writes.Add(1)
	return c.syncAPI.RemoveRoleAssignments(ctx, user, roles, opts)
}

func demoServer(t *testing.T) *ecloudtest.Server {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	demo.Seed(srv, now)
	seedDemo(srv, now)
	return srv
}

func sampleList(t *testing.T, removeUnlisted bool) orgsync.Desired {
	t.Helper()
	members, err := parseMembers("members.json", sampleMembers)
	if err != nil {
		t.Fatal(err)
	}
	return orgsync.Desired{Members: members, RemoveUnlisted: removeUnlisted}
}

// TestDryRunWritesNothingAndApplyConverges: without apply nothing is
// written; after apply, the next run has nothing to do.
func TestDryRunWritesNothingAndApplyConverges(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	api := &writeCounter{syncAPI: srv.Client()}
	want := sampleList(t, true)
	var out bytes.Buffer
	if err := syncMembers(t.Context(), api, "", want, false, &out); err != nil {
		t.Fatal(err)
	}
	if n := api.writes.Load(); n != 0 || out.String() != demoPlan+dryRunLine {
		t.Fatalf("dry run: %d writes, output:\n%s", n, out.String())
	}
	if err := syncMembers(t.Context(), api, demo.OrgID, want, true, &out); err != nil {
		t.Fatal(err)
	}
	if n := api.writes.Load(); n != 10 { // 8 actions, of which 2 re-invites of two calls each
		t.Errorf("%d writes, want 10", n)
	}
	out.Reset()
	if err := syncMembers(t.Context(), api, "", want, true, &out); err != nil {
		t.Fatal(err)
	}
	if want := "plan for organization demo-org: 0 action(s)\nthe organization matches the list: nothing to do\n"; out.String() != want {
		t.Errorf("second run:\n%s\nwant:\n%s", out.String(), want)
	}
	// Grace has the listed roles, with the grant on the deleted deployment,
	// which no request named.
	wantGrace := &ecloud.RoleAssignments{Deployment: []ecloud.DeploymentRoleAssignment{
		{RoleID: "deployment-editor", OrganizationID: demo.OrgID, DeploymentIDs: []string{"d-search"}},
		{RoleID: "deployment-viewer", OrganizationID: demo.OrgID, DeploymentIDs: []string{"d-logs", "d-old", "d-web"}},
	}}
	if d := cmp.Diff(wantGrace, srv.Members(demo.OrgID)[1].RoleAssignments); d != "" {
		t.Errorf("grace's roles (-want +got):\n%s", d)
	}
}

// TestApplyReportsFailures: a refused action is printed as failed, the rest
// of the run goes on only as far as orgsync allows, and the error is
// returned.
func TestApplyReportsFailures(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	srv.FailNext(ecloud.OpAddRoleAssignments, http.StatusForbidden, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments)
	var out bytes.Buffer
	err := syncMembers(t.Context(), srv.Client(), "", sampleList(t, false), true, &out)
	if !ecloud.HasCode(err, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments) {
		t.Fatalf("error %v", err)
	}
	for _, want := range []string{
		"failed  + add roles     grace@example.com: deployment:deployment-editor@demo-org/d-search, deployment:deployment-viewer@demo-org/d-logs: ecloud: add-role-assignments: 403",
		"skipped - remove roles  grace@example.com",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestReadMembersRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		json, err string
	}{
		{`[{"email": "a@example.com", "roles": {}, "role": {}}]`, `unknown field "role"`},
		{`[{"email": "a@example.com", "roles": {"deployment": [{"role_id": "x", "organization_id": "o", "deployment_id": ["d"]}]}}]`, `unknown field "deployment_id"`},
		{`[{"email": "a@example.com"}]`, `member 0 (a@example.com) has no "roles"; write "roles": {} for none`},
		{`[{"email": "a@example.com", "roles": {}}] []`, "data after the list"},
		{`{"email": "a@example.com"}`, "cannot unmarshal object"},
		{`[`, "unexpected EOF"},
	} {
		if _, err := parseMembers("members.json", []byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.json, err, tc.err)
		}
	}
	members, err := parseMembers("members.json", sampleMembers)
	if err != nil || len(members) != 6 || members[1].Email != "Grace@Example.com" || len(members[1].Roles.Deployment) != 2 {
		t.Errorf("members.json: %+v, %v", members, err)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	dup := filepath.Join(t.TempDir(), "dup.json")
	if err := os.WriteFile(dup, []byte(`[{"email": "a@example.com", "roles": {}}, {"email": " A@example.com", "roles": {}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	noAdmin := filepath.Join(t.TempDir(), "no-admin.json") // Ada, the demo's only admin, is not listed
	if err := os.WriteFile(noAdmin, []byte(`[{"email": "grace@example.com", "roles": {}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-f", "members.json", "extra"}, 2, "sync-members: give the list with -f, and no other argument"},
		{[]string{"-apply=maybe"}, 2, "invalid boolean value"},
		{[]string{"-h"}, 0, "-remove-unlisted"},
		{[]string{"-h"}, 0, "EC_API_KEY  your Elastic Cloud API key; without it, the program runs\n              against a built-in demo API"},
		{[]string{"-h"}, 0, "EC_HOST     the address of an ECE installation"},
		{[]string{"-f", noAdmin, "-remove-unlisted"}, 1, "sync-members: orgsync: no member would be left with the role organization-admin: organization demo-org: the plan takes it from ada@example.com"},
		{[]string{"-f", "missing.json"}, 1, "sync-members: open missing.json: no such file or directory"},
		{[]string{"-f", dup}, 1, "members[1]: A@example.com is listed twice (also members[0])"},
		{[]string{"-f", "members.json", "-org", "nope"}, 1, `sync-members: orgsync: members[0] (ada@example.com): organization[0]: organization_id is "demo-org", not the organization synced, "nope"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
	}
}

// TestDocsShowTheDemoPlan: the printout of docs/orgsync.md is this
// program's, and the sample list is members.json.
func TestDocsShowTheDemoPlan(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/orgsync.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "```console\n$ go run ./examples/sync-members -f examples/sync-members/members.json -remove-unlisted\n" + demoPlan + dryRunLine + "```\n"
	if !strings.Contains(string(doc), want) {
		t.Errorf("docs/orgsync.md does not show the plan of the demo verbatim; want:\n%s", want)
	}
	sample, err := os.ReadFile("members.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```json\n"+string(sample)+"```\n") {
		t.Error("docs/orgsync.md does not show members.json verbatim")
	}
}

// With EC_API_KEY set, the program plans against the API named by the
// environment (here EC_HOST points at a fake seeded like the demo). Not
// parallel: it sets the process environment, which ecloud.OptionsFromEnv
// reads.
func TestRunWithAPIKeyUsesTheEnvironment(t *testing.T) {
	srv := demoServer(t)
	t.Setenv("EC_API_KEY", "a-real-looking-key")
	t.Setenv("EC_HOST", srv.URL())
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-f", "members.json", "-remove-unlisted"}, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if stderr.Len() != 0 || stdout.String() != demoPlan+dryRunLine {
		t.Errorf("stdout:\n%s\nstderr %q", stdout.String(), stderr.String())
	}
	// With a real API, there is no sample list: -f is required.
	stdout.Reset()
	if code := run(t.Context(), []string{"-remove-unlisted"}, &stdout, &stderr, os.Getenv); code != 2 ||
		!strings.Contains(stderr.String(), "give the list with -f") || stdout.Len() != 0 {
		t.Errorf("without -f: exit %d, stdout %q, stderr %q; want exit 2 asking for -f", code, stdout.String(), stderr.String())
	}
	if n := len(srv.Requests(ecloud.OpListOrganizationMembers)); n != 1 {
		t.Errorf("the server saw %d member listings, want 1", n)
	}
}
