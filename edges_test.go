package ecloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestAPIErrorMessageLimits: Error prints five body errors and five header
// codes (those not already printed), each cut to 200 bytes at a character
// boundary, and counts the rest.
func TestAPIErrorMessageLimits(t *testing.T) {
	t.Parallel()
	var details []ErrorDetail
	for i := range documentedPrinted + 2 {
		details = append(details, ErrorDetail{Code: fmt.Sprintf("b%d", i)})
	}
	var codes []string
	for i := range documentedPrinted + 3 {
		codes = append(codes, fmt.Sprintf("h%d", i))
	}
	e := &APIError{StatusCode: 400, Operation: "op", Errors: details, Codes: append([]string{"b0"}, codes...)}
	want := "ecloud: op: 400 Bad Request: b0; b1; b2; b3; b4; h0; h1; h2; h3; h4 (and 5 more)"
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n%q\nwant\n%q", got, want)
	}

	at := strings.Repeat("x", documentedClip)
	over := at + "y"
	multibyte := strings.Repeat("x", documentedClip-1) + "é" // é (2 bytes) straddles the cut
	for msg, want := range map[string]string{
		at:        at,
		over:      at + "…",
		multibyte: strings.Repeat("x", documentedClip-1) + "…",
	} {
		e := &APIError{StatusCode: 400, Operation: "op", Errors: []ErrorDetail{{Message: msg}}}
		if got, want := e.Error(), "ecloud: op: 400 Bad Request: "+want; got != want {
			t.Errorf("a message of %d bytes prints as %q, want %q", len(msg), got, want)
		}
	}

	// Bytes that start no character: the clip goes back to the start.
	garbage := &APIError{StatusCode: 400, Operation: "op", Errors: []ErrorDetail{{Message: strings.Repeat("\x80", documentedClip+50)}}}
	if got, want := garbage.Error(), "ecloud: op: 400 Bad Request: …"; got != want {
		t.Errorf("a message of continuation bytes prints as %q, want %q", got, want)
	}

	// Codes beyond 16, which only a hand-made error holds, count as more,
	// with the details beyond five.
	both := &APIError{StatusCode: 400, Operation: "op", Errors: details, Codes: make([]string, documentedCodes+4)}
	for i := range both.Codes {
		both.Codes[i] = fmt.Sprintf("c%d", i)
	}
	if got, want := both.Error(), "ecloud: op: 400 Bad Request: b0; b1; b2; b3; b4; c0; c1; c2; c3; c4 (and 17 more)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	// Codes beyond 16, which only a hand-made error holds, count as more.
	many := &APIError{StatusCode: 503, Operation: "op", Codes: make([]string, documentedCodes+4)}
	for i := range many.Codes {
		many.Codes[i] = fmt.Sprintf("c%d", i)
	}
	if got, want := many.Error(), "ecloud: op: 503 Service Unavailable: c0; c1; c2; c3; c4 (and 15 more)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestRequestErrorOfOneAttempt: one attempt is not counted in the text.
func TestRequestErrorOfOneAttempt(t *testing.T) {
	t.Parallel()
	err := &RequestError{Operation: "get-organization", Method: "GET", Attempts: 1, Err: errors.New("connection refused")}
	if got, want := err.Error(), "ecloud: get-organization: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestSentinelsOfEveryStatusClass: every status matches the sentinel of its
// class and no other; statuses without a class, 402, 428, 499 and 600
// among them, match none.
func TestSentinelsOfEveryStatusClass(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrVerificationPending, ErrServer}
	for status, want := range map[int]error{
		300: nil, 399: nil, 400: ErrBadRequest, 401: ErrUnauthorized, 402: nil, 403: ErrForbidden, 404: ErrNotFound,
		405: nil, 428: nil, 429: ErrRateLimited, 430: nil, 448: nil, 449: ErrVerificationPending, 450: nil, 499: nil,
		500: ErrServer, 501: ErrServer, 550: ErrServer, 599: ErrServer, 600: nil, 0: nil,
	} {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status})
		for _, s := range sentinels {
			if got := errors.Is(err, s); got != (s == want) {
				t.Errorf("errors.Is(%d, %v) = %v", status, s, got)
			}
		}
	}
}

// TestErrorCodeLimits: a header code of 128 bytes is kept, one of 129 is
// dropped; the first 16 distinct codes are kept.
func TestErrorCodeLimits(t *testing.T) {
	t.Parallel()
	at, over := strings.Repeat("c", documentedCodeLen), strings.Repeat("d", documentedCodeLen+1)
	h := http.Header{"X-Cloud-Error-Codes": {at + "," + over + ",x"}}
	if got := parseErrorCodes(h); len(got) != 2 || got[0] != at || got[1] != "x" {
		t.Errorf("parseErrorCodes kept %q, want the 128-byte code and x", got)
	}
	var many []string
	for i := range documentedCodes + 1 {
		many = append(many, fmt.Sprintf("c%d", i))
	}
	got := parseErrorCodes(http.Header{"X-Cloud-Error-Codes": {strings.Join(many, ",")}})
	if len(got) != documentedCodes || got[documentedCodes-1] != many[documentedCodes-1] {
		t.Errorf("parseErrorCodes kept %q, want the first %d", got, documentedCodes)
	}
}

// TestLongErrorBodyIsCutAsItCame: an error body over 64 KiB with no secret
// in it is kept as its first 64 KiB, byte for byte.
func TestLongErrorBodyIsCutAsItCame(t *testing.T) {
	t.Parallel()
	body := []byte(strings.Repeat("<p>bad gateway</p>", documentedErrorCap/10))
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502); w.Write(body) })
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{}))
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !bytes.Equal(apiErr.Body, body[:documentedErrorCap]) {
		t.Errorf("err = %.200v; want an *APIError whose Body is the first 64 KiB of the body sent", err)
	}
}

// TestErrorBodyOfExactlyTheCap: an error body of exactly 64 KiB was not
// cut, so its end is kept as it came, even where it looks like the
// beginning of a secret.
func TestErrorBodyOfExactlyTheCap(t *testing.T) {
	t.Parallel()
	const end = " test-k" // the beginning of the client's API key, test-key
	body := strings.Repeat("x", documentedErrorCap-len(end)) + end
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502); io.WriteString(w, body) })
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{}))
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || string(apiErr.Body) != body {
		t.Errorf("err = %.100v; want an *APIError whose Body is the 64 KiB sent, its end kept", err)
	}
}

// TestRedirectStatusesAreAPIErrors: a 300 (the lowest 3xx) is an *APIError
// after one attempt, and a 2xx keeps the Location header it came with.
func TestRedirectStatusesAreAPIErrors(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(http.StatusMultipleChoices)
		io.WriteString(w, `{"errors":[{"code":"x.y","message":"choose"}]}`)
	})
	c := newTestClient(t, f.URL)
	_, err := c.ListOrganizations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 300 || apiErr.Attempts != 1 || !apiErr.HasCode("x.y") {
		t.Errorf("err = %v, want the 300 *APIError after 1 attempt", err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("the server saw %d requests, want 1", got)
	}
}

// TestSuccessBodiesOverTheErrorCap: a success body larger than the 64 KiB
// error cap is read whole.
func TestSuccessBodiesOverTheErrorCap(t *testing.T) {
	t.Parallel()
	var list strings.Builder
	list.WriteString(`{"organizations":[`)
	n := 0
	for list.Len() < 2*documentedErrorCap {
		if n > 0 {
			list.WriteByte(',')
		}
		fmt.Fprintf(&list, `{"id":"o%d","name":"Organization %d"}`, n, n)
		n++
	}
	list.WriteString(`]}`)
	for _, status := range []int{200, 299} { // any 2xx
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			io.WriteString(w, list.String())
		})
		c := newTestClient(t, f.URL)
		got, err := c.ListOrganizations(context.Background())
		if err != nil {
			t.Errorf("%d, a %d KiB list: %v", status, list.Len()>>10, err)
		} else if len(got.Organizations) != n {
			t.Errorf("%d, a %d KiB list: %d organizations, want %d", status, list.Len()>>10, len(got.Organizations), n)
		}
	}
}

// TestSuccessCap: a success body of 32 MiB is read; one byte more is a
// *RequestError that says so, after one attempt. (Not parallel: it holds
// tens of MiB.)
func TestSuccessCap(t *testing.T) {
	const doc = `{"organizations":[{"id":"o1","name":"Acme"}]}`
	body := bytes.Repeat([]byte(" "), documentedSuccessCap) // JSON whose last bytes matter
	copy(body[len(body)-len(doc):], doc)
	for _, size := range []int{documentedSuccessCap, documentedSuccessCap + 1} {
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Write(body)
			if size > len(body) {
				io.WriteString(w, " ")
			}
		})
		c := newTestClient(t, f.URL)
		list, err := c.ListOrganizations(context.Background())
		if size == documentedSuccessCap {
			if err != nil || len(list.Organizations) != 1 {
				t.Errorf("a body of 32 MiB: %+v, %v", list, err)
			}
			continue
		}
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || reqErr.Attempts != 1 || !strings.Contains(err.Error(), "larger than the 32 MiB limit") {
			t.Errorf("a body of 32 MiB and a byte: err = %v, want a *RequestError after 1 attempt for the 32 MiB limit", err)
		}
		if got := f.requests.Load(); got != 1 {
			t.Errorf("the server saw %d requests, want 1 (too large is not retried)", got)
		}
	}
}

