// Command invite invites email addresses to an organization and prints when
// each invitation expires. When the API refuses, it prints the API's error
// code and message and exits 1.
//
// Without EC_API_KEY it runs against a built-in demo API:
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
	"text/tabwriter"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const program = "invite"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the program: it returns the exit code (0 done, 1 failed or refused,
// 2 bad usage). getenv decides between the real API (EC_API_KEY set) and the
// demo.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	org := fs.String("org", "", "organization ID (default: your only organization)")
	expiresIn := fs.String("expires-in", "", `how long the invitations are valid, such as "7d" or "72h" (default: the API's, three days)`)
	role := fs.String("role", "", `organization role given on acceptance, such as "organization-admin" or "billing-admin" (default: none)`)
	needEmails := func(positional []string) error {
		if len(positional) == 0 {
			return errors.New("give at least one email address")
		}
		return nil
	}
	return demo.Run(ctx, fs, "[-org ID] [-expires-in DURATION] [-role ROLE] EMAIL...", args, stderr, getenv, needEmails,
		func(ctx context.Context, client *ecloud.Client) error {
			return invite(ctx, client, *org, fs.Args(), *expiresIn, *role, stdout)
		})
}

// invite invites emails to orgID (or to the caller's only organization) in
// one call, with an organization role when role is set, and prints each
// invitation's expiry.
func invite(ctx context.Context, api demo.API, orgID string, emails []string, expiresIn, role string, w io.Writer) error {
	orgID, err := demo.Organization(ctx, api, orgID)
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
		fmt.Fprintf(tw, "%s\texpires %s\n", inv.Email, demo.Time(inv.ExpiresAt))
	}
	return tw.Flush()
}
