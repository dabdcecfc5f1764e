package ecloudtest

import (
	"net/http"
	"slices"
	"time"
)

// Fault is what the fake does to the next requests for an operation instead
// of, or on top of, its own answer; give it to Server.Fault. The zero value
// of each field leaves that part of the answer alone.
type Fault struct {
	// Status, when set (400-599), is the answer instead of the
	// operation's: the operation does not run, and Codes are sent in the
	// x-cloud-error-codes header and as the body's errors, each with the
	// spec's message, as the API answers an error.
	Status int
	Codes  []string

	// Header is added to the answer, whichever it is, replacing the fake's
	// own values of the same names: Retry-After, X-RateLimit-Limit,
	// X-RateLimit-Remaining, X-RateLimit-Interval...
	Header http.Header

	// Delay holds the request this long before it is handled at all. When
	// the caller gives up meanwhile (its context ends, its connection
	// closes) or the server is closed, the operation does not run and the
	// connection is closed without an answer, so a test never waits for a
	// Delay longer than its own deadline.
	Delay time.Duration

	// Drop closes the connection before the answer (DropBeforeAnswer) or in
	// the middle of its body (DropMidBody).
	Drop Drop

	// Times is how many requests, one after the other, the fault applies
	// to; 0 means 1.
	Times int
}

// Drop is where a Fault closes the connection.
type Drop int

const (
	// NoDrop answers in full.
	NoDrop Drop = iota
	// DropBeforeAnswer reads the request and closes the connection without
	// answering; the operation does not run. The client sees a connection
	// error for a request that reached the server.
	DropBeforeAnswer
	// DropMidBody runs the operation (or answers Status), sends the status
	// line, the headers with the whole body's Content-Length and the first
	// half of the body, then closes the connection: the operation took
	// effect, but the client cannot read its answer.
	DropMidBody
)

// pendingFault is a queued fault and how many more requests it applies to.
type pendingFault struct {
	f    Fault
	left int
}

// Fault queues f for the next requests for operation (an ecloud.Op…
// constant), after the faults queued before for it: each of the next
// f.Times requests (one when Times is 0) gets it. A fault is taken after the
// Authorization check and routing, before any other check, so an
// unauthenticated request does not use one up. Misuse (an unknown
// operation, a Status outside 400-599, Codes without a Status, a negative
// Delay or Times, an unknown Drop, a Status or Header with
// DropBeforeAnswer, a Fault that changes nothing) fails the test of
// NewServer, or panics for a server of StartServer.
func (s *Server) Fault(operation string, f Fault) {
	s.rep.Helper()
	s.addFault("Fault", operation, f)
}

// FailNext makes the next request for operation (an ecloud.Op… constant)
// fail with status (400-599), the codes in the x-cloud-error-codes header
// and one body error per code. It is Fault(operation, Fault{Status: status,
// Codes: codes}), the common case; use Fault for headers, delays, dropped
// connections or several requests.
func (s *Server) FailNext(operation string, status int, codes ...string) {
	s.rep.Helper()
	s.addFault("FailNext", operation, Fault{Status: status, Codes: codes})
}

func (s *Server) addFault(caller, operation string, f Fault) {
	s.rep.Helper()
	if err := checkOperation(operation); err != nil {
		s.rep.Fatalf("ecloudtest: %s: %v", caller, err)
		return
	}
	problem := ""
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		problem = "Status must be an error status, 400 to 599"
	case len(f.Codes) > 0 && f.Status == 0:
		problem = "Codes need a Status"
	case f.Delay < 0:
		problem = "Delay is negative"
	case f.Times < 0:
		problem = "Times is negative"
	case f.Drop < NoDrop || f.Drop > DropMidBody:
		problem = "Drop is not NoDrop, DropBeforeAnswer or DropMidBody"
	case f.Drop == DropBeforeAnswer && (f.Status != 0 || len(f.Header) > 0):
		problem = "DropBeforeAnswer sends no answer: Status, Codes and Header would never be seen"
	case f.Status == 0 && len(f.Header) == 0 && f.Delay == 0 && f.Drop == NoDrop:
		problem = "the fault changes nothing: set Status, Header, Delay or Drop"
	}
	if problem != "" {
		s.rep.Fatalf("ecloudtest: %s(%s): %s", caller, operation, problem)
		return
	}
	f.Codes = slices.Clone(f.Codes)
	f.Header = f.Header.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[operation] = append(s.faults[operation], &pendingFault{f: f, left: max(f.Times, 1)})
}

// takeFault takes the next fault of op, if one is queued.
func (s *Server) takeFault(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[op]
	if len(q) == 0 {
		return Fault{}, false
	}
	p := q[0]
	if p.left--; p.left == 0 {
		s.faults[op] = q[1:]
	}
	return p.f, true
}

// wait holds a request for d, and reports false when its caller gave up or
// the server was closed first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.closing:
	}
	return false
}
