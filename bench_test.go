package ecloud

// Benchmarks: the cost of a call through the SDK against a plain net/http
// call that fetches the same bytes and decodes them with encoding/json.
// Every SDK benchmark has a BenchmarkRawNetHTTP sub-benchmark of the same
// shape in the same run, so BENCHMARKS.md reports ratios, not absolute times:
//
//	BenchmarkListOrganizationInvitations/invitations=N  vs  BenchmarkRawNetHTTP/invitations=N
//	BenchmarkListOrganizationMembers/members=N          vs  BenchmarkRawNetHTTP/members=N
//	BenchmarkCreateOrganizationInvitations              vs  BenchmarkRawNetHTTP/create
//	BenchmarkAPIError404                                vs  BenchmarkRawNetHTTP/error404
//	BenchmarkParallelList                               vs  BenchmarkRawNetHTTP/parallel
//	BenchmarkPeakHeap/ecloud/...                        vs  BenchmarkPeakHeap/raw/...
//
// The server is a local httptest server answering from bodies built once, so
// both sides pay the same server and loopback cost. CI runs these with
// -benchtime=1x; each benchmark checks the decoded result before timing, so a
// wrong path, header or decode fails the run instead of timing an error.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchSizes are the invitation and member counts per list response.
var benchSizes = []int{1, 100, 1000, 10_000}

const (
	benchAPIKey      = "bench-api-key-0123456789"
	benchUserAgent   = "ecloud-go/" + Version
	benchMissingOrg  = "404404"
	benchCreateOrg   = "201201"
	benchParallelism = 16 // goroutines per GOMAXPROCS in the parallel benchmarks: 32 on 2 cores
)

var (
	benchJSON          = []string{"application/json"}
	benchAuthorization = []string{"ApiKey " + benchAPIKey}
	benchNotFoundCodes = []string{CodeOrganizationNotFound}
)

// benchOrgID is the organization whose list answers n invitations.
func benchOrgID(n int) string { return strconv.Itoa(1_000_000 + n) }

// benchListPath is the path, under the API root, listing n invitations.
func benchListPath(n int) string { return "/organizations/" + benchOrgID(n) + "/invitations" }

// benchMembersPath is the path, under the API root, listing n members.
func benchMembersPath(n int) string { return "/organizations/" + benchOrgID(n) + "/members" }

// benchCreateRequest is the body of every create call: three emails, an
// expiry and one role, as the console sends it.
var benchCreateRequest = CreateInvitationsRequest{
	Emails:    []string{"ana@example.com", "bo@example.com", "cy@example.com"},
	ExpiresIn: "7d",
	RoleAssignments: &RoleAssignments{
		Organization: []OrganizationRoleAssignment{{RoleID: "organization-member", OrganizationID: benchCreateOrg}},
	},
}

