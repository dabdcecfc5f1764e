// Command sync-members makes an organization's members, invitations and
// roles match a JSON list: membership as code. It prints the plan, one line
// per action; with -apply it carries the plan out and prints what was done.
//
// Without EC_API_KEY it runs against a built-in demo API, seeded so that the
// sample list (members.json, used when -f is not given) shows every kind of
// action; removing a member needs -remove-unlisted:
//
//	go run ./examples/sync-members
//	go run ./examples/sync-members -remove-unlisted -apply
//	EC_API_KEY=... go run ./examples/sync-members -org 1234567890 -f members.json
//
// The list is a JSON array of members, each an email and the complete set of
// roles that person should have, with the API's JSON names (the
// role_assignments of an invitation or a member):
//
//	[
//	  {"email": "ada@example.com",
//	   "roles": {"organization": [{"role_id": "organization-admin", "organization_id": "demo-org"}]}},
//	  {"email": "lin@example.com",
//	   "roles": {"deployment": [{"role_id": "deployment-viewer", "organization_id": "demo-org", "deployment_ids": ["d-1"]}]}}
//	]
//
// Unknown fields are refused, and so is a member without "roles" (write
// "roles": {} for none), so that a typo cannot take someone's roles away.
// Invitation tokens are never printed.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
	"github.com/ecloud-go/ecloud/orgsync"
)

// sampleMembers is members.json, the list the demo uses when -f is not given.
//
//go:embed members.json
var sampleMembers []byte

const usage = `usage: sync-members [-f members.json] [-org ID] [-apply] [-remove-unlisted] [-protect EMAILS] [-expires-in DURATION]

Makes an organization's members, invitations and roles match the list in
members.json: prints the plan, one line per action, and with -apply carries
it out. Without EC_API_KEY, the demo uses the sample list when -f is not given.

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
	fs := flag.NewFlagSet("sync-members", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	file := fs.String("f", "", "the JSON list of members (required with EC_API_KEY)")
	orgID := fs.String("org", "", "organization ID (default: your only organization)")
	apply := fs.Bool("apply", false, "make the changes (default: only print the plan)")
	removeUnlisted := fs.Bool("remove-unlisted", false, "remove members, and revoke invitations, whose email is not listed")
	protect := fs.String("protect", "", "comma-separated emails never removed or changed (such as your own)")
	expiresIn := fs.String("expires-in", "", `how long new invitations are valid, such as "7d" (default: the API's, three days)`)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	realAPI := getenv("EC_API_KEY") != ""
	if (*file == "" && realAPI) || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "sync-members: give the list with -f, and no other argument")
		return 2
	}

	name, data := "members.json", sampleMembers // the demo's sample list
	if *file != "" {
		var err error
		if data, err = os.ReadFile(*file); err != nil {
			fmt.Fprintln(stderr, "sync-members:", err)
			return 1
		}
		name = *file
	}
	members, err := parseMembers(name, data)
	if err != nil {
		fmt.Fprintln(stderr, "sync-members:", err)
		return 1
	}
	want := orgsync.Desired{
		Members:        members,
		RemoveUnlisted: *removeUnlisted,
		Protect:        splitList(*protect),
		ExpiresIn:      *expiresIn,
	}

	// The client: the real API when EC_API_KEY is set (EC_HOST for ECE),
	// the built-in demo API otherwise, with a few more members and
	// invitations (demo.go) so that members.json needs every kind of action.
	opts := []ecloud.Option{ecloud.WithUserAgent("ecloud-example-sync-members")}
	if realAPI {
		env, err := ecloud.OptionsFromEnv()
		if err != nil {
			fmt.Fprintln(stderr, "sync-members:", err)
			return 1
		}
		opts = append(opts, env...)
	} else {
		srv, demoOpts := demo.Start(stderr, "sync-members")
		defer srv.Close()
		seedDemo(srv, time.Now())
		opts = append(opts, demoOpts...)
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "sync-members:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	// A bad list, a plan that would leave no organization-admin
	// (orgsync.ErrLastAdmin), the API's refusal, or the first action that
	// failed: its outcome, and what was skipped, are printed already.
	if err := syncMembers(ctx, client, *orgID, want, *apply, stdout); err != nil {
		fmt.Fprintln(stderr, "sync-members:", err)
		return 1
	}
	return 0
}

// syncAPI is what syncMembers calls: orgsync's operations, and the
// organizations to find the caller's only one.
type syncAPI interface {
	orgsync.API
	ecloud.OrganizationsAPI
}

// syncMembers plans the list for orgID (or the caller's only organization),
// prints the plan and, when apply is set, applies it and prints what
// became of each action.
func syncMembers(ctx context.Context, api syncAPI, orgID string, want orgsync.Desired, apply bool, w io.Writer) error {
	orgID, err := organization(ctx, api, orgID)
	if err != nil {
		return err
	}
	plan, err := orgsync.NewPlan(ctx, api, orgID, want)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "plan for organization %s: %d action(s)\n%s", orgID, len(plan.Actions()), plan)
	switch {
	case plan.Empty():
		fmt.Fprintln(w, "the organization matches the list: nothing to do")
		return nil
	case !apply:
		fmt.Fprintln(w, "dry run: nothing was changed; run again with -apply to make these changes")
		return nil
	}
	result, err := orgsync.Apply(ctx, api, plan, nil)
	fmt.Fprintf(w, "\napplied:\n%s", result)
	fmt.Fprintf(w, "%d done, %d failed, %d skipped\n", result.Count(orgsync.Done), result.Count(orgsync.Failed), result.Count(orgsync.Skipped))
	return err
}

// parseMembers reads the list of members from data, the JSON file at path.
func parseMembers(path string, data []byte) ([]orgsync.Member, error) {
	var entries []struct {
		Email string                  `json:"email"`
		Roles *ecloud.RoleAssignments `json:"roles"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the list", path)
	}
	members := make([]orgsync.Member, len(entries))
	for i, e := range entries {
		if e.Roles == nil {
			return nil, fmt.Errorf(`%s: member %d (%s) has no "roles"; write "roles": {} for none`, path, i, e.Email)
		}
		members[i] = orgsync.Member{Email: e.Email, Roles: *e.Roles}
	}
	return members, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
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
