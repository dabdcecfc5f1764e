package ecloudtest

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Request is a request the fake received for an operation, as its log
// (Server.Requests) keeps it.
//
// The log holds what was sent, invitation tokens included: it is the test's
// own record, so that a test can check which tokens its code revoked or
// accepted. It never holds the Authorization header. String, the form a test
// prints, shows the invitation_token and invitation_tokens path parameters as
// [redacted].
type Request struct {
	Time      time.Time // when it arrived, by the wall clock (SetClock does not change it)
	Operation string    // its ecloud.Op… constant
	Method    string
	// Path holds the path parameters by their names in the spec
	// (organization_id, user_id, invitation_token, role_name, and the lists
	// user_ids and invitation_tokens), unescaped; a list is as sent,
	// comma-separated (see List).
	Path  map[string]string
	Query url.Values
	Body  []byte // the body as received; nil when there was none (see DecodeBody)
	// Status is the status answered; 0 when no answer was sent (a Fault
	// dropped the connection before it, or the caller gave up during a
	// Delay). A DropMidBody answer keeps its status, though the client could
	// not read it.
	Status int
}

// List returns a path parameter split on commas: List("invitation_tokens")
// of a delete-organization-invitations request is the tokens it deletes. It
// is nil when the parameter is absent.
func (r Request) List(name string) []string {
	v, ok := r.Path[name]
	if !ok {
		return nil
	}
	return strings.Split(v, ",")
}

// DecodeBody decodes the JSON body into v, such as an
// *ecloud.CreateInvitationsRequest for create-organization-invitations.
func (r Request) DecodeBody(v any) error {
	return json.Unmarshal(r.Body, v)
}

// String is one line for a test's log, such as "DELETE
// delete-organization-invitations organization_id=org-1
// invitation_tokens=[redacted] → 200", with invitation tokens redacted and
// without the body.
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.Operation)
	for _, name := range slices.Sorted(maps.Keys(r.Path)) {
		v := r.Path[name]
		if name == "invitation_token" || name == "invitation_tokens" {
			v = "[redacted]"
		}
		b.WriteString(" " + name + "=" + v)
	}
	if len(r.Query) > 0 {
		b.WriteString(" ?" + r.Query.Encode())
	}
	if r.Status == 0 {
		return b.String() + " → no answer"
	}
	return b.String() + " → " + strconv.Itoa(r.Status)
}

// GoString is the form %#v prints: String's line, so that invitation tokens
// stay redacted there too.
func (r Request) GoString() string {
	return "ecloudtest.Request(" + strconv.Quote(r.String()) + ")"
}

// Requests returns the log: the requests received for the operations ops
// (all of them when none is given), in the order they were answered, whatever
// the answer (an error, a fault, a 401). A request is in the log before its
// answer leaves the fake, so a call that has returned finds its request
// there. Requests that match no operation (404, 405) are not logged. It returns copies, and is safe for concurrent use,
// also while requests are being served. An unknown operation fails the test
// of NewServer, or panics for a server of StartServer.
func (s *Server) Requests(ops ...string) []Request {
	s.rep.Helper()
	for _, op := range ops {
		if err := checkOperation(op); err != nil {
			s.rep.Fatalf("ecloudtest: Requests: %v", err)
			return nil
		}
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	var out []Request
	for _, r := range s.log {
		if len(ops) > 0 && !slices.Contains(ops, r.Operation) {
			continue
		}
		r.Path = maps.Clone(r.Path)
		r.Query = cloneValues(r.Query)
		r.Body = slices.Clone(r.Body)
		out = append(out, r)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
