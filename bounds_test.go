package ecloud

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// These tests measure the bytes the process allocates during one call
// (runtime.MemStats.TotalAlloc), so they are not parallel: while one runs, no
// parallel test does.

// allocatedDuring returns the bytes allocated while f ran.
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAnnouncedLengthIsNotTrusted: a 200 that announces 30 MiB and sends one
// byte costs memory for what arrived, not for what was announced.
func TestAnnouncedLengthIsNotTrusted(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(30<<20))
		io.WriteString(w, "{")
		w.(http.Flusher).Flush()
		stall(r)
	})
	c := newTestClient(t, f.URL, WithRetryPolicy(RetryPolicy{}))
	var err error
	allocated := allocatedDuring(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err = c.ListOrganizations(ctx)
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	t.Logf("allocated %d KiB", allocated>>10)
	if allocated > 2<<20 {
		t.Errorf("a call whose answer announced 30 MiB and sent 1 byte allocated %d KiB", allocated>>10)
	}
}

// gzipBomb returns a gzip stream (a series of members, which a gzip reader
// reads as one) that inflates to size zero bytes.
func gzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), size>>20)
}

// TestGzipBombStaysWithinTheCap: a 200 whose gzip body inflates to 64 MiB
// (on the wire: a few KiB) fails as too large, without being retried, and
// the client never holds more than the success-body cap.
func TestGzipBombStaysWithinTheCap(t *testing.T) {
	bomb := gzipBomb(t, 64<<20)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	c := newTestClient(t, f.URL)
	var err error
	allocated := allocatedDuring(func() { _, err = c.ListOrganizationInvitations(context.Background(), "o1") })
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || !errors.Is(err, errBodyTooLarge) || !strings.Contains(err.Error(), "32 MiB") {
		t.Errorf("err = %v, want a *RequestError saying the body passed the 32 MiB limit", err)
	}
	if got := f.requests.Load(); got != 1 {
		t.Errorf("the server saw %d requests, want 1 (too large is not retried)", got)
	}
	t.Logf("reading the bomb allocated %d KiB", allocated>>10)
	if limit := uint64(documentedSuccessCap + 4<<20); allocated > limit {
		t.Errorf("reading the bomb allocated %d MiB, want at most the %d MiB cap and a little", allocated>>20, documentedSuccessCap>>20)
	}
}

// TestHostileErrorCodesAreBounded: an 8 MiB x-cloud-error-codes header, or
// 100,000 header codes next to thousands of body errors, leave an *APIError
// that keeps a bounded number of codes and prints one short line.
func TestHostileErrorCodesAreBounded(t *testing.T) {
	var header strings.Builder
	for i := 0; header.Len() < 8<<20; i++ {
		fmt.Fprintf(&header, "root.code_%07d,", i)
	}
	var codes, body strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&codes, "h.%d,", i)
	}
	body.WriteString(`{"errors":[`)
	for i := range 3900 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"code":"b%d"}`, i)
	}
	body.WriteString(`]}`)
	if body.Len() > documentedErrorCap {
		t.Fatalf("the errors body is %d bytes, over the %d-byte cap", body.Len(), documentedErrorCap)
	}

	for _, tc := range []struct {
		name, header, body string
		details            int
	}{
		{"8_MiB_header", header.String(), `{"errors":[{"code":"root.code_0000000","message":"m"}]}`, 1},
		{"100000_codes_3900_errors", codes.String(), body.String(), 3900},
	} {
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Cloud-Error-Codes", tc.header)
			w.WriteHeader(400)
			io.WriteString(w, tc.body)
		})
		c := newTestClient(t, f.URL)
		var err error
		var msg string
		allocated := allocatedDuring(func() {
			_, err = c.GetOrganization(context.Background(), "o1")
			msg = err.Error()
		})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.Errors) != tc.details {
			t.Fatalf("%s: err = %.200v", tc.name, err)
		}
		if len(apiErr.Codes) > documentedCodes {
			t.Errorf("%s: the error keeps %d header codes, want at most %d", tc.name, len(apiErr.Codes), documentedCodes)
		}
		if len(msg) > 2<<10 || !strings.Contains(msg, " more)") {
			t.Errorf("%s: Error() is %d bytes, want one short line that says how many more there are: %.300s", tc.name, len(msg), msg)
		}
		if !apiErr.HasCode("root.code_0000000") && !apiErr.HasCode("h.0") {
			t.Errorf("%s: the first header code was not kept", tc.name)
		}
		t.Logf("%s: the call allocated %d MiB; Error() is %d bytes", tc.name, allocated>>20, len(msg))
		if allocated > 96<<20 {
			t.Errorf("%s: the call allocated %d MiB", tc.name, allocated>>20)
		}
	}
}
