package demo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSeed(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	now := time.Date(2025, 6, 30, 12, 34, 56, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	Seed(srv, now)
	var got []string
	for _, inv := range srv.Invitations(OrgID) {
		got = append(got, inv.Email+" "+State(inv))
	}
	want := []string{
		"grace@example.com accepted", "edsger@example.com expired", "barbara@example.com expired",
		"alan@example.com pending", "katherine@example.com pending",
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("demo invitations = %q, want %q", got, want)
	}
	members := srv.Members(OrgID)
	if len(members) != 2 || members[0].Email != "ada@example.com" || members[1].Email != "grace@example.com" {
		t.Errorf("demo members = %+v", members)
	}
}

func TestOrganization(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	c, ctx := srv.Client(), t.Context()
	if _, err := Organization(ctx, c, ""); err == nil || !strings.Contains(err.Error(), "no organization") {
		t.Errorf("no organizations: %v", err)
	}
	srv.AddOrganization(ecloud.Organization{ID: "b", Name: "B"})
	if id, err := Organization(ctx, c, ""); err != nil || id != "b" {
		t.Errorf("one organization: %q, %v", id, err)
	}
	srv.AddOrganization(ecloud.Organization{ID: "a", Name: "A"})
	if _, err := Organization(ctx, c, ""); err == nil || err.Error() != "you belong to several organizations (a, b): choose one with -org" {
		t.Errorf("two organizations: %v", err)
	}
	if id, err := Organization(ctx, c, "given"); err != nil || id != "given" {
		t.Errorf("given: %q, %v", id, err)
	}
	srv.FailNext(ecloud.OpListOrganizations, 401, ecloud.CodeRootUnauthorized)
	if _, err := Organization(ctx, c, ""); !errors.Is(err, ecloud.ErrUnauthorized) {
		t.Errorf("refused listing: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&ecloud.APIError{StatusCode: 400, Errors: []ecloud.ErrorDetail{{Code: "a.b", Message: "Bad."}, {Code: "c.d", Message: "Worse."}}}, "the API refused (400): a.b: Bad.; c.d: Worse."},
		{&ecloud.APIError{StatusCode: 400, Errors: []ecloud.ErrorDetail{{Message: "No code."}}}, "the API refused (400): No code."},
		{&ecloud.APIError{StatusCode: 404, Codes: []string{"x.y"}}, "the API refused (404): x.y"},
		{&ecloud.APIError{StatusCode: 502}, "the API refused (502)"},
		{fmt.Errorf("wrapped: %w", &ecloud.APIError{StatusCode: 403, Codes: []string{"p"}}), "wrapped: the API refused (403): p"},
		{fmt.Errorf("step: %w", fmt.Errorf("inner: %w", &ecloud.APIError{StatusCode: 404, Codes: []string{"x.y"}})), "step: inner: the API refused (404): x.y"},
		{fmt.Errorf("%w (seen)", &ecloud.APIError{StatusCode: 404}), "the API refused (404)"}, // context after the error is dropped
		{errors.New("dial tcp: refused"), "dial tcp: refused"},
	} {
		if got := Describe(tc.err); got != tc.want {
			t.Errorf("Describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestConnectDemo(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	c, release, err := Connect(func(string) string { return "" }, &stderr, "prog")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if !strings.HasPrefix(stderr.String(), "prog: EC_API_KEY is not set: using the built-in demo API (organization demo-org)") {
		t.Errorf("stderr = %q", stderr.String())
	}
	invs, err := c.ListOrganizationInvitations(t.Context(), OrgID)
	if err != nil || len(invs) != 5 {
		t.Errorf("demo invitations: %d, %v", len(invs), err)
	}
}

// Not parallel: sets the process environment, which ecloud.OptionsFromEnv
// reads.
func TestConnectReal(t *testing.T) {
	t.Setenv("EC_API_KEY", "key")
	t.Setenv("EC_HOST", "ece.example.com:12443")
	var stderr bytes.Buffer
	c, release, err := Connect(os.Getenv, &stderr, "prog")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if c.BaseURL() != "https://ece.example.com:12443/api/v1" || stderr.Len() != 0 {
		t.Errorf("BaseURL = %q, stderr %q", c.BaseURL(), stderr.String())
	}
	t.Setenv("EC_HOST", "http://ece.example.com") // plain http off loopback is refused
	if _, _, err := Connect(os.Getenv, &stderr, "prog"); err == nil {
		t.Error("Connect accepted plain http to a remote host")
	}
}
