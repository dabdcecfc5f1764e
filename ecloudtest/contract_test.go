package ecloudtest_test

// Contract tests: each checks rules the fake made up where the spec is
// silent (the package documentation lists them), against the fake and, when
// the environment names a test organization, against the live API, with the
// same assertions. The package documentation says how to run them.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

// The environment of the live runs.
const (
	envKey   = "ECLOUD_CONTRACT_API_KEY" // an API key of the test organization
	envOrg   = "ECLOUD_CONTRACT_ORG"     // the ID of the test organization
	envHost  = "ECLOUD_CONTRACT_HOST"    // optional: an ECE address or API root
	envWrite = "ECLOUD_CONTRACT_WRITE"   // "1": also run the tests that write
)

// target is the API a contract test runs against.
type target struct {
	client *ecloud.Client
	root   string // the API root, for raw requests
	auth   string // the Authorization header of raw requests
	org    string // an organization the credentials administer
	hc     *http.Client
}

// raw sends a request the SDK would not, and returns the status, the
// x-cloud-error-codes header and the decoded errors.
func (tg target) raw(t *testing.T, method, path, body string, header http.Header) (int, string, []ecloud.ErrorDetail) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, tg.root+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", tg.auth)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := tg.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct{ Errors []ecloud.ErrorDetail }
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = json.Unmarshal(b, &reply)
	return resp.StatusCode, resp.Header.Get("X-Cloud-Error-Codes"), reply.Errors
}

// liveEnv is what the environment says of the live API.
type liveEnv struct {
	key, org, host string
	write          bool
}

func liveEnvFromOS() liveEnv {
	return liveEnv{key: os.Getenv(envKey), org: os.Getenv(envOrg), host: os.Getenv(envHost), write: os.Getenv(envWrite) == "1"}
}

// contractCheck is one contract test: it checks rules on a target; writes
// says it creates or deletes something.
type contractCheck struct {
	name   string
	writes bool
	check  func(t *testing.T, tg target)
}

// contractChecks are the contract tests. The package documentation lists
// them, with the rules each checks.
var contractChecks = []contractCheck{
	{"Authorization", false, checkAuthorization},
	{"UnknownQueryParameter", false, checkUnknownQueryParameter},
	{"BodyWhereNoneIsTaken", false, checkBodyWhereNoneIsTaken},
	{"UnknownOrganization", false, checkUnknownOrganization},
	{"ListOrganizations", false, checkListOrganizations},
	{"BodiesAreCheckedAgainstTheSpec", true, checkBodiesAgainstTheSpec},
	{"Invitations", true, checkInvitations},
}

// TestContract runs each contract check against the fake, and against the
// live API when the environment names it.
func TestContract(t *testing.T) {
	t.Parallel()
	env := liveEnvFromOS()
	for _, c := range contractChecks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			contract(t, env, c.writes, c.check)
		})
	}
}

// TestContractLiveRuns: the live half of the contract tests works, shown
// with a second fake standing in for the live API, named by an address
// without /api/v1 as ECLOUD_CONTRACT_HOST may be.
func TestContractLiveRuns(t *testing.T) {
	t.Parallel()
	live := ecloudtest.NewServer(t)
	live.AddOrganization(ecloud.Organization{ID: "live-org", Name: "Live"})
	live.AddMember("live-org", ecloud.OrganizationMembership{UserID: "u-owner", Email: "owner@example.com"})
	env := liveEnv{key: "live-key", org: "live-org", host: strings.TrimSuffix(live.URL(), "/api/v1"), write: true}
	for _, c := range contractChecks {
		t.Run(c.name, func(t *testing.T) { contract(t, env, c.writes, c.check) })
	}
	if n := len(live.Requests()); n < len(contractChecks) {
		t.Errorf("the stand-in for the live API saw %d requests", n)
	}

	for host, want := range map[string]string{
		"":                                   "https://api.elastic-cloud.com/api/v1",
		"ece.example.com:12443":              "https://ece.example.com:12443/api/v1",
		"https://ece.example.com:12443/":     "https://ece.example.com:12443/api/v1",
		"http://127.0.0.1:9243/api/v1":       "http://127.0.0.1:9243/api/v1",
		"https://ece.example.com/custom/v1/": "https://ece.example.com/custom/v1",
	} {
		if got, err := apiRoot(host); err != nil || got != want {
			t.Errorf("apiRoot(%q) = %q, %v; want %q", host, got, err, want)
		}
	}
}

