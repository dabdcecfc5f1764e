package ecloud

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCallerClientTimeoutBoundsAttempts: the Timeout of the http.Client given
// to WithHTTPClient bounds each attempt when it is shorter than the attempt
// timeout or the attempt timeout is off, and a Timeout of 0 (none) leaves the
// attempt timeout as it is.
func TestCallerClientTimeoutBoundsAttempts(t *testing.T) {
	t.Parallel()
	const short = 100 * time.Millisecond
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { stall(r) })
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"no client Timeout, attempt timeout", []Option{WithHTTPClient(&http.Client{}), WithAttemptTimeout(short)}},
		{"client Timeout, attempt timeout off", []Option{WithHTTPClient(&http.Client{Timeout: short}), WithAttemptTimeout(0)}},
		{"client Timeout below the attempt timeout", []Option{WithHTTPClient(&http.Client{Timeout: short}), WithAttemptTimeout(time.Hour)}},
		{"attempt timeout below the client Timeout", []Option{WithHTTPClient(&http.Client{Timeout: time.Hour}), WithAttemptTimeout(short)}},
	} {
		c := newTestClient(t, f.URL, append(tc.opts, WithRetryPolicy(RetryPolicy{}))...)
		// A call the attempt timeout does not end ends with the context,
		// 2 s later, as something else than the attempt timeout.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		start := time.Now()
		_, err := c.ListOrganizations(ctx)
		elapsed := time.Since(start)
		cancel()
		if !errors.Is(err, errAttemptTimeout) || elapsed > time.Second {
			t.Errorf("%s: err = %v after %v, want the attempt timeout after %v", tc.name, err, elapsed, short)
		}
	}
}

// stuckBody is a body of a caller's transport that sends its first bytes
// and then nothing until it is closed; its reads then fail with an error of
// its own, as many transports' bodies do.
type stuckBody struct {
	first  string
	closed chan struct{}
	once   sync.Once
}

var errStuckBodyClosed = errors.New("read on a closed body")

func (b *stuckBody) Read(p []byte) (int, error) {
	if b.first != "" {
		n := copy(p, b.first)
		b.first = b.first[n:]
		return n, nil
	}
	<-b.closed
	return 0, errStuckBodyClosed
}

func (b *stuckBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestCallerBodyErrorsSayWhyTheContextEnded: when a body of a caller's
// transport stops (the SDK closes it as the attempt or the call ends) with
// an error of its own, the call's error says why: the attempt timeout
// (context.DeadlineExceeded and a net.Error timeout) or the caller's
// cancellation (context.Canceled), with or without the attempt timeout.
func TestCallerBodyErrorsSayWhyTheContextEnded(t *testing.T) {
	t.Parallel()
	stuck := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}, Request: r,
			Body: &stuckBody{first: `{"invitations":[`, closed: make(chan struct{})}}, nil
	})
	create := func(ctx context.Context, c *Client) error {
		_, err := c.CreateOrganizationInvitations(ctx, "o1", CreateInvitationsRequest{Emails: []string{"a@example.com"}})
		return err
	}

	c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: stuck}), WithAttemptTimeout(100*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // a call the attempt timeout does not end fails, not hangs
	defer cancel()
	err := create(ctx, c)
	var reqErr *RequestError
	var netErr net.Error
	if !errors.As(err, &reqErr) || reqErr.Attempts != 1 || !errors.Is(err, errAttemptTimeout) ||
		!errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("attempt timeout: err = %v, want a *RequestError after 1 attempt for the attempt timeout, a net.Error timeout", err)
	}

	for _, timeout := range []time.Duration{time.Hour, 0} {
		c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: stuck}), WithAttemptTimeout(timeout))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		err := returnsWithin(t, 2*time.Second, func() error { return create(ctx, c) })
		cancel()
		if !errors.As(err, &reqErr) || !errors.Is(err, context.Canceled) || errors.Is(err, errStuckBodyClosed) {
			t.Errorf("attempt timeout %v, call cancelled: err = %v, want a *RequestError matching context.Canceled", timeout, err)
		}
	}
}

