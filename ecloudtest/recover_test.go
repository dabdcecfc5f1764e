package ecloudtest_test

import (
	"bytes"
	"context"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// TestAPanicWhileServing: a handler that panics (here through the test's own
// clock) is reported against the test and answered 500; the server is not
// left locked, and serves the next requests.
func TestAPanicWhileServing(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	srv := ecloudtest.NewServer(rec)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	c := srv.Client()
	srv.SetClock(func() time.Time { panic("the clock broke") })

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second) // a deadlock fails here instead of hanging
	defer cancel()
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	apiErr := wantAPIError(t, err, 500, "root.unexpected_error")
	if !strings.Contains(apiErr.Errors[0].Message, "panicked") {
		t.Errorf("message %q does not say the fake panicked", apiErr.Errors[0].Message)
	}
	fatals, errs := rec.reports()
	if len(fatals) != 0 || len(errs) != 1 || !strings.Contains(errs[0], "panicked serving create-organization-invitations: the clock broke") || !strings.Contains(errs[0], "goroutine") {
		t.Errorf("reported %q and %q, want one t.Errorf with the operation, the panic and its stack", fatals, errs)
	}

	unlocked := make(chan struct{})
	go func() { defer close(unlocked); srv.SetClock(nil) }()
	select {
	case <-unlocked:
	case <-ctx.Done():
		t.Fatal("the server is still locked after the panic")
	}
	if _, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}}); err != nil {
		t.Fatalf("after the panic: %v", err)
	}
	if got := statuses(srv, ecloud.OpCreateOrganizationInvitations); len(got) != 2 || got[0] != 500 || got[1] != 201 {
		t.Errorf("statuses = %v, want [500 201]", got)
	}
}

// TestAPanicWithoutATest: a server of StartServer logs the panic with the
// standard logger, answers 500 too, and goes on serving. Not parallel: it
// captures the standard logger's output.
func TestAPanicWithoutATest(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	srv := ecloudtest.StartServer()
	defer srv.Close()
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	c := srv.Client()
	srv.SetClock(func() time.Time { panic("the clock broke") })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	wantAPIError(t, err, 500, "root.unexpected_error")
	if !strings.Contains(logged.String(), "panicked serving create-organization-invitations: the clock broke") {
		t.Errorf("logged %q", logged.String())
	}
	srv.SetClock(nil)
	if _, err := c.ListOrganizations(ctx); err != nil {
		t.Fatalf("after the panic: %v", err)
	}
}
