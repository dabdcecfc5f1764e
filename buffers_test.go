package ecloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// Reading bodies into pooled buffers (readCapped and bufferPool).

// TestReadCappedReadsWhatArrives: whatever the announced length says (right,
// unknown, too long, too short) and however the server cuts its writes, the
// data is exactly the body, a body over the limit is reported as over, and a
// read error comes back with what was read.
func TestReadCappedReadsWhatArrives(t *testing.T) {
	t.Parallel()
	const limit = 300 << 10
	for _, size := range []int{0, 1, minBuffer - 1, minBuffer, minBuffer + 1, 100 << 10, limit - 1, limit, limit + 1, 3 * limit} {
		body := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		for _, announced := range []int64{int64(size), -1, int64(size) * 2, int64(size) / 2, limit * 10} {
			for _, reader := range []struct {
				name string
				wrap func(io.Reader) io.Reader
			}{
				{"whole", func(r io.Reader) io.Reader { return r }},
				{"halves", iotest.HalfReader},
				{"pieces_of_1000", func(r io.Reader) io.Reader { return &pieces{r, 1000} }},
			} {
				name := fmt.Sprintf("size=%d/announced=%d/%s", size, announced, reader.name)
				data, buf, over, err := readCapped(reader.wrap(bytes.NewReader(body)), limit, announced)
				switch {
				case err != nil:
					t.Errorf("%s: err = %v", name, err)
				case size > limit && (!over || data != nil || buf != nil):
					t.Errorf("%s: over = %v, %d bytes, want over and no data", name, over, len(data))
				case size <= limit && (over || !bytes.Equal(data, body)):
					t.Errorf("%s: over = %v, %d bytes that differ from the body", name, over, len(data))
				}
				if buf != nil {
					buffers.put(buf)
				}
			}
		}
	}

	broken := errors.New("connection reset")
	data, buf, over, err := readCapped(io.MultiReader(bytes.NewReader(make([]byte, 20_000)), iotest.ErrReader(broken)), limit, 40_000)
	if !errors.Is(err, broken) || over || len(data) != 20_000 {
		t.Errorf("cut short: %d bytes, over %v, err %v; want the 20,000 bytes read and the error", len(data), over, err)
	}
	buffers.put(buf)
}

// pieces reads at most n bytes at a time, as a server that writes in small
// pieces.
type pieces struct {
	r io.Reader
	n int
}

func (p *pieces) Read(b []byte) (int, error) { return p.r.Read(b[:min(len(b), p.n)]) }

// TestBufferPoolKeepsBySize: the pool hands out a buffer with room for what
// is asked, keeps buffers up to 8 MiB and drops larger ones, and
// does not give a large buffer to a small body. (Under -race, sync.Pool drops
// a quarter of what it is given at random, so reuse is asked for a few times.)
func TestBufferPoolKeepsBySize(t *testing.T) {
	t.Parallel()
	var p bufferPool
	reused := func(size, asked int) bool {
		for range 20 {
			b := newBuffer(size)
			p.put(b)
			if got := p.get(asked); got == b {
				return true
			} else if got != nil {
				t.Fatalf("a buffer of %d bytes put, get(%d) returned one of %d", size, asked, cap(*got))
			}
		}
		return false
	}
	for _, tc := range []struct {
		size, asked int
		want        bool
	}{
		{minBuffer, 1, true},
		{minBuffer, minBuffer, true},
		{minBuffer, minBuffer + 1, false},
		{5 << 20, 5 << 20, true},
		{5 << 20, 3 << 20, true},
		{5<<20 + 1, 5<<20 + 1, true},
		{5 << 20, 5<<20 + 1, false}, // too small, though in the same class
		{documentedPooledBuffer, documentedPooledBuffer, true},
		{documentedPooledBuffer + 1, documentedPooledBuffer, false}, // too large to keep
		{32 << 20, 1 << 20, false},
		{minBuffer - 1, 1, false}, // too small to keep
		{5 << 20, 100, false},     // a small body does not take a large buffer
		{5 << 20, 1 << 20, false},
	} {
		if got := reused(tc.size, tc.asked); got != tc.want {
			t.Errorf("put a buffer of %d bytes, get(%d) reused it: %v, want %v", tc.size, tc.asked, got, tc.want)
		}
		for k := range p { // empty the pool for the next case
			for p[k].Get() != nil {
			}
		}
	}
}

