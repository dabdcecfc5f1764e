package ecloud

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"no credentials", nil, "no credentials"},
		{"empty key", []Option{WithAPIKey("")}, "API key is empty"},
		{"blank key", []Option{WithAPIKey("  ")}, "API key is empty"},
		{"key with newline", []Option{WithAPIKey("k\r\nX-Evil: 1")}, "line break"},
		{"key with NUL", []Option{WithAPIKey("k\x00ey")}, "control character"},
		{"key with DEL", []Option{WithAPIKey("k\x7fey")}, "control character"},
		{"key with tab", []Option{WithAPIKey("k\tey")}, "control character"},
		{"two credentials", []Option{WithAPIKey("k"), WithBasicAuth("u", "p")}, "choose one"},
		{"empty password", []Option{WithBasicAuth("u", "")}, "must not be empty"},
		{"colon in user", []Option{WithBasicAuth("u:x", "p")}, "':'"},
		{"unparsable URL", []Option{WithAPIKey("k"), WithBaseURL("https://[::1")}, "cannot be parsed"},
		{"no scheme", []Option{WithAPIKey("k"), WithBaseURL("ece.example.com")}, "scheme"},
		{"ftp", []Option{WithAPIKey("k"), WithBaseURL("ftp://ece.example.com")}, "scheme"},
		{"no host", []Option{WithAPIKey("k"), WithBaseURL("https://")}, "no host"},
		{"user info", []Option{WithAPIKey("k"), WithBaseURL("https://u:p@ece.example.com")}, "credentials"},
		{"query", []Option{WithAPIKey("k"), WithBaseURL("https://ece.example.com?x=1")}, "query"},
		{"plain http", []Option{WithAPIKey("k"), WithBaseURL("http://ece.example.com:12400")}, "clear text"},
		{"nil http client", []Option{WithAPIKey("k"), WithHTTPClient(nil)}, "nil"},
		{"nil tls", []Option{WithAPIKey("k"), WithTLSConfig(nil)}, "nil"},
		{"tls and http client", []Option{WithAPIKey("k"), WithTLSConfig(&tls.Config{}), WithHTTPClient(&http.Client{})}, "both given"},
		{"empty user agent", []Option{WithAPIKey("k"), WithUserAgent("")}, "non-empty"},
		{"user agent newline", []Option{WithAPIKey("k"), WithUserAgent("a\nb")}, "single line"},
		{"user agent NUL", []Option{WithAPIKey("k"), WithUserAgent("tool/1\x00")}, "control characters"},
		{"user agent DEL", []Option{WithAPIKey("k"), WithUserAgent("tool/\x7f1")}, "control characters"},
		{"negative attempt timeout", []Option{WithAPIKey("k"), WithAttemptTimeout(-time.Second)}, "negative"},
		{"negative wait", []Option{WithAPIKey("k"), WithRetryPolicy(RetryPolicy{MinWait: -1})}, "negative"},
		{"zero rps", []Option{WithAPIKey("k"), WithRateLimit(0, 1)}, "rps"},
		{"zero burst", []Option{WithAPIKey("k"), WithRateLimit(1, 0)}, "burst"},
	}
	for _, tc := range cases {
		c, err := NewClient(tc.opts...)
		if err == nil || c != nil {
			t.Errorf("%s: NewClient = %v, %v; want an error", tc.name, c, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "ecloud: ") {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.want)
		}
	}
}

func TestNewClientReadsNoEnvironment(t *testing.T) {
	t.Setenv("EC_API_KEY", "from-env")
	if _, err := NewClient(); err == nil {
		t.Error("NewClient used EC_API_KEY from the environment")
	}
}

func TestOptionsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		key, host, wantBase string
		wantErr             bool
	}{
		{"", "", "", true},
		{"k", "", DefaultBaseURL, false},
		{"k", "ece.example.com:12443", "https://ece.example.com:12443/api/v1", false},
		{"k", "https://ece.example.com:12443/", "https://ece.example.com:12443/api/v1", false},
	} {
		t.Setenv("EC_API_KEY", tc.key)
		t.Setenv("EC_HOST", tc.host)
		opts, err := OptionsFromEnv()
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), "EC_API_KEY") {
				t.Errorf("%+v: err = %v, want one naming EC_API_KEY", tc, err)
			}
			continue
		}
		c, err := NewClient(opts...)
		if err != nil || c.BaseURL() != tc.wantBase {
			t.Errorf("%+v: base %v, err %v", tc, c, err)
		}
	}
}

func TestBaseURLNormalisation(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://ece.example.com:12443":                  "https://ece.example.com:12443/api/v1",
		"https://ece.example.com:12443/":                 "https://ece.example.com:12443/api/v1",
		"https://ece.example.com:12443//":                "https://ece.example.com:12443/api/v1",
		" https://ece.example.com ":                      "https://ece.example.com/api/v1",
		"http://127.0.0.1:4010/api/v1":                   "http://127.0.0.1:4010/api/v1",
		"http://127.0.0.1:4010/api/v1/":                  "http://127.0.0.1:4010/api/v1",
		"http://localhost:4010/prefix/api/v1":            "http://localhost:4010/prefix/api/v1",
		"http://[::1]:4010":                              "http://[::1]:4010/api/v1",
		"https://api.elastic-cloud.com/api/v1":           DefaultBaseURL,
		"https://proxy.example.com/elastic%20cloud/api/": "https://proxy.example.com/elastic%20cloud/api",
	}
	for in, want := range cases {
		c, err := NewClient(WithAPIKey("k"), WithBaseURL(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("%q: base %q, want %q", in, c.BaseURL(), want)
		}
	}
	c, err := NewClient(WithAPIKey("k"))
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Errorf("default base: %v, %v", c, err)
	}
}

func TestPlainHTTPOnlyForLoopbackOrOptIn(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1:1", "http://127.9.9.9", "http://localhost", "http://LOCALHOST:80", "http://[::1]:9"} {
		if _, err := NewClient(WithAPIKey("k"), WithBaseURL(u)); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"http://ece.example.com", "http://10.0.0.1:12400", "http://localhost.example.com"} {
		if _, err := NewClient(WithAPIKey("k"), WithBaseURL(u)); err == nil {
			t.Errorf("%s accepted without WithInsecureHTTP", u)
		}
		if _, err := NewClient(WithAPIKey("k"), WithBaseURL(u), WithInsecureHTTP()); err != nil {
			t.Errorf("%s refused with WithInsecureHTTP: %v", u, err)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []http.Header
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		io.WriteString(w, `{}`)
	})
	c := newTestClient(t, f.URL, WithUserAgent("my-tool/1.2"))
	if err := c.AcceptOrganizationInvitation(context.Background(), "tok"); err != nil {
		t.Fatal(err)
	}
	b := mustClient(t, WithBasicAuth("admin", "pa:ss"), WithBaseURL(f.URL))
	if err := b.AcceptOrganizationInvitation(context.Background(), "tok"); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"Authorization": "ApiKey test-key", "Accept": "application/json", "User-Agent": "my-tool/1.2 ecloud-go/" + Version, "Content-Type": ""},
		{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:pa:ss")), "Accept": "application/json", "User-Agent": "ecloud-go/0.1.0", "Content-Type": ""},
	}
	for i, w := range want {
		for k, v := range w {
			if got[i].Get(k) != v {
				t.Errorf("request %d: %s = %q, want %q", i, k, got[i].Get(k), v)
			}
		}
	}
}

