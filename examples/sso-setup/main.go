// Command sso-setup sets up single sign-on for an organization end to end:
// it claims an email domain (a verification code published as a DNS TXT
// record, then checked until DNS shows it, for a bounded time), configures
// the organization's SAML identity provider (IdP), prints what to configure
// on the IdP's side, and maps IdP groups and email addresses to roles. Run
// it again and it picks up where it stopped: a claimed domain is kept, the
// IdP is set up again, and mappings of the same name are updated.
//
// Without EC_API_KEY it runs against a built-in demo API, which publishes
// the DNS record itself:
//
//	go run ./examples/sso-setup
//	EC_API_KEY=... go run ./examples/sso-setup -org 1234567890 -domain example.com \
//		-idp-issuer https://idp.example.com -idp-sso-url https://idp.example.com/sso \
//		-idp-cert idp.pem -admin-group cloud-admins -metadata sp-metadata.xml
package main

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/examples/internal/demo"
)

const usage = `usage: sso-setup [-org ID] [-domain DOMAIN] [-idp-issuer URI] [-idp-sso-url URL] [-idp-cert FILE] [flags]

Sets up single sign-on for an organization: claims the email domain (prints
the DNS TXT record to publish, then checks it until DNS shows it), sets up
the SAML IdP and prints what to configure on the IdP, and maps an IdP group
to organization admins and the domain's addresses to deployment viewers.
Running it again updates what it set up.

Environment:
  EC_API_KEY  your Elastic Cloud API key; without it, the program runs
              against a built-in demo API (no account needed), which
              publishes the DNS record itself
  EC_HOST     the address of an ECE installation (default: Elastic Cloud)

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// settings are the program's flags, and what run derives from them.
type settings struct {
	org, domain              string
	issuer, ssoURL, certFile string
	loginPrefix              string
	adminGroup               string
	metadataFile             string
	pollEvery, pollTimeout   time.Duration
	certificate              string                     // base64 DER of the IdP's certificate
	publish                  func(orgID, domain string) // the demo's DNS; nil with the real API
}

// run is the program. It returns the exit status: 0 done, 1 failed or
// refused by the API, 2 bad usage. main passes os.Getenv as getenv.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("sso-setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var s settings
	fs.StringVar(&s.org, "org", "", "organization ID (default: your only organization)")
	fs.StringVar(&s.domain, "domain", "example.com", "the email domain of your users, to claim")
	fs.StringVar(&s.issuer, "idp-issuer", "https://idp.example.com/saml", "the IdP's SAML issuer (entity ID)")
	fs.StringVar(&s.ssoURL, "idp-sso-url", "https://idp.example.com/saml/sso", "the IdP's SAML HTTP-POST sign-in URL")
	fs.StringVar(&s.certFile, "idp-cert", "", "PEM file of the IdP's signing certificate (required with EC_API_KEY)")
	fs.StringVar(&s.loginPrefix, "login-prefix", "", "prefix of the login identifier (default: the domain's first label)")
	fs.StringVar(&s.adminGroup, "admin-group", "cloud-admins", "IdP group whose members become organization admins")
	fs.StringVar(&s.metadataFile, "metadata", "", "write the SAML metadata of Elastic Cloud's service provider to this file")
	fs.DurationVar(&s.pollEvery, "poll-every", 30*time.Second, "how often to check the DNS record")
	fs.DurationVar(&s.pollTimeout, "poll-timeout", 15*time.Minute, "how long to wait for the DNS record")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	realAPI := getenv("EC_API_KEY") != ""
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "sso-setup: unexpected argument %q\n", fs.Arg(0))
		return 2
	case realAPI && s.certFile == "":
		fmt.Fprintln(stderr, "sso-setup: -idp-cert is required with the real API")
		return 2
	case s.pollEvery <= 0 || s.pollTimeout <= 0:
		fmt.Fprintln(stderr, "sso-setup: -poll-every and -poll-timeout must be positive")
		return 2
	}
	s.certificate = demoCertificate
	if s.certFile != "" {
		var err error
		if s.certificate, err = readCertificate(s.certFile); err != nil {
			fmt.Fprintln(stderr, "sso-setup:", err)
			return 2
		}
	}

	// The client: the real API when EC_API_KEY is set (EC_HOST for ECE),
	// the built-in demo API otherwise, which publishes DNS records itself.
	opts := []ecloud.Option{ecloud.WithUserAgent("ecloud-example-sso-setup")}
	if realAPI {
		env, err := ecloud.OptionsFromEnv()
		if err != nil {
			fmt.Fprintln(stderr, "sso-setup:", err)
			return 1
		}
		opts = append(opts, env...)
	} else {
		srv, demoOpts := demo.Start(stderr, "sso-setup")
		defer srv.Close()
		opts = append(opts, demoOpts...)
		s.publish = srv.PublishDomainVerification
	}
	client, err := ecloud.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "sso-setup:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	if err := setUpSSO(ctx, client, s, stdout); err != nil {
		fmt.Fprintln(stderr, "sso-setup:", err) // says which step failed
		return 1
	}
	return 0
}

// setUpSSO is the setup, step by step: the organization, the domain claim,
// the IdP, the role mappings. Each error says which step failed.
func setUpSSO(ctx context.Context, client ecloud.API, s settings, w io.Writer) error {
	orgID, err := organization(ctx, client, s.org)
	if err != nil {
		return fmt.Errorf("finding the organization: %w", err)
	}
	fmt.Fprintf(w, "organization %s\n", orgID)

	// 1. Claim the domain, unless the organization has already.
	claimed, err := client.ListDomainClaims(ctx, orgID)
	if err != nil {
		return fmt.Errorf("listing the claimed domains: %w", err)
	}
	if slices.ContainsFunc(claimed, func(d string) bool { return strings.EqualFold(d, s.domain) }) {
		fmt.Fprintf(w, "1. %s is claimed already\n", s.domain)
	} else {
		code, err := client.GenerateDomainVerificationCode(ctx, orgID, s.domain)
		if err != nil {
			return fmt.Errorf("generating the verification code of %s: %w", s.domain, err)
		}
		fmt.Fprintf(w, "1. publish this DNS TXT record on %s (checked every %s, for up to %s):\n   %s\n", s.domain, s.pollEvery, s.pollTimeout, code)
		if s.publish != nil {
			s.publish(orgID, s.domain)
			fmt.Fprintln(w, "   (the demo API published it)")
		}
		if err := waitForDomainClaim(ctx, client, orgID, s.domain, s.pollEvery, s.pollTimeout, w); err != nil {
			return fmt.Errorf("verifying %s: %w", s.domain, err)
		}
		fmt.Fprintf(w, "   %s is claimed\n", s.domain)
	}

	// 2. The IdP. Setting it up again replaces its configuration.
	prefix := s.loginPrefix
	if prefix == "" {
		prefix, _, _ = strings.Cut(strings.ToLower(s.domain), ".")
	}
	idp, err := client.SetupOrganizationIdP(ctx, orgID, ecloud.IdPConfiguration{
		Enabled:               true,
		LoginIdentifierPrefix: prefix,
		SAMLIdP: ecloud.SAMLIdP{
			Issuer:            s.issuer,
			SSOURL:            s.ssoURL,
			PublicCertificate: []string{s.certificate},
		},
	})
	if err != nil {
		return fmt.Errorf("setting up the IdP: %w", err)
	}
	fmt.Fprintf(w, "2. IdP set up; configure Elastic Cloud as a service provider on your IdP:\n")
	fmt.Fprintf(w, "   SP entity ID  %s\n   ACS URL       %s\n   metadata      %s\n", idp.SPEntityID, idp.ACS, idp.MetadataURL)
	fmt.Fprintf(w, "   users sign in with %q at %s\n", idp.LoginIdentifier, idp.SSOLoginURL)
	if s.metadataFile != "" {
		metadata, err := client.GetOrganizationIdPMetadata(ctx, orgID)
		if err != nil {
			return fmt.Errorf("reading the SP metadata: %w", err)
		}
		if err := os.WriteFile(s.metadataFile, metadata, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "   metadata written to %s\n", s.metadataFile)
	}

	// 3. Role mappings: members of the admin group administer the
	// organization; everyone with an address at the domain may view its
	// deployments. Mappings of the same name are updated, others added.
	want := []ecloud.RoleMapping{
		{
			Name: "admins", Enabled: true,
			Rule: ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{{Group: s.adminGroup}}},
			RoleAssignments: ecloud.RoleAssignments{
				Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: orgID}},
			},
		},
		{
			Name: "viewers", Enabled: true,
			Rule: ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{{Email: "*@" + s.domain}}},
			RoleAssignments: ecloud.RoleAssignments{
				Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: orgID, All: ecloud.Ptr(true)}},
			},
		},
	}
	existing, err := client.ListRoleMappings(ctx, orgID)
	if err != nil {
		return fmt.Errorf("listing the role mappings: %w", err)
	}
	var add []ecloud.RoleMapping
	for _, m := range want {
		if !slices.ContainsFunc(existing, func(e ecloud.RoleMapping) bool { return e.Name == m.Name }) {
			add = append(add, m)
			continue
		}
		if err := client.UpdateRoleMapping(ctx, orgID, m.Name, m); err != nil {
			return fmt.Errorf("updating role mapping %s: %w", m.Name, err)
		}
	}
	if len(add) > 0 {
		if err := client.AddRoleMappings(ctx, orgID, add); err != nil {
			return fmt.Errorf("adding role mappings: %w", err)
		}
	}
	mappings, err := client.ListRoleMappings(ctx, orgID)
	if err != nil {
		return fmt.Errorf("listing the role mappings: %w", err)
	}
	fmt.Fprintln(w, "3. role mappings:")
	for _, m := range mappings {
		fmt.Fprintf(w, "   %-8s enabled=%t %s -> %s\n", m.Name, m.Enabled, describeRule(m.Rule), strings.Join(roleIDs(m.RoleAssignments), ", "))
	}
	return nil
}

// waitForDomainClaim asks the API to verify domain every pollEvery, while it
// answers 449 (ecloud.ErrVerificationPending: the TXT record is not visible
// yet), for at most timeout. It returns nil once the domain is claimed, and
// the API's refusal or the end of the wait otherwise.
func waitForDomainClaim(ctx context.Context, api ecloud.DomainClaimsAPI, orgID, domain string, pollEvery, timeout time.Duration, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for check := 1; ; check++ {
		err := api.VerifyDomainClaim(ctx, orgID, domain)
		if !errors.Is(err, ecloud.ErrVerificationPending) {
			return err // nil: claimed
		}
		fmt.Fprintf(w, "   check %d: the record is not visible yet\n", check)
		select {
		case <-ctx.Done():
			return fmt.Errorf("the TXT record was not seen within %s: %w", timeout, ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// describeRule is a rule in one line, such as "any of group cloud-admins".
func describeRule(r ecloud.RoleMappingRule) string {
	var parts []string
	for _, list := range []struct {
		name  string
		rules []ecloud.RoleMappingPropertyRule
	}{{"any of", r.Any}, {"all of", r.All}} {
		var items []string
		for _, p := range list.rules {
			if p.Group != "" {
				items = append(items, "group "+p.Group)
			} else {
				items = append(items, "email "+p.Email)
			}
		}
		if items != nil {
			parts = append(parts, list.name+" "+strings.Join(items, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// roleIDs lists the roles that ra assigns, in every scope.
func roleIDs(ra ecloud.RoleAssignments) []string {
	var ids []string
	for _, a := range ra.Platform {
		ids = append(ids, a.RoleID)
	}
	for _, a := range ra.Organization {
		ids = append(ids, a.RoleID)
	}
	for _, a := range ra.Deployment {
		ids = append(ids, a.RoleID)
	}
	if p := ra.Project; p != nil {
		for _, list := range [][]ecloud.ProjectRoleAssignment{p.Elasticsearch, p.Observability, p.Security, p.WorkplaceAI, p.VectorDB} {
			for _, a := range list {
				ids = append(ids, a.RoleID)
			}
		}
	}
	return ids
}

// demoCertificate stands for the IdP's certificate in the demo, which takes
// any.
const demoCertificate = "MIIDemoIdPCertificate"

// readCertificate reads the first certificate of a PEM file and returns it
// base64-encoded, as the API takes it.
func readCertificate(file string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	for rest := raw; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return "", fmt.Errorf("%s holds no PEM certificate", file)
		}
		if block.Type == "CERTIFICATE" {
			return base64.StdEncoding.EncodeToString(block.Bytes), nil
		}
	}
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
