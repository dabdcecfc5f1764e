// Command invite invites email addresses to an organization in one call and
// prints when each invitation expires. When the API refuses, nobody is
// invited: it prints each refused address with the API's code and message,
// and exits 1.
//
// It calls the API with the key in EC_API_KEY (and, for ECE, the address in
// EC_HOST). Without EC_API_KEY it runs against a built-in demo API, so it
// works without an account:
//
//	go run ./examples/invite -expires-in 7d -role billing-admin ada@example.org lin@example.org
//	EC_API_KEY=... go run ./examples/invite -org 1234567890 ada@example.org
//
// The invitation tokens are secrets (whoever holds one can accept the
// invitation): the API emails them to the invitees, and this program never
// prints them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const usage = `usage: invite [-org ID] [-expires-in DURATION] [-role ROLE] EMAIL...

Invites the addresses to an organization in one call and prints when each
invitation expires. The call is all or nothing: when the API refuses an
address, nobody is invited.

Environment:
  EC_API_KEY  your Elastic Cloud API key; without it, the program runs
              against a built-in demo API (no account needed)
  EC_HOST     the address of an ECE installation (default: Elastic Cloud)

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the program. It returns the exit status: 0 done, 1 failed or
// refused by the API, 2 bad usage. main passes os.Getenv as getenv.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	orgID := fs.String("org", "", "organization ID (default: your only organization)")
	expiresIn := fs.String("expires-in", "", `how long the invitations are valid, such as "7d" or "72h" (default: the API's, three days)`)
	role := fs.String("role", "", `organization role given on acceptance, such as "organization-admin" or "billing-admin" (default: none)`)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	emails := fs.Args()
	if len(emails) == 0 {
		fmt.Fprintln(stderr, "invite: give at least one email address")
		return 2
	}

	// The client: the real API when EC_API_KEY is set (EC_HOST for ECE),
	// the built-in demo API otherwise.
	opts := []ecloud.Option{ecloud.WithUserAgent("ecloud-example-invite")}
	if getenv("EC_API_KEY") != "" {
		env, err := ecloud.OptionsFromEnv()
		if err != nil {
			fmt.Fprintln(stderr, "invite:", err)
			return 1
		}
		opts = append(opts, env...)
	} else {
		srv, demoOpts := demo.Start(stderr, "invite")
		defer srv.Close()
		opts = append(opts, demoOpts...)
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "invite:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	err = invite(ctx, client, *orgID, emails, *expiresIn, *role, stdout)
	var apiErr *ecloud.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == 400 && len(apiErr.Errors) > 0:
		// Refused: nobody was invited. The API names each refused address
		// in Fields as "emails[i]", its index in the request.
		fmt.Fprintf(stderr, "invite: the API refused; nobody was invited:\n")
		for _, d := range apiErr.Errors {
			fmt.Fprintf(stderr, "  %s: %s: %s\n", refused(d.Fields, emails), d.Code, d.Message)
		}
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "invite:", err)
		return 1
	}
	return 0
}

// api is the part of the API this program calls (*ecloud.Client has it
// all); its tests give it a fake.
type api interface {
	ecloud.OrganizationsAPI
	ecloud.InvitationsAPI
}

// invite invites emails to orgID (or to the caller's only organization) in
// one call, with an organization role when role is set, and prints each
// invitation's expiry.
func invite(ctx context.Context, api api, orgID string, emails []string, expiresIn, role string, w io.Writer) error {
	orgID, err := organization(ctx, api, orgID)
	if err != nil {
		return err
	}
	req := ecloud.CreateInvitationsRequest{Emails: emails, ExpiresIn: expiresIn}
	if role != "" {
		req.RoleAssignments = &ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: role, OrganizationID: orgID}},
		}
	}
	invs, err := api.CreateOrganizationInvitations(ctx, orgID, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "invited %d address(es) to organization %s\n", len(invs), orgID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, inv := range invs {
		fmt.Fprintf(tw, "%s\texpires %s\n", inv.Email, inv.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

// refused names what an error detail is about: the address of each field
// "emails[i]", and the other fields as they are ("expires_in").
func refused(fields, emails []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f
		if index, ok := strings.CutPrefix(f, "emails["); ok {
			if j, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil && j >= 0 && j < len(emails) {
				names[i] = emails[j]
			}
		}
	}
	if len(names) == 0 {
		return "request"
	}
	return strings.Join(names, ", ")
}

// organization returns orgID when it is set, and otherwise the ID of the
// caller's only organization.
func organization(ctx context.Context, api ecloud.OrganizationsAPI, orgID string) (string, error) {
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
