package ecloud

import (
	"strings"
	"testing"
)

// TestPresizedCapacity: a list of a body of 64 KiB or more gets room for
// its elements, estimated from the first one, plus at most an eighth; it is
// found after other members however large, and a smaller body is not
// presized.
func TestPresizedCapacity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, before string
		n            int
	}{
		{"the list alone", "", 300},
		{"after a member of 32 KiB", `"padding":"` + strings.Repeat("x", 32<<10) + `",`, 300},
		{"after a member of 200 KiB", `"padding":"` + strings.Repeat("x", 200<<10) + `",`, 150},
		{"after small members", `"a":1,"b":[1,2],"c":{"d":null},`, 300},
	} {
		body := []byte(`{` + tc.before + string(benchInvitationsBody("o1", tc.n)[1:]))
		got := cap(presized[OrganizationInvitation](body, "invitations"))
		if got < tc.n || got > tc.n+tc.n/8+2 {
			t.Errorf("%s: %d elements presized to %d, want %d to %d", tc.name, tc.n, got, tc.n, tc.n+tc.n/8+2)
		}
	}
	// Elements of one size: the estimate is exact, an eighth more and one.
	element := `{"token":"t","email":"` + strings.Repeat("e", 600) + `@example.com"}`
	uniform := `{"invitations":[` + strings.TrimSuffix(strings.Repeat(element+",", 200), ",") + `]}`
	if got := cap(presized[OrganizationInvitation]([]byte(uniform), "invitations")); got != 200+200/8+1 {
		t.Errorf("200 elements of one size presized to %d, want %d", got, 200+200/8+1)
	}
	// Elements of 300 bytes (in a list of a 1-byte type), where the comma
	// in the estimate counts.
	small := `{"invitations":[` + strings.TrimSuffix(strings.Repeat(`{"a":"`+strings.Repeat("x", 292)+`"},`, 10000), ",") + `]}`
	if got := cap(presized[byte]([]byte(small), "invitations")); got != 10000+10000/8+1 {
		t.Errorf("10000 elements of 300 bytes presized to %d, want %d", got, 10000+10000/8+1)
	}
	// Tiny elements: no more room than a body decoded directly can fill
	// (12 bytes of memory per byte of body, 2,096 bytes per element).
	tiny := `{"invitations":[` + strings.TrimSuffix(strings.Repeat(`{"a":1},`, 10000), ",") + `]}`
	if got, most := cap(presized[byte]([]byte(tiny), "invitations")), 12*len(tiny)/2096; got != most {
		t.Errorf("10000 elements of 7 bytes presized to %d, want %d", got, most)
	}
	// Only a member of the top-level object counts.
	if got := presized[OrganizationInvitation]([]byte(`["invitations",[`+uniform[len(`{"invitations":[`):len(uniform)-1]+`]`), "invitations"); got != nil {
		t.Errorf("a top-level array was presized to %d", cap(got))
	}
	list := func(n int) string {
		return strings.TrimSuffix(strings.TrimPrefix(string(benchInvitationsBody("o1", n)), `{"invitations":[`), `]}`)
	}
	at := `{"invitations":[` + list(2) + `]`
	at += strings.Repeat(" ", 64<<10-len(at)-1) + `}`
	if got := presized[OrganizationInvitation]([]byte(at), "invitations"); got == nil {
		t.Errorf("a body of exactly 64 KiB was not presized")
	}
	if got := presized[OrganizationInvitation]([]byte(at[:len(at)-2]+"}"), "invitations"); got != nil {
		t.Errorf("a body of 64 KiB less a byte was presized")
	}
}