// TestContractChecksAreDocumented: the package documentation lists every
// contract check, and marks at least one rule with each, and no other.
func TestContractChecksAreDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(doc), "\n//     ", " ")
	_, checks, ok := strings.Cut(text, "// The checks:\n")
	if !ok {
		t.Fatal(`doc.go has no "The checks:" list`)
	}
	listed := regexp.MustCompile(`(?m)^//   - (\w+)[ :]`).FindAllStringSubmatch(checks, -1)
	marked := regexp.MustCompile(`\(contract: (\w+)`).FindAllStringSubmatch(text, -1)
	var want, gotListed, gotMarked []string
	for _, c := range contractChecks {
		want = append(want, c.name)
	}
	for _, m := range listed {
		gotListed = append(gotListed, m[1])
	}
	for _, m := range marked {
		if !slices.Contains(gotMarked, m[1]) {
			gotMarked = append(gotMarked, m[1])
		}
	}
	slices.Sort(want)
	slices.Sort(gotListed)
	slices.Sort(gotMarked)
	if !slices.Equal(gotListed, want) {
		t.Errorf("the documentation lists the checks %q, the tests have %q", gotListed, want)
	}
	if !slices.Equal(gotMarked, want) {
		t.Errorf("the documentation marks rules with %q, the checks are %q", gotMarked, want)
	}
}

// contract runs check against the fake, then against the live API when
// env names it; writes says the check creates or deletes something, which
// it does live only with ECLOUD_CONTRACT_WRITE=1.
func contract(t *testing.T, env liveEnv, writes bool, check func(t *testing.T, tg target)) {
	t.Helper()
	org := env.org
	if org == "" {
		org = "contract-org"
	}
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		srv := ecloudtest.NewServer(t)
		srv.AddOrganization(ecloud.Organization{ID: org, Name: "Contract"})
		srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u-owner", Email: "owner@example.com"})
		hc := &http.Client{}
		t.Cleanup(hc.CloseIdleConnections)
		check(t, target{client: srv.Client(), root: srv.URL(), auth: "ApiKey " + ecloudtest.APIKey, org: org, hc: hc})
	})
	t.Run("live", func(t *testing.T) {
		key := env.key
		switch {
		case key == "" || env.org == "":
			t.Skipf("set %s and %s (and %s for ECE) to check this against the live API", envKey, envOrg, envHost)
		case writes && !env.write:
			t.Skipf("this check creates and deletes invitations in %s: set %s=1 to run it live", org, envWrite)
		}
		root, err := apiRoot(env.host)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ecloud.NewClient(ecloud.WithAPIKey(key), ecloud.WithBaseURL(root), ecloud.WithUserAgent("ecloudtest-contract"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.CloseIdleConnections)
		hc := &http.Client{Timeout: time.Minute}
		t.Cleanup(hc.CloseIdleConnections)
		check(t, target{client: c, root: root, auth: "ApiKey " + key, org: org, hc: hc})
	})
}

