package ecloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is the API root of Elastic Cloud (hosted).
const DefaultBaseURL = "https://api.elastic-cloud.com/api/v1"

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// apiPath is the API root added to an ECE address given without a path.
const apiPath = "/api/v1"

// Body size limits. Error bodies are read up to maxErrorBody (the rest is
// discarded with the connection); success bodies up to maxSuccessBody, far
// above any real Organizations response, so a hostile server cannot exhaust
// memory.
const (
	maxErrorBody   = 64 << 10
	maxSuccessBody = 128 << 20
)

// Client calls the Elastic Cloud Organizations API. It is safe for concurrent
// use by many goroutines; create one and reuse it so connections are reused.
type Client struct {
	base        string      // normalised API root without trailing slash
	header      http.Header // headers sent on every request but Authorization (shared value slices; never mutated)
	cred        *credential // behind a pointer, so printing a Client value shows an address, not a secret
	rc          *retryablehttp.Client
	hc          *http.Client
	retry       RetryPolicy
	retryWrites bool
	logger      *slog.Logger
	limiter     *rate.Limiter
	rateLimit   atomic.Pointer[RateLimit]
}

// credential is the Authorization header and the secret material in it,
// which must never appear in an error or a log line.
type credential struct {
	header  []string
	secrets []string
}

// Option configures a Client. Options return errors so that bad input fails
// in NewClient rather than on the first call.
type Option func(*config) error

type config struct {
	baseURL      string
	authHeader   string
	authKind     string
	secrets      []string
	hc           *http.Client
	tlsConfig    *tls.Config
	product      string
	retry        RetryPolicy
	retryWrites  bool
	logger       *slog.Logger
	insecureHTTP bool
	rps          float64
	burst        int
}

// WithAPIKey authenticates with an Elastic Cloud API key, sent as
// "Authorization: ApiKey <key>".
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("ecloud: WithAPIKey: the API key is empty")
		}
		if strings.ContainsAny(key, "\r\n") {
			return errors.New("ecloud: WithAPIKey: the API key contains a line break")
		}
		return c.setAuth("API key", "ApiKey "+key, key)
	}
}

// WithBasicAuth authenticates with a user name and password (ECE), sent as
// "Authorization: Basic ...".
func WithBasicAuth(username, password string) Option {
	return func(c *config) error {
		if username == "" || password == "" {
			return errors.New("ecloud: WithBasicAuth: the user name and the password must not be empty")
		}
		if strings.Contains(username, ":") {
			return errors.New("ecloud: WithBasicAuth: the user name must not contain ':'")
		}
		encoded := base64.StdEncoding.EncodeToString([]byte(username + ":" + password))
		return c.setAuth("basic auth", "Basic "+encoded, password, encoded)
	}
}

func (c *config) setAuth(kind, header string, secrets ...string) error {
	if c.authKind != "" {
		return fmt.Errorf("ecloud: %s and %s both given; choose one", c.authKind, kind)
	}
	c.authKind, c.authHeader = kind, header
	c.secrets = append(c.secrets, secrets...)
	return nil
}

// WithBaseURL sets the API address. It takes an ECE address such as
// "https://ece.example.com:12443" (an empty path or "/" gets "/api/v1" added)
// or a full API root such as "http://127.0.0.1:4010/api/v1" (used as given).
// Plain http:// is accepted only for loopback hosts, unless WithInsecureHTTP
// is also given.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		c.baseURL = rawURL
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL on a non-loopback host.
// Credentials then travel in clear text; use it only on networks you trust.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// WithHTTPClient makes the client send every request through hc (its
// Transport, Timeout, Jar and redirect policy). The SDK's own client keeps up
// to 64 idle connections per host; give yours a Transport with a
// MaxIdleConnsPerHost that matches your concurrency, or connections churn.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("ecloud: WithHTTPClient: the client is nil")
		}
		c.hc = hc
		return nil
	}
}

// WithTLSConfig sets the TLS configuration of the SDK's own transport, for
// example RootCAs for an ECE installation with a private certificate
// authority. It cannot be combined with WithHTTPClient: configure TLS on your
// own client's Transport instead.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *config) error {
		if cfg == nil {
			return errors.New("ecloud: WithTLSConfig: the TLS config is nil")
		}
		c.tlsConfig = cfg.Clone()
		return nil
	}
}

