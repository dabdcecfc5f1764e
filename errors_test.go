package ecloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  *APIError
		want string
	}{
		{
			&APIError{StatusCode: 404, Operation: "list-organization-invitations", Codes: []string{"organization.not_found"},
				Errors: []ErrorDetail{{Code: "organization.not_found", Message: "Organization not found"}}},
			"ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found",
		},
		{
			&APIError{StatusCode: 400, Operation: "create-organization-invitations", Codes: []string{"a.b", "c.d"},
				Errors: []ErrorDetail{{Code: "a.b", Message: "first"}, {Code: "e.f", Message: "second"}}},
			"ecloud: create-organization-invitations: 400 Bad Request: a.b: first; e.f: second; c.d",
		},
		{
			&APIError{StatusCode: 502, Operation: "get-organization", Body: []byte("<html>bad gateway</html>"), Attempts: 4},
			"ecloud: get-organization: 502 Bad Gateway (unrecognised body of 24 bytes) (after 4 attempts)",
		},
		{
			&APIError{StatusCode: 429, Operation: "list-organizations", Codes: []string{"x"}, RetryAfter: 90 * time.Second},
			"ecloud: list-organizations: 429 Too Many Requests: x (retry after 1m30s)",
		},
		{&APIError{StatusCode: 599, Operation: "get-organization"}, "ecloud: get-organization: 599"},
		{&APIError{StatusCode: 403, Operation: "op", Errors: []ErrorDetail{{Message: "no code"}}}, "ecloud: op: 403 Forbidden: no code"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() =\n%q\nwant\n%q", got, tc.want)
		}
	}
}

func TestAPIErrorIsByStatusClass(t *testing.T) {
	t.Parallel()
	sentinels := map[string]error{
		"bad request": ErrBadRequest, "unauthorized": ErrUnauthorized, "forbidden": ErrForbidden,
		"not found": ErrNotFound, "rate limited": ErrRateLimited, "server": ErrServer,
		"verification pending": ErrVerificationPending,
	}
	cases := map[int]string{400: "bad request", 401: "unauthorized", 403: "forbidden", 404: "not found",
		429: "rate limited", 449: "verification pending", 500: "server", 502: "server", 503: "server", 599: "server",
		409: "", 418: "", 301: "", 448: "", 450: "", 600: ""}
	for status, want := range cases {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status})
		for name, sentinel := range sentinels {
			if got := errors.Is(err, sentinel); got != (name == want) {
				t.Errorf("errors.Is(%d, %s) = %v", status, name, got)
			}
		}
		if errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%d matches ErrInvalidArgument", status)
		}
	}
	if errors.Is(&APIError{StatusCode: 404}, &APIError{StatusCode: 404}) {
		t.Error("two distinct APIErrors compare equal; only sentinels should match")
	}
	// A target of a type that cannot be compared is no sentinel, and no panic.
	if errors.Is(&APIError{StatusCode: 404}, tcUncomparableErr{"not found"}) {
		t.Error("an APIError matched an error of another type")
	}
}

type tcUncomparableErr []string

func (e tcUncomparableErr) Error() string { return e[0] }

func TestHasCode(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("ctx: %w", &APIError{Codes: []string{"from.header"}, Errors: []ErrorDetail{{Code: "from.body"}}})
	for code, want := range map[string]bool{"from.header": true, "from.body": true, "other": false, "": false} {
		if got := HasCode(err, code); got != want {
			t.Errorf("HasCode(%q) = %v", code, got)
		}
	}
	if HasCode(errors.New("plain"), "from.header") || HasCode(nil, "x") {
		t.Error("HasCode matched a non-API error")
	}
}

func TestParseErrorCodes(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Add("x-cloud-error-codes", "organization.not_found, root.permission_denied")
	h.Add("X-Cloud-Error-Codes", " ,  user.not_found ,,")
	h.Add("x-cloud-error-codes", "")
	want := []string{"organization.not_found", "root.permission_denied", "user.not_found"}
	if got := parseErrorCodes(h); !reflect.DeepEqual(got, want) {
		t.Errorf("parseErrorCodes = %q, want %q", got, want)
	}
	if got := parseErrorCodes(http.Header{}); got != nil {
		t.Errorf("no header gave %q", got)
	}
}

func TestRequestErrorUnwraps(t *testing.T) {
	t.Parallel()
	err := error(&RequestError{Operation: "get-organization", Attempts: 2, Err: context.Canceled})
	if !errors.Is(err, context.Canceled) {
		t.Error("RequestError does not unwrap")
	}
	if got, want := err.Error(), "ecloud: get-organization: after 2 attempts: context canceled"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestRequestErrorBuiltByCaller: a *RequestError that a caller builds (for a
// hand-written fake) prints its cause.
func TestRequestErrorBuiltByCaller(t *testing.T) {
	t.Parallel()
	cases := map[string]*RequestError{
		"ecloud: get-organization: connection refused":                 {Operation: "get-organization", Err: errors.New("connection refused")},
		"ecloud: get-organization: after 3 attempts: context canceled": {Operation: "get-organization", Attempts: 3, Err: context.Canceled},
		"ecloud: list-organizations: request failed":                   {Operation: "list-organizations"},
	}
	for want, err := range cases {
		if got := err.Error(); got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}
