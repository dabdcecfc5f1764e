// Package demo is what the example programs share: the frame of a run (flags,
// exit codes), choosing between the real API and a built-in demo API,
// finding the organization to work on, and describing errors.
package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// Run is the frame of every example program; it returns the exit code: 0
// done (or -h), 1 failed or refused by the API, 2 bad usage. It parses args
// with fs (whose flags the program defined; usage prints "usage: <name>
// <usage>" and the flags), lets checkArgs refuse the positional arguments,
// connects with Connect, and runs work, printing an error as Describe does.
func Run(ctx context.Context, fs *flag.FlagSet, usage string, args []string, stderr io.Writer, getenv func(string) string,
	checkArgs func(positional []string) error, work func(context.Context, *ecloud.Client) error) int {
	program := fs.Name()
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s %s\n", program, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := checkArgs(fs.Args()); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", program, err)
		fs.Usage()
		return 2
	}
	client, release, err := Connect(getenv, stderr, program)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", program, err)
		return 1
	}
	defer release()
	if err := work(ctx, client); err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", program, Describe(err))
		return 1
	}
	return 0
}

// NoArgs is the checkArgs of programs that take only flags.
func NoArgs(positional []string) error {
	if len(positional) > 0 {
		return fmt.Errorf("unexpected argument %q", positional[0])
	}
	return nil
}

// API is what the example programs call: the organizations, to find the
// caller's only one, and the invitations. Each program depends on this
// rather than on *ecloud.Client or ecloud.API, so its tests need nothing else.
type API interface {
	ecloud.OrganizationsAPI
	ecloud.InvitationsAPI
}

// OrgID is the ID of the demo organization.
const OrgID = "demo-org"

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

// Connect returns the API to work with and a function that releases it.
// When getenv("EC_API_KEY") is set it is the real API, configured by
// ecloud.OptionsFromEnv (EC_API_KEY, and EC_HOST for ECE). Otherwise it
// starts a built-in demo API (an ecloudtest server seeded by Seed) and says
// so on stderr.
func Connect(getenv func(string) string, stderr io.Writer, program string) (*ecloud.Client, func(), error) {
	ua := ecloud.WithUserAgent("ecloud-example-" + program)
	if getenv("EC_API_KEY") != "" {
		opts, err := ecloud.OptionsFromEnv()
		if err != nil {
			return nil, nil, err
		}
		c, err := ecloud.NewClient(append(opts, ua)...)
		if err != nil {
			return nil, nil, err
		}
		return c, c.CloseIdleConnections, nil
	}
	srv := StartServer(stderr, program)
	return srv.Client(ua), srv.Close, nil
}

// StartServer starts the built-in demo API, an ecloudtest server seeded by
// Seed, and says so on stderr. Close it when done.
func StartServer(stderr io.Writer, program string) *ecloudtest.Server {
	srv := ecloudtest.StartServer()
	Seed(srv, time.Now())
	fmt.Fprintf(stderr, "%s: EC_API_KEY is not set: using the built-in demo API (organization %s); set EC_API_KEY (and EC_HOST for ECE) to use the real one\n", program, OrgID)
	return srv
}

// Organization returns orgID when it is set; otherwise the caller's only
// organization.
func Organization(ctx context.Context, api ecloud.OrganizationsAPI, orgID string) (string, error) {
	if orgID != "" {
		return orgID, nil
	}
	list, err := api.ListOrganizations(ctx)
	if err != nil {
		return "", err
	}
	switch len(list.Organizations) {
	case 0:
		return "", errors.New("you belong to no organization")
	case 1:
		return list.Organizations[0].ID, nil
	}
	ids := make([]string, len(list.Organizations))
	for i, o := range list.Organizations {
		ids[i] = o.ID
	}
	return "", fmt.Errorf("you belong to several organizations (%s): choose one with -org", strings.Join(ids, ", "))
}

// Describe is err for a person: for an API refusal, the status and each
// error's code and message as the API sent them, after the context that
// wraps it (such as "setting up the IdP: ").
func Describe(err error) string {
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	var parts []string
	for _, d := range apiErr.Errors {
		parts = append(parts, strings.TrimPrefix(d.Code+": "+d.Message, ": "))
	}
	if len(parts) == 0 {
		parts = apiErr.Codes
	}
	s := fmt.Sprintf("the API refused (%d)", apiErr.StatusCode)
	if context, ok := strings.CutSuffix(err.Error(), apiErr.Error()); ok {
		s = context + s
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, "; ")
	}
	return s
}

// State is "accepted", "expired" or "pending".
func State(inv ecloud.OrganizationInvitation) string {
	switch {
	case inv.AcceptedAt != nil:
		return "accepted"
	case inv.Expired:
		return "expired"
	}
	return "pending"
}

// Time formats a timestamp for the programs' output.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }
