package ecloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"
)

// The decoding of success bodies against encoding/json, the reference, each
// followed by the required-field check: for every type the SDK decodes and
// every body, both ways that decodeBody chooses between (decodeDirect, and a
// checkingDecoder, also one that counts the elements of every list) must
// accept the same bodies with the same values (nil and empty lists told
// apart) and refuse the same bodies. They refuse with the same error, except
// that a checkingDecoder that cut a list short may name another of the
// body's faults (a missing field, or a wrong type, with encoding/json's
// error type), and it refuses a list repeated after being cut short
// (errRepeatedList) even if encoding/json would not.

// tcDecoded are the types that calls decode success bodies into.
var tcDecoded = []func() any{
	func() any { return new(organizationInvitations) },
	func() any { return new(organizationMemberships) },
	func() any { return new(OrganizationInvitation) },
	func() any { return new(OrganizationList) },
	func() any { return new(Organization) },
	func() any { return new(OrganizationIdP) },
	func() any { return new(roleMappings) },
	func() any { return new(deletedRoleMappings) },
	func() any { return new(domainClaims) },
	func() any { return new(verificationCode) },
}

// tcDecoder is a way of decoding: it decodes body into out and says whether
// it cut a list short or left it emptied (checkingDecoder.partial).
type tcDecoder func(body []byte, out any) (err error, partial bool)

// tcDecoders returns decodeDirect and two checkingDecoders, one of which
// counts every list's elements rather than growing small lists. They may be
// used from several goroutines.
func tcDecoders() map[string]tcDecoder {
	decoders := map[string]tcDecoder{"decodeDirect": func(body []byte, out any) (error, bool) { return decodeDirect(body, out), false }}
	for name, small := range map[string]int{"checkingDecoder": smallList, "checkingDecoder(counting)": 0} {
		var mu sync.Mutex
		d := newCheckingDecoder()
		d.small = small
		decoders[name] = func(body []byte, out any) (error, bool) {
			mu.Lock()
			defer mu.Unlock()
			defer d.reset()
			return d.decode(body, out), d.partial
		}
	}
	return decoders
}

// decodeBothWays decodes body into a fresh value of newValue's kind with
// encoding/json and with decode, each followed by the required-field check,
// and returns what differs.
func decodeBothWays(body []byte, newValue func() any, decode tcDecoder) string {
	want, got := newValue(), newValue()
	wantErr := json.Unmarshal(body, want)
	if wantErr == nil {
		wantErr = checkRequired(want)
	}
	gotErr, partial := decode(body, got)
	if gotErr == nil {
		gotErr = checkRequired(got)
	}
	var missing *missingError
	switch {
	case errors.Is(gotErr, errRepeatedList):
		return ""
	case (wantErr == nil) != (gotErr == nil),
		wantErr != nil && wantErr.Error() != gotErr.Error() && !partial,
		wantErr != nil && partial && !errors.As(gotErr, &missing) && reflect.TypeOf(wantErr) != reflect.TypeOf(gotErr):
		return fmt.Sprintf("%T: encoding/json: %v (%T); decoded: %v (%T)", want, wantErr, wantErr, gotErr, gotErr)
	case wantErr != nil:
		return ""
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(organizationInvitations{}, organizationMemberships{}, roleMappings{}, deletedRoleMappings{}, domainClaims{}, verificationCode{})); diff != "" {
		return fmt.Sprintf("%T: encoding/json → decoded (-+):\n%s", want, diff)
	}
	return ""
}

// decodeDiff compares encoding/json with each of decoders, for every type,
// on body, and for the presized lists also on body followed by enough spaces
// to be presized.
func decodeDiff(body []byte, decoders map[string]tcDecoder) string {
	padded := append(bytes.Clone(body), bytes.Repeat([]byte(" "), minPresizedBody)...)
	for name, decode := range decoders {
		for _, newValue := range tcDecoded {
			bodies := [][]byte{body}
			if _, ok := newValue().(presizer); ok {
				bodies = append(bodies, padded)
			}
			for _, b := range bodies {
				if d := decodeBothWays(b, newValue, decode); d != "" {
					return name + ": " + d
				}
			}
		}
	}
	return ""
}

