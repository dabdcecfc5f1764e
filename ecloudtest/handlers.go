package ecloudtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/ascii"
)

// apiRoot is the spec's basePath, under which the fake serves.
const apiRoot = "/api/v1"

// maxBody bounds request bodies.
const maxBody = 1 << 20

// request is a routed, validated request.
type request struct {
	op    string
	org   string   // {organization_id}
	token string   // {invitation_token}
	user  string   // {user_id}
	name  string   // {role_name}
	list  []string // {user_ids}, {invitation_tokens} or {role_names}, split on commas
	force bool
	body  []byte
}

// exchange is one request being served: its log entry, and whether an
// answer was started.
type exchange struct {
	s        *Server
	routed   bool // the request matched an operation: it goes to the log
	entry    Request
	wrote    bool
	recorded bool
}

// ServeHTTP serves the API under /api/v1. Checks run in this order:
// Authorization, path and method, then an injected fault (Fault, FailNext),
// query, Accept (of the XML operation), Content-Type and body (against the
// spec), then the operation itself. Every request that matches an operation
// goes to the log (Requests). A panic while serving is reported (against the
// test of NewServer) and answered 500; the server goes on serving.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{s: s, entry: Request{Time: time.Now(), Method: r.Method}}
	defer x.record() // a request that got no answer
	defer s.recoverPanic(w, x)
	s.serve(w, r, x)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, x *exchange) {
	req, candidates := route(r.URL.EscapedPath())
	i := slices.IndexFunc(candidates, func(op string) bool { return operations[op].method == r.Method })
	if i >= 0 {
		req.op = candidates[i]
		x.routed = true
		x.entry.Operation = req.op
		x.entry.Path = pathParams(req.op, r.URL.EscapedPath())
		x.entry.Query = r.URL.Query()
	}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if len(body) > 0 {
		x.entry.Body = body
	}

	switch {
	case !validAuthorization(r.Header.Get("Authorization")):
		x.send(w, errorReply(apiErr(http.StatusUnauthorized, ecloud.CodeRootUnauthorized, "The request has no valid Authorization header."), false), false)
		return
	case len(candidates) == 0:
		x.send(w, errorReply(apiErr(http.StatusNotFound, codeResourceNotFound, "No API operation has this path."), false), false)
		return
	case i < 0:
		allowed := make([]string, len(candidates))
		for j, op := range candidates {
			allowed[j] = operations[op].method
		}
		rep := errorReply(apiErr(http.StatusMethodNotAllowed, codeMethodNotAllowed, "This path takes "+strings.Join(allowed, ", ")+", not "+r.Method+"."), false)
		rep.header.Set("Allow", strings.Join(allowed, ", "))
		x.send(w, rep, false)
		return
	}

	spec := operations[req.op]
	f, faulted := s.takeFault(req.op)
	if faulted && f.Delay > 0 && !s.wait(r, f.Delay) {
		panic(http.ErrAbortHandler) // the caller left, or the server is closing: no answer
	}
	if faulted && f.Drop == DropBeforeAnswer {
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	var rep reply
	if faulted && f.Status != 0 {
		rep = errorReply(injected(f.Status, f.Codes), spec.xml)
	} else {
		req.body = body
		rep = s.answer(r, req, spec, readErr)
	}
	if faulted {
		for name, values := range f.Header {
			rep.header[http.CanonicalHeaderKey(name)] = slices.Clone(values)
		}
	}
	x.send(w, rep, faulted && f.Drop == DropMidBody)
}

// answer is the operation's answer to a request the fault injection let
// through.
func (s *Server) answer(r *http.Request, req *request, spec opSpec, readErr error) reply {
	if e := req.readQuery(r.URL.RawQuery); e != nil {
		return errorReply(e, spec.xml)
	}
	if spec.xml && !acceptsXML(r.Header.Values("Accept")) {
		return errorReply(apiErr(http.StatusNotAcceptable, codeNotAcceptable, "This operation answers application/xml; the Accept header refuses it."), false)
	}
	if e := req.checkBody(r.Header.Get("Content-Type"), readErr, spec.body != ""); e != nil {
		return errorReply(e, spec.xml)
	}
	out, e := s.run(spec, req)
	switch {
	case e != nil:
		return errorReply(e, spec.xml)
	case spec.xml:
		return reply{status: spec.status, header: http.Header{"Content-Type": {"application/xml"}}, body: out.(xmlDocument)}
	}
	return jsonReply(spec.status, out)
}

// run runs the operation's handler with s.mu held; the deferred unlock
// keeps the server usable when a handler panics.
func (s *Server) run(spec opSpec, req *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return spec.handler(s, req)
}

// send writes rep. midBody cuts the connection after the status, the
// headers (with the whole body's Content-Length) and half of the body.
func (x *exchange) send(w http.ResponseWriter, rep reply, midBody bool) {
	x.wrote = true
	x.entry.Status = rep.status
	// In the log before the answer leaves: a client that has read it can
	// find its request in Requests at once.
	x.record()
	for name, values := range rep.header {
		w.Header()[name] = values
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	if !midBody {
		_, _ = w.Write(rep.body)
		return
	}
	_, _ = w.Write(rep.body[:len(rep.body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler) // closes the connection, the body unfinished
}

// recoverPanic answers 500 for a panic while serving (or, when the answer
// was started, cuts the connection) and reports it against the test.
// http.ErrAbortHandler, the fake's own way of cutting a connection, goes on
// to net/http.
func (s *Server) recoverPanic(w http.ResponseWriter, x *exchange) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		if !x.wrote {
			x.entry.Status = 0
		}
		panic(p)
	}
	what := "a request that matches no operation"
	if x.routed {
		what = x.entry.Operation
	}
	s.rep.Errorf("ecloudtest: the fake panicked serving %s: %v\n%s", what, p, debug.Stack())
	if x.wrote {
		panic(http.ErrAbortHandler)
	}
	x.send(w, errorReply(apiErr(http.StatusInternalServerError, codeUnexpectedError, "ecloudtest: the fake panicked serving this request (see the test's log)."), false), false)
}

// record adds the request to the log, once, when it matched an operation.
func (x *exchange) record() {
	if !x.routed || x.recorded {
		return
	}
	x.recorded = true
	x.s.logMu.Lock()
	defer x.s.logMu.Unlock()
	x.s.log = append(x.s.log, x.entry)
}

// xmlDocument is the answer of an operation that answers XML.
type xmlDocument []byte

// acceptsXML reports whether Accept header values admit application/xml; no
// Accept header admits anything.
func acceptsXML(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(item))
			if err != nil || params["q"] == "0" {
				continue
			}
			switch mediaType {
			case "application/xml", "application/*", "*/*":
				return true
			}
		}
	}
	return false
}

