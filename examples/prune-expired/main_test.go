package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func noEnv(string) string { return "" }

// counting counts the delete calls made through the API.
type counting struct {
	api
	deletes atomic.Int32
}

func (c *counting) DeleteOrganizationInvitations(ctx context.Context, org string, tokens []string) error {
	c.deletes.Add(1)
	return c.api.DeleteOrganizationInvitations(ctx, org, tokens)
}

// newServer has organization org-1 with two expired invitations, a pending
// one, and an accepted one that has expired since.
func newServer(t *testing.T) *ecloudtest.Server {
	t.Helper()
	srv := ecloudtest.NewServer(t)
	srv.SetClock(func() time.Time { return t0 })
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	day := 24 * time.Hour
	accepted := t0.Add(-9 * day)
	for _, inv := range []ecloud.OrganizationInvitation{
		{Email: "accepted@example.com", CreatedAt: t0.Add(-10 * day), AcceptedAt: &accepted},
		{Email: "old@example.com", CreatedAt: t0.Add(-5 * day)},
		{Email: "pending@example.com", CreatedAt: t0.Add(-time.Hour)},
		{Email: "older@example.com", CreatedAt: t0.Add(-8 * day), ExpiresAt: t0.Add(-time.Minute)},
	} {
		srv.AddInvitation("org-1", inv)
	}
	return srv
}

func emails(invs []ecloud.OrganizationInvitation) string {
	var out []string
	for _, in := range invs {
		out = append(out, in.Email)
	}
	return strings.Join(out, " ")
}

func TestDryRunDeletesNothing(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	api := &counting{api: srv.Client()}
	var out bytes.Buffer
	if err := prune(t.Context(), api, "org-1", true, &out); err != nil {
		t.Fatal(err)
	}
	want := "old@example.com    expired 2025-06-28T12:00:00Z\n" +
		"older@example.com  expired 2025-06-30T11:59:00Z\n" +
		"dry run: would delete 2 expired invitation(s) of organization org-1\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if n := api.deletes.Load(); n != 0 {
		t.Errorf("%d delete calls in a dry run", n)
	}
	if got := emails(srv.Invitations("org-1")); got != "accepted@example.com old@example.com pending@example.com older@example.com" {
		t.Errorf("invitations after a dry run: %s", got)
	}
}

func TestPruneDeletesExpiredInOneCall(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	api := &counting{api: srv.Client()}
	var out bytes.Buffer
	if err := prune(t.Context(), api, "", false, &out); err != nil {
		t.Fatal(err)
	}
	want := "old@example.com    expired 2025-06-28T12:00:00Z\n" +
		"older@example.com  expired 2025-06-30T11:59:00Z\n" +
		"deleted 2 expired invitation(s) of organization org-1\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if n := api.deletes.Load(); n != 1 {
		t.Errorf("%d delete calls, want 1", n)
	}
	if got := emails(srv.Invitations("org-1")); got != "accepted@example.com pending@example.com" {
		t.Errorf("invitations left: %s, want the accepted and the pending one", got)
	}

	// Nothing left to prune: no call.
	out.Reset()
	if err := prune(t.Context(), api, "org-1", false, &out); err != nil {
		t.Fatal(err)
	}
	if want := "no expired invitations in organization org-1\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if n := api.deletes.Load(); n != 1 {
		t.Errorf("%d delete calls in all, want 1", n)
	}
}

func TestPruneReportsTheAPIsRefusal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(ecloud.OpDeleteOrganizationInvitations, 404, ecloud.CodeOrganizationInvitationNotFound)
	var out bytes.Buffer
	err := prune(t.Context(), srv.Client(), "org-1", false, &out)
	if !ecloud.HasCode(err, ecloud.CodeOrganizationInvitationNotFound) {
		t.Fatalf("error = %v", err)
	}
	if strings.Contains(out.String(), "deleted") {
		t.Errorf("output claims a deletion: %q", out.String())
	}
	if n := len(srv.Invitations("org-1")); n != 4 {
		t.Errorf("%d invitations, want 4", n)
	}
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		last string
	}{
		{[]string{"-dry-run"}, "dry run: would delete 2 expired invitation(s) of organization demo-org"},
		{nil, "deleted 2 expired invitation(s) of organization demo-org"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != 0 {
			t.Fatalf("%q: exit %d, stderr: %s", tc.args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "using the built-in demo API") {
			t.Errorf("stderr does not say the demo API is used: %q", stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "edsger@example.com ") || !strings.HasPrefix(lines[1], "barbara@example.com ") || lines[2] != tc.last {
			t.Errorf("%q: output:\n%s", tc.args, stdout.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"extra"}, 2, `prune-expired: unexpected argument "extra"`},
		{[]string{"-dry-run=maybe"}, 2, "invalid boolean value"},
		{[]string{"-org", "nope"}, 1, "prune-expired: ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found.\n"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), tc.args, &stdout, &stderr, noEnv); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
	}
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"-h"}, io.Discard, &stderr, noEnv); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	for _, want := range []string{"usage: prune-expired [-org ID] [-dry-run]", "EC_API_KEY", "EC_HOST", "built-in demo API", "-dry-run"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, stderr.String())
		}
	}
}

// With EC_API_KEY set, the program prunes the organization of the API named
// by the environment (here EC_HOST points at a fake). A delete refused
// because an invitation changed since it was listed says that nothing was
// deleted. Not parallel: it sets the process environment, which
// ecloud.OptionsFromEnv reads.
func TestRunWithAPIKeyUsesTheEnvironment(t *testing.T) {
	srv := newServer(t)
	t.Setenv("EC_API_KEY", "a-real-looking-key")
	t.Setenv("EC_HOST", srv.URL())
	srv.FailNext(ecloud.OpDeleteOrganizationInvitations, 404, ecloud.CodeOrganizationInvitationNotFound)
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), nil, &stdout, &stderr, os.Getenv); code != 1 ||
		!strings.HasPrefix(stderr.String(), "prune-expired: nothing was deleted: an invitation changed since it was listed; run again (ecloud: delete-organization-invitations: 404 Not Found") {
		t.Errorf("refused delete: exit %d, stderr %q", code, stderr.String())
	}
	if n := len(srv.Invitations("org-1")); n != 4 {
		t.Errorf("%d invitations, want 4", n)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(t.Context(), nil, &stdout, &stderr, os.Getenv); code != 0 || stderr.Len() != 0 ||
		!strings.HasSuffix(stdout.String(), "deleted 2 expired invitation(s) of organization org-1\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
