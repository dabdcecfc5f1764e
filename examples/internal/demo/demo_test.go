package demo

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSeed(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	now := time.Date(2025, 6, 30, 12, 34, 56, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	Seed(srv, now)
	var got []string
	for _, inv := range srv.Invitations(OrgID) {
		state := "pending"
		if inv.AcceptedAt != nil {
			state = "accepted"
		} else if inv.Expired {
			state = "expired"
		}
		got = append(got, inv.Email+" "+state)
	}
	want := []string{
		"grace@example.com accepted", "edsger@example.com expired", "barbara@example.com expired",
		"alan@example.com pending", "katherine@example.com pending",
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("demo invitations = %q, want %q", got, want)
	}
	members := srv.Members(OrgID)
	if len(members) != 2 || members[0].Email != "ada@example.com" || members[1].Email != "grace@example.com" {
		t.Errorf("demo members = %+v", members)
	}
}

// TestStart: the options Start returns make a client of the seeded demo API,
// and Start says on stderr that the demo is used.
func TestStart(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	srv, opts := Start(&stderr, "prog")
	defer srv.Close()
	if !strings.HasPrefix(stderr.String(), "prog: EC_API_KEY is not set: using the built-in demo API (organization demo-org)") {
		t.Errorf("stderr = %q", stderr.String())
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	if client.BaseURL() != srv.URL() {
		t.Errorf("BaseURL = %q, want the demo's %q", client.BaseURL(), srv.URL())
	}
	invs, err := client.ListOrganizationInvitations(t.Context(), OrgID)
	if err != nil || len(invs) != 5 {
		t.Errorf("demo invitations: %d, %v", len(invs), err)
	}
}
