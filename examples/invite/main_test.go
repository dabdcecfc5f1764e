package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func noEnv(string) string { return "" }

func newServer(t *testing.T) *ecloudtest.Server {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	srv.SetClock(func() time.Time { return t0 })
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-1", Email: "member@example.com"})
	return srv
}

func TestInvite(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var out bytes.Buffer
	err := invite(t.Context(), srv.Client(), "org-1", []string{"ada@example.org", "lin@example.org"}, "7d", "billing-admin", &out)
	if err != nil {
		t.Fatal(err)
	}
	want := "invited 2 address(es) to organization org-1\n" +
		"ada@example.org  expires 2025-07-07T12:00:00Z\n" +
		"lin@example.org  expires 2025-07-07T12:00:00Z\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	stored := srv.Invitations("org-1")
	if len(stored) != 2 {
		t.Fatalf("%d invitations stored, want 2", len(stored))
	}
	wantRoles := &ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1"}}}
	for _, inv := range stored {
		if diff := cmp.Diff(wantRoles, inv.RoleAssignments); diff != "" {
			t.Errorf("%s: role assignments (-want +got):\n%s", inv.Email, diff)
		}
		if strings.Contains(out.String(), inv.Token) {
			t.Error("the output shows a token")
		}
	}
}

func TestInviteDefaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var out bytes.Buffer
	// No organization given: the caller's only one. No expiry: three days.
	// No role: no role assignments.
	if err := invite(t.Context(), srv.Client(), "", []string{"ada@example.org"}, "", "", &out); err != nil {
		t.Fatal(err)
	}
	if want := "invited 1 address(es) to organization org-1\nada@example.org  expires 2025-07-03T12:00:00Z\n"; out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if inv := srv.Invitations("org-1")[0]; inv.RoleAssignments != nil {
		t.Errorf("role assignments = %+v, want none", inv.RoleAssignments)
	}
}

func TestInviteRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var out bytes.Buffer
	err := invite(t.Context(), srv.Client(), "org-1", []string{"member@example.com"}, "", "", &out)
	if !ecloud.HasCode(err, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs) {
		t.Fatalf("error = %v, want %s", err, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs)
	}
	if out.Len() != 0 {
		t.Errorf("output %q after a refusal", out.String())
	}
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	before := time.Now()
	if code := run(t.Context(), []string{"-expires-in", "36h", "-role", "organization-admin", "new@example.org"}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "using the built-in demo API") {
		t.Errorf("stderr does not say the demo API is used: %q", stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || lines[0] != "invited 1 address(es) to organization demo-org" {
		t.Fatalf("output:\n%s", stdout.String())
	}
	f := strings.Fields(lines[1])
	if len(f) != 3 || f[0] != "new@example.org" || f[1] != "expires" {
		t.Fatalf("line %q", lines[1])
	}
	expires, err := time.Parse(time.RFC3339, f[2])
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := before.Add(36*time.Hour-time.Second), time.Now().Add(36*time.Hour+time.Second); expires.Before(lo) || expires.After(hi) {
		t.Errorf("expires %v, want about 36h from now", expires)
	}
}

func TestRunRefusalNamesEachRefusedAddress(t *testing.T) {
	t.Parallel()
	const notice = "invite: the API refused; nobody was invited:\n"
	for _, tc := range []struct {
		args []string
		want string
	}{
		// alan@example.com has a pending invitation in the demo organization,
		// grace@example.com is a member.
		{[]string{"new@example.org", "alan@example.com", "not-an-email", "grace@example.com"}, notice +
			"  alan@example.com: organization.invitation_already_exists: Invitation already sent. Email: alan@example.com\n" +
			"  not-an-email: organization.invitation_invalid_email: Invitation email was not valid. Email: not-an-email\n" +
			"  grace@example.com: organization.user_organization_already_belongs: User already belongs to organization. Email: grace@example.com\n"},
		{[]string{"-expires-in", "3 days", "x@example.org"}, notice +
			`  expires_in: root.invalid_data: expires_in must be a positive duration such as "72h" or a number of days such as "7d".` + "\n"},
		{[]string{"-org", "nope", "x@example.org"}, "invite: ecloud: create-organization-invitations: 404 Not Found: organization.not_found: Organization not found.\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, &stdout, &stderr, noEnv)
		_, errLines, _ := strings.Cut(stderr.String(), "\n") // after the demo notice
		if code != 1 || errLines != tc.want || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr after the notice:\n%s\nwant exit 1 and:\n%s", tc.args, code, stdout.String(), errLines, tc.want)
		}
	}
}

func TestRefused(t *testing.T) {
	t.Parallel()
	emails := []string{"a@example.org", "b@example.org"}
	for _, tc := range []struct {
		fields []string
		want   string
	}{
		{[]string{"emails[1]"}, "b@example.org"},
		{[]string{"emails[0]", "emails[1]"}, "a@example.org, b@example.org"},
		{[]string{"emails[2]", "emails[-1]", "emails[x]"}, "emails[2], emails[-1], emails[x]"}, // not an address of the request
		{[]string{"expires_in"}, "expires_in"},
		{nil, "request"},
	} {
		if got := refused(tc.fields, emails); got != tc.want {
			t.Errorf("refused(%q) = %q, want %q", tc.fields, got, tc.want)
		}
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "invite: give at least one email address"},
		{[]string{"-expires-in"}, 2, "usage: invite"},
		{[]string{"-bogus", "a@example.org"}, 2, "usage: invite"},
		{[]string{"-help"}, 0, "usage: invite"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
		if strings.Contains(stderr.String(), "EC_API_KEY is not set") {
			t.Errorf("%q: a demo API was started for a usage error", tc.args)
		}
	}
	var stderr bytes.Buffer
	run(t.Context(), []string{"-h"}, io.Discard, &stderr, noEnv)
	for _, want := range []string{"EC_API_KEY", "EC_HOST", "built-in demo API", "-expires-in", "-role"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, stderr.String())
		}
	}
}

// With EC_API_KEY set, the program invites on the API named by the
// environment (here EC_HOST points at a fake), not on the demo. Not
// parallel: it sets the process environment, which ecloud.OptionsFromEnv
// reads.
func TestRunWithAPIKeyUsesTheEnvironment(t *testing.T) {
	srv := newServer(t)
	t.Setenv("EC_API_KEY", "a-real-looking-key")
	t.Setenv("EC_HOST", srv.URL())
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"ada@example.org"}, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if stderr.Len() != 0 || !strings.HasPrefix(stdout.String(), "invited 1 address(es) to organization org-1\n") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	if invs := srv.Invitations("org-1"); len(invs) != 1 || invs[0].Email != "ada@example.org" {
		t.Errorf("the server holds %+v", invs)
	}
}
