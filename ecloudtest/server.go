package ecloudtest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/ascii"
)

// APIKey is the API key the clients returned by Server.Client send.
const APIKey = "ecloudtest-api-key"

// defaultExpiry is the lifetime of an invitation created without expires_in.
const defaultExpiry = 3 * 24 * time.Hour

// Server is the fake API. Its methods are safe for concurrent use, also while
// requests are being served.
type Server struct {
	ts        *httptest.Server
	rep       reporter
	closing   chan struct{} // closed by Close: ends every Delay
	closeOnce sync.Once

	mu      sync.Mutex
	now     func() time.Time
	orgs    map[string]*orgState
	tokens  map[string]*invitation // every invitation, by token
	users   map[string]string      // lower-cased email -> user ID
	userIDs map[string]bool
	faults  map[string][]*pendingFault // by operationId, first in first out
	hidden  map[string]bool            // deployment IDs (HideDeployment)

	logMu sync.Mutex // apart from mu, so that logging never waits for the state
	log   []Request
}

type orgState struct {
	org          ecloud.Organization
	members      []ecloud.OrganizationMembership // in the order they joined
	invitations  []*invitation                   // in the order they were created
	domains      []string                        // claimed, lower-cased, in the order they were claimed
	challenges   map[string]*challenge           // by lower-cased domain: its latest verification code
	idp          *ecloud.OrganizationIdP         // nil when none is configured
	roleMappings []ecloud.RoleMapping            // in order
}

type invitation struct {
	orgID string
	inv   ecloud.OrganizationInvitation // Organization and Expired are filled when it is read
}

// reporter is where a Server reports misuse and panics: the test of
// NewServer, or programReporter for StartServer.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// programReporter reports for a server no test owns: a panic while serving
// is logged (log.Printf), misuse panics.
type programReporter struct{}

func (programReporter) Helper()                           {}
func (programReporter) Errorf(format string, args ...any) { log.Printf(format, args...) }
func (programReporter) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// NewServer starts a fake with no organizations for the test t, and closes
// it when the test and its subtests end (t.Cleanup), like an httptest server
// a test would otherwise close itself. Misuse of the server (an unknown
// operation, seeding an unknown organization, invalid Client options) fails
// t with t.Fatalf from the calling goroutine, and a panic while serving a
// request is reported with t.Errorf and answered 500.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := newServer(t)
	t.Cleanup(s.Close)
	return s
}

// StartServer starts a fake with no organizations for code that has no
// testing.TB: a program's demo mode, an Example function. Call Close when
// done. Misuse panics with a message that says what is wrong, and a panic
// while serving a request is logged with the standard log package and
// answered 500.
func StartServer() *Server { return newServer(programReporter{}) }

func newServer(rep reporter) *Server {
	s := &Server{
		rep:     rep,
		closing: make(chan struct{}),
		now:     time.Now,
		orgs:    map[string]*orgState{},
		tokens:  map[string]*invitation{},
		users:   map[string]string{},
		userIDs: map[string]bool{},
		faults:  map[string][]*pendingFault{},
		hidden:  map[string]bool{},
	}
	s.ts = httptest.NewServer(s)
	return s
}

// Close shuts the server down and closes its connections. Requests held by
// a Fault's Delay end at once, without an answer. Calling it again does
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// URL is the API root, such as "http://127.0.0.1:41234/api/v1", to pass to
// ecloud.WithBaseURL.
func (s *Server) URL() string { return s.ts.URL + apiRoot }

// Client returns a client wired to the fake: it authenticates with APIKey
// (unless opts give credentials), talks to URL through the test server's
// HTTP client, and does not retry, so a test sees every error the fake
// answers. opts are applied after these and may replace them: give
// ecloud.WithRetryPolicy to test code with retries. Invalid options fail
// the test of NewServer (a server of StartServer panics).
func (s *Server) Client(opts ...ecloud.Option) *ecloud.Client {
	s.rep.Helper()
	base := []ecloud.Option{
		ecloud.WithBaseURL(s.URL()),
		ecloud.WithHTTPClient(s.ts.Client()),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{}),
	}
	c, err := ecloud.NewClient(append(append(base, ecloud.WithAPIKey(APIKey)), opts...)...)
	if err == nil {
		return c
	}
	// opts may carry their own credentials, which cannot be combined with
	// ours: try with theirs alone.
	if c, err2 := ecloud.NewClient(append(base, opts...)...); err2 == nil {
		return c
	}
	s.rep.Fatalf("ecloudtest: Server.Client: %v", err)
	return nil
}

// SetClock makes the server read the time from now (nil restores
// time.Now). Timestamps it assigns and the expired flag it computes follow
// this clock, so a test can let invitations expire without waiting.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddOrganization adds org, or replaces the organization with the same ID
// (its members and invitations are kept). An empty org.ID is misuse (see
// NewServer).
func (s *Server) AddOrganization(org ecloud.Organization) {
	s.rep.Helper()
	if org.ID == "" {
		s.rep.Fatalf("ecloudtest: AddOrganization: the organization ID is empty")
		return
	}
	org = clone(org)
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orgs[org.ID]; ok {
		o.org = org
		return
	}
	s.orgs[org.ID] = &orgState{org: org}
}

