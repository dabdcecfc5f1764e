// Command prune-expired deletes an organization's expired invitations, all
// in one call. With -dry-run it only prints what it would delete.
// Invitations that were accepted are kept.
//
// It calls the API with the key in EC_API_KEY (and, for ECE, the address in
// EC_HOST). Without EC_API_KEY it runs against a built-in demo API, so it
// works without an account:
//
//	go run ./examples/prune-expired -dry-run
//	EC_API_KEY=... go run ./examples/prune-expired -org 1234567890
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const usage = `usage: prune-expired [-org ID] [-dry-run]

Deletes an organization's expired invitations that were not accepted, all
in one call.

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
	fs := flag.NewFlagSet("prune-expired", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	orgID := fs.String("org", "", "organization ID (default: your only organization)")
	dryRun := fs.Bool("dry-run", false, "print the expired invitations without deleting them")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "prune-expired: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	// The client: the real API when EC_API_KEY is set (EC_HOST for ECE),
	// the built-in demo API otherwise.
	opts := []ecloud.Option{ecloud.WithUserAgent("ecloud-example-prune-expired")}
	if getenv("EC_API_KEY") != "" {
		env, err := ecloud.OptionsFromEnv()
		if err != nil {
			fmt.Fprintln(stderr, "prune-expired:", err)
			return 1
		}
		opts = append(opts, env...)
	} else {
		srv, demoOpts := demo.Start(stderr, "prune-expired")
		defer srv.Close()
		opts = append(opts, demoOpts...)
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "prune-expired:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	err = prune(ctx, client, *orgID, *dryRun, stdout)
	switch {
	case ecloud.HasCode(err, ecloud.CodeOrganizationInvitationNotFound):
		// Deleting is all or nothing: an invitation deleted or accepted since
		// the listing makes the API delete none of them.
		fmt.Fprintf(stderr, "prune-expired: nothing was deleted: an invitation changed since it was listed; run again (%v)\n", err)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "prune-expired:", err)
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

// prune lists the invitations of orgID (or of the caller's only
// organization), prints the expired ones that were not accepted, and
// deletes them in one call unless dryRun.
func prune(ctx context.Context, api api, orgID string, dryRun bool, w io.Writer) error {
	orgID, err := organization(ctx, api, orgID)
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
		// An accepted invitation also reports Expired once its expiry
		// passes: keep it.
		if !inv.Expired || inv.AcceptedAt != nil {
			continue
		}
		tokens = append(tokens, inv.Token)
		fmt.Fprintf(tw, "%s\texpired %s\n", inv.Email, inv.ExpiresAt.UTC().Format(time.RFC3339))
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