// validAuthorization accepts "ApiKey <key>" and "Basic <base64 user:pass>".
func validAuthorization(h string) bool {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || strings.TrimSpace(cred) == "" {
		return false
	}
	switch {
	case strings.EqualFold(scheme, "ApiKey"):
		return true
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(cred)
		user, pass, ok := strings.Cut(string(raw), ":")
		return err == nil && ok && user != "" && pass != ""
	}
	return false
}

// route maps an escaped path to the operations it may be (one per method)
// and their path parameters. Each segment is unescaped on its own, so IDs
// containing "/" (sent as %2F) and lists with %2C separators work. Literal
// segments take precedence over parameters, as in the spec's path templates.
func route(escaped string) (*request, []string) {
	rest, ok := strings.CutPrefix(escaped, apiRoot+"/")
	if !ok {
		return nil, nil
	}
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		seg, err := url.PathUnescape(r)
		if err != nil || seg == "" {
			return nil, nil
		}
		segs[i] = seg
	}
	req := &request{}
	if raw[0] == "users" && len(raw) == 3 && raw[2] == "role_assignments" {
		req.user = segs[1]
		return req, []string{ecloud.OpAddRoleAssignments, ecloud.OpRemoveRoleAssignments}
	}
	if raw[0] != "organizations" {
		return nil, nil
	}
	switch {
	case len(raw) == 1:
		return req, []string{ecloud.OpListOrganizations}
	case len(raw) == 3 && raw[1] == "invitations":
		req.token = segs[2]
		return req, []string{ecloud.OpGetOrganizationInvitation}
	case len(raw) == 4 && raw[1] == "invitations" && raw[3] == "_accept":
		req.token = segs[2]
		return req, []string{ecloud.OpAcceptOrganizationInvitation}
	}
	req.org = segs[1]
	switch {
	case len(raw) == 2:
		return req, []string{ecloud.OpGetOrganization, ecloud.OpUpdateOrganization}
	case len(raw) == 3 && raw[2] == "members":
		return req, []string{ecloud.OpListOrganizationMembers}
	case len(raw) == 4 && raw[2] == "members":
		req.list = strings.Split(segs[3], ",")
		return req, []string{ecloud.OpDeleteOrganizationMemberships}
	case len(raw) == 3 && raw[2] == "invitations":
		return req, []string{ecloud.OpListOrganizationInvitations, ecloud.OpCreateOrganizationInvitations}
	case len(raw) == 4 && raw[2] == "invitations":
		req.list = strings.Split(segs[3], ",")
		return req, []string{ecloud.OpDeleteOrganizationInvitations}
	case len(raw) == 3 && raw[2] == "domains":
		return req, []string{ecloud.OpListDomainClaims, ecloud.OpDeleteDomainClaim}
	case len(raw) == 4 && raw[2] == "domains" && raw[3] == "_generate_verification_code":
		return req, []string{ecloud.OpGenerateDomainVerificationCode}
	case len(raw) == 4 && raw[2] == "domains" && raw[3] == "_verify":
		return req, []string{ecloud.OpVerifyDomainClaim}
	case len(raw) == 3 && raw[2] == "idp":
		return req, []string{ecloud.OpGetOrganizationIdP, ecloud.OpSetupOrganizationIdP, ecloud.OpTeardownOrganizationIdP}
	case len(raw) == 4 && raw[2] == "idp" && raw[3] == "metadata.xml":
		return req, []string{ecloud.OpGetOrganizationIdPMetadata}
	case len(raw) == 3 && raw[2] == "role_mappings":
		return req, []string{ecloud.OpListRoleMappings, ecloud.OpAddRoleMappings, ecloud.OpUpdateRoleMappings, ecloud.OpDeleteRoleMappings}
	case len(raw) == 4 && raw[2] == "role_mappings":
		req.name, req.list = segs[3], strings.Split(segs[3], ",")
		return req, []string{ecloud.OpUpdateRoleMapping, ecloud.OpDeleteRoleMappingsByName}
	}
	return nil, nil
}

// readQuery accepts only the spec's query parameters: force, on
// delete-organization-memberships and remove-role-assignments, as "true" or
// "false".
func (req *request) readQuery(rawQuery string) *apiError {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return invalidData("The query string cannot be parsed.")
	}
	for name, values := range q {
		if name != "force" || (req.op != ecloud.OpDeleteOrganizationMemberships && req.op != ecloud.OpRemoveRoleAssignments) {
			return invalidData(fmt.Sprintf("Unknown query parameter %q.", name), name)
		}
		if len(values) != 1 || (values[0] != "true" && values[0] != "false") {
			return invalidData(`The query parameter force must be "true" or "false".`, "force")
		}
		req.force = values[0] == "true"
	}
	return nil
}

// checkBody requires, on the operations that take a body, a JSON object
// sent with Content-Type application/json that matches the spec's schema
// (checkBody of spec.go), and no body on the others.
func (req *request) checkBody(contentType string, readErr error, wantBody bool) *apiError {
	switch {
	case readErr != nil:
		return invalidData("The request body cannot be read.")
	case len(req.body) > maxBody:
		return invalidData("The request body is too large.")
	case !wantBody && len(req.body) > 0:
		return invalidData("This operation takes no request body.")
	case !wantBody:
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" {
		return invalidData("The request body must be sent with Content-Type: application/json.")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return invalidData("The request body must be UTF-8.")
	}
	if t := strings.TrimSpace(string(req.body)); t == "" || t[0] != '{' {
		return invalidData("The request body must be a JSON object.", "body")
	}
	return checkBody(req.op, req.body)
}

// decodeBody decodes a body that checkBody passed into v. The spec judged
// its shape, so a property v does not model is ignored here.
func decodeBody(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return invalidData("The request body is not valid: " + err.Error())
	}
	return nil
}

// ---- operations. They run with s.mu held.

func (s *Server) org(id string) (*orgState, *apiError) {
	o, ok := s.orgs[id]
	if !ok {
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrganizationNotFound, "")
	}
	return o, nil
}

func (s *Server) listOrganizations(*request) (any, *apiError) {
	ids := make([]string, 0, len(s.orgs))
	for id := range s.orgs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := ecloud.OrganizationList{Organizations: make([]ecloud.Organization, 0, len(ids))}
	for _, id := range ids {
		list.Organizations = append(list.Organizations, clone(s.orgs[id].org))
	}
	return list, nil
}

func (s *Server) getOrganization(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	return clone(o.org), nil
}

func (s *Server) updateOrganization(req *request) (any, *apiError) {
	var body ecloud.UpdateOrganizationRequest
	if e := decodeBody(req.body, &body); e != nil {
		return nil, e
	}
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if body.Name != nil {
		if n := utf8.RuneCountInString(strings.TrimSpace(*body.Name)); n < 2 || n > 30 {
			return nil, apiErr(http.StatusBadRequest, ecloud.CodeOrganizationInvalidName, "", "name")
		}
		o.org.Name = *body.Name
	}
	if body.DefaultDiskUsageAlertsEnabled != nil {
		o.org.DefaultDiskUsageAlertsEnabled = ecloud.Ptr(*body.DefaultDiskUsageAlertsEnabled)
	}
	if body.NotificationsAllowedEmailDomains != nil {
		o.org.NotificationsAllowedEmailDomains = slices.Clone(body.NotificationsAllowedEmailDomains)
	}
	if body.BillingContacts != nil {
		o.org.BillingContacts = slices.Clone(body.BillingContacts)
	}
	if body.OperationalContacts != nil {
		o.org.OperationalContacts = slices.Clone(body.OperationalContacts)
	}
	return clone(o.org), nil
}

func (s *Server) listMembers(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	members := clone(o.members)
	if members == nil {
		members = []ecloud.OrganizationMembership{}
	}
	return map[string]any{"members": members}, nil
}

func (s *Server) deleteMemberships(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if slices.Contains(req.list, "") {
		return nil, invalidData("The list of user IDs has an empty item.", "user_ids")
	}
	var missing []ecloud.ErrorDetail
	for _, id := range req.list {
		if !slices.ContainsFunc(o.members, func(m ecloud.OrganizationMembership) bool { return m.UserID == id }) {
			missing = append(missing, detail(ecloud.CodeOrganizationMembershipNotFound, messages[ecloud.CodeOrganizationMembershipNotFound]+" User ID: "+id, "user_ids"))
		}
	}
	if missing != nil {
		return nil, &apiError{status: http.StatusNotFound, details: missing}
	}
	kept := slices.DeleteFunc(slices.Clone(o.members), func(m ecloud.OrganizationMembership) bool {
		return slices.Contains(req.list, m.UserID)
	})
	if len(kept) == 0 && !req.force {
		return nil, invalidData("Removing every member would leave the organization empty; pass force=true to do it anyway.", "force")
	}
	o.members = kept
	return struct{}{}, nil
}

func (s *Server) listInvitations(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	return map[string]any{"invitations": s.renderAll(o)}, nil
}