// benchInvitationsBody returns {"invitations":[...]} with n invitations shaped
// like the spec's OrganizationInvitation: a 32-hex token, RFC 3339 times, a
// third of them accepted, the organization, and organization and deployment
// role assignments. It is written by hand, not marshalled from the SDK's
// models, so a wrong JSON tag in the models fails the result checks.
func benchInvitationsBody(org string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"invitations":[`)
	created := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		c := created.Add(time.Duration(i) * time.Minute)
		accepted := ""
		if i%3 == 0 {
			accepted = `"accepted_at":"` + c.Add(26*time.Hour).Format(time.RFC3339) + `",`
		}
		fmt.Fprintf(&b, `{"token":"%016x%016x","email":"user%d@example.com","created_at":%q,"expires_at":%q,"expired":%t,%s`+
			`"organization":{"id":%q,"name":"Bench Organization"},`+
			`"role_assignments":{"organization":[{"role_id":"billing-admin","organization_id":%q}],`+
			`"deployment":[{"role_id":"deployment-viewer","organization_id":%q,"all":false,"deployment_ids":["%032x","%032x"]}]}}`,
			uint64(i)*0x9e3779b97f4a7c15, uint64(n), i, c.Format(time.RFC3339), c.Add(72*time.Hour).Format(time.RFC3339), i%5 == 1, accepted,
			org, org, org, i, i+1)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// benchMembersBody returns {"members":[...]} with n members shaped like the
// spec's OrganizationMembership: a 32-hex user ID, name, email, an RFC 3339
// time, and organization and deployment role assignments. Like
// benchInvitationsBody, it is written by hand.
func benchMembersBody(org string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"members":[`)
	since := time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"organization_id":%q,"user_id":"%016x%016x","name":"User %d","email":"user%d@example.com","member_since":%q,`+
			`"role_assignments":{"organization":[{"role_id":"organization-member","organization_id":%q}],`+
			`"deployment":[{"role_id":"deployment-editor","organization_id":%q,"all":false,"deployment_ids":["%032x"]}]}}`,
			org, uint64(i)*0x9e3779b97f4a7c15, uint64(n), i, i, since.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), org, org, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// benchNotFoundBody is the API's answer to an unknown organization.
const benchNotFoundBody = `{"errors":[{"code":"organization.not_found","message":"Organization 404404 could not be found"}]}`

// benchResponse is one canned answer, headers included, built once.
type benchResponse struct {
	status int
	header http.Header
	body   []byte
}

func benchCanned(status int, body []byte) benchResponse {
	return benchResponse{status: status, body: body, header: http.Header{
		"Content-Type":   benchJSON,
		"Content-Length": {strconv.Itoa(len(body))},
	}}
}

// benchResponses maps "METHOD path" to its answer. Built once per process:
// the 10,000-invitation body is about 5 MB, the 10,000-member one 4 MB.
var benchResponses = sync.OnceValue(func() map[string]benchResponse {
	m := map[string]benchResponse{}
	for _, n := range benchSizes {
		m["GET /api/v1"+benchListPath(n)] = benchCanned(http.StatusOK, benchInvitationsBody(benchOrgID(n), n))
		m["GET /api/v1"+benchMembersPath(n)] = benchCanned(http.StatusOK, benchMembersBody(benchOrgID(n), n))
	}
	m["POST /api/v1/organizations/"+benchCreateOrg+"/invitations"] = benchCanned(http.StatusCreated, benchInvitationsBody(benchCreateOrg, len(benchCreateRequest.Emails)))
	notFound := benchCanned(http.StatusNotFound, []byte(benchNotFoundBody))
	notFound.header["X-Cloud-Error-Codes"] = benchNotFoundCodes
	m["GET /api/v1/organizations/"+benchMissingOrg+"/invitations"] = notFound
	return m
})

// benchServer is a local API server that counts the TCP connections it
// accepts.
type benchServer struct {
	srv  *httptest.Server
	base string       // API root: srv.URL + "/api/v1"
	news atomic.Int64 // connections that reached http.StateNew
}

// benchStart starts a benchServer answering from benchResponses; it is closed
// when tb ends.
func benchStart(tb testing.TB) *benchServer {
	tb.Helper()
	responses := benchResponses()
	s := &benchServer{}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		resp, ok := responses[r.Method+" "+r.URL.Path]
		if !ok || r.Header.Get("Authorization") != benchAuthorization[0] {
			http.Error(w, "bench server: unexpected "+r.Method+" "+r.URL.Path, http.StatusTeapot)
			return
		}
		h := w.Header()
		for k, v := range resp.header {
			h[k] = v
		}
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	}))
	s.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.news.Add(1)
		}
	}
	s.srv.Start()
	s.base = s.srv.URL + "/api/v1"
	tb.Cleanup(s.srv.Close)
	return s
}

// benchClient is an SDK client on s, with the SDK's own transport unless
// opts say otherwise. Its idle connections are closed when tb ends.
func benchClient(tb testing.TB, s *benchServer, opts ...Option) *Client {
	tb.Helper()
	c, err := NewClient(append([]Option{WithAPIKey(benchAPIKey), WithBaseURL(s.base)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// benchTransport is configured like the SDK's own (newTransport): the
// net/http defaults with an idle pool sized for concurrent callers.
func benchTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 128
	t.MaxIdleConnsPerHost = 64
	return t
}

// benchRawClient is the baseline's plain http.Client.
func benchRawClient(tb testing.TB) *http.Client {
	hc := &http.Client{Transport: benchTransport()}
	tb.Cleanup(hc.CloseIdleConnections)
	return hc
}

// benchRawInvitations and benchRawMembers decode into the SDK's own model
// types, so that both sides build the same values.
type (
	benchRawInvitations struct {
		Invitations []OrganizationInvitation `json:"invitations"`
	}
	benchRawMembers struct {
		Members []OrganizationMembership `json:"members"`
	}
)

// benchRawAPIError is the baseline's error: status, header codes and body
// errors, what a careful hand-written client keeps.
type benchRawAPIError struct {
	status int
	codes  []string
	errors []ErrorDetail
}

func (e *benchRawAPIError) Error() string { return "status " + strconv.Itoa(e.status) }

// benchRawDo is the idiomatic hand-written call: build the request, set the
// same headers the SDK sends, send it, decode a 2xx body into out with
// json.Decoder, or read the error header and a capped error body; drain and
// close so the connection is reused.
func benchRawDo(ctx context.Context, hc *http.Client, method, url string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", benchUserAgent)
	req.Header.Set("Authorization", benchAuthorization[0])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	defer io.Copy(io.Discard, resp.Body) // drain, so the connection is reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &benchRawAPIError{status: resp.StatusCode, codes: resp.Header.Values("X-Cloud-Error-Codes")}
		var eb struct {
			Errors []ErrorDetail `json:"errors"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&eb) == nil {
			e.errors = eb.Errors
		}
		return e
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// benchRawList is benchRawDo for a list of invitations.
func benchRawList(ctx context.Context, hc *http.Client, method, url string, body []byte) ([]OrganizationInvitation, error) {
	var out benchRawInvitations
	err := benchRawDo(ctx, hc, method, url, body, &out)
	return out.Invitations, err
}