func TestTLSWithPrivateCA(t *testing.T) {
	t.Parallel()
	srv := startFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"organizations":[]}`) }, true)

	// Unknown CA: refused, not retried, no secret in the error.
	c := newTestClient(t, srv.URL)
	_, err := c.ListOrganizations(context.Background())
	var certErr *tls.CertificateVerificationError
	var reqErr *RequestError
	if !errors.As(err, &certErr) || !errors.As(err, &reqErr) || reqErr.Attempts != 1 {
		t.Fatalf("err = %v, want a certificate error after 1 attempt", err)
	}
	if strings.Contains(err.Error(), "test-key") {
		t.Errorf("Error() leaks the key: %q", err)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c = newTestClient(t, srv.URL, WithTLSConfig(&tls.Config{RootCAs: pool}))
	if _, err := c.ListOrganizations(context.Background()); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	if got := srv.requests.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestPathParametersStayInTheirSegment(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		mu.Unlock()
		io.WriteString(w, `{"id":"x","name":"y"}`)
	})
	c := newTestClient(t, f.URL+"/api/v1")
	ctx := context.Background()
	for _, id := range []string{"../deployments", "a/b", "a?force=true", "a#frag", "50%", "a b"} {
		if _, err := c.GetOrganization(ctx, id); err != nil {
			t.Fatalf("%q: %v", id, err)
		}
	}
	want := []string{
		"/api/v1/organizations/..%2Fdeployments?",
		"/api/v1/organizations/a%2Fb?",
		"/api/v1/organizations/a%3Fforce=true?",
		"/api/v1/organizations/a%23frag?",
		"/api/v1/organizations/50%25?",
		"/api/v1/organizations/a%20b?",
	}
	if fmt.Sprint(paths) != fmt.Sprint(want) {
		t.Errorf("server received\n%q\nwant\n%q", paths, want)
	}
	for _, id := range []string{"", ".", ".."} {
		_, err := c.GetOrganization(ctx, id)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("GetOrganization(%q): err = %v, want ErrInvalidArgument", id, err)
		}
	}
	if got := f.requests.Load(); got != 6 {
		t.Errorf("server saw %d requests, want 6 (refused IDs send nothing)", got)
	}
}

// TestSecretsNeverLeak drives every place a secret could surface: errors
// from the API (which may echo a token), transport errors (whose URL holds
// the token), debug logs, and printing the client.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const (
		apiKey   = "essu_SECRETAPIKEY"
		password = "hunter2-PASSWORD"
		token    = "tok/SECRET+TOKEN"
	)
	secrets := []string{apiKey, password, token, url.PathEscape(token), base64.StdEncoding.EncodeToString([]byte("admin:" + password))}
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ratelimit-Limit", r.Header.Get("Authorization"))
		w.Header().Set("X-Ratelimit-Remaining", "1 "+strings.TrimPrefix(r.Header.Get("Authorization"), "ApiKey "))
		w.Header().Set("X-Ratelimit-Interval", r.URL.EscapedPath())
		switch {
		case strings.HasSuffix(r.URL.Path, "_accept"):
			w.WriteHeader(502)
			fmt.Fprintf(w, "<html>upstream failed for %s with %s</html>", r.URL.EscapedPath(), r.Header.Get("Authorization"))
		case r.Method == http.MethodDelete:
			writeError(w, 429, "root.rate_limited", "slow down")
		default:
			writeError(w, 404, CodeOrganizationInvitationNotFound, "Invitation "+token+" not found")
		}
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	key := mustClient(t, WithAPIKey(apiKey), WithBaseURL(f.URL), WithLogger(logger), WithRetryPolicy(noWait))
	basic := mustClient(t, WithBasicAuth("admin", password), WithBaseURL(f.URL), WithLogger(logger), WithRetryPolicy(noWait))
	refused := mustClient(t, WithAPIKey(apiKey), WithBaseURL("http://"+closedAddr(t)), WithLogger(logger), WithRetryPolicy(noWait))

	ctx := context.Background()
	var texts []string
	for _, c := range []*Client{key, basic, refused} {
		_, err1 := c.GetOrganizationInvitation(ctx, token)
		err2 := c.AcceptOrganizationInvitation(ctx, token)
		err3 := c.DeleteOrganizationInvitations(ctx, "o1", []string{token, "other"})
		for _, err := range []error{err1, err2, err3} {
			if err == nil {
				t.Fatal("expected an error")
			}
			texts = append(texts, err.Error(), fmt.Sprintf("%v|%+v", err, err))
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				texts = append(texts, string(apiErr.Body), fmt.Sprintf("%+v", apiErr.RateLimit))
				for _, d := range apiErr.Errors {
					texts = append(texts, d.Message)
				}
				if apiErr.StatusCode == 429 && apiErr.RateLimit != nil {
					texts = append(texts, fmt.Sprintf("%+v", *apiErr.RateLimit))
				}
			}
		}
		if rl, ok := c.RateLimit(); ok {
			texts = append(texts, fmt.Sprintf("%+v", rl))
		}
		texts = append(texts, fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v", reflect.ValueOf(c).Elem(), reflect.ValueOf(c).Elem()))
	}
	texts = append(texts, logs.String())
	if !strings.Contains(logs.String(), "operation=get-organization-invitation") {
		t.Errorf("debug log is missing: %q", logs.String())
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("secret %q leaked in %q", s, text)
			}
		}
	}
}

func TestDebugLogLines(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, sequence(503, 200))
	var logs bytes.Buffer
	c := newTestClient(t, f.URL, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if _, err := c.ListOrganizationInvitations(context.Background(), "o1"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per attempt, got %q", lines)
	}
	for i, want := range []string{`"status":503,"attempt":1`, `"status":200,"attempt":2`} {
		for _, field := range []string{`"method":"GET"`, `"operation":"list-organization-invitations"`, want, `"duration":`} {
			if !strings.Contains(lines[i], field) {
				t.Errorf("line %d %q lacks %s", i, lines[i], field)
			}
		}
		if strings.Contains(lines[i], "/organizations") || strings.Contains(lines[i], "test-key") {
			t.Errorf("line %d logs a URL or key: %q", i, lines[i])
		}
	}
	if !strings.Contains(lines[0], `"retry_in"`) {
		t.Errorf("the retried attempt does not say when it retries: %q", lines[0])
	}
	quiet := newTestClient(t, f.URL, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	logs.Reset()
	quiet.ListOrganizationInvitations(context.Background(), "o1")
	if logs.Len() != 0 {
		t.Errorf("logged above debug level: %q", logs.String())
	}
}

func TestConcurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ratelimit-Remaining", "42")
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/invitations"):
			io.WriteString(w, invitationsJSON)
		case r.Method == http.MethodGet:
			writeError(w, 404, CodeOrganizationNotFound, "nope")
		default:
			io.WriteString(w, `{}`)
		}
	})
	c := newTestClient(t, f.URL)
	var wg sync.WaitGroup
	errs := make(chan error, 50*10)
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := range 10 {
				switch (g + i) % 3 {
				case 0:
					invs, err := c.ListOrganizationInvitations(ctx, "o1")
					if err != nil || len(invs) != 1 {
						errs <- fmt.Errorf("list: %v %v", invs, err)
					}
				case 1:
					if _, err := c.GetOrganization(ctx, "missing"); !errors.Is(err, ErrNotFound) {
						errs <- fmt.Errorf("get: %v", err)
					}
				default:
					if err := c.DeleteOrganizationInvitations(ctx, "o1", []string{"a", "b"}); err != nil {
						errs <- err
					}
				}
				if rl, ok := c.RateLimit(); !ok || rl.Remaining != 42 {
					errs <- fmt.Errorf("RateLimit() = %+v, %v", rl, ok)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.requests.Load(); got != 500 {
		t.Errorf("server saw %d requests, want 500", got)
	}
}

func TestRateLimitHeadersAreLenient(t *testing.T) {
	t.Parallel()
	cases := []struct {
		limit, remaining, interval string
		want                       RateLimit
	}{
		{"100", "99", "60", RateLimit{Limit: 100, Remaining: 99, Interval: time.Minute}},
		{"100;w=60", " 7 ", "1m", RateLimit{Limit: 100, Remaining: 7, Interval: time.Minute}},
		{"lots", "", "per minute", RateLimit{Limit: -1, Remaining: -1}},
		{"100", "1", "99999999999", RateLimit{Limit: 100, Remaining: 1, Interval: 1000 * time.Hour}},
		{"100", "1", "1000000000000000000000000", RateLimit{Limit: 100, Remaining: 1, Interval: 1000 * time.Hour}},
	}
	for _, tc := range cases {
		h := http.Header{}
		h.Set("x-ratelimit-limit", tc.limit)
		h.Set("x-ratelimit-remaining", tc.remaining)
		h.Set("x-ratelimit-interval", tc.interval)
		got := parseRateLimit(h)
		if got == nil || got.Limit != tc.want.Limit || got.Remaining != tc.want.Remaining || got.Interval != tc.want.Interval {
			t.Errorf("%+v: got %+v", tc, got)
			continue
		}
		if got.RawLimit != strings.TrimSpace(tc.limit) || got.RawInterval != tc.interval {
			t.Errorf("raw values lost: %+v", got)
		}
	}
	// Raw values are bounded and redacted, parsed values kept.
	h := http.Header{}
	h.Set("x-ratelimit-limit", "100 SECRET-KEY")
	h.Set("x-ratelimit-remaining", "7 tok-1")
	h.Set("x-ratelimit-interval", strings.Repeat("6", documentedRawLimit+1))
	got := parseRateLimit(h, []string{"SECRET-KEY"}, []string{"tok-1"})
	want := RateLimit{Limit: 100, Remaining: 7, Interval: 1000 * time.Hour,
		RawLimit: "100 [redacted]", RawRemaining: "7 [redacted]", RawInterval: "", ObservedAt: got.ObservedAt}
	if *got != want {
		t.Errorf("parseRateLimit kept %+v, want %+v", *got, want)
	}
	// One header alone: the others read as absent.
	if got := parseRateLimit(http.Header{"X-Ratelimit-Remaining": {"5"}}); got == nil ||
		got.Limit != -1 || got.Remaining != 5 || got.Interval != 0 || got.RawLimit != "" || got.RawInterval != "" || got.ObservedAt.IsZero() {
		t.Errorf("remaining alone: got %+v", got)
	}
	if parseRateLimit(http.Header{"Content-Type": {"x"}}) != nil {
		t.Error("a response without the headers produced a RateLimit")
	}
	c, _ := NewClient(WithAPIKey("k"))
	if _, ok := c.RateLimit(); ok {
		t.Error("RateLimit() reports values before any response")
	}
}

func TestWithRateLimitWaitsAndHonoursContext(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"organizations":[]}`) })
	c := newTestClient(t, f.URL, WithRateLimit(0.001, 1)) // one call, then one every 1000 s
	if _, err := c.ListOrganizations(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.ListOrganizations(ctx)
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 0 {
		t.Errorf("err = %v, want a *RequestError before any attempt", err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

func TestNilContextIsAnErrorNotAPanic(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) })
	c := newTestClient(t, f.URL)
	var nilCtx context.Context
	if _, err := c.GetOrganization(nilCtx, "o1"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("err = %v, want ErrInvalidArgument", err)
	}
	if got := f.requests.Load(); got != 0 {
		t.Errorf("server saw %d requests", got)
	}
}