func (s *Server) createInvitations(req *request) (any, *apiError) {
	var body ecloud.CreateInvitationsRequest
	if e := decodeBody(req.body, &body); e != nil {
		return nil, e
	}
	if len(body.Emails) == 0 {
		return nil, invalidData("emails is required and must not be empty.", "emails")
	}
	lifetime, ok := parseExpiresIn(body.ExpiresIn)
	if !ok {
		return nil, invalidData(`expires_in must be a positive duration such as "72h" or a number of days such as "7d".`, "expires_in")
	}
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if e := validateRoles(body.RoleAssignments, "role_assignments", req.org); e != nil {
		return nil, e
	}

	now := s.timeNow()
	var refused []ecloud.ErrorDetail
	replace := map[*invitation]bool{}
	seen := map[string]bool{}
	for i, email := range body.Emails {
		field := "emails[" + strconv.Itoa(i) + "]"
		key := ascii.Lower(email)
		switch {
		case !validEmail(email):
			refused = append(refused, detail(ecloud.CodeOrganizationInvitationInvalidEmail, messages[ecloud.CodeOrganizationInvitationInvalidEmail]+" Email: "+email, field))
			continue
		case seen[key]:
			refused = append(refused, detail(ecloud.CodeOrganizationInvitationAlreadyExists, "The email is given twice: "+email, field))
			continue
		case s.isMember(o, email):
			refused = append(refused, detail(ecloud.CodeOrganizationUserOrganizationAlreadyBelongs, messages[ecloud.CodeOrganizationUserOrganizationAlreadyBelongs]+" Email: "+email, field))
			continue
		}
		seen[key] = true
		for _, in := range o.invitations {
			if !ascii.EqualFold(in.inv.Email, email) || in.inv.AcceptedAt != nil {
				continue
			}
			if now.Before(in.inv.ExpiresAt) {
				refused = append(refused, detail(ecloud.CodeOrganizationInvitationAlreadyExists, messages[ecloud.CodeOrganizationInvitationAlreadyExists]+" Email: "+email, field))
			} else {
				replace[in] = true // expired: a new invitation takes its place
			}
		}
	}
	if refused != nil {
		return nil, &apiError{status: http.StatusBadRequest, details: refused}
	}

	o.invitations = slices.DeleteFunc(o.invitations, func(in *invitation) bool {
		if replace[in] {
			delete(s.tokens, in.inv.Token)
			return true
		}
		return false
	})
	created := make([]ecloud.OrganizationInvitation, 0, len(body.Emails))
	for _, email := range body.Emails {
		in := &invitation{orgID: req.org, inv: ecloud.OrganizationInvitation{
			Token:           newToken(),
			Email:           email,
			CreatedAt:       now,
			ExpiresAt:       now.Add(lifetime),
			RoleAssignments: clone(body.RoleAssignments),
		}}
		o.invitations = append(o.invitations, in)
		s.tokens[in.inv.Token] = in
		created = append(created, s.render(in))
	}
	return map[string]any{"invitations": created}, nil
}

func (s *Server) getInvitation(req *request) (any, *apiError) {
	in, ok := s.tokens[req.token]
	if !ok {
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound, "", "invitation_token")
	}
	return s.render(in), nil
}

func (s *Server) acceptInvitation(req *request) (any, *apiError) {
	in, ok := s.tokens[req.token]
	if !ok {
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound, "", "invitation_token")
	}
	o := s.orgs[in.orgID]
	now := s.timeNow()
	switch {
	case s.isMember(o, in.inv.Email):
		return nil, apiErr(http.StatusBadRequest, ecloud.CodeOrganizationUserOrganizationAlreadyBelongs, "")
	case in.inv.AcceptedAt != nil:
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound, "The invitation was already accepted.", "invitation_token")
	case !now.Before(in.inv.ExpiresAt):
		return nil, invalidData("The invitation has expired.", "invitation_token")
	}
	in.inv.AcceptedAt = &now
	o.members = append(o.members, ecloud.OrganizationMembership{
		OrganizationID:  in.orgID,
		UserID:          s.userID(in.inv.Email),
		Email:           in.inv.Email,
		MemberSince:     now,
		RoleAssignments: clone(in.inv.RoleAssignments),
	})
	return struct{}{}, nil
}

func (s *Server) deleteInvitations(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if slices.Contains(req.list, "") {
		return nil, invalidData("No valid invitation token was supplied.", "invitation_tokens")
	}
	for _, tok := range req.list {
		if in, ok := s.tokens[tok]; !ok || in.orgID != req.org {
			return nil, apiErr(http.StatusNotFound, ecloud.CodeOrganizationInvitationNotFound, "", "invitation_tokens")
		}
	}
	o.invitations = slices.DeleteFunc(o.invitations, func(in *invitation) bool {
		return slices.Contains(req.list, in.inv.Token)
	})
	for _, tok := range req.list {
		delete(s.tokens, tok)
	}
	return struct{}{}, nil
}

// ---- rules

func (s *Server) isMember(o *orgState, email string) bool {
	return slices.ContainsFunc(o.members, func(m ecloud.OrganizationMembership) bool {
		return m.Email != "" && ascii.EqualFold(m.Email, email)
	})
}

// validEmail accepts a bare address (no display name, no angle brackets)
// whose domain has a dot.
func validEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return false
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// parseExpiresIn reads expires_in: empty (three days), a positive Go
// duration, or a positive number of days such as "7d".
func parseExpiresIn(v string) (time.Duration, bool) {
	if v == "" {
		return defaultExpiry, true
	}
	if days, ok := strings.CutSuffix(v, "d"); ok && days != "" && strings.Trim(days, "0123456789") == "" {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 100_000 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}
