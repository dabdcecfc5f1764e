package ecloud

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// DefaultBaseURL is the API root of Elastic Cloud (hosted).
const DefaultBaseURL = "https://api.elastic-cloud.com/api/v1"

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultAttemptTimeout bounds each attempt of a call unless
// WithAttemptTimeout says otherwise: the API answers in well under a second,
// so an attempt without an answer after a minute is stuck.
const DefaultAttemptTimeout = 60 * time.Second

// apiPath is the API root added to an ECE address given without a path.
const apiPath = "/api/v1"

// Client calls the Elastic Cloud Organizations API. It is safe for concurrent
// use by many goroutines; create one and reuse it so connections are reused.
// Only NewClient makes a usable Client: the methods of a zero or nil Client
// return an error.
type Client struct {
	base        string      // normalised API root without trailing slash
	header      http.Header // headers sent on every request but Authorization (shared value slices; never mutated)
	cred        *credential // behind a pointer, so printing a Client value shows an address, not a secret
	hc          *http.Client
	pool        idleCloser // the connection pool behind hc, for CloseIdleConnections
	emptyBody   bool       // send bodyless requests with an empty body (see mayUseHTTP2)
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

type idleCloser interface{ CloseIdleConnections() }

// NewClient returns a client configured by opts. A credential (WithAPIKey or
// WithBasicAuth) is required. NewClient does no I/O and reads no environment
// variable; OptionsFromEnv reads EC_API_KEY and EC_HOST when you call it.
//
// Proxies: the SDK's own transport, like net/http's default one, sends
// requests through the proxy named by HTTPS_PROXY (or HTTP_PROXY for an
// http:// base URL), except for the hosts NO_PROXY lists and for loopback
// addresses (http.ProxyFromEnvironment, which net/http reads once per
// process, at the first request). With WithHTTPClient, your Transport decides.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{baseURL: DefaultBaseURL, retry: DefaultRetryPolicy(), attemptTimeout: DefaultAttemptTimeout}
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
	if cfg.hc != nil && cfg.tlsConfig != nil {
		return nil, errors.New("ecloud: WithTLSConfig and WithHTTPClient both given; set TLS on your own client's Transport")
	}

	// The engine gets its own http.Client, never the caller's: it refuses
	// redirects, and its transport hides CloseIdleConnections, which the engine
	// calls after every failed call and which would empty a shared pool.
	hc := &http.Client{CheckRedirect: refuseRedirect}
	var next http.RoundTripper
	var pool idleCloser
	if cfg.hc != nil {
		next, pool = cfg.hc.Transport, cfg.hc
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Jar = cfg.hc.Jar
		// Its Timeout bounds each attempt, as it bounds each Do; as the
		// attempt timeout, it is under the retry rules (net/http's own
		// timeout error would end the call, never retried).
		if d := cfg.hc.Timeout; d > 0 && (cfg.attemptTimeout == 0 || d < cfg.attemptTimeout) {
			cfg.attemptTimeout = d
		}
	} else {
		t := newTransport(cfg.tlsConfig)
		next, pool = t, t
	}
	_, netHTTP := next.(*http.Transport)
	hc.Transport = &transport{next: next, attemptTimeout: cfg.attemptTimeout, closeOnDone: !netHTTP}

	ua := "ecloud-go/" + Version
	if cfg.product != "" {
		ua = cfg.product + " " + ua
	}
	cred := &credential{header: []string{cfg.authHeader}, secrets: cfg.secrets}
	c := &Client{
		base: base,
		header: http.Header{
			"Accept":     {"application/json"},
			"User-Agent": {ua},
		},
		cred:        cred,
		hc:          hc,
		pool:        pool,
		emptyBody:   mayUseHTTP2(next, base),
		retry:       cfg.retry,
		retryWrites: cfg.retryWrites,
		logger:      cfg.logger,
	}
	if cfg.rps > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.rps), cfg.burst)
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

// refuseRedirect is the CheckRedirect of the client's http.Client. The API
// never redirects; following one would turn a PUT, DELETE or POST into a GET
// that "succeeds" without writing anything, and could carry the credential or
// an invitation token (in the path or the Referer) to another address. The
// 3xx answer comes back instead and becomes an *APIError. It is the second
// guard: the transport already removes the Location header of every 3xx, so
// net/http finds nothing to follow.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Request sealing. Go's HTTP/2 transport sends a request again by itself when
// the server resets its stream with PROTOCOL_ERROR (golang/go#47635), on a new
// connection each time, without limit and whatever the method, unless the
// request has a body that it has read and cannot rewind. So every request
// leaves with GetBody unset (exchange.run) and, when the connection may be
// HTTP/2, with a body: its JSON, or an empty one. A transport then sends a
// request again by itself only when none of it was sent; every other re-send
// is a retry, under the retry rules. One exception is left, HTTP/1.1's own:
// net/http sends a bodyless GET again when a kept-alive connection it reused
// fails before the first byte of an answer (the server had closed it), on
// the next idle connection, and again while those fail too: up to once per
// idle connection, then once on a new one. Bounding that would take a body
// on every GET, which is what this avoids over HTTP/1.1 (below).
//
// Over HTTP/1.1 an empty body is not free: net/http probes it on GET and
// DELETE (the bytes sent are the same) and sends it chunked on POST. So it is
// used only where HTTP/2 is possible: https, a transport the SDK cannot see
// into, or one configured for unencrypted HTTP/2.
func mayUseHTTP2(rt http.RoundTripper, base string) bool {
	https := strings.HasPrefix(base, "https:")
	t, ok := rt.(*http.Transport)
	switch {
	case !ok:
		return true
	case t.Protocols != nil:
		return t.Protocols.UnencryptedHTTP2() || https && t.Protocols.HTTP2()
	default:
		return https
	}
}

