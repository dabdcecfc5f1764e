package ecloudtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	ctx := t.Context()
	const org = "team/a b" // escaped on the wire, unescaped in the log
	srv.AddOrganization(ecloud.Organization{ID: org, Name: "Slashy"})
	srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u/1", Email: "one@example.com"})
	srv.AddMember(org, ecloud.OrganizationMembership{UserID: "u-2", Email: "two@example.com"})

	invs, err := c.CreateOrganizationInvitations(ctx, org, ecloud.CreateInvitationsRequest{Emails: []string{"a@example.com", "b@example.com"}, ExpiresIn: "7d"})
	if err != nil {
		t.Fatal(err)
	}
	tokens := []string{invs[0].Token, invs[1].Token}
	if err := c.DeleteOrganizationInvitations(ctx, org, tokens); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrganizationMemberships(ctx, org, []string{"u/1"}, &ecloud.DeleteMembershipsOptions{Force: ecloud.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganization(ctx, "nope")
	wantAPIError(t, err, 404, ecloud.CodeOrganizationNotFound)

	want := []ecloudtest.Request{
		{Operation: ecloud.OpCreateOrganizationInvitations, Method: http.MethodPost, Path: map[string]string{"organization_id": org},
			Query: url.Values{}, Body: []byte(`{"emails":["a@example.com","b@example.com"],"expires_in":"7d"}`), Status: 201},
		{Operation: ecloud.OpDeleteOrganizationInvitations, Method: http.MethodDelete,
			Path:  map[string]string{"organization_id": org, "invitation_tokens": tokens[0] + "," + tokens[1]},
			Query: url.Values{}, Status: 200},
		{Operation: ecloud.OpDeleteOrganizationMemberships, Method: http.MethodDelete, Path: map[string]string{"organization_id": org, "user_ids": "u/1"},
			Query: url.Values{"force": {"true"}}, Status: 200},
		{Operation: ecloud.OpGetOrganization, Method: http.MethodGet, Path: map[string]string{"organization_id": "nope"}, Query: url.Values{}, Status: 404},
	}
	got := srv.Requests()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ecloudtest.Request{}, "Time")); diff != "" {
		t.Fatalf("log (-want +got):\n%s", diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Time.Before(got[i-1].Time) {
			t.Errorf("request %d arrived before request %d", i, i-1)
		}
	}

	// Which tokens did the code revoke?
	revoked := srv.Requests(ecloud.OpDeleteOrganizationInvitations)
	if len(revoked) != 1 || !slices.Equal(revoked[0].List("invitation_tokens"), tokens) {
		t.Errorf("revoked = %v, want the two tokens", revoked)
	}
	var body ecloud.CreateInvitationsRequest
	if err := got[0].DecodeBody(&body); err != nil || !slices.Equal(body.Emails, []string{"a@example.com", "b@example.com"}) || body.ExpiresIn != "7d" {
		t.Errorf("DecodeBody = %+v, %v", body, err)
	}
	if got[1].List("user_ids") != nil {
		t.Error("List of an absent parameter is not nil")
	}

	// The printed form shows no token.
	lines := fmt.Sprint(got)
	for _, tok := range tokens {
		if strings.Contains(lines, tok) {
			t.Errorf("the printed log shows a token: %s", lines)
		}
	}
	if want := "DELETE delete-organization-invitations invitation_tokens=[redacted] organization_id=team/a b → 200"; got[1].String() != want {
		t.Errorf("String() = %q, want %q", got[1].String(), want)
	}
	if want := "DELETE delete-organization-memberships organization_id=team/a b user_ids=u/1 ?force=true → 200"; got[2].String() != want {
		t.Errorf("String() = %q, want %q", got[2].String(), want)
	}

	// Requests returns copies.
	got[0].Path["organization_id"] = "changed"
	got[0].Body[0] = 'X'
	got[2].Query.Set("force", "false")
	again := srv.Requests()
	if again[0].Path["organization_id"] != org || again[0].Body[0] != '{' || again[2].Query.Get("force") != "true" {
		t.Error("a caller changed the log through a returned value")
	}
}