// WithUserAgent puts product (such as "my-tool/1.2") in front of
// "ecloud-go/<Version>" in the User-Agent header.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.TrimSpace(product) == "" || strings.ContainsAny(product, "\r\n") {
			return errors.New("ecloud: WithUserAgent: the product must be a non-empty single line")
		}
		c.product = product
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy. Negative values, or a MaxWait
// below MinWait, are errors.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRetryNonIdempotent makes POST requests (creating and accepting
// invitations) retry under the same rules as GET, PUT and DELETE. The API has
// no idempotency key, so a retried POST may act twice (for example send an
// invitation email twice); use it only if that is acceptable.
func WithRetryNonIdempotent() Option {
	return func(c *config) error {
		c.retryWrites = true
		return nil
	}
}

// WithLogger logs one debug line per attempt (method, operation, status,
// attempt, duration) and per retry. Headers, bodies and URLs are never
// logged, since URLs may carry invitation tokens.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithRateLimit makes the client wait so that it starts at most rps calls per
// second on average, with bursts of up to burst calls. Useful when fanning out
// over many organizations.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) error {
		if !(rps > 0) || burst < 1 {
			return errors.New("ecloud: WithRateLimit: rps must be positive and burst at least 1")
		}
		c.rps, c.burst = rps, burst
		return nil
	}
}

// NewClient returns a client configured by opts. A credential (WithAPIKey or
// WithBasicAuth) is required. NewClient does no I/O and reads no environment.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{baseURL: DefaultBaseURL, retry: DefaultRetryPolicy()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.authHeader == "" {
		return nil, errors.New("ecloud: no credentials: use WithAPIKey or WithBasicAuth")
	}
	base, err := normalizeBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	hc := cfg.hc
	switch {
	case hc != nil && cfg.tlsConfig != nil:
		return nil, errors.New("ecloud: WithTLSConfig and WithHTTPClient both given; set TLS on your own client's Transport")
	case hc == nil:
		hc = &http.Client{Transport: newTransport(cfg.tlsConfig)}
	}

	ua := "ecloud-go/" + Version
	if cfg.product != "" {
		ua = cfg.product + " " + ua
	}
	c := &Client{
		base: base,
		header: http.Header{
			"Accept":     {"application/json"},
			"User-Agent": {ua},
		},
		cred:        &credential{header: []string{cfg.authHeader}, secrets: cfg.secrets},
		hc:          hc,
		retry:       cfg.retry,
		retryWrites: cfg.retryWrites,
		logger:      cfg.logger,
	}
	if cfg.rps > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.rps), cfg.burst)
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         nil, // the library would log URLs, which carry tokens
		RetryWaitMin:   cfg.retry.MinWait,
		RetryWaitMax:   cfg.retry.MaxWait,
		RetryMax:       cfg.retry.MaxRetries,
		RequestLogHook: startAttempt,
		CheckRetry:     c.checkRetry,
		Backoff:        plannedWait,
		ErrorHandler:   keepLastResponse,
	}
	return c, nil
}

// newTransport is the SDK's own transport: the net/http defaults with an idle
// pool sized for concurrent callers (the default keeps 2 idle connections per
// host, which makes 32 concurrent callers open thousands of connections).
func newTransport(tlsConfig *tls.Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 128
	t.MaxIdleConnsPerHost = 64
	if tlsConfig != nil {
		t.TLSClientConfig = tlsConfig
	}
	return t
}

func normalizeBaseURL(raw string, insecureHTTP bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errors.New("ecloud: WithBaseURL: the URL cannot be parsed")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("ecloud: WithBaseURL: the scheme must be http or https, not %q", u.Scheme)
	case u.Host == "":
		return "", errors.New("ecloud: WithBaseURL: the URL has no host")
	case u.User != nil:
		return "", errors.New("ecloud: WithBaseURL: put credentials in WithAPIKey or WithBasicAuth, not in the URL")
	case u.RawQuery != "" || u.Fragment != "":
		return "", errors.New("ecloud: WithBaseURL: the URL must not have a query or fragment")
	case u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()):
		return "", fmt.Errorf("ecloud: WithBaseURL: refusing plain http to %s: credentials would travel in clear text (use https, or WithInsecureHTTP)", u.Hostname())
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	if path == "" {
		path = apiPath
	}
	return u.Scheme + "://" + u.Host + path, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the client without its credentials, so that printing a
