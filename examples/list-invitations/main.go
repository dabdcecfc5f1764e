// Command list-invitations prints an organization's invitations: email,
// state (pending, expired or accepted), creation and expiry times.
//
// Without EC_API_KEY it runs against a built-in demo API:
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
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const program = "list-invitations"

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
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	return demo.Run(ctx, fs, "[-org ID] [-json]", args, stderr, getenv, demo.NoArgs,
		func(ctx context.Context, client *ecloud.Client) error {
			return listInvitations(ctx, client, *org, *asJSON, stdout)
		})
}

// row is one invitation as printed; the token is left out on purpose.
type row struct {
	Email      string     `json:"email"`
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// listInvitations prints the invitations of orgID (or of the caller's only
// organization) as a table or as JSON.
func listInvitations(ctx context.Context, api demo.API, orgID string, asJSON bool, w io.Writer) error {
	orgID, err := demo.Organization(ctx, api, orgID)
	if err != nil {
		return err
	}
	invs, err := api.ListOrganizationInvitations(ctx, orgID)
	if err != nil {
		return err
	}
	rows := make([]row, len(invs))
	for i, inv := range invs {
		rows[i] = row{Email: inv.Email, State: demo.State(inv), CreatedAt: inv.CreatedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC(), AcceptedAt: inv.AcceptedAt}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tSTATE\tCREATED\tEXPIRES")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Email, r.State, demo.Time(r.CreatedAt), demo.Time(r.ExpiresAt))
	}
	return tw.Flush()
}
