// Command list-invitations prints an organization's invitations: email,
// state (pending, expired or accepted), creation and expiry times.
//
// It calls the API with the key in EC_API_KEY (and, for ECE, the address in
// EC_HOST). Without EC_API_KEY it runs against a built-in demo API, so it
// works without an account:
//
//	go run ./examples/list-invitations
//	go run ./examples/list-invitations -json
//	EC_API_KEY=... go run ./examples/list-invitations -org 1234567890
//
// Invitation tokens are secrets (whoever holds one can accept the
// invitation), so they are never printed, not even with -json.
package main

import (
	"context"
	"encoding/json"
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

const usage = `usage: list-invitations [-org ID] [-json]

Prints an organization's invitations: email, state (pending, expired or
accepted), creation and expiry times. Never their tokens.

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
	fs := flag.NewFlagSet("list-invitations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	orgID := fs.String("org", "", "organization ID (default: your only organization)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "list-invitations: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	// The client: the real API when EC_API_KEY is set (EC_HOST for ECE),
	// the built-in demo API otherwise.
	opts := []ecloud.Option{ecloud.WithUserAgent("ecloud-example-list-invitations")}
	if getenv("EC_API_KEY") != "" {
		env, err := ecloud.OptionsFromEnv()
		if err != nil {
			fmt.Fprintln(stderr, "list-invitations:", err)
			return 1
		}
		opts = append(opts, env...)
	} else {
		srv, demoOpts := demo.Start(stderr, "list-invitations")
		defer srv.Close()
		opts = append(opts, demoOpts...)
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "list-invitations:", err) // a bad EC_HOST, a key with control characters
		return 1
	}
	defer client.CloseIdleConnections()

	err = listInvitations(ctx, client, *orgID, *asJSON, stdout)
	switch {
	case errors.Is(err, ecloud.ErrUnauthorized):
		fmt.Fprintf(stderr, "list-invitations: the API refused the credentials; check EC_API_KEY (and EC_HOST): %v\n", err)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "list-invitations:", err)
		return 1
	}
	return 0
}

// row is one invitation as printed; the token is left out on purpose.
type row struct {
	Email      string     `json:"email"`
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// api is the part of the API this program calls (*ecloud.Client has it
// all); its tests give it a fake.
type api interface {
	ecloud.OrganizationsAPI
	ecloud.InvitationsAPI
}

// listInvitations prints the invitations of orgID (or of the caller's only
// organization) as a table or as JSON.
func listInvitations(ctx context.Context, api api, orgID string, asJSON bool, w io.Writer) error {
	orgID, err := organization(ctx, api, orgID)
	if err != nil {
		return err
	}
	invs, err := api.ListOrganizationInvitations(ctx, orgID)
	if err != nil {
		return err
	}
	rows := make([]row, len(invs))
	for i, inv := range invs {
		rows[i] = row{Email: inv.Email, State: state(inv), CreatedAt: inv.CreatedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC(), AcceptedAt: inv.AcceptedAt}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tSTATE\tCREATED\tEXPIRES")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Email, r.State, r.CreatedAt.Format(time.RFC3339), r.ExpiresAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

// state is "accepted", "expired" or "pending". An accepted invitation also
// reports Expired once its expiry passes, so AcceptedAt comes first.
func state(inv ecloud.OrganizationInvitation) string {
	switch {
	case inv.AcceptedAt != nil:
		return "accepted"
	case inv.Expired:
		return "expired"
	}
	return "pending"
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