const (
	tcDecOrgJSON    = `{"id":"o1","name":"Acme","billing_contacts":["a@example.com"],"default_disk_usage_alerts_enabled":true}`
	tcDecInvJSON    = `{"token":"t1","email":"a@example.com","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-04T00:00:00.123+02:00","expired":false,"accepted_at":"2026-01-02T10:00:00Z","organization":` + tcDecOrgJSON + `,"role_assignments":{"organization":[{"role_id":"r","organization_id":"o1","application_roles":["x"]}],"deployment":[{"role_id":"d","organization_id":"o1","all":true,"deployment_ids":["d1","d2"]}],"project":{"elasticsearch":[{"role_id":"p","organization_id":"o1","project_ids":["p1"]}]}}}`
	tcDecMemberJSON = `{"organization_id":"o1","user_id":"u1","name":"Ann","email":"a@example.com","member_since":"2026-01-01T00:00:00Z","role_assignments":{"platform":[{"role_id":"admin"}]}}`
)

// tcDecodeBodies are bodies chosen to find where two JSON decoders differ:
// names matched without regard to case (Unicode folding included), duplicate
// names (merging, null last), null for every kind of field, escapes and
// invalid UTF-8 in strings and names, times written every way, wrong types,
// unknown fields of every kind, nesting at the depth limit, and broken JSON.
var tcDecodeBodies = []string{
	`{"invitations":[` + tcDecInvJSON + `,` + tcDecInvJSON + `]}`,
	`{"members":[` + tcDecMemberJSON + `]}`,
	tcDecInvJSON, tcDecOrgJSON,
	`{"organizations":[` + tcDecOrgJSON + `],"next_page":"n2"}`,
	`{"mappings":[{"enabled":true,"name":"m","rule":{"any":[{"group":"g"}]},"role_assignments":{}}]}`,
	`{"mappings":["a","b"]}`, `{"domains":["example.com"]}`, `{"verification":"v"}`,
	`{"login_identifier":"l","sso_login_url":"u","metadata_url":"m","acs":"a","sp_entity_id":"s","signing_certificate":["c"],"encryption_certificate":[],"configuration":{"enabled":true,"login_identifier_prefix":"p","saml_idp":{"public_certificate":["x"],"issuer":"i","sso_url":"s"}}}`,
	// Names: case, Unicode folding (ſ is s, K is the Kelvin sign), delimiters.
	`{"TOKEN":"t","Email":"e","CREATED_AT":"2026-01-01T00:00:00Z","id":"x"}`,
	`{"to\u212Aen":"kelvin","emai\u017F":"x","\u017Fso_login_identifier":"s","ID":"y"}`,
	"{\"to\\u212Aen\":\"escaped kelvin\",\"\\u0069d\":\"escaped id\"}",
	`{"createdat":"2026-01-01T00:00:00Z","created-at":"2026-01-01T00:00:00Z","userid":"u","user-id":"u","ssologinidentifier":"x"}`,
	`{"Invitations":[{"token":"a"}],"invitations":[{"email":"b"}]}`,
	// A null or empty list or object that replaces nothing, then two errors:
	// encoding/json names the time's (it stops there), not the first.
	`{"invitations":[{"role_assignments":null,"token":1,"created_at":1}]}`,
	`{"invitations":[{"role_assignments":{"platform":[],"deployment":null},"token":1,"created_at":1}]}`,
	// Duplicates: the last wins, objects merge, null after a value.
	`{"token":"a","token":"b","id":"1","id":"2"}`,
	`{"token":"a","token":null,"created_at":"2026-01-01T00:00:00Z","created_at":null}`,
	`{"organization":{"id":"o1","name":"n"},"organization":{"name":"m"}}`,
	`{"invitations":[{"token":"a","email":"e"},{"token":"b"}],"invitations":[{"email":"f"}]}`,
	`{"invitations":[{"token":"a"}],"invitations":[{"email":"f"},{"token":"c"}]}`,
	`{"invitations":[{"token":"a"},{"token":"b"}],"invitations":[],"invitations":[{"email":"x"},{"email":"y"}]}`,
	`{"role_assignments":{"platform":[{"role_id":"a"}]},"role_assignments":{"organization":[]}}`,
	`{"accepted_at":"2026-01-01T00:00:00Z","accepted_at":"2027-01-01T00:00:00Z"}`,
	`{"members":[],"members":null}`, `{"members":null,"members":[]}`,
	// null everywhere.
	`null`, `{}`, `[]`, `{"invitations":null}`, `{"invitations":[null]}`, `{"invitations":[]}`,
	`{"token":null,"email":null,"created_at":null,"expired":null,"accepted_at":null,"organization":null,"role_assignments":null}`,
	`{"billing_contacts":null,"default_disk_usage_alerts_enabled":null,"billing_contacts":[null,"a"]}`,
	`{"role_assignments":{"platform":null,"project":null,"deployment":[{"all":null,"deployment_ids":null}]}}`,
	// Strings: escapes, surrogates, invalid UTF-8 (in values and names).
	`{"token":"\u0041\u00e9\ud83d\ude00\n\t\"\\\/","email":"\ud800","name":"\udc00\ud800x"}`,
	"{\"token\":\"\xff\xfe\",\"email\":\"a\xc3\",\"id\":\"\xed\xa0\x80\"}",
	"{\"tok\xffen\":\"x\",\"\xffid\":\"y\",\"id\":\"\xe2\x80\xa8\"}",
	`{"token":"a\u0000b","id":"\u2028\u2029"}`,
	// Times: offsets, fractions, escapes, and what RFC 3339 refuses.
	`{"created_at":"2026-01-01T00:00:00.999999999-23:59","expires_at":"2026-12-31T23:59:59+00:00"}`,
	`{"created_at":"2026-01-01T00:00:00\u005a"}`, `{"created_at":"\u0032026-01-01T00:00:00Z"}`,
	`{"member_since":"2026-01-01T00:00:00\u005a","user_id":"u"}`, `{"accepted_at":"2026-01-01T00:00:00\u005A"}`,
	`{"created_at":"2026-01-01t00:00:00z"}`, `{"created_at":"2026-01-01 00:00:00Z"}`, `{"created_at":"2026-01-01T24:00:00Z"}`,
	`{"created_at":"2026-02-30T00:00:00Z"}`, `{"created_at":"2026-01-01T00:00:00+24:00"}`, `{"created_at":"2026-01-01T0:00:00Z"}`,
	`{"created_at":"2026-01-01T00:00:00,5Z"}`, `{"created_at":"2026-01-01T00:00:00.Z"}`, `{"created_at":"10000-01-01T00:00:00Z"}`,
	`{"created_at":""}`, `{"created_at":1767225600}`, `{"created_at":true}`, `{"created_at":{}}`, `{"created_at":["2026-01-01T00:00:00Z"]}`,
	`{"created_at":"2026-01-01T00:00:00Z\u0000"}`, `{"created_at":"2026-01-01T00:00:00Z","created_at":"bad"}`,
	// Wrong types, in every position.
	`{"token":1}`, `{"expired":"true"}`, `{"expired":0}`, `{"invitations":{}}`, `{"invitations":"x"}`, `{"invitations":[1]}`,
	`{"organization":[]}`, `{"billing_contacts":"a"}`, `{"default_disk_usage_alerts_enabled":"yes"}`, `{"token":"a","email":2,"id":"x"}`,
	`{"role_assignments":[]}`, `{"mappings":[1,"a"]}`, `{"domains":[true]}`, `{"invitations":[{"token":"a"},7,{"token":"b"}]}`,
	`"string"`, `42`, `true`, `[{"token":"a"}]`,
	// Unknown fields of every kind are skipped.
	`{"x":1,"y":[1,{"z":null}],"w":{"a":{"b":[]}},"token":"t","v":-0.5e+10,"big":123456789012345678901234567890,"f":1e400}`,
	`{"invitations":[{"token":"a","unknown":{"deep":[[[[]]]]}}],"total":3}`,
	// Broken JSON.
	``, ` `, `{`, `{"token":"a"`, `{"token":"a",}`, `{"token":"a"} x`, `{"token":"a"}{}`, `{'token':'a'}`, `{token:"a"}`,
	`{"token":"a"}` + "\n", "\ufeff{}", `{"token":"\x01"}`, `{"token":"\u12"}`, `{"x":01}`, `{"x":1.}`, `{"x":.5}`, `{"x":+1}`,
	`{"x":NaN}`, `{"x":tru}`, `{"x":nul}`, `{"x":[1,]}`, `{"token":"a"]`, `{"id":"a"}}`,
	// Nesting at, and beyond, the depth limit both decoders share.
	`{"x":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `,"id":"deep"}`,
	`{"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `,"id":"deep"}`,
	`{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `,"id":"deep"}`,
	`{"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat("}", 10000) + `}`,
	// Lists of elements that lack required fields, at every depth, which a
	// checkingDecoder cuts short; with wrong types before and after the cut.
	`{"invitations":[{},{},{}]}`, `{"invitations":[null,null]}`, `{"invitations":[` + tcDecInvJSON + `,{},` + tcDecInvJSON + `]}`,
	`{"invitations":[{"token":1},{},{"email":2}]}`, `{"invitations":[{},{"token":1}],"invitations":[{"email":true}]}`,
	`{"members":[` + tcDecMemberJSON + `,{"organization_id":"o1","user_id":"u2","member_since":"2026-01-01T00:00:00Z","role_assignments":{"deployment":[{},{}],"platform":[{"role_id":"p"},{}]}}]}`,
	`{"role_assignments":{"organization":[{"role_id":"r"},{"organization_id":"o"}],"project":{"security":[{},null,1]}},"token":"t"}`,
	`{"mappings":[{"name":"m","role_assignments":{"platform":[{},{}]}},{}],"mappings":[{"name":"n"}]}`,
	`{"organizations":[{"id":"a"},{"name":"no id"},{"id":"c"}]}`, `{"mappings":["a",{"name":"m"}]}`, `{"domains":[null,"",1,"a"]}`,
	// The same lists repeated: a later copy merges into the kept elements (and
	// encoding/json's skipped ones, which a checkingDecoder refuses to guess).
	`{"invitations":[{},{}],"invitations":[` + tcDecInvJSON + `]}`,
	`{"invitations":[{},{}],"invitations":[` + tcDecInvJSON + `,` + tcDecInvJSON + `]}`,
	`{"invitations":[{}],"invitations":[` + tcDecInvJSON + `,` + tcDecInvJSON + `]}`,
	`{"invitations":[{},{"accepted_at":"2026-01-02T10:00:00Z"}],"invitations":[` + tcDecInvJSON + `,` + strings.Replace(tcDecInvJSON, `"accepted_at":"2026-01-02T10:00:00Z",`, ``, 1) + `]}`,
	`{"invitations":[{},{}],"invitations":null,"invitations":[` + tcDecInvJSON + `,` + tcDecInvJSON + `]}`,
	`{"role_assignments":{"platform":[{},{}]},"role_assignments":{"platform":[{"role_id":"a"}]}}`,
	`{"role_assignments":{"platform":[{},{}]},"role_assignments":{"platform":[{"role_id":"a"},{"role_id":"b"}]}}`,
	// Lists emptied after holding elements, with a wrong type after.
	`{"domains":["a","b"],"domains":null,"domains":[1]}`, `{"domains":["a","b"],"domains":[],"domains":[1,"c"]}`,
	`{"role_assignments":{"platform":[{"role_id":"a"}]},"role_assignments":null,"token":1}`,
}

// tcLargeListBodies are lists large enough to be presized, shaped to fool
// the estimate: a small first element, a duplicate list, a list that is null
// or missing after all, the list after a large unknown member.
func tcLargeListBodies() []string {
	invitations := string(benchInvitationsBody("o1", 300))
	members := string(benchMembersBody("o1", 300))
	list := strings.TrimSuffix(strings.TrimPrefix(invitations, `{"invitations":[`), `]}`)
	return []string{
		invitations, members,
		`{"invitations":[{}],` + invitations[1:],
		`{"invitations":[{"token":"a"},` + list + `]}`,
		invitations[:len(invitations)-1] + `,"invitations":null}`,
		invitations[:len(invitations)-1] + `,"INVITATIONS":[]}`,
		invitations[:len(invitations)-1] + `,"invitations":[{"email":"merged"}]}`,
		`{"padding":"` + strings.Repeat("x", minPresizedBody) + `",` + invitations[1:],
		`{"invitations":"` + strings.Repeat("x", minPresizedBody) + `"}`,
		`{"invitations":[1,` + list + `]}`,
		`{"invitations":[` + list + `,"x"]}`,
		`{"invitations":[` + list + `]` + strings.Repeat(" ", minPresizedBody),
		`{"Invitations":[` + list + `]}`,
		`{"invitations":[` + strings.Repeat(`{},`, minPresizedBody/3) + `{}]}`,
	}
}

// TestDecodeMatchesEncodingJSON runs the bodies above, the large lists, and
// a few thousand random mutations of them (fixed seed, so the same every
// run), through both decoders. FuzzDecode explores further.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	decoders := tcDecoders()
	for _, body := range tcDecodeBodies {
		if d := decodeDiff([]byte(body), decoders); d != "" {
			t.Errorf("body %.200q:\n%s", body, d)
		}
	}
	for _, body := range tcLargeListBodies() {
		for name, decode := range decoders {
			for _, newValue := range tcDecoded[:2] { // the presized lists
				if d := decodeBothWays([]byte(body), newValue, decode); d != "" {
					t.Errorf("%s, body %.200q:\n%s", name, body, d)
				}
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 1000 {
		body := mutateJSON(rnd, []byte(tcDecodeBodies[i%20]))
		if d := decodeDiff(body, decoders); d != "" {
			t.Errorf("mutation %d, body %q:\n%s", i, body, d)
		}
	}
}

// mutateJSON makes a few random changes to body of the kinds that the
// decoders treat differently if at all: a name's case, a duplicated member,
// an escape, a byte dropped or changed, a null.
func mutateJSON(rnd *rand.Rand, body []byte) []byte {
	b := bytes.Clone(body)
	for range 1 + rnd.IntN(3) {
		if len(b) == 0 {
			return b
		}
		i := rnd.IntN(len(b))
		switch rnd.IntN(8) {
		case 0: // change case
			if c := b[i]; c >= 'a' && c <= 'z' {
				b[i] = c - 'a' + 'A'
			}
		case 1: // escape a letter
			if c := b[i]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				b = append(b[:i], append([]byte(fmt.Sprintf(`\u%04x`, c)), b[i+1:]...)...)
			}
		case 2: // duplicate the member that starts at the next name
			if j := bytes.IndexByte(b[i:], '"'); j >= 0 {
				if k := bytes.IndexByte(b[i+j:], ','); k > 0 {
					member := bytes.Clone(b[i+j : i+j+k+1])
					b = append(b[:i+j], append(member, b[i+j:]...)...)
				}
			}
		case 3:
			b = append(b[:i], b[i+1:]...)
		case 4:
			b[i] = "{}[]\",:nulltrue\\0.-eE \xff\xc3"[rnd.IntN(22)]
		case 5: // a value becomes null
			if j := bytes.IndexByte(b[i:], ':'); j >= 0 {
				b = append(b[:i+j+1], append([]byte("null,\"_\":"), b[i+j+1:]...)...)
			}
		case 6:
			b = append(b[:i], append([]byte{b[rnd.IntN(len(b))]}, b[i:]...)...)
		case 7: // invalid UTF-8 in a string
			b = append(b[:i], append([]byte{0x80 + byte(rnd.IntN(0x80))}, b[i:]...)...)
		}
	}
	return b
}

// FuzzDecode compares the two decoders on any body, for each type, as is
// and presized. Its seeds are the bodies above; explore with
// `go test -fuzz FuzzDecode`.
func FuzzDecode(f *testing.F) {
	for _, body := range tcDecodeBodies {
		if len(body) < 4096 {
			f.Add([]byte(body))
		}
	}
	decoders := tcDecoders()
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := decodeDiff(body, decoders); d != "" {
			t.Errorf("body %q:\n%s", body, d)
		}
	})
}

