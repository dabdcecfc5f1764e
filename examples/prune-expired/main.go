// Command prune-expired deletes an organization's expired invitations, all
// in one call. With -dry-run it only prints what it would delete.
// Invitations that were accepted are kept.
//
// Without EC_API_KEY it runs against a built-in demo API:
//
//	go run ./examples/prune-expired -dry-run
//	EC_API_KEY=... go run ./examples/prune-expired -org 1234567890
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const program = "prune-expired"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the program: it returns the exit code (0 done, 1 failed, 2 bad
// usage). getenv decides between the real API (EC_API_KEY set) and the demo.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	org := fs.String("org", "", "organization ID (default: your only organization)")
	dryRun := fs.Bool("dry-run", false, "print the expired invitations without deleting them")
	return demo.Run(ctx, fs, "[-org ID] [-dry-run]", args, stderr, getenv, demo.NoArgs,
		func(ctx context.Context, client *ecloud.Client) error {
			return prune(ctx, client, *org, *dryRun, stdout)
		})
}

// prune lists the invitations of orgID (or of the caller's only
// organization), prints the expired ones that were not accepted, and
// deletes them in one call unless dryRun.
func prune(ctx context.Context, api demo.API, orgID string, dryRun bool, w io.Writer) error {
	orgID, err := demo.Organization(ctx, api, orgID)
	if err != nil {
		return err
	}
	invs, err := api.ListOrganizationInvitations(ctx, orgID)
	if err != nil {
		return err
	}
	var tokens []string
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, inv := range invs {
		if demo.State(inv) != "expired" {
			continue
		}
		tokens = append(tokens, inv.Token)
		fmt.Fprintf(tw, "%s\texpired %s\n", inv.Email, demo.Time(inv.ExpiresAt))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case len(tokens) == 0:
		fmt.Fprintf(w, "no expired invitations in organization %s\n", orgID)
		return nil
	case dryRun:
		fmt.Fprintf(w, "dry run: would delete %d expired invitation(s) of organization %s\n", len(tokens), orgID)
		return nil
	}
	if err := api.DeleteOrganizationInvitations(ctx, orgID, tokens); err != nil {
		return err
	}
	fmt.Fprintf(w, "deleted %d expired invitation(s) of organization %s\n", len(tokens), orgID)
	return nil
}
