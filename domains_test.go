package ecloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// tcDomainClaimOps are the operations of domains.go.
var tcDomainClaimOps = []string{OpListDomainClaims, OpGenerateDomainVerificationCode, OpVerifyDomainClaim, OpDeleteDomainClaim}

func TestOpDomainClaims(t *testing.T) {
	t.Parallel()
	tcRunOpCases(t, []tcOpCase{
		{
			name:       "ListDomainClaims",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListDomainClaims(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"domains":["example.com","acme.example"]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/domains",
			want: []string{"example.com", "acme.example"},
		},
		{
			name:       "ListDomainClaims/none",
			call:       func(ctx context.Context, c *Client) (any, error) { return c.ListDomainClaims(ctx, "o1") },
			reply:      tcReply{Status: 200, Body: `{"domains":[]}`},
			wantMethod: "GET", wantPath: "/organizations/o1/domains",
			want: []string{},
		},
		{
			name: "GenerateDomainVerificationCode",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GenerateDomainVerificationCode(ctx, "o1", "example.com")
			},
			reply:      tcReply{Status: 200, Body: `{"verification":"elastic-cloud-verification=4f1c"}`},
			wantMethod: "POST", wantPath: "/organizations/o1/domains/_generate_verification_code",
			wantBody: `{"domain_claim_request":"example.com"}`,
			want:     "elastic-cloud-verification=4f1c",
		},
		{
			name: "VerifyDomainClaim",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.VerifyDomainClaim(ctx, "o1", "example.com")
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "POST", wantPath: "/organizations/o1/domains/_verify",
			wantBody: `{"domain_claim_request":"example.com"}`,
		},
		{
			name: "DeleteDomainClaim",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteDomainClaim(ctx, "o1", "example.com")
			},
			reply:      tcReply{Status: 200, Body: ``},
			wantMethod: "DELETE", wantPath: "/organizations/o1/domains",
			wantBody: `{"domain_claim_request":"example.com"}`,
		},
		{
			name: "DeleteDomainClaim/the domain is sent as given",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteDomainClaim(ctx, "o1", "Ex/ample.com?x#y")
			},
			reply:      tcReply{Status: 200, Body: `{}`},
			wantMethod: "DELETE", wantPath: "/organizations/o1/domains",
			wantBody: `{"domain_claim_request":"Ex/ample.com?x#y"}`,
		},
	})
}

func TestOpDomainClaimsDocumentedErrors(t *testing.T) {
	t.Parallel()
	tcRunDocumentedErrors(t, tcDomainClaimOps)
}

// TestOpVerifyDomainClaimPending: the 449 of domain-claim-verify-domain
// matches ErrVerificationPending (wrapped too) and no other sentinel, and is
// answered after one request: the SDK does not retry it, even with retries
// on and POST retries allowed.
func TestOpVerifyDomainClaimPending(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]Option{
		{WithRetryPolicy(RetryPolicy{MaxRetries: 3})},
		{WithRetryPolicy(RetryPolicy{MaxRetries: 3}), WithRetryNonIdempotent()},
	} {
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(449)
			fmt.Fprint(w, `{}`)
		})
		c := newTestClient(t, f.URL, opts...)
		err := c.VerifyDomainClaim(context.Background(), "o1", "example.com")
		if n := f.requests.Load(); n != 1 {
			t.Errorf("%d requests for a 449, want 1 (not retried)", n)
		}
		if !errors.Is(err, ErrVerificationPending) || !errors.Is(fmt.Errorf("wrapped: %w", err), ErrVerificationPending) {
			t.Fatalf("error = %v, want one matching ErrVerificationPending", err)
		}
		for _, s := range tcSentinels {
			if s.err != ErrVerificationPending && errors.Is(err, s.err) {
				t.Errorf("a 449 matches %s", s.name)
			}
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 449 || apiErr.Operation != OpVerifyDomainClaim || apiErr.Attempts != 1 {
			t.Errorf("error = %#v, want the *APIError of one 449 attempt", err)
		}
		if !strings.Contains(err.Error(), "domain-claim-verify-domain: 449") {
			t.Errorf("Error() = %q", err)
		}
	}
	// Other statuses are not pending.
	for _, status := range []int{400, 404, 409, 429, 503} {
		if errors.Is(&APIError{StatusCode: status}, ErrVerificationPending) {
			t.Errorf("a %d matches ErrVerificationPending", status)
		}
	}
}

func TestOpDomainClaimsInvalidArguments(t *testing.T) {
	t.Parallel()
	list := func(org string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { _, err := c.ListDomainClaims(ctx, org); return err }
	}
	generate := func(org, domain string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.GenerateDomainVerificationCode(ctx, org, domain)
			return err
		}
	}
	verify := func(org, domain string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { return c.VerifyDomainClaim(ctx, org, domain) }
	}
	del := func(org, domain string) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { return c.DeleteDomainClaim(ctx, org, domain) }
	}
	tcRunInvalidArgs(t, []struct {
		name, op string
		call     func(context.Context, *Client) error
	}{
		{"ListDomainClaims/empty ID", OpListDomainClaims, list("")},
		{"ListDomainClaims/dot-dot", OpListDomainClaims, list("..")},
		{"GenerateDomainVerificationCode/empty ID", OpGenerateDomainVerificationCode, generate("", "example.com")},
		{"GenerateDomainVerificationCode/empty domain", OpGenerateDomainVerificationCode, generate("o1", "")},
		{"VerifyDomainClaim/dot", OpVerifyDomainClaim, verify(".", "example.com")},
		{"VerifyDomainClaim/empty domain", OpVerifyDomainClaim, verify("o1", "")},
		{"DeleteDomainClaim/empty ID", OpDeleteDomainClaim, del("", "example.com")},
		{"DeleteDomainClaim/empty domain", OpDeleteDomainClaim, del("o1", "")},
	})
}

func TestOpDomainClaimsPathEscaping(t *testing.T) {
	t.Parallel()
	tcRunEscapes(t, []tcEscapeCase{
		{"ListDomainClaims", func(ctx context.Context, c *Client) error {
			_, err := c.ListDomainClaims(ctx, "o/1?x")
			return err
		}, "/organizations/o%2F1%3Fx/domains"},
		{"VerifyDomainClaim/path traversal stays one segment", func(ctx context.Context, c *Client) error {
			return c.VerifyDomainClaim(ctx, "../users", "example.com")
		}, "/organizations/..%2Fusers/domains/_verify"},
		{"DeleteDomainClaim", func(ctx context.Context, c *Client) error {
			return c.DeleteDomainClaim(ctx, "o#1", "example.com")
		}, "/organizations/o%231/domains"},
	})
}

func TestOpDomainClaimsSuccessWithInvalidJSON(t *testing.T) {
	t.Parallel()
	tcRunBrokenJSON(t, []tcBrokenJSONCase{
		{OpListDomainClaims, 200, func(ctx context.Context, c *Client) (any, error) { return c.ListDomainClaims(ctx, "o1") }},
	})
	// A string result: check the error and that no code comes back.
	for _, body := range []string{`{"verification":`, `<html>proxy</html>`, `{"verification":7}`} {
		c, _ := tcClient(t, tcReply{Status: 200, Body: body})
		code, err := c.GenerateDomainVerificationCode(context.Background(), "o1", "example.com")
		if err == nil || code != "" || !strings.Contains(err.Error(), OpGenerateDomainVerificationCode) {
			t.Errorf("body %q: code %q, error %v; want no code and an error naming the operation", body, code, err)
		}
	}
}