// TestRequestLogKeepsFaultsAndRefusals: the log has every request matched
// to an operation, whatever its answer, and only those.
func TestRequestLogKeepsFaultsAndRefusals(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	srv.FailNext(ecloud.OpListOrganizations, 503)
	if _, err := c.ListOrganizations(t.Context()); err == nil {
		t.Fatal("the fault was not answered")
	}
	hc := &http.Client{}
	t.Cleanup(hc.CloseIdleConnections)
	for _, r := range []struct{ method, path, auth string }{
		{http.MethodGet, "/organizations", ""},                              // 401: logged
		{http.MethodGet, "/organizations/org-1/nothing", "ApiKey k"},        // 404: no operation
		{http.MethodPatch, "/organizations/org-1", "ApiKey k"},              // 405: no operation
		{http.MethodGet, "/organizations/org-1/members?page=2", "ApiKey k"}, // 400: logged
	} {
		req, err := http.NewRequestWithContext(t.Context(), r.method, srv.URL()+r.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.auth != "" {
			req.Header.Set("Authorization", r.auth)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.String())
	}
	want := []string{
		"GET list-organizations → 503",
		"GET list-organizations → 401",
		"GET list-organization-members organization_id=org-1 ?page=2 → 400",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

// TestRequestLogConcurrently: callers and readers of the log at once (run
// with -race); every request is logged once.
func TestRequestLogConcurrently(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{fmt.Sprintf("user%d@example.com", i)}})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			for _, r := range srv.Requests(ecloud.OpCreateOrganizationInvitations) {
				_ = r.String()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	seen := map[string]int{}
	for _, r := range srv.Requests(ecloud.OpCreateOrganizationInvitations) {
		var body ecloud.CreateInvitationsRequest
		if err := r.DecodeBody(&body); err != nil || r.Status != 201 {
			t.Errorf("%v: %v", r, err)
		}
		for _, e := range body.Emails {
			seen[e]++
		}
	}
	if len(seen) != n {
		t.Errorf("%d addresses logged, want %d", len(seen), n)
	}
	for e, k := range seen {
		if k != 1 {
			t.Errorf("%s logged %d times", e, k)
		}
	}
}

// TestRequestLogHoldsAnsweredCalls: once a call has its answer, its request
// is in the log, also when the answer (a list of 200 invitations, some 60 KiB)
// leaves the fake in several writes and the client returns before the
// handler has finished; and a dropped request is logged once, without a
// status.
func TestRequestLogHoldsAnsweredCalls(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	for i := range 200 {
		srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: fmt.Sprintf("user%d@example.com", i)})
	}
	missing := 0
	for i := range 100 {
		if _, err := c.ListOrganizationInvitations(t.Context(), "org-1"); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Requests(ecloud.OpListOrganizationInvitations)); n != i+1 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of 100 calls had returned before the log held them", missing)
	}
	// A POST: net/http itself resends a GET whose reused connection closes
	// before any answer.
	op := ecloud.OpCreateOrganizationInvitations
	srv.Fault(op, ecloudtest.Fault{Drop: ecloudtest.DropBeforeAnswer})
	if _, err := c.CreateOrganizationInvitations(t.Context(), "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"new@example.com"}}); err == nil {
		t.Fatal("a dropped request returned no error")
	}
	if got := srv.Requests(op); len(got) != 1 || got[0].Status != 0 {
		t.Errorf("log of the dropped request = %v, want it once, with no answer", got)
	}
}

// TestRequestGoStringRedacts: %#v of a logged request, as a test's failure
// message may print it, shows no invitation token.
func TestRequestGoStringRedacts(t *testing.T) {
	t.Parallel()
	srv, c, _ := newServer(t)
	inv := srv.AddInvitation("org-1", ecloud.OrganizationInvitation{Email: "a@example.com"})
	if _, err := c.GetOrganizationInvitation(t.Context(), inv.Token); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%#v %v", srv.Requests(), srv.Requests())
	if strings.Contains(got, inv.Token) || !strings.Contains(got, "invitation_token=[redacted]") {
		t.Errorf("the log printed as %s", got)
	}
}