// Client (even with %+v or %#v) cannot leak a secret.
func (c *Client) String() string {
	return fmt.Sprintf("ecloud.Client{base: %s, user-agent: %q}", c.base, c.header.Get("User-Agent"))
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the normalised API root the client sends requests to.
func (c *Client) BaseURL() string { return c.base }

// CloseIdleConnections closes idle keep-alive connections of the underlying
// HTTP client.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// call describes one API operation invocation; each method builds one and
// hands it to do.
type call struct {
	op      string // spec operationId
	method  string
	path    string // escaped, under the base, starting with "/"
	query   string // encoded query string, may be empty
	body    any    // JSON-encoded once when non-nil
	out     any    // decoded from a 2xx body when non-nil; a *[]byte gets the body as is
	accept  string // the Accept header when the answer is not JSON, such as "application/xml"
	secrets []string
}

// segment validates one path parameter and returns it escaped as a single
// path segment. Empty values, and "." or ".." (which servers and proxies may
// resolve as path steps), are refused before any request is sent.
func segment(op, what, value string) (string, error) {
	if value == "" || value == "." || value == ".." {
		return "", invalidArgument(op, "the %s is %q", what, value)
	}
	return url.PathEscape(value), nil
}

// listSegment joins a comma-separated list parameter into one escaped path
// segment (the commas travel as %2C). The list and its items must not be
// empty, and items must not contain a comma.
func listSegment(op, what string, items []string) (string, error) {
	if len(items) == 0 {
		return "", invalidArgument(op, "no %ss given", what)
	}
	for i, item := range items {
		if item == "" || strings.Contains(item, ",") {
			return "", invalidArgument(op, "%s %d is empty or contains a comma", what, i)
		}
	}
	return segment(op, what+" list", strings.Join(items, ","))
}

func invalidArgument(op, format string, args ...any) error {
	return fmt.Errorf("ecloud: %s: %w: %s", op, ErrInvalidArgument, fmt.Sprintf(format, args...))
}

// attemptState is the per-call state shared with the retry hooks through the
// request context. The hooks run on the caller's goroutine, one at a time.
type attemptState struct {
	call     *call
	attempts int
	start    time.Time // of the current attempt
	checked  bool      // checkRetry already decided for the current attempt
	wait     time.Duration
	body     *bytes.Buffer
}

type stateKey struct{}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// do is the one request path: it encodes the body, sends the request through
// the retrying transport, reads and decodes the answer, and turns every
// non-2xx status into an *APIError.
func (c *Client) do(ctx context.Context, r call) error {
	if ctx == nil {
		return invalidArgument(r.op, "the context is nil")
	}
	var raw any // untyped nil: no body, no Content-Type
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("ecloud: %s: encoding the request: %w", r.op, err)
		}
		raw = b
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return c.requestError(&r, 0, err)
		}
	}
	st := &attemptState{call: &r}
	target := c.base + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), r.method, target, raw)
	if err != nil {
		return c.requestError(&r, 0, err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if r.accept != "" {
		req.Header["Accept"] = []string{r.accept}
	}
	req.Header["Authorization"] = c.cred.header
	if raw != nil {
		req.Header["Content-Type"] = jsonContentType
	}
	req.SetResponseHandler(st.readBody)

	resp, err := c.rc.Do(req)
	defer st.release()
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return c.requestError(&r, st.attempts, err)
	}
	if st.body == nil { // the retry loop always reads the body; this only guards that invariant
		if err := st.readBody(resp); err != nil {
			return c.requestError(&r, st.attempts, err)
		}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if r.out == nil {
			return nil // EmptyResponse: "{}" or nothing
		}
		if b, ok := r.out.(*[]byte); ok {
			*b = bytes.Clone(st.bytes()) // out of the pooled buffer
			return nil
		}
		if err := json.Unmarshal(st.bytes(), r.out); err != nil {
			return fmt.Errorf("ecloud: %s: decoding the %d response: %w", r.op, resp.StatusCode, err)
		}
		return nil
	}
	return c.newAPIError(&r, resp, st.bytes(), st.attempts)
}

var jsonContentType = []string{"application/json"}