// apiRoot is the API root of ECLOUD_CONTRACT_HOST: the public API when it
// is empty, https:// when it has no scheme, /api/v1 when it has no path.
func apiRoot(host string) (string, error) {
	if host == "" {
		return "https://api.elastic-cloud.com/api/v1", nil
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil {
		return "", err
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/api/v1"
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// wantRefusal checks a raw answer: status, and code in the header and in a
// body error that names field (when field is set).
func wantRefusal(t *testing.T, status int, codes string, errs []ecloud.ErrorDetail, wantStatus int, wantCode, field string) {
	t.Helper()
	if status != wantStatus || !slices.Contains(strings.Split(codes, ","), wantCode) {
		t.Errorf("answer %d %q, want %d %s", status, codes, wantStatus, wantCode)
	}
	if field != "" && !slices.ContainsFunc(errs, func(d ecloud.ErrorDetail) bool { return d.Code == wantCode && slices.Contains(d.Fields, field) }) {
		t.Errorf("errors %+v, want %s naming the field %s", errs, wantCode, field)
	}
}

// checkAuthorization: a request without a valid Authorization header
// is 401 root.unauthorized.
func checkAuthorization(t *testing.T, tg target) {
	for _, auth := range []string{"", "ApiKey", "Bearer x"} {
		status, codes, errs := tg.raw(t, http.MethodGet, "/organizations", "", http.Header{"Authorization": {auth}})
		wantRefusal(t, status, codes, errs, 401, ecloud.CodeRootUnauthorized, "")
	}
}

// checkUnknownQueryParameter: a query parameter the spec does not
// have is 400 root.invalid_data naming it.
func checkUnknownQueryParameter(t *testing.T, tg target) {
	status, codes, errs := tg.raw(t, http.MethodGet, "/organizations/"+url.PathEscape(tg.org)+"/members?ecloudtest_unknown=1", "", nil)
	wantRefusal(t, status, codes, errs, 400, ecloud.CodeRootInvalidData, "ecloudtest_unknown")
}

// checkBodyWhereNoneIsTaken: a body on an operation that takes none
// is 400 root.invalid_data.
func checkBodyWhereNoneIsTaken(t *testing.T, tg target) {
	status, codes, errs := tg.raw(t, http.MethodGet, "/organizations/"+url.PathEscape(tg.org)+"/members", `{}`, nil)
	wantRefusal(t, status, codes, errs, 400, ecloud.CodeRootInvalidData, "")
}

// checkUnknownOrganization: an organization the caller does not know
// is 404 organization.not_found, on the IdP and role mapping operations too.
func checkUnknownOrganization(t *testing.T, tg target) {
	const nope = "ecloudtest-contract-no-such-organization"
	ctx := t.Context()
	_, err := tg.client.GetOrganization(ctx, nope)
	wantCode(t, err, 404, ecloud.CodeOrganizationNotFound)
	_, err = tg.client.GetOrganizationIdP(ctx, nope)
	wantCode(t, err, 404, ecloud.CodeOrganizationNotFound)
	_, err = tg.client.ListRoleMappings(ctx, nope)
	wantCode(t, err, 404, ecloud.CodeOrganizationNotFound)
}

// checkListOrganizations: list-organizations answers in one page,
// which holds the caller's organization.
func checkListOrganizations(t *testing.T, tg target) {
	list, err := tg.client.ListOrganizations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list.Organizations, func(o ecloud.Organization) bool { return o.ID == tg.org }) {
		t.Errorf("the list %+v does not hold %s", list.Organizations, tg.org)
	}
}

// checkBodiesAgainstTheSpec (writes, if the rule does not
// hold: the bodies are refused otherwise): an unknown field is 400
// root.invalid_data naming it, in a body whose other fields are valid.
func checkBodiesAgainstTheSpec(t *testing.T, tg target) {
	org, err := tg.client.GetOrganization(t.Context(), tg.org)
	if err != nil {
		t.Fatal(err)
	}
	// The organization's own name under a misspelt property: a no-op
	// update if the property were ignored.
	body, _ := json.Marshal(map[string]string{"nmae": org.Name})
	status, codes, errs := tg.raw(t, http.MethodPut, "/organizations/"+url.PathEscape(tg.org), string(body), nil)
	wantRefusal(t, status, codes, errs, 400, ecloud.CodeRootInvalidData, "nmae")
}

// checkInvitations (writes: it invites addresses at example.com and
// deletes the invitations): expires_in takes a Go duration ("72h") and a
// number of days, and refuses other text with 400 root.invalid_data; inviting
// an address with a pending invitation is 400
// organization.invitation_already_exists; deleting several invitations is
// all or nothing, an unknown token failing the call with 404.
func checkInvitations(t *testing.T, tg target) {
	ctx, c := t.Context(), tg.client
	email := "ecloudtest-contract-" + strings.ToLower(rand.Text()[:10]) + "@example.com"
	t.Cleanup(func() { revokeAll(t, tg, email) })

	_, err := c.CreateOrganizationInvitations(ctx, tg.org, ecloud.CreateInvitationsRequest{Emails: []string{email}, ExpiresIn: "3 days"})
	wantCode(t, err, 400, ecloud.CodeRootInvalidData)

	invs, err := c.CreateOrganizationInvitations(ctx, tg.org, ecloud.CreateInvitationsRequest{Emails: []string{email}, ExpiresIn: "72h"})
	if err != nil {
		t.Fatal(err)
	}
	if d := invs[0].ExpiresAt.Sub(invs[0].CreatedAt); d != 72*time.Hour {
		t.Errorf("expires_in 72h: expires %v after creation", d)
	}
	_, err = c.CreateOrganizationInvitations(ctx, tg.org, ecloud.CreateInvitationsRequest{Emails: []string{email}, ExpiresIn: "7d"})
	wantCode(t, err, 400, ecloud.CodeOrganizationInvitationAlreadyExists)

	err = c.DeleteOrganizationInvitations(ctx, tg.org, []string{invs[0].Token, "ecloudtest-contract-no-such-token"})
	wantCode(t, err, 404, ecloud.CodeOrganizationInvitationNotFound)
	if _, err := c.GetOrganizationInvitation(ctx, invs[0].Token); err != nil {
		t.Errorf("the invitation is gone after a refused delete: %v", err)
	}
	if err := c.DeleteOrganizationInvitations(ctx, tg.org, []string{invs[0].Token}); err != nil {
		t.Fatal(err)
	}

	days, err := c.CreateOrganizationInvitations(ctx, tg.org, ecloud.CreateInvitationsRequest{Emails: []string{email}, ExpiresIn: "7d"})
	if err != nil {
		t.Fatal(err)
	}
	if d := days[0].ExpiresAt.Sub(days[0].CreatedAt); d != 7*24*time.Hour {
		t.Errorf("expires_in 7d: expires %v after creation", d)
	}
}

// revokeAll deletes every invitation of email, whatever a failed test left.
// It runs as a cleanup, when the test's context has ended.
func revokeAll(t *testing.T, tg target, email string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	invs, err := tg.client.ListOrganizationInvitations(ctx, tg.org)
	if err != nil {
		t.Errorf("cleaning up: %v", err)
		return
	}
	var tokens []string
	for _, inv := range invs {
		if strings.EqualFold(inv.Email, email) {
			tokens = append(tokens, inv.Token)
		}
	}
	if len(tokens) > 0 {
		if err := tg.client.DeleteOrganizationInvitations(ctx, tg.org, tokens); err != nil {
			t.Errorf("cleaning up: %v", err)
		}
	}
}

// wantCode checks that err is an *ecloud.APIError with status and code.
func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var apiErr *ecloud.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !apiErr.HasCode(code) {
		t.Errorf("error = %v, want %d %s", err, status, code)
	}
}
