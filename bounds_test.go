package ecloud

import (
	"bytes"
	"cmp"
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

// tcRepeat returns prefix, then element repeated (separated by sep) until
// the body holds size bytes, then suffix.
func tcRepeat(prefix, element, sep, suffix string, size int) []byte {
	b := bytes.NewBufferString(prefix + element)
	for b.Len()+len(sep+element+suffix) <= size {
		b.WriteString(sep + element)
	}
	b.WriteString(suffix)
	return b.Bytes()
}

// tcNested returns metadata of size bytes whose elements nest deep.
func tcNested(size int) []byte {
	n := (size - len(`<EntityDescriptor></EntityDescriptor>`)) / len(`<a></a>`)
	return []byte(`<EntityDescriptor>` + strings.Repeat(`<a>`, n) + strings.Repeat(`</a>`, n) + `</EntityDescriptor>`)
}

// TestSuccessBodyMemoryIsBounded: one call's heap grows by less than a
// small multiple of its success body, whatever the body. Bodies of 4 MiB
// (an eighth of the cap) of list elements far smaller in JSON than in Go,
// at any depth, cost 20 to 220 times their size before (the required-field
// check refused them only after decoding them); such a body is refused now,
// and costs less than 10 times its size, as does a list of empty strings,
// which decodes. The lists that cost the most and decode (the
// smallest complete organizations or role mappings, and empty role mapping
// rules) cost less than 16 times: the documented 12 for decoding, and up to
// 3 for reading the body (joined from the chunks it arrived in). SAML
// metadata of 4 MiB, nested or all attributes, cost encoding/xml 25 to 50
// times its size; it is refused now unread, and so is nested metadata of
// the 64 KiB that metadata may be. Metadata of the most attributes or
// tokens that 64 KiB holds is checked, at up to 50 times its size: a few
// MiB at most.
func TestSuccessBodyMemoryIsBounded(t *testing.T) {
	const size = 4 << 20
	member := `{"organization_id":"o1","user_id":"u1","member_since":"2026-01-01T00:00:00Z","role_assignments":{"deployment":[`
	invitation := `{"token":"t1","email":"a@example.com","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-04T00:00:00Z","organization":{"id":"o1"},"role_assignments":{"platform":[`
	listInvitations := func(c *Client) error { _, err := c.ListOrganizationInvitations(context.Background(), "o1"); return err }
	listMembers := func(c *Client) error { _, err := c.ListOrganizationMembers(context.Background(), "o1"); return err }
	listMappings := func(c *Client) error { _, err := c.ListRoleMappings(context.Background(), "o1"); return err }
	listOrganizations := func(c *Client) error { _, err := c.ListOrganizations(context.Background()); return err }
	metadata := func(c *Client) error { _, err := c.GetOrganizationIdPMetadata(context.Background(), "o1"); return err }
	for _, tc := range []struct {
		name    string
		body    []byte
		call    func(*Client) error
		refused string // in the error; "" if the body decodes
		most    float64
	}{
		{"invitations of {}", tcRepeat(`{"invitations":[`, `{}`, ",", `]}`, size), listInvitations, "lacks invitations[0].token", 10},
		{"invitations of null", tcRepeat(`{"invitations":[`, `null`, ",", `]}`, size), listInvitations, "lacks invitations[0].token", 10},
		{"members of {}", tcRepeat(`{"members":[`, `{}`, ",", `]}`, size), listMembers, "lacks members[0].organization_id", 10},
		{"organizations of {}", tcRepeat(`{"organizations":[`, `{}`, ",", `]}`, size), listOrganizations, "lacks organizations[0].id", 10},
		{"role mappings of {}", tcRepeat(`{"mappings":[`, `{}`, ",", `]}`, size), listMappings, "lacks mappings[0].name", 10},
		{"domain claims of empty strings", tcRepeat(`{"domains":[`, `""`, ",", `]}`, size), func(c *Client) error {
			_, err := c.ListDomainClaims(context.Background(), "o1")
			return err
		}, "", 10},
		{"a member's deployment roles of {}", tcRepeat(`{"members":[`+member, `{}`, ",", `]}}]}`, size), listMembers,
			"lacks members[0].role_assignments.deployment[0].role_id", 10},
		{"an invitation's platform roles of {}", tcRepeat(invitation, `{}`, ",", `]}}`, size), func(c *Client) error {
			_, err := c.GetOrganizationInvitation(context.Background(), "t1")
			return err
		}, "lacks role_assignments.platform[0].role_id", 10},
		{"a role mapping's organization roles of null", tcRepeat(`{"mappings":[{"name":"m","role_assignments":{"organization":[`, `null`, ",", `]}}]}`, size), listMappings,
			"lacks mappings[0].role_assignments.organization[0].role_id", 10},
		{"domain claims of nulls, then null, then a wrong type", tcRepeat(`{"domains":[`, `null`, ",", `],"domains":null,"domains":[1]}`, size), func(c *Client) error {
			_, err := c.ListDomainClaims(context.Background(), "o1")
			return err
		}, "cannot unmarshal number", 10},
		{"an invitation's deployment IDs of nulls, then null roles, then a wrong type", tcRepeat(`{"role_assignments":{"deployment":[{"role_id":"r","organization_id":"o","deployment_ids":[`, `null`, ",",
			`]}]},"role_assignments":null,"role_assignments":{"deployment":[{"role_id":1}]}}`, size), func(c *Client) error {
			_, err := c.GetOrganizationInvitation(context.Background(), "t1")
			return err
		}, "cannot unmarshal number", 10},
		{"the smallest organizations", tcRepeat(`{"organizations":[`, `{"id":"o"}`, ",", `]}`, size), listOrganizations, "", 16},
		{"the smallest role mappings", tcRepeat(`{"mappings":[`, `{"name":"m"}`, ",", `]}`, size), listMappings, "", 16},
		{"empty role mapping rules", tcRepeat(`{"mappings":[{"name":"m","rule":{"any":[`, `{}`, ",", `]}}]}`, size), listMappings, "", 16},
		{"metadata of nested elements", tcNested(size), metadata, "not SAML metadata", 10},
		{"metadata of attributes", tcRepeat(`<EntityDescriptor`, ` a=""`, "", `/>`, size), metadata, "not SAML metadata", 10},
		{"metadata of nested elements, within its size", tcNested(maxMetadata), metadata, "nest more than 32 deep", 10},
		{"metadata of attributes, within its size", tcRepeat(`<EntityDescriptor`, ` a=""`, "", `/>`, maxMetadata), metadata, "", 64},
		{"metadata of empty elements, within its size", tcRepeat(`<EntityDescriptor>`, `<a/>`, "", `</EntityDescriptor>`, maxMetadata), metadata, "", 64},
	} {
		body := tc.body
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body)
		})
		c := newTestClient(t, f.URL)
		grew, err := peakHeap(2, func() error { return tc.call(c) })
		times := float64(grew) / float64(len(body))
		t.Logf("%s: body %d KiB, the heap grew %.1f times that; err = %.120v", tc.name, len(body)>>10, times, err)
		switch {
		case tc.refused == "" && err != nil, tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
			t.Errorf("%s: err = %.200v, want %q", tc.name, err, cmp.Or(tc.refused, "none"))
		case times >= tc.most:
			t.Errorf("%s: one call's heap grew %.1f times its %d KiB body, want less than %.0f times", tc.name, times, len(body)>>10, tc.most)
		}
	}
}