// TestRedactionBeforeTheCut: a long proxy page that echoes the API key right
// at the 64 KiB cut, or an error body that breaks off in the middle of a
// token, keeps no part of either in APIError.Body.
func TestRedactionBeforeTheCut(t *testing.T) {
	t.Parallel()
	const (
		key   = "SECRETKEY-0123456789abcdef"
		token = "tok-SECRET-TOKEN-123456"
	)
	// Pages that echo the Authorization header so that the key crosses the
	// cut 2 and 13 bytes in.
	echo := func(before int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, strings.Repeat("x", documentedErrorCap-len("ApiKey ")-before)+r.Header.Get("Authorization")+"</html>")
		}
	}
	echo2, echo13 := newFakeAPI(t, echo(2)), newFakeAPI(t, echo(13))
	cut := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		answerRaw(t, w, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>No invitation "+token[:14])
	})
	list := func(f *fakeAPI) func() error {
		return func() error {
			_, err := mustClient(t, WithAPIKey(key), WithBaseURL(f.URL), WithRetryPolicy(RetryPolicy{})).ListOrganizations(context.Background())
			return err
		}
	}
	for name, call := range map[string]func() error{
		"key_2_bytes_into_the_cut":  list(echo2),
		"key_13_bytes_into_the_cut": list(echo13),
		"body_cut_in_a_token": func() error {
			_, err := newTestClient(t, cut.URL).GetOrganizationInvitation(context.Background(), token)
			return err
		},
	} {
		var apiErr *APIError
		if err := call(); !errors.As(err, &apiErr) {
			t.Errorf("%s: err = %v, want an *APIError", name, err)
			continue
		}
		body := string(apiErr.Body)
		if len(body) == 0 || len(body) > documentedErrorCap {
			t.Errorf("%s: Body is %d bytes", name, len(body))
		}
		for _, leak := range []string{"ApiKey " + key[:1], "invitation " + token[:1]} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: Body keeps the start of a secret: ...%q", name, body[max(0, len(body)-40):])
			}
		}
	}
}

