package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func noEnv(string) string { return "" }

// newServer has organization org-1 with a pending, an expired and an
// accepted invitation, on a clock stopped at t0.
func newServer(t *testing.T) (*ecloudtest.Server, []ecloud.OrganizationInvitation) {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	srv.SetClock(func() time.Time { return t0 })
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	accepted := t0.Add(-47 * time.Hour)
	invs := []ecloud.OrganizationInvitation{
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "done@example.com", CreatedAt: t0.Add(-48 * time.Hour), AcceptedAt: &accepted}),
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "old@example.com", CreatedAt: t0.Add(-96 * time.Hour)}),
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "new@example.com", CreatedAt: t0.Add(-time.Hour), ExpiresAt: t0.Add(7 * 24 * time.Hour)}),
	}
	return srv, invs
}

func TestTable(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	var out bytes.Buffer
	if err := listInvitations(t.Context(), srv.Client(), "org-1", false, &out); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"EMAIL             STATE     CREATED               EXPIRES\n" +
		"done@example.com  accepted  2025-06-28T12:00:00Z  2025-07-01T12:00:00Z\n" +
		"old@example.com   expired   2025-06-26T12:00:00Z  2025-06-29T12:00:00Z\n" +
		"new@example.com   pending   2025-06-30T11:00:00Z  2025-07-07T12:00:00Z\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestJSONLeavesTokensOut(t *testing.T) {
	t.Parallel()
	srv, invs := newServer(t)
	var out bytes.Buffer
	if err := listInvitations(t.Context(), srv.Client(), "org-1", true, &out); err != nil {
		t.Fatal(err)
	}
	accepted := t0.Add(-47 * time.Hour)
	want := []row{
		{"done@example.com", "accepted", t0.Add(-48 * time.Hour), t0.Add(24 * time.Hour), &accepted},
		{"old@example.com", "expired", t0.Add(-96 * time.Hour), t0.Add(-24 * time.Hour), nil},
		{"new@example.com", "pending", t0.Add(-time.Hour), t0.Add(7 * 24 * time.Hour), nil},
	}
	var got []row
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, out.Bytes())
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(got), len(want), out.Bytes())
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Email != w.Email || g.State != w.State || !g.CreatedAt.Equal(w.CreatedAt) || !g.ExpiresAt.Equal(w.ExpiresAt) ||
			(g.AcceptedAt == nil) != (w.AcceptedAt == nil) || (g.AcceptedAt != nil && !g.AcceptedAt.Equal(*w.AcceptedAt)) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	for _, inv := range invs {
		if strings.Contains(out.String(), inv.Token) {
			t.Errorf("the JSON output shows a token")
		}
	}
	if strings.Contains(out.String(), `"token"`) {
		t.Error("the JSON output has a token field")
	}
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), nil, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "using the built-in demo API") {
		t.Errorf("stderr does not say the demo API is used: %q", stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := [][2]string{
		{"EMAIL", "STATE"}, {"grace@example.com", "accepted"}, {"edsger@example.com", "expired"},
		{"barbara@example.com", "expired"}, {"alan@example.com", "pending"}, {"katherine@example.com", "pending"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), stdout.String())
	}
	for i, w := range want {
		f := strings.Fields(lines[i])
		if len(f) != 4 || f[0] != w[0] || f[1] != w[1] {
			t.Errorf("line %d = %q, want %s %s and two times", i, lines[i], w[0], w[1])
			continue
		}
		if i > 0 {
			created, err1 := time.Parse(time.RFC3339, f[2])
			expires, err2 := time.Parse(time.RFC3339, f[3])
			if err1 != nil || err2 != nil || !expires.After(created) {
				t.Errorf("line %d: times %q %q", i, f[2], f[3])
			}
		}
	}
}