// benchRawMembersList is benchRawDo for a list of members.
func benchRawMembersList(ctx context.Context, hc *http.Client, url string) ([]OrganizationMembership, error) {
	var out benchRawMembers
	err := benchRawDo(ctx, hc, http.MethodGet, url, nil, &out)
	return out.Members, err
}

// benchCheckInvitations fails tb unless got is the n invitations of
// benchInvitationsBody(org, n), checked on the fields that exercise each
// decoding path.
func benchCheckInvitations(tb testing.TB, got []OrganizationInvitation, org string, n int) {
	tb.Helper()
	if len(got) != n {
		tb.Fatalf("got %d invitations, want %d", len(got), n)
	}
	last := got[n-1]
	wantCreated := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC).Add(time.Duration(n-1) * time.Minute)
	switch {
	case got[0].AcceptedAt == nil, len(got[0].Token) != 32:
		tb.Fatalf("first invitation decoded as %+v", got[0])
	case last.Email != "user"+strconv.Itoa(n-1)+"@example.com", !last.CreatedAt.Equal(wantCreated), last.Organization.ID != org:
		tb.Fatalf("last invitation decoded as %+v", last)
	case last.RoleAssignments == nil || len(last.RoleAssignments.Deployment) != 1 || len(last.RoleAssignments.Deployment[0].DeploymentIDs) != 2:
		tb.Fatalf("last invitation's roles decoded as %+v", last.RoleAssignments)
	}
}

// benchCheckMembers fails tb unless got is the n members of
// benchMembersBody(org, n).
func benchCheckMembers(tb testing.TB, got []OrganizationMembership, org string, n int) {
	tb.Helper()
	if len(got) != n {
		tb.Fatalf("got %d members, want %d", len(got), n)
	}
	last := got[n-1]
	wantSince := time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n-1) * time.Hour)
	switch {
	case len(got[0].UserID) != 32 || got[0].OrganizationID != org:
		tb.Fatalf("first member decoded as %+v", got[0])
	case last.Email != "user"+strconv.Itoa(n-1)+"@example.com", !last.MemberSince.Equal(wantSince), last.Name != "User "+strconv.Itoa(n-1):
		tb.Fatalf("last member decoded as %+v", last)
	case last.RoleAssignments == nil || len(last.RoleAssignments.Deployment) != 1 || len(last.RoleAssignments.Deployment[0].DeploymentIDs) != 1:
		tb.Fatalf("last member's roles decoded as %+v", last.RoleAssignments)
	}
}

