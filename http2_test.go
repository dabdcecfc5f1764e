package ecloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Server is a raw HTTP/2 server (TLS, ALPN h2) built from x/net/http2's
// framer, so that it can do what net/http's server never does: read a whole
// request and then reset its stream with PROTOCOL_ERROR. It counts the
// requests it received in full and the connections it accepted.
type h2Server struct {
	*httptest.Server
	answer   func(method string) (status int, body string) // status 0: reset the stream
	requests atomic.Int32
	conns    atomic.Int32
	mu       sync.Mutex
	methods  []string
}

func startH2Server(t *testing.T, answer func(method string) (int, string)) *h2Server {
	t.Helper()
	s := &h2Server{answer: answer}
	s.Server = httptest.NewUnstartedServer(http.NotFoundHandler())
	s.EnableHTTP2 = true
	s.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) { s.serve(c) },
	}
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = quietLog
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *h2Server) serve(c net.Conn) {
	defer c.Close()
	if _, err := io.ReadFull(c, make([]byte, len(http2.ClientPreface))); err != nil {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	methods := map[uint32]string{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		var done uint32
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				fr.WritePing(true, f.Data)
			}
		case *http2.MetaHeadersFrame:
			methods[f.StreamID] = f.PseudoValue("method")
			if f.StreamEnded() {
				done = f.StreamID
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				done = f.StreamID
			}
		}
		if done == 0 {
			continue
		}
		s.requests.Add(1)
		s.mu.Lock()
		s.methods = append(s.methods, methods[done])
		s.mu.Unlock()
		status, body := s.answer(methods[done])
		if status == 0 {
			fr.WriteRSTStream(done, http2.ErrCodeProtocol)
			continue
		}
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
		enc.WriteField(hpack.HeaderField{Name: "content-type", Value: "application/json"})
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: done, BlockFragment: block.Bytes(), EndHeaders: true})
		fr.WriteData(done, true, []byte(body))
	}
}

// quietLog drops the TLS handshake noise of clients that hang up.
var quietLog = log.New(io.Discard, "", 0)

// h2Transports are the ways a client may reach an HTTP/2 server: the SDK's
// own transport, a caller's net/http transport and a caller's x/net/http2
// transport, each trusting the test server's certificate.
func h2Transports(s *h2Server) map[string][]Option {
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	tlsConfig := &tls.Config{RootCAs: pool}
	netHTTP := &http.Transport{TLSClientConfig: tlsConfig, ForceAttemptHTTP2: true}
	xnet := &http2.Transport{TLSClientConfig: tlsConfig}
	return map[string][]Option{
		"SDK_transport":      {WithTLSConfig(tlsConfig)},
		"caller_net_http":    {WithHTTPClient(&http.Client{Transport: netHTTP})},
		"caller_x_net_http2": {WithHTTPClient(&http.Client{Transport: xnet})},
	}
}

// h2Calls are the operations of every method and body shape.
var h2Calls = []struct {
	name string
	post bool
	call func(context.Context, *Client) error
}{
	{"create_POST_with_body", true, func(ctx context.Context, c *Client) error {
		_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
		return err
	}},
	{"accept_POST_without_body", true, func(ctx context.Context, c *Client) error {
		return c.AcceptOrganizationInvitation(ctx, "tok-123")
	}},
	{"list_GET", false, func(ctx context.Context, c *Client) error { _, err := c.ListOrganizations(ctx); return err }},
	{"update_PUT", false, func(ctx context.Context, c *Client) error {
		_, err := c.UpdateOrganization(ctx, "o1", UpdateOrganizationRequest{Name: Ptr("n")})
		return err
	}},
	{"delete_DELETE", false, func(ctx context.Context, c *Client) error {
		return c.DeleteOrganizationInvitations(ctx, "o1", []string{"tok-123"})
	}},
}

// TestHTTP2StreamResetIsNotReplayed: a server that reads each request whole
// and then resets the stream with PROTOCOL_ERROR makes Go's HTTP/2 transport
// send it again by itself, without limit. The server must see a POST once
// (1 + MaxRetries times with WithRetryNonIdempotent) and any other call
// 1 + MaxRetries times, with the SDK's waits between them, whichever transport
// the client uses.
func TestHTTP2StreamResetIsNotReplayed(t *testing.T) {
	t.Parallel()
	const maxRetries, wait = 2, 50 * time.Millisecond
	policy := WithRetryPolicy(RetryPolicy{MaxRetries: maxRetries, MinWait: wait, MaxWait: wait})
	reset := func(string) (int, string) { return 0, "" }
	transports := slices.Sorted(maps.Keys(h2Transports(startH2Server(t, reset))))
	for _, retryWrites := range []bool{false, true} {
		for _, tc := range h2Calls {
			for _, transport := range transports {
				name := tc.name + "/" + transport
				if retryWrites {
					name += "/WithRetryNonIdempotent"
				}
				// Each case has a server of its own, so that the cases
				// (each a few waits long) can run side by side.
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					s := startH2Server(t, reset)
					opts := h2Transports(s)[transport]
					if retryWrites {
						opts = append(opts, WithRetryNonIdempotent())
					}
					c := mustClient(t, append([]Option{WithAPIKey("test-key"), WithBaseURL(s.URL), policy}, opts...)...)
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
					defer cancel()
					start := time.Now()
					err := tc.call(ctx, c)
					elapsed := time.Since(start)
					want := int32(1 + maxRetries)
					if tc.post && !retryWrites {
						want = 1
					}
					if got := s.requests.Load(); got != want {
						t.Errorf("the server received %d requests, want %d", got, want)
					}
					var reqErr *RequestError
					if !errors.As(err, &reqErr) || errors.Is(err, context.DeadlineExceeded) {
						t.Fatalf("err = %v, want a *RequestError for the reset stream, before the deadline", err)
					}
					if reqErr.Attempts != int(want) {
						t.Errorf("Attempts = %d, want %d", reqErr.Attempts, want)
					}
					if minimum := time.Duration(want-1) * wait; elapsed < minimum {
						t.Errorf("%d attempts took %v, want at least %v of backoff", want, elapsed, minimum)
					}
				})
			}
		}
	}
}

// TestHTTP2CallsSucceed: over HTTP/2, where bodyless requests carry an empty
// body, every kind of call still works.
func TestHTTP2CallsSucceed(t *testing.T) {
	t.Parallel()
	s := startH2Server(t, func(method string) (int, string) {
		switch method {
		case http.MethodGet:
			return 200, `{"organizations":[{"id":"o1","name":"n"}]}`
		case http.MethodPut:
			return 200, `{"id":"o1","name":"n"}`
		case http.MethodPost:
			return 201, invitationsJSON
		}
		return 200, `{}`
	})
	for transport, opts := range h2Transports(s) {
		c := mustClient(t, append([]Option{WithAPIKey("test-key"), WithBaseURL(s.URL)}, opts...)...)
		for _, tc := range h2Calls {
			if err := tc.call(context.Background(), c); err != nil {
				t.Errorf("%s over %s: %v", tc.name, transport, err)
			}
		}
	}
	if got, want := s.requests.Load(), int32(3*len(h2Calls)); got != want {
		t.Errorf("the server received %d requests, want %d", got, want)
	}
}