// TestPresizedListsHoldTheirCount: a large list is decoded into a slice
// with room for all of its elements and little more, so decoding never grows
// it; a body that lies about its elements cannot make the room larger than
// the body.
func TestPresizedListsHoldTheirCount(t *testing.T) {
	t.Parallel()
	for _, n := range []int{200, 10_000} {
		var inv organizationInvitations
		if err := decodeBody(benchInvitationsBody("o1", n), &inv); err != nil {
			t.Fatal(err)
		}
		var mem organizationMemberships
		if err := decodeBody(benchMembersBody("o1", n), &mem); err != nil {
			t.Fatal(err)
		}
		for _, got := range []struct {
			what     string
			len, cap int
		}{{"invitations", len(inv.Invitations), cap(inv.Invitations)}, {"members", len(mem.Members), cap(mem.Members)}} {
			if got.len != n || got.cap < n || got.cap > n+n/4 {
				t.Errorf("%d %s: decoded into len %d, cap %d; want cap between %d and %d", n, got.what, got.len, got.cap, n, n+n/4)
			}
		}
	}

	tiny := []byte(`{"invitations":[{},` + strings.Repeat(`{"token":"t","email":"e"},`, 5000) + `{}]}`)
	if got := presized[OrganizationInvitation](tiny, "invitations"); int64(cap(got)) > maxPresized(len(tiny)) || cap(got)*int(reflect.TypeFor[OrganizationInvitation]().Size()) > 3*len(tiny) {
		t.Errorf("a first element of 2 bytes presized %d invitations for a body of %d bytes", cap(got), len(tiny))
	}
	for _, body := range []string{
		`{"invitations":null,"padding":"` + strings.Repeat("x", minPresizedBody) + `"}`,
		`{"padding":"` + strings.Repeat("x", minPresizedBody) + `"}`,
		`{"invitations":[]}` + strings.Repeat(" ", minPresizedBody),
	} {
		if got := presized[OrganizationInvitation]([]byte(body), "invitations"); got != nil {
			t.Errorf("body %.60q… without invitations presized a slice of cap %d", body, cap(got))
		}
	}
}

