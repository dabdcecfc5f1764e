package ecloud

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"
)

// Option configures a Client. Options return errors so that bad input fails
// in NewClient rather than on the first call.
type Option func(*config) error

type config struct {
	baseURL        string
	authHeader     string
	authKind       string
	secrets        []string
	hc             *http.Client
	tlsConfig      *tls.Config
	product        string
	retry          RetryPolicy
	retryWrites    bool
	attemptTimeout time.Duration
	logger         *slog.Logger
	insecureHTTP   bool
	rps            float64
	burst          int
}

// WithAPIKey authenticates with an Elastic Cloud API key, sent as
// "Authorization: ApiKey <key>".
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("ecloud: WithAPIKey: the API key is empty")
		}
		if hasControlByte(key) {
			return errors.New("ecloud: WithAPIKey: the API key contains a line break or another control character")
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

// hasControlByte reports whether s holds a byte that net/http refuses in a
// header value (NUL, CR, LF, DEL and the other ASCII control characters), so
// that such a value fails in NewClient instead of on every call.
func hasControlByte(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0
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

// WithHTTPClient makes the client send every request through hc's Transport,
// with hc's Jar. hc's Timeout, if set, bounds each attempt as
// WithAttemptTimeout does, the shorter of the two applying: an attempt
// without its whole answer in time is a connection error under the retry
// rules (a GET is retried, a POST is not). hc itself is never modified, and
// its CheckRedirect is not used: the API never redirects, so the client
// returns any 3xx answer as an *APIError instead of following it. The SDK's
// own transport keeps up to 64 idle connections per host; give yours a
// Transport with a MaxIdleConnsPerHost that matches your concurrency, or
// connections churn. Proxies are your Transport's: a nil Transport is
// http.DefaultTransport, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
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
		if strings.TrimSpace(product) == "" || hasControlByte(product) {
			return errors.New("ecloud: WithUserAgent: the product must be a non-empty single line without control characters")
		}
		c.product = product
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy. Negative values, a MaxWait
// below MinWait, or a MaxWait without a MinWait (which would never wait) are
// errors.
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
// invitations, adding role assignments and role mappings, generating and
// verifying domain codes) retry under the same rules as GET, PUT and DELETE.
// The API has no idempotency key, so a retried POST may act twice (for
// example send an invitation email twice); use it only if that is
// acceptable.
func WithRetryNonIdempotent() Option {
	return func(c *config) error {
		c.retryWrites = true
		return nil
	}
}

// WithAttemptTimeout bounds each attempt of a call: its answer, headers and
// body, must arrive within d, or the attempt fails as a connection error would
// (GET, PUT and DELETE are retried, POST is not, since it may have reached the
// server). The default is DefaultAttemptTimeout; 0 turns the bound off, so
// only the context limits a call (and the Timeout of WithHTTPClient's
// client, if it has one); a negative d is an error.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("ecloud: WithAttemptTimeout: the timeout is negative")
		}
		c.attemptTimeout = d
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

// WithRateLimit makes the client wait so that it sends at most rps requests
// per second on average, with bursts of up to burst requests. Every attempt
// waits its turn, retries included. Useful when fanning out over many
// organizations.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) error {
		if !(rps > 0) || burst < 1 {
			return errors.New("ecloud: WithRateLimit: rps must be positive and burst at least 1")
		}
		c.rps, c.burst = rps, burst
		return nil
	}
}

// OptionsFromEnv reads the conventional environment variables: EC_API_KEY
// (required) and EC_HOST (optional: an ECE address or API root; "https://" is
// assumed when it has no scheme), and returns the options for NewClient:
//
//	opts, err := ecloud.OptionsFromEnv()
//	if err != nil {
//		return err // EC_API_KEY is not set
//	}
//	client, err := ecloud.NewClient(append(opts, ecloud.WithUserAgent("my-tool/1.0"))...)
//
// It is the only place the SDK itself reads the environment, and only when
// called; the proxy variables are read by net/http (see NewClient).
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