// returnsWithin runs call and returns its error, or fails the test if call has not
// returned after d, so that a call that hangs fails the test instead of
// hanging it (the call is left running).
func returnsWithin(t *testing.T, d time.Duration, call func() error) error {
	t.Helper()
	errs := make(chan error, 1)
	go func() { errs <- call() }()
	select {
	case err := <-errs:
		return err
	case <-time.After(d):
		t.Errorf("the call has not returned after %v", d)
		return errors.New("the call hung")
	}
}

// TestCallerTransportWithCancelableContext: a call through a caller's
// transport with a context that can end, and no attempt timeout, works and
// releases its body (the SDK watches the context to close the body).
func TestCallerTransportWithCancelableContext(t *testing.T) {
	t.Parallel()
	var closed sync.WaitGroup
	ok := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		closed.Add(1)
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r,
			Body: &closeCounter{Reader: strings.NewReader(`{"organizations":[]}`), done: closed.Done}}, nil
	})
	c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: ok}), WithAttemptTimeout(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := c.ListOrganizations(ctx); err != nil {
		t.Fatal(err)
	}
	bodiesClosed := make(chan struct{})
	go func() { closed.Wait(); close(bodiesClosed) }()
	select {
	case <-bodiesClosed:
	case <-time.After(2 * time.Second):
		t.Fatal("the answer's body was never closed")
	}
}

type closeCounter struct {
	io.Reader
	once sync.Once
	done func()
}

func (c *closeCounter) Close() error { c.once.Do(c.done); return nil }

// opaqueContext is a context whose Done channel the context package cannot
// find in its own types: it watches such a parent with a goroutine for each
// child, a goroutine that ends when the child is cancelled.
type opaqueContext struct {
	context.Context
	done chan struct{}
}

func (c opaqueContext) Done() <-chan struct{} { return c.done }

// watchers counts the goroutines that watch an opaqueContext for a child.
func watchers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "context.(*cancelCtx).propagateCancel")
}

// TestAttemptTimeoutIsReleasedWithTheCall: the context of an attempt's
// timeout is cancelled when the call is done with the answer, not left for
// its timer (here an hour) to end.
func TestAttemptTimeoutIsReleasedWithTheCall(t *testing.T) {
	t.Parallel()
	arrived, answer := make(chan struct{}, 1), make(chan struct{})
	release := sync.OnceFunc(func() { close(answer) })
	defer release() // a handler still held would keep the server from closing
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-answer
		io.WriteString(w, `{"organizations":[]}`)
	})
	c := newTestClient(t, f.URL, WithAttemptTimeout(time.Hour), WithRetryPolicy(RetryPolicy{}))
	parent := opaqueContext{Context: context.Background(), done: make(chan struct{})}
	defer close(parent.done)
	errs := make(chan error, 1)
	go func() { _, err := c.ListOrganizations(parent); errs <- err }()
	select {
	case <-arrived:
	case err := <-errs:
		t.Fatalf("the call ended before it reached the server: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the call has not reached the server after 5s")
	}
	if n := watchers(); n < 1 {
		t.Fatalf("%d goroutines watch the caller's context during the call; this test cannot see the attempt's context", n)
	}
	release()
	if err := returnsWithin(t, 5*time.Second, func() error { return <-errs }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for watchers() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempt contexts outlive the call that made them", watchers())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastReadBody answers its whole content and io.EOF in one read, which
// starts by cancelling the call's context: the answer is complete as the
// context ends.
type lastReadBody struct {
	data   string
	cancel context.CancelFunc
	ctx    context.Context
}

func (b *lastReadBody) Read(p []byte) (int, error) {
	b.cancel()
	<-b.ctx.Done()
	return copy(p, b.data), io.EOF
}

func (b *lastReadBody) Close() error { return nil }

// TestWholeAnswerAsTheContextEnds: an answer whose last bytes arrive as the
// caller's context ends is the answer, not an error of the context.
func TestWholeAnswerAsTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r,
			Body: &lastReadBody{data: `{"organizations":[{"id":"o1","name":"Acme"}]}`, cancel: cancel, ctx: ctx}}, nil
	})
	c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: last}), WithAttemptTimeout(0))
	list, err := c.ListOrganizations(ctx)
	if err != nil || len(list.Organizations) != 1 {
		t.Errorf("ListOrganizations = %+v, %v; want the organization that arrived", list, err)
	}
}