func TestRunDemoJSON(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-json", "-org", "demo-org"}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	var rows []row
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, r := range rows {
		states[r.State]++
	}
	if len(rows) != 5 || states["pending"] != 2 || states["expired"] != 2 || states["accepted"] != 1 {
		t.Errorf("states = %v in %d rows, want 2 pending, 2 expired, 1 accepted", states, len(rows))
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `list-invitations: unexpected argument "extra"`},
		{[]string{"-org", "nope"}, 1, "list-invitations: ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found.\n"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: stdout %q, want nothing", tc.args, stdout.String())
		}
	}
}

// TestHelp: -h tells how the program finds the API, the demo mode included,
// and starts no demo API.
func TestHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-h"}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"usage: list-invitations [-org ID] [-json]", "EC_API_KEY", "EC_HOST", "built-in demo API", "-json"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "EC_API_KEY is not set") {
		t.Error("-h started the demo API")
	}
}

func TestOrganization(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	c, ctx := srv.Client(), t.Context()
	if _, err := organization(ctx, c, ""); err == nil || err.Error() != "you belong to no organization" {
		t.Errorf("no organizations: %v", err)
	}
	srv.AddOrganization(ecloud.Organization{ID: "b", Name: "B"})
	if id, err := organization(ctx, c, ""); err != nil || id != "b" {
		t.Errorf("one organization: %q, %v", id, err)
	}
	srv.AddOrganization(ecloud.Organization{ID: "a", Name: "A"})
	if _, err := organization(ctx, c, ""); err == nil || err.Error() != "you belong to several organizations (a, b): choose one with -org" {
		t.Errorf("two organizations: %v", err)
	}
	if id, err := organization(ctx, c, "given"); err != nil || id != "given" {
		t.Errorf("given: %q, %v", id, err)
	}
	if n := len(srv.Requests(ecloud.OpListOrganizations)); n != 3 {
		t.Errorf("%d list calls, want 3 (none when -org is given)", n)
	}
}

// With EC_API_KEY set, the program uses the API named by the environment
// (here EC_HOST points at a fake), not the demo. Not parallel: it sets the
// process environment, which ecloud.OptionsFromEnv reads.
func TestRunWithAPIKeyUsesTheEnvironment(t *testing.T) {
	srv, _ := newServer(t)
	t.Setenv("EC_API_KEY", "a-real-looking-key")
	t.Setenv("EC_HOST", srv.URL())
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-org", "org-1"}, &stdout, &stderr, os.Getenv); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing (no demo notice)", stderr.String())
	}
	if !strings.Contains(stdout.String(), "old@example.com   expired") || strings.Contains(stdout.String(), "grace@example.com") {
		t.Errorf("output is not the server's invitations:\n%s", stdout.String())
	}
	reqs := srv.Requests(ecloud.OpListOrganizationInvitations)
	if len(reqs) != 1 {
		t.Fatalf("the server saw %d list calls, want 1", len(reqs))
	}

	// A refused key: the error, and where to look.
	srv.FailNext(ecloud.OpListOrganizationInvitations, 401, ecloud.CodeRootUnauthorized)
	stdout.Reset()
	stderr.Reset()
	if code := run(t.Context(), []string{"-org", "org-1"}, &stdout, &stderr, os.Getenv); code != 1 ||
		!strings.HasPrefix(stderr.String(), "list-invitations: the API refused the credentials; check EC_API_KEY (and EC_HOST): ecloud: list-organization-invitations: 401 Unauthorized: root.unauthorized") {
		t.Errorf("refused key: exit %d, stderr %q", code, stderr.String())
	}

	// A bad EC_HOST fails NewClient: nothing is sent.
	t.Setenv("EC_HOST", "http://ece.example.com")
	stderr.Reset()
	if code := run(t.Context(), nil, &stdout, &stderr, os.Getenv); code != 1 || !strings.Contains(stderr.String(), "list-invitations: ecloud: ") {
		t.Errorf("plain http to a remote host: exit %d, stderr %q", code, stderr.String())
	}
}