// transport is the RoundTripper of the http.Client handed to the retry
// engine. It bounds each attempt by the attempt timeout, body included,
// makes of the next transport's answer one that net/http's Client accepts
// without panicking, and removes the Location header of a 3xx. It
// has no CloseIdleConnections method on purpose: the engine calls it after
// every failed call, which would close the idle connections of every other
// call (and, with a shared client, of the whole process).
type transport struct {
	next           http.RoundTripper
	attemptTimeout time.Duration // 0: none
	// closeOnDone: close an answer's body when its context ends. net/http's
	// bodies stop by themselves then; a caller's transport of another kind
	// might not, and the context must always win.
	closeOnDone bool
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.attemptTimeout <= 0 {
		return t.send(req, nil)
	}
	if deadline, ok := req.Context().Deadline(); ok && time.Until(deadline) <= t.attemptTimeout {
		return t.send(req, nil) // the caller's deadline comes first and bounds the attempt already
	}
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.attemptTimeout, errAttemptTimeout)
	resp, err := t.send(req.WithContext(ctx), cancel)
	if err != nil {
		cancel()
	}
	return resp, err
}

// send hands req to the next transport and binds the answer's body to req's
// context; cancel, if any, is the attempt timeout's, released when the body
// is closed.
func (t *transport) send(req *http.Request, cancel context.CancelFunc) (*http.Response, error) {
	ctx := req.Context()
	resp, err := t.next.RoundTrip(req)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			resp.Body.Close() // a RoundTripper should not return both; net/http ignores such a response too
		}
		return nil, contextError(ctx, err)
	case resp == nil: // a caller's transport broke its contract; net/http's Client makes this an error too
		return nil, fmt.Errorf("the transport (%T) returned no response and no error", t.next)
	case resp.Body == nil: // allowed of a RoundTripper (httpmock does it): an empty body, as net/http's Client reads it
		resp.Body = http.NoBody
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// net/http follows no 3xx without a Location, nor parses one that
		// is not there: the 3xx becomes its *APIError after one attempt,
		// whatever the Location held (an unparsable one would otherwise be a
		// connection error) and whatever CheckRedirect says.
		resp.Header.Del("Location")
	}
	if cancel != nil || t.closeOnDone && ctx.Done() != nil {
		g := &boundBody{ctx: ctx, body: resp.Body, cancel: cancel}
		if t.closeOnDone {
			g.stop = context.AfterFunc(ctx, func() { g.body.Close() })
		}
		resp.Body = g
	}
	return resp, nil
}

// boundBody is an answer's body bound to its attempt's context: its read
// errors say why the context ended, closing it releases the attempt timeout,
// and (closeOnDone) it is closed when the context ends.
type boundBody struct {
	ctx    context.Context
	body   io.ReadCloser
	cancel context.CancelFunc // the attempt timeout's, if any
	stop   func() bool        // unregisters the close-on-done, if any
	once   sync.Once
}

func (b *boundBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil && err != io.EOF {
		err = contextError(b.ctx, err)
	}
	return n, err
}

func (b *boundBody) Close() error {
	var err error
	b.once.Do(func() {
		if b.stop != nil {
			b.stop()
		}
		err = b.body.Close()
		if b.cancel != nil {
			b.cancel()
		}
	})
	return err
}

// errAttemptTimeout is the error of an attempt that got no complete answer
// within the attempt timeout. It matches context.DeadlineExceeded, like every
// "no answer in time" error, and is a net.Error whose Timeout is true; the
// retry rules treat it as a connection error.
var errAttemptTimeout error = attemptTimeoutError{}

type attemptTimeoutError struct{}

func (attemptTimeoutError) Error() string {
	return "no complete answer within the attempt timeout (WithAttemptTimeout, or the Timeout of WithHTTPClient's client)"
}
func (attemptTimeoutError) Timeout() bool        { return true }
func (attemptTimeoutError) Temporary() bool      { return true }
func (attemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// contextError replaces err, once ctx has ended, by the reason it ended: the
// attempt timeout, or the caller's context error, so that errors.Is(err,
// context.Canceled) and errors.Is(err, context.DeadlineExceeded) hold
// whatever the transport made of it.
func contextError(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	if context.Cause(ctx) == errAttemptTimeout {
		return errAttemptTimeout
	}
	return ctx.Err()
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
	if c == nil {
		return "ecloud.Client(nil)"
	}
	return fmt.Sprintf("ecloud.Client{base: %s, user-agent: %q}", c.base, c.header.Get("User-Agent"))
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the normalised API root the client sends requests to.
func (c *Client) BaseURL() string {
	if c == nil {
		return ""
	}
	return c.base
}

// CloseIdleConnections closes the idle keep-alive connections of the
// client's transport (of the http.Client given to WithHTTPClient, if any).
func (c *Client) CloseIdleConnections() {
	if c != nil && c.pool != nil {
		c.pool.CloseIdleConnections()
	}
}