// readBody reads the whole response body (bounded) while the retry loop can
// still act on a connection that drops mid-body, then closes it so the
// connection is reused.
func (st *attemptState) readBody(resp *http.Response) error {
	defer resp.Body.Close()
	limit := int64(maxErrorBody)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		limit = maxSuccessBody
	}
	if st.body == nil {
		st.body = bufPool.Get().(*bytes.Buffer)
	}
	st.body.Reset()
	if n := resp.ContentLength; n > 0 && n <= limit {
		st.body.Grow(int(n))
	}
	n, err := st.body.ReadFrom(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return err
	case n > limit && limit == maxSuccessBody:
		return errBodyTooLarge
	case n > limit:
		st.body.Truncate(int(limit)) // error bodies: keep the bounded head, drop the rest
	}
	return nil
}

func (st *attemptState) bytes() []byte {
	if st.body == nil {
		return nil
	}
	return st.body.Bytes()
}

func (st *attemptState) release() {
	if st.body == nil {
		return
	}
	if st.body.Cap() <= 1<<20 {
		bufPool.Put(st.body)
	}
	st.body = nil
}

// startAttempt is retryablehttp's RequestLogHook: it runs before each attempt.
func startAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	st := req.Context().Value(stateKey{}).(*attemptState)
	st.attempts++
	st.start = time.Now()
	st.checked = false
}

// checkRetry is retryablehttp's CheckRetry. It is called once after each
// attempt, and a second time when reading the body failed (err is then that
// read error). The rules themselves live in retry.go.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := ctx.Value(stateKey{}).(*attemptState)
	if st.checked && err == nil {
		return false, nil // second call for an attempt whose body was read fine
	}
	st.checked = true
	status := 0
	var header http.Header
	if err == nil && resp != nil {
		status, header = resp.StatusCode, resp.Header
		c.observeRateLimit(header)
	}
	now := time.Now()
	deadline, _ := ctx.Deadline()
	d := c.retry.plan(attempt{
		method:      st.call.method,
		number:      st.attempts,
		status:      status,
		retryAfter:  header.Get("Retry-After"),
		err:         err,
		ctxErr:      ctx.Err(),
		retryWrites: c.retryWrites,
	}, now, deadline, randInt64N)
	st.wait = d.wait
	c.logAttempt(ctx, st, status, err, d, now)
	return d.retry, nil
}

// plannedWait is retryablehttp's Backoff: the wait was decided by checkRetry.
func plannedWait(_, _ time.Duration, _ int, resp *http.Response) time.Duration {
	if resp == nil || resp.Request == nil {
		return 0
	}
	if st, ok := resp.Request.Context().Value(stateKey{}).(*attemptState); ok {
		return st.wait
	}
	return 0
}

// keepLastResponse is retryablehttp's ErrorHandler: return what the last
// attempt produced instead of the library's opaque "giving up" error.
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}

func (c *Client) logAttempt(ctx context.Context, st *attemptState, status int, err error, d decision, now time.Time) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.call.method),
		slog.String("operation", st.call.op),
		slog.Int("status", status),
		slog.Int("attempt", st.attempts),
		slog.Duration("duration", now.Sub(st.start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
	}
	if d.retry {
		attrs = append(attrs, slog.Duration("retry_in", d.wait))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "ecloud request", attrs...)
}

func (c *Client) requestError(r *call, attempts int, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error prints the URL, which may carry a token
	}
	return &RequestError{
		Operation: r.op,
		Method:    r.method,
		Attempts:  attempts,
		Err:       err,
		msg:       redact(err.Error(), c.cred.secrets, r.secrets),
	}
}

// OptionsFromEnv reads the conventional environment variables: EC_API_KEY
// (required) and EC_HOST (optional: an ECE address or API root; "https://" is
// assumed when it has no scheme). It is the only place the SDK reads the
// environment, and only when called.
func OptionsFromEnv() ([]Option, error) {
	key := os.Getenv("EC_API_KEY")
	if key == "" {
		return nil, errors.New("ecloud: EC_API_KEY is not set: create an API key in the Elastic Cloud console and export EC_API_KEY (EC_HOST optionally selects an ECE installation)")
	}
	opts := []Option{WithAPIKey(key)}
	if host := strings.TrimSpace(os.Getenv("EC_HOST")); host != "" {
		if !strings.Contains(host, "://") {
			host = "https://" + host
		}
		opts = append(opts, WithBaseURL(host))
	}
	return opts, nil
}
