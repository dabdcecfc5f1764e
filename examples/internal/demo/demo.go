// Package demo is the built-in demo API of the example programs: an
// ecloudtest fake holding a demo organization, so that every program runs
// without an account. A program of your own does not need it: it gets its
// client options from ecloud.OptionsFromEnv.
package demo

import (
	"fmt"
	"io"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// OrgID is the ID of the demo organization.
const OrgID = "demo-org"

// Start starts the demo API, seeded by Seed, and says so on stderr. It
// returns the server, to close when done, and the options that point an
// ecloud.NewClient at it: its URL and a key it accepts.
func Start(stderr io.Writer, program string) (*ecloudtest.Server, []ecloud.Option) {
	srv := ecloudtest.StartServer()
	Seed(srv, time.Now())
	fmt.Fprintf(stderr, "%s: EC_API_KEY is not set: using the built-in demo API (organization %s); set EC_API_KEY (and EC_HOST for ECE) to use the real one\n", program, OrgID)
	return srv, []ecloud.Option{ecloud.WithBaseURL(srv.URL()), ecloud.WithAPIKey(ecloudtest.APIKey)}
}

// Seed fills s with the demo organization as of now: two members and five
// invitations, one accepted, two pending and two expired.
func Seed(s *ecloudtest.Server, now time.Time) {
	now = now.UTC().Truncate(time.Minute)
	day := 24 * time.Hour
	s.AddOrganization(ecloud.Organization{ID: OrgID, Name: "Demo Organization"})
	s.AddMember(OrgID, ecloud.OrganizationMembership{
		UserID: "1000000001", Name: "Ada Lovelace", Email: "ada@example.com", MemberSince: now.Add(-400 * day),
		RoleAssignments: &ecloud.RoleAssignments{Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: OrgID}}},
	})
	s.AddMember(OrgID, ecloud.OrganizationMembership{
		UserID: "1000000002", Name: "Grace Hopper", Email: "grace@example.com", MemberSince: now.Add(-20 * day),
	})
	accepted := now.Add(-20 * day)
	for _, inv := range []ecloud.OrganizationInvitation{
		{Email: "grace@example.com", CreatedAt: now.Add(-21 * day), AcceptedAt: &accepted},
		{Email: "edsger@example.com", CreatedAt: now.Add(-10 * day)},
		{Email: "barbara@example.com", CreatedAt: now.Add(-5 * day)},
		{Email: "alan@example.com", CreatedAt: now.Add(-1 * day)},
		{Email: "katherine@example.com", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-2*time.Hour + 7*day)},
	} {
		s.AddInvitation(OrgID, inv)
	}
}