// TestSecretsRedactedInCodesAndCauses: a server that echoes the API key or
// an invitation token where the SDK keeps or quotes what it sent gets neither
// into any error text: not Error(), %+v or %#v of the error or of any step
// of its Unwrap chain, not the fields of an *APIError (a Body that JSON
// escapes them is read decoded). The places: the x-cloud-error-codes
// header, errors[].code and errors[].fields; a 2xx body that cannot be
// decoded (the date-time parse error quotes the value) or checked (the SAML
// metadata's root element); a raw body that escapes them as JSON may (\/,
// \u00XX, \"); and the text of a caller's transport error.
func TestSecretsRedactedInCodesAndCauses(t *testing.T) {
	t.Parallel()
	const (
		// A base64 key may hold "/", "+" and "="; the others are escaped by
		// JSON encoders as \", \u003c, \u003e and \u0026.
		anyKey = `SECRET/KEY+"0123456789<abcdef>&=`
		token  = "tok-SECRET-TOKEN-123456"
	)
	// forms are the secrets as they may appear in a text: as they are,
	// escaped for a URL path, escaped by a JSON encoder (with "/" as \/ or
	// not), and those quoted again by Go.
	forms := func(secrets ...string) []string {
		var all []string
		for _, secret := range secrets {
			j, _ := json.Marshal(secret)
			inner := string(j[1 : len(j)-1])
			for _, form := range []string{secret, url.PathEscape(secret), inner, strings.ReplaceAll(inner, "/", `\/`)} {
				q := strconv.Quote(form)
				all = append(all, form, q[1:len(q)-1])
			}
		}
		return all
	}
	// echoed reads the key and the token back from a request.
	echoed := func(r *http.Request) (string, string) {
		return strings.TrimPrefix(r.Header.Get("Authorization"), "ApiKey "), path.Base(strings.TrimSuffix(r.URL.Path, "/_accept"))
	}
	invitation := func(createdAt string) string {
		j, _ := json.Marshal(createdAt)
		return fmt.Sprintf(`{"token":"t","email":"a@example.com","created_at":%s,"expires_at":"2026-01-01T00:00:00Z","organization":{"id":"o"}}`, j)
	}
	getInvitation := func(c *Client) error { _, err := c.GetOrganizationInvitation(context.Background(), token); return err }
	for _, tc := range []struct {
		name      string
		key       string // anyKey when empty
		serve     http.HandlerFunc
		transport http.RoundTripper // instead of the server
		call      func(*Client) error
		want      string // in the error's text
	}{
		{"codes", "", func(w http.ResponseWriter, r *http.Request) {
			_, tok := echoed(r)
			w.Header().Set("X-Cloud-Error-Codes", "organization.invitation_not_found, invitation."+tok)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprintf(w, `{"errors":[{"code":"invitation.%s","message":"not found","fields":["%s"]}]}`, tok, tok)
		}, nil, getInvitation, CodeOrganizationInvitationNotFound},
		{"2xx_date_time_holds_the_token", "", func(w http.ResponseWriter, r *http.Request) {
			_, tok := echoed(r)
			io.WriteString(w, invitation(tok))
		}, nil, getInvitation, "decoding the 200 response"},
		{"2xx_date_time_holds_the_key", "", func(w http.ResponseWriter, r *http.Request) {
			k, _ := echoed(r)
			io.WriteString(w, invitation(k))
		}, nil, getInvitation, "decoding the 200 response"},
		{"2xx_metadata_root_is_the_key", "sekret-api-key-123", func(w http.ResponseWriter, r *http.Request) {
			k, _ := echoed(r)
			io.WriteString(w, "<"+k+"/>")
		}, nil, func(c *Client) error {
			_, err := c.GetOrganizationIdPMetadata(context.Background(), "o1")
			return err
		}, "not SAML metadata"},
		{"raw_body_JSON_escapes", "", func(w http.ResponseWriter, r *http.Request) {
			k, tok := echoed(r)
			escaped, _ := json.Marshal(k) // \" and the HTML escapes \u003c \u003e \u0026
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":%s,"key":%s,"token":"\u%04X%s","tail":"%s"}`,
				strings.ReplaceAll(string(escaped), "/", `\/`), escaped, tok[0], tok[1:], strings.ReplaceAll(url.PathEscape(tok), "-", `\u002d`))
		}, nil, getInvitation, "401 Unauthorized"},
		{"transport_error_quotes_the_request", "", nil, roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return nil, fmt.Errorf("proxy refused %s with %s", r.URL.EscapedPath(), r.Header.Get("Authorization"))
		}), getInvitation, "proxy refused"},
	} {
		key := cmp.Or(tc.key, anyKey)
		opts := []Option{WithAPIKey(key)}
		if tc.transport != nil {
			opts = append(opts, WithHTTPClient(&http.Client{Transport: tc.transport}))
		} else {
			opts = append(opts, WithBaseURL(newFakeAPI(t, tc.serve).URL))
		}
		err := tc.call(mustClient(t, append(opts, WithRetryPolicy(RetryPolicy{}))...))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want an error that says %q", tc.name, err, tc.want)
			continue
		}
		var texts []string
		for e := err; e != nil; e = errors.Unwrap(e) {
			texts = append(texts, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			texts = append(texts, apiErr.Codes...)
			for _, d := range apiErr.Errors {
				texts = append(append(texts, d.Code, d.Message), d.Fields...)
			}
			var body map[string]string
			if json.Unmarshal(apiErr.Body, &body) == nil {
				for _, v := range body {
					texts = append(texts, v)
				}
			}
			texts = append(texts, string(apiErr.Body))
		}
		// What errors.As can reach: the causes a caller may look for.
		for _, target := range []any{new(*time.ParseError), new(*json.SyntaxError), new(*json.UnmarshalTypeError), new(*xml.SyntaxError), new(*url.Error)} {
			if errors.As(err, target) {
				found := reflect.ValueOf(target).Elem().Interface()
				texts = append(texts, fmt.Sprintf("%#v", found), found.(error).Error())
			}
		}
		for _, text := range texts {
			for _, secret := range forms(key, token) {
				if strings.Contains(text, secret) {
					t.Errorf("%s: a secret leaked in %q", tc.name, text)
				}
			}
		}
	}
}