// emptyReads is a broken body: every read returns nothing and no error.
type emptyReads struct{ reads atomic.Int64 }

func (b *emptyReads) Read([]byte) (int, error) { b.reads.Add(1); return 0, nil }
func (b *emptyReads) Close() error             { return nil }

// TestBodyThatNeverProgresses: a body of a caller's transport whose reads
// return nothing and no error, again and again, fails the call with
// io.ErrNoProgress after a few reads instead of spinning for ever (as
// bufio.Reader does), for a success as for an error answer.
func TestBodyThatNeverProgresses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusOK, http.StatusBadGateway} {
		body := &emptyReads{}
		broken := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{}, Request: r, Body: body}, nil
		})
		c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: broken}), WithRetryPolicy(RetryPolicy{}))
		err := returnsWithin(t, 2*time.Second, func() error { _, err := c.ListOrganizations(context.Background()); return err })
		var reqErr *RequestError
		var apiErr *APIError
		switch {
		case status == http.StatusOK && (!errors.As(err, &reqErr) || !errors.Is(err, io.ErrNoProgress)):
			t.Errorf("%d: err = %v, want a *RequestError for io.ErrNoProgress", status, err)
		case status != http.StatusOK && (!errors.As(err, &apiErr) || apiErr.StatusCode != status):
			t.Errorf("%d: err = %v, want its *APIError", status, err)
		}
		if n := body.reads.Load(); n > 1000 {
			t.Errorf("%d: the body was read %d times", status, n)
		}
	}
}

// sluggishBody returns each of its parts after some reads that return
// nothing and no error.
type sluggishBody struct {
	parts []string
	empty int // reads that return nothing before each part
	left  int
}

func (b *sluggishBody) Read(p []byte) (int, error) {
	if len(b.parts) == 0 {
		return 0, io.EOF
	}
	if b.left < b.empty {
		b.left++
		return 0, nil
	}
	b.left = 0
	n := copy(p, b.parts[0])
	b.parts = b.parts[1:]
	return n, nil
}

func (b *sluggishBody) Close() error { return nil }

// TestBodyWithSomeEmptyReads: reads that return nothing are tolerated, up
// to 99 in a row, however many there are in all.
func TestBodyWithSomeEmptyReads(t *testing.T) {
	t.Parallel()
	sluggish := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body := &sluggishBody{parts: []string{`{"organizations":[`, `{"id":"o1","name":"Acme"}`, `]}`}, empty: 99}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r, Body: body}, nil
	})
	c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: sluggish}), WithRetryPolicy(RetryPolicy{}))
	list, err := c.ListOrganizations(context.Background())
	if err != nil || len(list.Organizations) != 1 {
		t.Errorf("ListOrganizations = %+v, %v; want the organization, 297 empty reads notwithstanding", list, err)
	}
}

// TestTransportReturnsAnswerAndError: a caller's transport that returns an
// answer and an error at once (which a RoundTripper should not) gives the
// call its error; the answer's body, if any, is closed, and one without a
// body is no panic.
func TestTransportReturnsAnswerAndError(t *testing.T) {
	t.Parallel()
	for _, withBody := range []bool{true, false} {
		var closes atomic.Int64
		body := &closeCounter{Reader: strings.NewReader(`{"organizations":[]}`), done: func() { closes.Add(1) }}
		both := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r}
			if withBody {
				resp.Body = body
			}
			return resp, errors.New("the proxy gave up")
		})
		c := mustClient(t, WithAPIKey("k"), WithHTTPClient(&http.Client{Transport: both}), WithRetryPolicy(RetryPolicy{}))
		_, err := c.ListOrganizations(context.Background())
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), "the proxy gave up") {
			t.Errorf("with a body %t: err = %v, want a *RequestError with the transport's error", withBody, err)
		}
		if withBody && closes.Load() != 1 {
			t.Errorf("the answer's body was not closed")
		}
	}
}
