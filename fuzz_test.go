package ecloud

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the parsers that read what a server sends. Their seed
// corpora live in testdata/fuzz and run with every plain `go test`; explore
// with `go test -fuzz FuzzAPIError` (or FuzzParseRetryAfter).

func FuzzAPIError(f *testing.F) {
	f.Add(404, "organization.not_found", []byte(`{"errors":[{"code":"organization.not_found","message":"Organization not found"}]}`))
	c, err := NewClient(WithAPIKey("fuzz-key"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, codes string, body []byte) {
		if len(body) > documentedErrorCap+1 {
			body = body[:documentedErrorCap+1] // the client never hands more to newAPIError
		}
		header := http.Header{"X-Cloud-Error-Codes": strings.Split(codes, "\n"), "Retry-After": {codes}}
		e := c.newAPIError(&call{op: "get-organization-invitation", method: http.MethodGet, secrets: []string{"tok"}}, status, header, body, false, 1)
		msg := e.Error()
		if !strings.HasPrefix(msg, "ecloud: get-organization-invitation: ") {
			t.Fatalf("Error() = %q", msg)
		}
		if strings.Contains(msg, "fuzz-key") {
			t.Fatalf("Error() leaks the key: %q", msg)
		}
		for _, code := range e.Codes {
			if code == "" || code != strings.TrimSpace(code) || strings.Contains(code, ",") {
				t.Fatalf("bad code %q from %q", code, codes)
			}
			if !e.HasCode(code) {
				t.Fatalf("HasCode(%q) = false", code)
			}
		}
		if len(e.Body) > documentedErrorCap {
			t.Fatalf("Body of %d bytes", len(e.Body))
		}
		if e.Errors != nil && e.Body != nil {
			t.Fatal("both Errors and Body set")
		}
		if e.RetryAfter < 0 || e.RetryAfter > clampedWait {
			t.Fatalf("RetryAfter = %v", e.RetryAfter)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > clampedWait {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v but not ok", v, d)
		}
		if ok && strings.TrimSpace(v) == "" {
			t.Fatalf("empty %q parsed", v)
		}
		_ = utf8.ValidString(v)
	})
}