// TestZeroAndNilClientsReturnErrors: only NewClient makes a usable Client;
// every method of a nil or zero one returns ErrInvalidArgument, and sends
// nothing, rather than panicking.
func TestZeroAndNilClientsReturnErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, c := range map[string]*Client{"nil": nil, "zero": {}} {
		for _, call := range []func() error{
			func() error { _, err := c.ListOrganizations(ctx); return err },
			func() error { _, err := c.GetOrganization(ctx, "o1"); return err },
			func() error { _, err := c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{}); return err },
			func() error { _, err := c.ListOrganizationMembers(ctx, "o1"); return err },
			func() error { return c.DeleteOrganizationMemberships(ctx, "o1", []string{"u1"}, nil) },
			func() error { _, err := c.ListOrganizationInvitations(ctx, "o1"); return err },
			func() error {
				_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
				return err
			},
			func() error { _, err := c.GetOrganizationInvitation(ctx, "t1"); return err },
			func() error { return c.AcceptOrganizationInvitation(ctx, "t1") },
			func() error { return c.DeleteOrganizationInvitations(ctx, "o1", []string{"t1"}) },
		} {
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panic: %v", p)
					}
				}()
				return call()
			}()
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s client: err = %v, want ErrInvalidArgument", name, err)
			}
		}
		c.CloseIdleConnections()
		if _, ok := c.RateLimit(); ok || c.BaseURL() != "" {
			t.Errorf("%s client reports a rate limit or a base URL", name)
		}
	}
}

