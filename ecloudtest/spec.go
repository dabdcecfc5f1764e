package ecloudtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

// specFactsJSON is a copy of the repository's testdata/spec_facts.json, the
// facts of organizations-current.json (a test keeps the two equal): the
// operations' methods, paths, success statuses and request body schemas,
// which the fake serves and checks request bodies against.
//
//go:embed spec_facts.json
var specFactsJSON []byte

// specFacts are the decoded facts.
var specFacts = func() *facts.Facts {
	var f facts.Facts
	if err := json.Unmarshal(specFactsJSON, &f); err != nil {
		panic("ecloudtest: the embedded spec facts do not decode: " + err.Error())
	}
	return &f
}()

// opSpec is what the fake knows of an operation.
type opSpec struct {
	method  string
	path    string // the spec's path template, under apiRoot
	status  int    // success status
	body    string // schema of the request body; "" when it takes none
	xml     bool   // answers application/xml, its errors included
	handler func(s *Server, r *request) (any, *apiError)
}

// handlers are the operations the fake serves, by spec operationId.
var handlers = map[string]func(s *Server, r *request) (any, *apiError){
	ecloud.OpListOrganizations:              (*Server).listOrganizations,
	ecloud.OpGetOrganization:                (*Server).getOrganization,
	ecloud.OpUpdateOrganization:             (*Server).updateOrganization,
	ecloud.OpListOrganizationMembers:        (*Server).listMembers,
	ecloud.OpDeleteOrganizationMemberships:  (*Server).deleteMemberships,
	ecloud.OpListOrganizationInvitations:    (*Server).listInvitations,
	ecloud.OpCreateOrganizationInvitations:  (*Server).createInvitations,
	ecloud.OpGetOrganizationInvitation:      (*Server).getInvitation,
	ecloud.OpAcceptOrganizationInvitation:   (*Server).acceptInvitation,
	ecloud.OpDeleteOrganizationInvitations:  (*Server).deleteInvitations,
	ecloud.OpAddRoleAssignments:             (*Server).addRoleAssignments,
	ecloud.OpRemoveRoleAssignments:          (*Server).removeRoleAssignments,
	ecloud.OpListDomainClaims:               (*Server).listDomainClaims,
	ecloud.OpGenerateDomainVerificationCode: (*Server).generateVerificationCode,
	ecloud.OpVerifyDomainClaim:              (*Server).verifyDomainClaim,
	ecloud.OpDeleteDomainClaim:              (*Server).deleteDomainClaim,
	ecloud.OpGetOrganizationIdP:             (*Server).getIdP,
	ecloud.OpSetupOrganizationIdP:           (*Server).setupIdP,
	ecloud.OpTeardownOrganizationIdP:        (*Server).teardownIdP,
	ecloud.OpGetOrganizationIdPMetadata:     (*Server).idpMetadata,
	ecloud.OpListRoleMappings:               (*Server).listRoleMappings,
	ecloud.OpAddRoleMappings:                (*Server).addRoleMappings,
	ecloud.OpUpdateRoleMappings:             (*Server).updateRoleMappings,
	ecloud.OpDeleteRoleMappings:             (*Server).deleteRoleMappings,
	ecloud.OpUpdateRoleMapping:              (*Server).updateRoleMapping,
	ecloud.OpDeleteRoleMappingsByName:       (*Server).deleteRoleMappingsByName,
}

// operations joins the spec's facts of each operation with its handler.
var operations = func() map[string]opSpec {
	ops := map[string]opSpec{}
	for _, op := range specFacts.Operations {
		h, ok := handlers[op.OperationID]
		if !ok || len(op.Success) != 1 {
			panic(fmt.Sprintf("ecloudtest: %s: no handler, or not exactly one success response", op.OperationID))
		}
		ops[op.OperationID] = opSpec{
			method:  op.Method,
			path:    op.Path,
			status:  op.Success[0].Status,
			body:    op.Body,
			xml:     op.Success[0].ContentType == "application/xml",
			handler: h,
		}
	}
	if len(ops) != len(handlers) {
		panic("ecloudtest: a handler serves an operation the spec does not have")
	}
	return ops
}()

// checkOperation returns an error naming an operation the fake does not
// know, with the known name closest to it.
func checkOperation(op string) error {
	if _, ok := operations[op]; ok {
		return nil
	}
	best, bestDist := "", -1
	for known := range operations {
		if d := editDistance(op, known); bestDist < 0 || d < bestDist || d == bestDist && known < best {
			best, bestDist = known, d
		}
	}
	return fmt.Errorf("unknown operation %q (did you mean %q?): name operations with the ecloud.Op… constants", op, best)
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// routePattern is an httpmock URL regexp that matches the path of an
// operation at the end of a URL, under any base URL, ignoring the query.
func routePattern(op string) string {
	var b strings.Builder
	for _, seg := range strings.Split(operations[op].path, "/")[1:] {
		b.WriteString("/")
		if strings.HasPrefix(seg, "{") {
			b.WriteString("[^/]+")
		} else {
			b.WriteString(regexp.QuoteMeta(seg))
		}
	}
	return b.String() + "$"
}

// pathParams returns the path parameters of a request for op, by their
// names in the spec, unescaped. escaped is the request's escaped path, which
// route matched to op.
func pathParams(op, escaped string) map[string]string {
	params := map[string]string{}
	actual := strings.Split(strings.TrimPrefix(escaped, apiRoot), "/")
	for i, seg := range strings.Split(operations[op].path, "/") {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok || i >= len(actual) {
			continue
		}
		v, err := url.PathUnescape(actual[i])
		if err != nil {
			v = actual[i]
		}
		params[strings.TrimSuffix(name, "}")] = v
	}
	return params
}

// literalSegments are the path segments of the spec's templates that are not
// parameters, such as "organizations" and "_accept".
var literalSegments = func() map[string]bool {
	lit := map[string]bool{}
	for _, spec := range operations {
		for _, seg := range strings.Split(spec.path, "/") {
			if seg != "" && !strings.HasPrefix(seg, "{") {
				lit[seg] = true
			}
		}
	}
	return lit
}()

// pathShape is an escaped path with every segment that is not a literal of
// the spec's paths replaced by "*", so that it can be shown without the
// IDs and tokens it may carry.
func pathShape(escaped string) string {
	if i := strings.Index(escaped, apiRoot+"/"); i >= 0 {
		escaped = escaped[i+len(apiRoot):]
	}
	segs := strings.Split(escaped, "/")
	for i, seg := range segs {
		if seg != "" && !literalSegments[seg] {
			segs[i] = "*"
		}
	}
	return strings.Join(segs, "/")
}

// checkBody checks a JSON object received for op against the spec's schema
// of its body: unknown fields, required fields absent and wrong types are
// 400 root.invalid_data, one error per problem naming its field, as the live
// API answers a body it cannot bind.
func checkBody(op string, body []byte) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return invalidData("The request body is not valid JSON: " + err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidData("The request body has data after the JSON object.")
	}
	problems := specFacts.CheckBody(v, operations[op].body)
	if len(problems) == 0 {
		return nil
	}
	e := &apiError{status: http.StatusBadRequest}
	for _, p := range problems {
		e.add(ecloud.CodeRootInvalidData, p.Message, p.Field)
	}
	return e
}