// TestDebugLogOfATransportError: an attempt that got no answer is logged
// with status 0 and what kind of failure it was, never its text.
func TestDebugLogOfATransportError(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { answerRaw(t, w, "") })
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, f.URL, WithLogger(logger), WithRetryPolicy(RetryPolicy{}))
	if _, err := c.ListOrganizations(context.Background()); err == nil {
		t.Fatal("a server that hangs up answered")
	}
	refused := newTestClient(t, "http://"+closedAddr(t), WithLogger(logger), WithRetryPolicy(RetryPolicy{}))
	if _, err := refused.ListOrganizations(context.Background()); err == nil {
		t.Fatal("a closed port answered")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per attempt, got %q", lines)
	}
	for i, want := range []string{`"status":0,"attempt":1,`, `"status":0,"attempt":1,`} {
		if !strings.Contains(lines[i], want) || strings.Contains(lines[i], "retry_in") || strings.Contains(lines[i], "127.0.0.1") {
			t.Errorf("line %d = %s, want %s, no retry and no address", i, lines[i], want)
		}
	}
	for i, kind := range []string{`"error":"connection closed"`, `"error":"dial failed"`} {
		if !strings.Contains(lines[i], kind) {
			t.Errorf("line %d = %s, want %s", i, lines[i], kind)
		}
	}
}

// TestNilOptionsAreSkipped: a nil Option among others is skipped, and the
// options after it still apply.
func TestNilOptionsAreSkipped(t *testing.T) {
	t.Parallel()
	c, err := NewClient(nil, WithAPIKey("k"), nil, WithBaseURL("https://ece.example.com:12443"), nil)
	if err != nil || c.BaseURL() != "https://ece.example.com:12443/api/v1" {
		t.Errorf("NewClient(nil, ...) = %v, %v; want the options after each nil applied", c, err)
	}
	if _, err := NewClient(nil); err == nil {
		t.Error("NewClient(nil) made a client without credentials")
	}
}

// TestCloseIdleConnections: CloseIdleConnections closes the connections the
// client keeps idle, as the server sees: the next call needs a new one.
func TestCloseIdleConnections(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"the SDK's transport", nil},
		{"the caller's client", []Option{WithHTTPClient(&http.Client{Transport: &http.Transport{}})}},
	} {
		var opened, closed atomic.Int32
		f := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"organizations":[]}`)
		}))
		f.Config.ConnState = func(_ net.Conn, state http.ConnState) {
			switch state {
			case http.StateNew:
				opened.Add(1)
			case http.StateClosed:
				closed.Add(1)
			}
		}
		f.Start()
		t.Cleanup(f.Close)
		c := newTestClient(t, f.URL, tc.opts...)
		for range 2 {
			if _, err := c.ListOrganizations(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := opened.Load(); got != 1 {
			t.Errorf("%s: %d connections for two calls, want 1 kept alive", tc.name, got)
		}
		c.CloseIdleConnections()
		waitFor(t, func() bool { return closed.Load() == 1 }, tc.name+": the server saw the idle connection closed")
		if _, err := c.ListOrganizations(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := opened.Load(); got != 2 {
			t.Errorf("%s: %d connections after CloseIdleConnections and a call, want 2", tc.name, got)
		}
		c.CloseIdleConnections()
	}
	var nilClient *Client
	nilClient.CloseIdleConnections() // does nothing, never panics
}

// waitFor polls cond for up to 2 seconds and fails the test if it never
// holds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("after 2s: not so: %s", what)
			return
		}
	}
}

// TestClientPrints: a client prints as its base URL and user agent, a nil
// one as such.
func TestClientPrints(t *testing.T) {
	t.Parallel()
	c := mustClient(t, WithAPIKey("k"), WithUserAgent("my tool/1.2 (linux)")) // spaces are no control characters
	want := `ecloud.Client{base: https://api.elastic-cloud.com/api/v1, user-agent: "my tool/1.2 (linux) ecloud-go/` + Version + `"}`
	if got := fmt.Sprint(c); got != want {
		t.Errorf("Sprint(client) = %s, want %s", got, want)
	}
	var nilClient *Client
	if got := fmt.Sprintf("%v %#v", nilClient, nilClient); got != "ecloud.Client(nil) ecloud.Client(nil)" {
		t.Errorf("a nil client prints as %q", got)
	}
}

// TestInvitationPrintsItsType: %#v of an invitation names its own type.
func TestInvitationPrintsItsType(t *testing.T) {
	t.Parallel()
	inv := OrganizationInvitation{Token: "tok-secret", Email: "a@example.com"}
	if got := fmt.Sprintf("%#v", inv); !strings.HasPrefix(got, "ecloud.OrganizationInvitation{") || strings.Contains(got, "tok-secret") {
		t.Errorf("%%#v = %s", got)
	}
	for _, verb := range []string{"%v", "%+v", "%s"} {
		if got := fmt.Sprintf(verb, inv); strings.Contains(got, "OrganizationInvitation{") || strings.Contains(got, "invitationFields") || strings.Contains(got, "tok-secret") {
			t.Errorf("%s = %s", verb, got)
		}
	}
}