// TestDecodeCostBoundsEveryList: for an element of each list of the models,
// decodeCost counts at least what decodeDirect allocates for it, slack and
// copies of the growing slice included, with every field set, every pointer
// to an object and every time in a zone of its own (each one allocated). So
// a body that decodeBody decodes directly takes at most maxDecodeCost bytes
// per byte, and one that could take more goes to a checkingDecoder.
func TestDecodeCostBoundsEveryList(t *testing.T) {
	const (
		org     = `{"id":"o","name":"n","default_disk_usage_alerts_enabled":true,"notifications_allowed_email_domains":[],"billing_contacts":[],"operational_contacts":[],"sso_login_identifier":"s"}`
		project = `{"elasticsearch":[],"observability":[],"security":[],"workplaceai":[],"vectordb":[]}`
		roles   = `{"platform":[],"organization":[],"deployment":[],"project":` + project + `}`
		inv     = `{"token":"t","email":"e","created_at":"2026-01-01T00:00:00+01:01","expires_at":"2026-01-01T00:00:00+02:02","expired":true,"accepted_at":"2026-01-01T00:00:00+03:03","organization":` + org + `,"role_assignments":` + roles + `}`
		member  = `{"organization_id":"o","user_id":"u","name":"n","email":"e","member_since":"2026-01-01T00:00:00+01:01","role_assignments":` + roles + `}`
		mapping = `{"enabled":true,"name":"m","rule":{"any":[],"all":[]},"role_assignments":` + roles + `}`
		scoped  = `{"role_id":"r","organization_id":"o","all":true,"deployment_ids":[],"project_ids":[],"application_roles":[]}`
		n       = 2000
	)
	list := func(prefix, element, suffix string) []byte {
		return []byte(prefix + strings.Repeat(element+",", n-1) + element + suffix)
	}
	for _, tc := range []struct {
		name     string
		body     []byte
		newValue func() any
		cost     int
	}{
		{"invitations", list(`{"invitations":[`, inv, `]}`), func() any { return new(organizationInvitations) }, topElementCost},
		{"members", list(`{"members":[`, member, `]}`), func() any { return new(organizationMemberships) }, topElementCost},
		{"organizations", list(`{"organizations":[`, org, `]}`), func() any { return new(OrganizationList) }, topElementCost},
		{"role mappings", list(`{"mappings":[`, mapping, `]}`), func() any { return new(roleMappings) }, topElementCost},
		{"domains", list(`{"domains":[`, `"d"`, `]}`), func() any { return new(domainClaims) }, topElementCost},
		{"certificates", list(`{"signing_certificate":[`, `"c"`, `]}`), func() any { return new(OrganizationIdP) }, topElementCost},
		{"platform roles", list(`{"role_assignments":{"platform":[`, `{"role_id":"r"}`, `]}}`), func() any { return new(OrganizationInvitation) }, nestedElementCost},
		{"organization roles", list(`{"role_assignments":{"organization":[`, scoped, `]}}`), func() any { return new(OrganizationInvitation) }, nestedElementCost},
		{"deployment roles", list(`{"role_assignments":{"deployment":[`, scoped, `]}}`), func() any { return new(OrganizationMembership) }, nestedElementCost},
		{"project roles", list(`{"role_assignments":{"project":{"security":[`, scoped, `]}}}`), func() any { return new(OrganizationInvitation) }, nestedElementCost},
		{"role mapping rules", list(`{"mappings":[{"name":"m","rule":{"all":[`, `{"group":"g","email":"e"}`, `]}}]}`), func() any { return new(roleMappings) }, nestedElementCost},
		{"deployment IDs", list(`{"role_assignments":{"deployment":[{"deployment_ids":[`, `"d"`, `]}]}}`), func() any { return new(OrganizationInvitation) }, nestedElementCost},
		{"contacts", list(`{"organization":{"billing_contacts":[`, `"c"`, `]}}`), func() any { return new(OrganizationInvitation) }, nestedElementCost},
		{"public certificates", list(`{"configuration":{"saml_idp":{"public_certificate":[`, `"c"`, `]}}}`), func() any { return new(OrganizationIdP) }, nestedElementCost},
	} {
		var err error
		perElement := allocatedDuring(func() { err = decodeDirect(tc.body, tc.newValue()) }) / n
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		t.Logf("%s: %d bytes allocated per element, %d counted", tc.name, perElement, tc.cost)
		if perElement > uint64(tc.cost) {
			t.Errorf("%s: decodeDirect allocates %d bytes per element, more than the %d that decodeCost counts", tc.name, perElement, tc.cost)
		}
		// decodeCost counts that much for each element, however the body is
		// laid out.
		var indented bytes.Buffer
		if err := json.Indent(&indented, tc.body, " ", "\t"); err != nil {
			t.Fatal(err)
		}
		spaced := strings.NewReplacer("[", "[ \r\n", ",", " , ", ":", " : ", "]", " ]").Replace(string(tc.body))
		for layout, body := range map[string][]byte{"compact": tc.body, "indented": indented.Bytes(), "spaced": []byte(spaced)} {
			if got := decodeCost(body); got < n*tc.cost {
				t.Errorf("%s, %s: decodeCost counts %d, less than %d for each of %d elements", tc.name, layout, got, tc.cost, n)
			}
		}
	}
}