// roundTripFunc is a caller's transport in a few lines.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestCallerTransportOddAnswers: a transport given with WithHTTPClient may
// answer without a body (httpmock does for a bodyless *http.Response), which
// is an empty body, or with neither a response nor an error, which is an
// error: net/http's Client takes both so, and the SDK never panics on them,
// with the attempt timeout (which wraps every body) or without.
func TestCallerTransportOddAnswers(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	bodyless := func(status int) httpmock.Responder {
		return httpmock.ResponderFromResponse(&http.Response{StatusCode: status})
	}
	mock.RegisterResponder(http.MethodDelete, "=~/role_mappings$", bodyless(http.StatusNoContent))
	mock.RegisterResponder(http.MethodGet, "=~/invitations$", bodyless(http.StatusOK))
	mock.RegisterResponder(http.MethodGet, "=~/organizations/o1$", bodyless(http.StatusNotFound))
	var nilAnswers atomic.Int32
	nothing := roundTripFunc(func(*http.Request) (*http.Response, error) {
		nilAnswers.Add(1)
		return nil, nil
	})
	for _, timeout := range []time.Duration{DefaultAttemptTimeout, 0} {
		ctx := context.Background()
		noPanic := func(name string, call func() error) error {
			t.Helper()
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("attempt timeout %v, %s: panic: %v", timeout, name, p)
				}
			}()
			return call()
		}
		c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: mock}), WithRetryPolicy(noWait), WithAttemptTimeout(timeout))
		if err := noPanic("204 without a body", func() error { return c.DeleteRoleMappings(ctx, "o1") }); err != nil {
			t.Errorf("attempt timeout %v: a 204 without a body: %v", timeout, err)
		}
		err := noPanic("200 without a body", func() error { _, err := c.ListOrganizationInvitations(ctx, "o1"); return err })
		if err == nil || !strings.Contains(err.Error(), "decoding the 200 response") {
			t.Errorf("attempt timeout %v: a 200 without a body: err = %v, want a decoding error", timeout, err)
		}
		err = noPanic("404 without a body", func() error { _, err := c.GetOrganization(ctx, "o1"); return err })
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("attempt timeout %v: a 404 without a body: err = %v, want ErrNotFound", timeout, err)
		}

		nilAnswers.Store(0)
		c = mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: nothing}), WithRetryPolicy(noWait), WithAttemptTimeout(timeout))
		err = noPanic("no response, no error", func() error { _, err := c.ListOrganizations(ctx); return err })
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), "no response and no error") {
			t.Errorf("attempt timeout %v: no response and no error: err = %v, want a *RequestError that says so", timeout, err)
		}
		if got := nilAnswers.Load(); got != 1+int32(noWait.MaxRetries) {
			t.Errorf("attempt timeout %v: the transport was asked %d times, want %d (a GET is retried)", timeout, got, 1+noWait.MaxRetries)
		}
	}
}
