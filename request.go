package ecloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Body size limits. Success bodies are read up to maxSuccessBody: the largest
// real answer is an unpaginated list, and at about 500 bytes per invitation or
// member, 32 MiB holds some 65,000 of them, far beyond any organization; a
// larger body is an error rather than a memory risk (decoding costs several
// times the body's size in heap). Error bodies are read up to maxErrorBody;
// the rest is discarded with the connection.
const (
	maxSuccessBody = 32 << 20
	maxErrorBody   = 64 << 10
)

// call describes one API operation invocation; each method builds one and
// hands it to do.
type call struct {
	op      string // spec operationId
	method  string
	path    string // escaped, under the base, starting with "/"
	query   string // encoded query string, may be empty
	body    any    // JSON-encoded once when non-nil
	out     any    // decoded from a 2xx body when non-nil, then checked (see required.go); a *[]byte gets the body as is
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

var jsonContentType = []string{"application/json"}

// setHeaders sets the headers of every request (their values are shared and
// never modified), the call's Accept when it wants no JSON, and Content-Type
// when the request has a JSON body.
func (c *Client) setHeaders(h http.Header, r *call) {
	for k, v := range c.header {
		h[k] = v
	}
	h["Authorization"] = c.cred.header
	if r.accept != "" {
		h["Accept"] = []string{r.accept}
	}
	if r.body != nil {
		h["Content-Type"] = jsonContentType
	}
}

// do is the one request path: it encodes the body, sends the request through
// the retry engine (exchange.run, in retry.go), and turns the last answer
// into the result: a decoded and checked 2xx body, an *APIError for any other
// status, or a *RequestError when no answer could be had.
func (c *Client) do(ctx context.Context, r call) error {
	if c == nil || c.hc == nil {
		return invalidArgument(r.op, "the Client is nil or was not made by NewClient")
	}
	if ctx == nil {
		return invalidArgument(r.op, "the context is nil")
	}
	var raw any // untyped nil: no body, no Content-Type
	switch {
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("ecloud: %s: encoding the request: %w", r.op, err)
		}
		raw = b
	case c.emptyBody:
		raw = []byte{} // a body HTTP/2 cannot replay (see mayUseHTTP2)
	}
	if err := c.pace(ctx); err != nil {
		return c.requestError(&r, 0, err)
	}
	target := c.base + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	x := newExchange(c, r)
	defer x.release()
	err := x.run(ctx, target, raw)
	switch {
	case err != nil:
		return c.requestError(&r, x.attempts, err)
	case x.bodyErr != nil && ctx.Err() != nil:
		return c.requestError(&r, x.attempts, ctx.Err()) // the caller's context ended mid-answer
	case x.status < 200 || x.status > 299:
		return c.newAPIError(&r, x.status, x.header, x.body, x.bodyErr != nil, x.attempts)
	case x.bodyErr != nil:
		return c.requestError(&r, x.attempts, x.bodyErr)
	case r.out == nil:
		return nil // EmptyResponse: "{}" or nothing
	}
	if b, ok := r.out.(*[]byte); ok {
		*b = bytes.Clone(x.body) // the body's buffer goes back to a pool
		return nil
	}
	if err := json.Unmarshal(x.body, r.out); err != nil {
		return fmt.Errorf("ecloud: %s: decoding the %d response: %w", r.op, x.status, c.redactError(&r, err))
	}
	if err := checkRequired(r.out); err != nil {
		return fmt.Errorf("ecloud: %s: the %d response %w", r.op, x.status, c.redactError(&r, err))
	}
	return nil
}

// pace waits for the rate limiter (WithRateLimit), if any, before an attempt.
// Its errors match the context's: a wait that would pass the deadline is
// context.DeadlineExceeded.
func (c *Client) pace(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("waiting for the rate limit (WithRateLimit) would pass the deadline: %w", context.DeadlineExceeded)
	}
	return nil
}

// readCapped reads r to its end, if it holds at most limit bytes; over a
// longer body it stops after limit+1 bytes and returns over, and no data. It
// reads into buf's capacity first and then into new chunks, each twice the
// size of the last and allocated only once the bytes before it have arrived,
// so the memory held follows what the server sent, never what it announced,
// and never exceeds limit+1 bytes (plus buf). The announced length (announced
// >= 0) only makes the last chunk smaller. The chunks are joined at the end,
// so data aliases buf only for a body that fitted in it.
func readCapped(r io.Reader, buf []byte, limit int, announced int64) (data []byte, over bool, err error) {
	var chunks [][]byte
	total := 0 // bytes in chunks
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			if len(buf) > 0 {
				chunks = append(chunks, buf)
				total += len(buf)
			}
			size := min(max(2*cap(buf), 8<<10), limit+1-total)
			if rest := announced + 1 - int64(total); rest > 0 && rest < int64(size) {
				size = int(rest) // +1 to see the end without another chunk
			}
			buf = make([]byte, 0, size)
		}
		n, rerr := r.Read(buf[len(buf):min(cap(buf), limit+1-total)])
		buf = buf[:len(buf)+n]
		if total+len(buf) > limit {
			return nil, true, nil
		}
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
	}
	if len(chunks) == 0 {
		return buf, false, err
	}
	data = make([]byte, 0, total+len(buf))
	for _, c := range chunks {
		data = append(data, c...)
	}
	return append(data, buf...), false, err
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
		Err:       redactError(err, c.cred.secrets, r.secrets),
	}
}