// TestDecodeCostEdges: decodeCost reads any bytes without a panic, counts
// nothing past a string that does not end, and no element in an empty list
// however spaced.
func TestDecodeCostEdges(t *testing.T) {
	t.Parallel()
	for body, elements := range map[string]int{"[ \t\r\n]": 0, `1,2`: 0, `{},{}`: 0, `{"a" : [ ] , "b":[]}`: 0, `"`: 0, `{"a":"abc`: 0, `["x\`: 1, `["\"`: 1, `[1,"],[2,3]`: 2} {
		if got := decodeCost([]byte(body)); got != elements*topElementCost {
			t.Errorf("decodeCost(%q) = %d, want %d elements' cost", body, got, elements)
		}
	}
}

// TestRealAnswersDecodeDirectly: answers shaped like the API's, of any
// length, take the fast way (decodeDirect); the benchmarks time it.
func TestRealAnswersDecodeDirectly(t *testing.T) {
	t.Parallel()
	bodies := map[string][]byte{"IdP": []byte(tcIdPJSON), "invitation": []byte(tcDecInvJSON)}
	for _, n := range benchSizes {
		bodies[fmt.Sprint(n, " invitations")] = benchInvitationsBody("o1", n)
		bodies[fmt.Sprint(n, " members")] = benchMembersBody("o1", n)
	}
	for name, body := range bodies {
		if cost := decodeCost(body); cost > maxDecodeCost*len(body) {
			t.Errorf("%s: decodeCost counts %.1f bytes per byte of the body, over %d: it would not be decoded directly", name, float64(cost)/float64(len(body)), maxDecodeCost)
		}
	}
}

// TestCountElements: countElements counts the values of an array as a JSON
// decoder reads them, from its start or after any of its values, and finds
// where it ends, whatever the values hold (strings with brackets, commas,
// quotes and escapes; nested arrays and objects; numbers and literals).
func TestCountElements(t *testing.T) {
	t.Parallel()
	invitations := benchInvitationsBody("o1", 3)
	for _, array := range []string{
		`[]`, `[ ]`, `[1]`, `[1,2,3]`, `[ -1.5e3 , true,false, null ]`, `["a","b\"]","c\\",""]`, `["],[{\u005d"]`,
		`[{"a":[1,2],"b":{"c":"]"}},[],[[]],{}]`, `[` + tcDecInvJSON + `,` + tcDecInvJSON + `]`,
		string(invitations[len(`{"invitations":`) : len(invitations)-1]),
	} {
		dec := jsontext.NewDecoder(strings.NewReader(array))
		offsets := []int64{}
		if _, err := dec.ReadToken(); err != nil {
			t.Fatalf("%s: %v", array, err)
		}
		for {
			offsets = append(offsets, dec.InputOffset())
			if dec.PeekKind() == ']' {
				break
			}
			if err := dec.SkipValue(); err != nil {
				t.Fatalf("%s: %v", array, err)
			}
		}
		for read, offset := range offsets {
			rest := array[offset:]
			n, size := countElements([]byte(rest))
			if want := len(offsets) - 1 - read; n != want || size != len(rest)-1 {
				t.Errorf("%s, after %d values: countElements = %d, ending at %d; want %d, ending at %d", array, read, n, size, want, len(rest)-1)
			}
		}
	}
}

// TestCutListErrorIsEncodingJSONs: a body that a checkingDecoder cuts short
// (a later element lacks a required field) and that is refused for one
// reason, a wrong type or a time that is not one, gets encoding/json's
// error: the same type and the same text (the struct that holds the field,
// the field's path by its declared names).
func TestCutListErrorIsEncodingJSONs(t *testing.T) {
	t.Parallel()
	const member = `"organization_id":"o","user_id":"u","member_since":`
	const invitation = `"token":"t","email":"e","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:00:00Z","organization":`
	for _, tc := range []struct {
		body     string
		newValue func() any
	}{
		{`{"members":[{` + member + `1},{}]}`, func() any { return new(organizationMemberships) }},
		{`{"members":[{` + member + `"x"},{}]}`, func() any { return new(organizationMemberships) }},
		{`{"members":[{` + member + `"2026-01-01T00:00:00Z","role_assignments":{"deployment":[{"role_id":1}]}},{}]}`, func() any { return new(organizationMemberships) }},
		// Cut in a nested list, then a wrong type: encoding/json finds the
		// missing field only after decoding, so its error is the type's.
		{`{"invitations":[{"role_assignments":{"deployment":[{},{}]},` + invitation + `{"id":"o","billing_contacts":[1]}}]}`, func() any { return new(organizationInvitations) }},
		{`{"Invitations":[{"role_assignments":{"deployment":[{},{}]},` + invitation + `{"id":"o","BILLING_contacts":[1]}}]}`, func() any { return new(organizationInvitations) }},
	} {
		want := json.Unmarshal([]byte(tc.body), tc.newValue())
		d := newCheckingDecoder()
		got := d.decode([]byte(tc.body), tc.newValue())
		if !d.partial {
			t.Errorf("%s: not cut short; the test decodes nothing of what it means to", tc.body)
		}
		if want == nil || got == nil || reflect.TypeOf(got) != reflect.TypeOf(want) || got.Error() != want.Error() {
			t.Errorf("%s:\n got  %v (%T)\n want %v (%T)", tc.body, got, got, want, want)
		}
	}
}

// TestRepeatedListRefusedOnlyWhenLonger: a list cut short and repeated in
// the same object is refused only when the second copy is longer than what
// the first kept; a shorter or equal one decodes as encoding/json decodes it.
func TestRepeatedListRefusedOnlyWhenLonger(t *testing.T) {
	t.Parallel()
	const v = tcDecInvJSON
	for _, tc := range []struct {
		body    string
		refused bool
	}{
		{`{"invitations":[` + v + `,{}],"invitations":[` + v + `]}`, false},
		{`{"invitations":[` + v + `,{},` + v + `],"invitations":[` + v + `,` + v + `]}`, false},
		{`{"invitations":[` + v + `,{},` + v + `],"invitations":[` + v + `,` + v + `,` + v + `]}`, true},
	} {
		for _, small := range []int{smallList, 0} {
			d := newCheckingDecoder()
			d.small = small
			var got, want organizationInvitations
			err := d.decode([]byte(tc.body), &got)
			if tc.refused {
				if !errors.Is(err, errRepeatedList) {
					t.Errorf("small %d, %s: err = %v, want errRepeatedList", small, tc.body, err)
				}
				continue
			}
			if err := json.Unmarshal([]byte(tc.body), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(organizationInvitations{})); err != nil || diff != "" {
				t.Errorf("small %d, %s: err = %v, (-encoding/json +decoded):\n%s", small, tc.body, err, diff)
			}
		}
	}
}

// TestGrowRoom: a checked list past its first small elements grows by the
// elements left in the array, but never by more than the bytes left hold
// at the average size of the elements decoded so far, unless that is less
// than doubling.
func TestGrowRoom(t *testing.T) {
	t.Parallel()
	element := `{"token":"` + strings.Repeat("t", 90) + `"}` // 102 bytes
	for _, tc := range []struct {
		name            string
		decoded, left   int // elements decoded, elements left in the array
		leftElement     string
		small, wantRoom int
	}{
		{"elements left, fewer than decoded", 8, 5, element, 4, 5},
		{"elements left, more than decoded", 8, 20, element, 4, 20},                 // the elements left
		{"smaller elements left: the bytes at the average size", 8, 40, `{}`, 4, 8}, // 40*3 bytes / 103 + 1 < 8: doubling
		{"the first elements grow as append grows them", 3, 20, element, 4, cap(append(make([]OrganizationInvitation, 3), OrganizationInvitation{})) - 3},
		{"none decoded", 0, 20, element, 4, 1},
		{"from small on, counted", 4, 20, element, 4, 20},
		{"small of 0: counted from the first", 1, 20, element, 0, 20},
	} {
		decoded := strings.TrimSuffix(strings.Repeat(element+",", tc.decoded), ",")
		rest := strings.TrimSuffix(strings.Repeat(tc.leftElement+",", tc.left), ",")
		sep := ""
		if tc.decoded > 0 {
			sep = ","
		}
		// The list after another member of 10,000 bytes: sizes are measured
		// from where the list starts.
		dec := jsontext.NewDecoder(bytes.NewBufferString(`{"p":"` + strings.Repeat("x", 10_000) + `","l":[` + decoded + sep + rest + `]}`))
		for range 5 { // {, "p", its value, "l", [
			if _, err := dec.ReadToken(); err != nil {
				t.Fatal(err)
			}
		}
		start := dec.InputOffset()
		for range tc.decoded {
			if err := dec.SkipValue(); err != nil {
				t.Fatal(err)
			}
		}
		list := make([]OrganizationInvitation, tc.decoded)
		grown := grow(list, dec, start, tc.small)
		if room := cap(grown) - tc.decoded; room != tc.wantRoom || len(grown) != cap(grown) {
			t.Errorf("%s: room for %d more (len %d, cap %d), want %d", tc.name, room, len(grown), cap(grown), tc.wantRoom)
		}
	}
}