// TestLargeBodiesReuseTheirBuffer: calling again for the same large body,
// with or without a Content-Length, reads it into the buffer of the call
// before rather than allocating its size again; a body too large to pool
// costs its size every time, so it has left nothing in the pool. Not
// parallel: it counts the process's allocations.
func TestLargeBodiesReuseTheirBuffer(t *testing.T) {
	for _, tc := range []struct {
		size      int
		announced bool
		pooled    bool
	}{
		{5 << 20, true, true},
		{5 << 20, false, true},
		{12 << 20, true, false},
		{12 << 20, false, false},
	} {
		t.Run(fmt.Sprintf("%d_MiB/Content-Length=%v", tc.size>>20, tc.announced), func(t *testing.T) {
			// An unknown field holds the bytes: decoding skips it without
			// allocating, so what a call allocates is mostly the reading.
			body := `{"organizations":[],"padding":"` + strings.Repeat("x", tc.size) + `"}`
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.announced {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				}
				io.WriteString(w, body)
			})
			c := newTestClient(t, f.URL)
			// No garbage collection between calls (allocatedDuring starts
			// with one): two of them empty a sync.Pool, and one call to
			// runtime.GC may finish a cycle under way and run another.
			// Under -race, sync.Pool drops a quarter of what it is given,
			// on purpose, so the pooled case may take a few calls to show.
			least := uint64(1 << 62)
			var before, after runtime.MemStats
			for i := 0; i < 4 || tc.pooled && least > 1<<20 && i < 30; i++ {
				runtime.ReadMemStats(&before)
				if _, err := c.ListOrganizations(context.Background()); err != nil {
					t.Fatal(err)
				}
				runtime.ReadMemStats(&after)
				if i > 0 {
					least = min(least, after.TotalAlloc-before.TotalAlloc)
				}
			}
			t.Logf("a call after the first allocated at least %d KiB", least>>10)
			if tc.pooled && least > 1<<20 {
				t.Errorf("calls for a %d MiB body allocated at least %d KiB each, want the pooled buffer reused", tc.size>>20, least>>10)
			}
			if !tc.pooled && least < uint64(tc.size) {
				t.Errorf("a call for a %d MiB body allocated %d KiB: it reused a buffer that large", tc.size>>20, least>>10)
			}
		})
	}
}

// TestPooledBuffersAreNotShared: calls running together, with bodies of
// different sizes, successes and errors, each get their own answer, and a
// raw body returned to the caller (GetOrganizationIdPMetadata) is not
// overwritten when its buffer is used again.
func TestPooledBuffersAreNotShared(t *testing.T) {
	t.Parallel()
	s := benchStart(t)
	c := benchClient(t, s)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 12 {
				n := []int{1, 100, 1000}[(g+i)%3]
				if i%4 == 3 {
					if _, err := c.ListOrganizationInvitations(ctx, benchMissingOrg); !errors.Is(err, ErrNotFound) {
						t.Errorf("err = %v, want a 404", err)
					}
					continue
				}
				got, err := c.ListOrganizationInvitations(ctx, benchOrgID(n))
				if err != nil {
					t.Error(err)
					return
				}
				benchCheckInvitations(t, got, benchOrgID(n), n)
			}
		}()
	}
	wg.Wait()

	xml := func(b byte) string {
		return `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` + strings.Repeat(string(b), 20_000) + "</EntityDescriptor>"
	}
	var calls atomic.Int64
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, xml(byte('a'+calls.Add(1)%2)))
	})
	mc := newTestClient(t, f.URL)
	first, err := mc.GetOrganizationIdPMetadata(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := mc.GetOrganizationIdPMetadata(ctx, "o1"); err != nil {
			t.Fatal(err)
		}
	}
	if string(first) != xml('b') {
		t.Errorf("the first metadata changed after later calls: %.20q…", first)
	}
}