// AddMember adds m to an organization added before, or replaces the member
// with the same user ID. m.OrganizationID is set to organizationID. An empty
// UserID is derived from m.Email, the same ID an invitation accepted by that
// email gets; an empty MemberSince is now. An unknown organization, or m
// with neither UserID nor Email, is misuse (see NewServer).
func (s *Server) AddMember(organizationID string, m ecloud.OrganizationMembership) {
	s.rep.Helper()
	if m.UserID == "" && m.Email == "" {
		s.rep.Fatalf("ecloudtest: AddMember: the member has neither a user ID nor an email")
		return
	}
	m = clone(m)
	m.OrganizationID = organizationID
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("AddMember", organizationID)
	if o == nil {
		return
	}
	switch {
	case m.UserID == "":
		m.UserID = s.userID(m.Email)
	case m.Email != "":
		key := ascii.Lower(m.Email)
		if _, known := s.users[key]; !known {
			s.users[key] = m.UserID
		}
		s.userIDs[m.UserID] = true
	default:
		s.userIDs[m.UserID] = true
	}
	if m.MemberSince.IsZero() {
		m.MemberSince = s.timeNow()
	}
	if i := slices.IndexFunc(o.members, func(x ecloud.OrganizationMembership) bool { return x.UserID == m.UserID }); i >= 0 {
		o.members[i] = m
		return
	}
	o.members = append(o.members, m)
}

// AddInvitation stores an invitation of an organization added before, as if
// it had been created at inv.CreatedAt, and returns it as the API would. An
// empty Token is generated, an empty CreatedAt is now and an empty ExpiresAt
// is three days after CreatedAt, so a test can seed invitations that have
// expired or were accepted (AcceptedAt). Expired and Organization are
// computed when the invitation is read. An unknown organization, an empty
// inv.Email or a token taken is misuse (see NewServer).
func (s *Server) AddInvitation(organizationID string, inv ecloud.OrganizationInvitation) ecloud.OrganizationInvitation {
	s.rep.Helper()
	if inv.Email == "" {
		s.rep.Fatalf("ecloudtest: AddInvitation: the email is empty")
		return ecloud.OrganizationInvitation{}
	}
	inv = clone(inv)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("AddInvitation", organizationID)
	if o == nil {
		return ecloud.OrganizationInvitation{}
	}
	if inv.Token == "" {
		inv.Token = newToken()
	} else if _, taken := s.tokens[inv.Token]; taken {
		s.rep.Fatalf("ecloudtest: AddInvitation: the token is already used by another invitation")
		return ecloud.OrganizationInvitation{}
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = s.timeNow()
	}
	if inv.ExpiresAt.IsZero() {
		inv.ExpiresAt = inv.CreatedAt.Add(defaultExpiry)
	}
	in := &invitation{orgID: organizationID, inv: inv}
	o.invitations = append(o.invitations, in)
	s.tokens[inv.Token] = in
	return s.render(in)
}

// Invitations returns the invitations of an organization as the API would
// list them (nil for an unknown organization), in the order they were
// created.
func (s *Server) Invitations(organizationID string) []ecloud.OrganizationInvitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[organizationID]
	if !ok {
		return nil
	}
	return s.renderAll(o)
}

// Members returns the members of an organization (nil for an unknown one),
// in the order they joined.
func (s *Server) Members(organizationID string) []ecloud.OrganizationMembership {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[organizationID]
	if !ok {
		return nil
	}
	return clone(o.members)
}

// mustOrg returns an organization a seeding method names, or reports that
// it is unknown and returns nil. Callers hold s.mu.
func (s *Server) mustOrg(caller, id string) *orgState {
	s.rep.Helper()
	o, ok := s.orgs[id]
	if !ok {
		s.rep.Fatalf("ecloudtest: %s: unknown organization %q: call AddOrganization first", caller, id)
		return nil
	}
	return o
}

// timeNow is the server's clock, in UTC with millisecond precision like the
// API's timestamps. Callers hold s.mu.
func (s *Server) timeNow() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// userID returns the user ID of email, assigning a stable one (derived from
// the address) the first time. Callers hold s.mu.
func (s *Server) userID(email string) string {
	key := ascii.Lower(email)
	if id, ok := s.users[key]; ok {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	n := uint64(h.Sum32())
	id := strconv.FormatUint(n, 10)
	for s.userIDs[id] {
		n++
		id = strconv.FormatUint(n, 10)
	}
	s.users[key] = id
	s.userIDs[id] = true
	return id
}

// render returns a copy of an invitation as the API shows it. Callers hold
// s.mu.
func (s *Server) render(in *invitation) ecloud.OrganizationInvitation {
	out := clone(in.inv)
	out.Organization = clone(s.orgs[in.orgID].org)
	out.Expired = !s.timeNow().Before(out.ExpiresAt)
	return out
}

func (s *Server) renderAll(o *orgState) []ecloud.OrganizationInvitation {
	out := make([]ecloud.OrganizationInvitation, 0, len(o.invitations))
	for _, in := range o.invitations {
		out = append(out, s.render(in))
	}
	return out
}

// newToken returns a random invitation token.
func newToken() string { return strings.ToLower(rand.Text()) }

// clone deep-copies a model through JSON, so that callers and the server
// never share slices or pointers.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("ecloudtest: copying a model: " + err.Error())
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic("ecloudtest: copying a model: " + err.Error())
	}
	return out
}