// benchCheckNotFound fails tb unless err is the canned 404.
func benchCheckNotFound(tb testing.TB, err error) {
	tb.Helper()
	var raw *benchRawAPIError
	if errors.As(err, &raw) {
		if raw.status != http.StatusNotFound || len(raw.codes) != 1 || len(raw.errors) != 1 || raw.errors[0].Code != CodeOrganizationNotFound {
			tb.Fatalf("raw error = %+v", raw)
		}
		return
	}
	if !errors.Is(err, ErrNotFound) || !HasCode(err, CodeOrganizationNotFound) {
		tb.Fatalf("err = %v, want a 404 with code %s", err, CodeOrganizationNotFound)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Errors) != 1 || apiErr.Attempts != 1 {
		tb.Fatalf("err = %#v", err)
	}
}

func BenchmarkRawNetHTTP(b *testing.B) {
	s := benchStart(b)
	hc := benchRawClient(b)
	ctx := context.Background()
	benchLists(b, "invitations", func(n int) func() ([]OrganizationInvitation, error) {
		url := s.base + benchListPath(n)
		return func() ([]OrganizationInvitation, error) { return benchRawList(ctx, hc, http.MethodGet, url, nil) }
	}, benchCheckInvitations)
	benchLists(b, "members", func(n int) func() ([]OrganizationMembership, error) {
		url := s.base + benchMembersPath(n)
		return func() ([]OrganizationMembership, error) { return benchRawMembersList(ctx, hc, url) }
	}, benchCheckMembers)
	b.Run("create", func(b *testing.B) {
		url := s.base + "/organizations/" + benchCreateOrg + "/invitations"
		create := func() ([]OrganizationInvitation, error) {
			// Marshalled per call, as the SDK must: the request is the caller's.
			body, err := json.Marshal(benchCreateRequest)
			if err != nil {
				return nil, err
			}
			return benchRawList(ctx, hc, http.MethodPost, url, body)
		}
		got, err := create()
		if err != nil {
			b.Fatal(err)
		}
		benchCheckInvitations(b, got, benchCreateOrg, len(benchCreateRequest.Emails))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := create(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("error404", func(b *testing.B) {
		url := s.base + "/organizations/" + benchMissingOrg + "/invitations"
		_, err := benchRawList(ctx, hc, http.MethodGet, url, nil)
		benchCheckNotFound(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := benchRawList(ctx, hc, http.MethodGet, url, nil); err == nil {
				b.Fatal("no error")
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		url := s.base + benchListPath(100)
		b.ReportAllocs()
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				got, err := benchRawList(ctx, hc, http.MethodGet, url, nil)
				if err != nil || len(got) != 100 {
					b.Errorf("got %d invitations, err %v", len(got), err)
					return
				}
			}
		})
	})
}

// benchLists runs, for each of benchSizes n, the sub-benchmark kind=n of
// the call that listFor(n) returns, which lists the n items of
// benchOrgID(n): it checks the first answer, then times the call.
func benchLists[T any](b *testing.B, kind string, listFor func(n int) func() ([]T, error), check func(testing.TB, []T, string, int)) {
	for _, n := range benchSizes {
		b.Run(kind+"="+strconv.Itoa(n), func(b *testing.B) {
			list := listFor(n)
			got, err := list()
			if err != nil {
				b.Fatal(err)
			}
			check(b, got, benchOrgID(n), n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := list(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkListOrganizationInvitations(b *testing.B) {
	benchSDKLists(b, "invitations", (*Client).ListOrganizationInvitations, benchCheckInvitations)
}

func BenchmarkListOrganizationMembers(b *testing.B) {
	benchSDKLists(b, "members", (*Client).ListOrganizationMembers, benchCheckMembers)
}

// benchSDKLists is benchLists for an SDK method that lists an organization's
// items.
func benchSDKLists[T any](b *testing.B, kind string, method func(*Client, context.Context, string) ([]T, error), check func(testing.TB, []T, string, int)) {
	c, ctx := benchClient(b, benchStart(b)), context.Background()
	benchLists(b, kind, func(n int) func() ([]T, error) {
		org := benchOrgID(n)
		return func() ([]T, error) { return method(c, ctx, org) }
	}, check)
}

func BenchmarkCreateOrganizationInvitations(b *testing.B) {
	s := benchStart(b)
	c := benchClient(b, s)
	ctx := context.Background()
	got, err := c.CreateOrganizationInvitations(ctx, benchCreateOrg, benchCreateRequest)
	if err != nil {
		b.Fatal(err)
	}
	benchCheckInvitations(b, got, benchCreateOrg, len(benchCreateRequest.Emails))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateOrganizationInvitations(ctx, benchCreateOrg, benchCreateRequest); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAPIError404(b *testing.B) {
	s := benchStart(b)
	c := benchClient(b, s)
	ctx := context.Background()
	_, err := c.ListOrganizationInvitations(ctx, benchMissingOrg)
	benchCheckNotFound(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ListOrganizationInvitations(ctx, benchMissingOrg); err == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkParallelList(b *testing.B) {
	s := benchStart(b)
	c := benchClient(b, s)
	ctx := context.Background()
	org := benchOrgID(100)
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			got, err := c.ListOrganizationInvitations(ctx, org)
			if err != nil || len(got) != 100 {
				b.Errorf("got %d invitations, err %v", len(got), err)
				return
			}
		}
	})
}

// BenchmarkPeakHeap reports, as peak-heap-B/op, the most heap in use while
// one call for 10,000 invitations or members runs, above the heap in use just
// before it: the memory a program needs for the call, beyond what it holds
// anyway. "ecloud" is a client that made the same call before, as a program
// that lists again and again: its pooled read buffer is in the heap before
// the call and is not counted. "ecloud-cold" empties every sync.Pool first
// (two garbage collections), so the call allocates its read buffer as well.
// The heap in use is runtime/metrics' /memory/classes/heap/objects:bytes
// (HeapAlloc: live objects and dead ones not yet freed), read every 20µs by
// a goroutine while the call runs, under the default GOGC. The time per
// operation of this benchmark means nothing.
func BenchmarkPeakHeap(b *testing.B) {
	s := benchStart(b)
	hc := benchRawClient(b)
	c := benchClient(b, s)
	ctx := context.Background()
	const n = 10_000
	org := benchOrgID(n)
	invitations := func() error { _, err := c.ListOrganizationInvitations(ctx, org); return err }
	members := func() error { _, err := c.ListOrganizationMembers(ctx, org); return err }
	for _, tc := range []struct {
		name string
		gcs  int // garbage collections before the call: 2 empty the pools
		call func() error
	}{
		{"raw/invitations=10000", 1, func() error {
			_, err := benchRawList(ctx, hc, http.MethodGet, s.base+benchListPath(n), nil)
			return err
		}},
		{"ecloud/invitations=10000", 1, invitations},
		{"ecloud-cold/invitations=10000", 2, invitations},
		{"raw/members=10000", 1, func() error { _, err := benchRawMembersList(ctx, hc, s.base+benchMembersPath(n)); return err }},
		{"ecloud/members=10000", 1, members},
		{"ecloud-cold/members=10000", 2, members},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if err := tc.call(); err != nil {
				b.Fatal(err)
			}
			var sum uint64
			for b.Loop() {
				peak, err := peakHeap(tc.gcs, tc.call)
				if err != nil {
					b.Fatal(err)
				}
				sum += peak
			}
			b.ReportMetric(float64(sum)/float64(b.N), "peak-heap-B/op")
		})
	}
}

// peakHeap runs gcs garbage collections, then call, and returns the most
// heap in use seen while call ran, above the heap in use before it.
func peakHeap(gcs int, call func() error) (uint64, error) {
	for range gcs {
		runtime.GC()
	}
	heap := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := heap()
	peak := before
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, heap())
			select {
			case <-done:
				return
			default:
				time.Sleep(20 * time.Microsecond)
			}
		}
	}()
	err := call()
	close(done)
	<-sampled
	return max(peak, heap()) - before, err
}
