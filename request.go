package ecloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Body size limits. Success bodies are read up to maxSuccessBody: the largest
// real answer is an unpaginated list, and at about 500 bytes per invitation or
// member (2 KiB with many role assignments), 32 MiB holds 16,000 to 65,000 of
// them, beyond any organization; a larger body is an error. Decoding takes at
// most maxDecodeCost (12) bytes per byte of body whatever its shape, twice
// that for a body refused for a wrong type (decode.go). A lower cap would
// bound a call's memory better, but could refuse the members of a large
// organization, which no option or page could get then.
// Error bodies are read up to maxErrorBody; the rest is discarded with the
// connection.
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
	if err := decodeBody(x.body, r.out); err != nil {
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
// reads into a buffer of the pool that fits the announced length (announced
// >= 0), if the pool has one, and else into chunks, each twice the size of
// the last and taken only once the bytes before it have arrived, so the
// memory allocated follows what the server sent, never what it announced, and
// never exceeds limit+1 bytes. The announced length only makes the last chunk
// smaller. Chunks are joined at the end into one buffer, with room to spare
// (see roundUp) so that the same body read again fits in it. A body of
// unknown length is read into chunks again the next time, so they go back
// to the pool, unless the body is too large to be pooled; when the length
// was announced, the joined buffer is all that the next reading needs. data is in the buffer
// buf, which the caller hands back to the pool (buffers.put) once done with
// data.
func readCapped(r io.Reader, limit int, announced int64) (data []byte, buf *[]byte, over bool, err error) {
	var chunks []*[]byte // full chunks, in order
	total := 0           // bytes in chunks
	empty := 0           // reads in a row that returned nothing
	want := minBuffer
	if announced >= 0 && announced < int64(limit) {
		want = int(announced) + 1 // +1 to see the end without another chunk
	}
	buf = buffers.get(want)
	if buf == nil {
		buf = newBuffer(minBuffer)
	}
	for {
		b := *buf
		if len(b) == cap(b) {
			chunks = append(chunks, buf)
			total += len(b)
			size := min(max(2*cap(b), minBuffer), limit+1-total)
			if rest := announced + 1 - int64(total); rest > 0 && rest < int64(size) {
				size = int(rest)
			}
			if buf = buffers.get(size); buf == nil {
				buf = newBuffer(size)
			}
			b = *buf
		}
		n, rerr := r.Read(b[len(b):min(cap(b), limit+1-total)])
		if n == 0 && rerr == nil {
			if empty++; empty == maxEmptyReads {
				rerr = io.ErrNoProgress // a broken reader (of a caller's transport) would keep this loop spinning
			}
		} else {
			empty = 0
		}
		b = b[:len(b)+n]
		*buf = b
		if total+len(b) > limit {
			return nil, nil, true, nil // the chunks are left to the garbage collector
		}
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
	}
	if len(chunks) > 0 {
		chunks = append(chunks, buf)
		size := total + len(*buf) + 1
		if buf = buffers.get(size); buf == nil {
			buf = newBuffer(roundUp(size))
		}
		for _, c := range chunks {
			*buf = append(*buf, *c...)
			if announced < 0 && size <= maxPooledBuffer {
				buffers.put(c) // the same body, read again, needs them again
			}
		}
	}
	return *buf, buf, false, err
}

// maxEmptyReads is how many reads in a row may return no byte and no error
// before readCapped gives up with io.ErrNoProgress, as bufio.Reader does.
const maxEmptyReads = 100

// Pooled read buffers. A body is read into a buffer of the pool when one
// fits, and the buffer goes back to the pool when the call is done with it,
// so that a client that lists a large organization again and again does not
// allocate the body again each time. Buffers are kept by size class, class
// k holding those of minBuffer<<k bytes up to twice that, so that a large
// body finds a large buffer and a small one does not take it. Buffers larger
// than maxPooledBuffer (some 16,000 invitations) are not kept, so that one
// huge answer cannot pin memory, and, as for any sync.Pool, buffers no call
// takes are freed by the garbage collector.
const (
	minBuffer       = 8 << 10
	sizeClasses     = 11
	maxPooledBuffer = minBuffer << (sizeClasses - 1) // 8 MiB
)

var buffers bufferPool

type bufferPool [sizeClasses]sync.Pool

// sizeClass returns the class of buffers of size bytes (rounded down).
func sizeClass(size int) int { return bits.Len(uint(size/minBuffer)) - 1 }

// get returns an empty buffer of the pool with room for size bytes, or nil.
// It looks in the class of size and, unless size is the class's own size
// (which every buffer of the class holds), in the next class, whose buffers
// all hold size: never further, so that a small body does not take the
// buffer of a large one.
func (p *bufferPool) get(size int) *[]byte {
	k := max(sizeClass(size), 0)
	last := k
	if size > minBuffer<<k {
		last++
	}
	for ; k <= min(last, len(p)-1); k++ {
		b, _ := p[k].Get().(*[]byte)
		if b == nil {
			continue
		}
		if cap(*b) >= size {
			*b = (*b)[:0]
			return b
		}
		p[k].Put(b) // in the class of size, but smaller
	}
	return nil
}

// put hands b back to the pool; too small or too large, it is dropped.
func (p *bufferPool) put(b *[]byte) {
	if k := sizeClass(cap(*b)); k >= 0 && cap(*b) <= maxPooledBuffer {
		p[k].Put(b)
	}
}

// roundUp returns the size of the buffer that joins size bytes of chunks: up
// to maxPooledBuffer, the smallest class's own size (minBuffer<<k) that holds
// them. So the buffer sits in the class above the chunks the body was read
// into, which then do not take it when the body is read again.
func roundUp(size int) int {
	if size > maxPooledBuffer {
		return size
	}
	return minBuffer << bits.Len(uint((size-1)/minBuffer))
}

func newBuffer(size int) *[]byte {
	b := make([]byte, 0, size)
	return &b
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
