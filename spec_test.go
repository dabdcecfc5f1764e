package ecloud

// The spec drift test. testdata/spec_facts.json holds the facts of the wire
// contract (../shared/spec/organizations-subset.json): every schema's
// properties and every operation's method, path, parameters and documented
// errors. It is generated, from the repository root, by
//
//	go run ./internal/specfacts -spec ../shared/spec/organizations-subset.json -out testdata/spec_facts.json
//
// and committed, so these tests need nothing outside the repository.
// TestSpecFactFileIsCurrent regenerates it in memory when the spec is beside
// the repository and fails when the committed file is stale.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

const (
	tcFactsPath = "testdata/spec_facts.json"
	tcSpecPath  = "../shared/spec/organizations-subset.json"
)

var tcFactsOnce = sync.OnceValues(func() (*facts.Facts, error) {
	raw, err := os.ReadFile(tcFactsPath)
	if err != nil {
		return nil, err
	}
	var f facts.Facts
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	return &f, nil
})

// tcLoadFacts returns the fact file (read once; callers must not modify it).
func tcLoadFacts(t *testing.T) *facts.Facts {
	t.Helper()
	f, err := tcFactsOnce()
	if err != nil {
		t.Fatalf("reading %s: %v", tcFactsPath, err)
	}
	return f
}

func tcFactOp(t *testing.T, f *facts.Facts, opID string) *facts.Operation {
	t.Helper()
	for _, op := range f.Operations {
		if op.OperationID == opID {
			return op
		}
	}
	t.Fatalf("operation %s is not in %s", opID, tcFactsPath)
	return nil
}

func TestSpecFactFileIsCurrent(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(tcSpecPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is not beside the repository; the committed fact file is used as is", tcSpecPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Extract(raw, "organizations-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := facts.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(tcFactsPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: regenerate it with go run ./internal/specfacts -spec %s -out %s", tcFactsPath, tcSpecPath, tcFactsPath)
	}
}

// TestSpecFactFileShape pins what the fact file must contain, so an empty or
// truncated file cannot make the other spec tests pass vacuously.
func TestSpecFactFileShape(t *testing.T) {
	t.Parallel()
	f := tcLoadFacts(t)
	if f.BasePath != "/api/v1" || !strings.HasSuffix(DefaultBaseURL, f.BasePath) {
		t.Errorf("base path = %q; DefaultBaseURL = %q", f.BasePath, DefaultBaseURL)
	}
	if len(f.Operations) != 10 {
		t.Errorf("%d operations in the fact file, want the ten Organizations operations", len(f.Operations))
	}
	if len(f.Schemas) != 17 {
		t.Errorf("%d schemas in the fact file, want 17", len(f.Schemas))
	}
	var ids []string
	for _, op := range f.Operations {
		ids = append(ids, op.OperationID)
	}
	covered := slices.Concat(tcOrganizationOps, tcInvitationOps)
	slices.Sort(covered)
	if !slices.Equal(ids, covered) {
		t.Errorf("the operation tests cover %v, the spec has %v", covered, ids)
	}
	for _, id := range ids {
		if tcOpCalls[id] == nil {
			t.Errorf("tcOpCalls has no call for %s", id)
		}
	}
	if len(tcOpCalls) != len(ids) {
		t.Errorf("tcOpCalls has %d operations, the spec %d", len(tcOpCalls), len(ids))
	}
}

// tcSchemaTypes maps every spec schema to its Go model. BasicFailedReply and
// EmptyResponse have no model: the first is decoded inside the error path
// (checked in TestSpecModels), the second is ignored.
var tcSchemaTypes = map[string]reflect.Type{
	"Organization":                  reflect.TypeFor[Organization](),
	"OrganizationList":              reflect.TypeFor[OrganizationList](),
	"OrganizationInvitation":        reflect.TypeFor[OrganizationInvitation](),
	"OrganizationMembership":        reflect.TypeFor[OrganizationMembership](),
	"RoleAssignments":               reflect.TypeFor[RoleAssignments](),
	"PlatformRoleAssignment":        reflect.TypeFor[PlatformRoleAssignment](),
	"OrganizationRoleAssignment":    reflect.TypeFor[OrganizationRoleAssignment](),
	"DeploymentRoleAssignment":      reflect.TypeFor[DeploymentRoleAssignment](),
	"ProjectRoleAssignments":        reflect.TypeFor[ProjectRoleAssignments](),
	"ProjectRoleAssignment":         reflect.TypeFor[ProjectRoleAssignment](),
	"OrganizationInvitationRequest": reflect.TypeFor[CreateInvitationsRequest](),
	"OrganizationRequest":           reflect.TypeFor[UpdateOrganizationRequest](),
	"BasicFailedReplyElement":       reflect.TypeFor[ErrorDetail](),
	"OrganizationInvitations":       reflect.TypeFor[organizationInvitations](),
	"OrganizationMemberships":       reflect.TypeFor[organizationMemberships](),
	"BasicFailedReply":              nil,
	"EmptyResponse":                 nil,
}

// tcExtraFields are JSON fields a model may have beyond the spec.
var tcExtraFields = map[string][]string{
	"Organization": {"sso_login_identifier"}, // the live API sends it; the spec lacks it
}

// tcJSONField is a struct field's JSON name and options.
type tcJSONField struct {
	field     reflect.StructField
	omitempty bool
	omitzero  bool
}

// tcJSONFields lists a struct's fields by JSON name.
func tcJSONFields(t reflect.Type) map[string]tcJSONField {
	out := map[string]tcJSONField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !ok || name == "" {
			name = f.Name
		}
		o := strings.Split(opts, ",")
		out[name] = tcJSONField{field: f, omitempty: slices.Contains(o, "omitempty"), omitzero: slices.Contains(o, "omitzero")}
	}
	return out
}

var tcTimeType = reflect.TypeFor[time.Time]()

// tcTypeProblem says why Go type gt cannot hold spec type st, or "".
func tcTypeProblem(gt reflect.Type, st facts.Type, required bool) string {
	switch {
	case st.Ref != "":
		want, ok := tcSchemaTypes[st.Ref]
		if !ok || want == nil {
			return fmt.Sprintf("refers to schema %s, which has no Go type", st.Ref)
		}
		if gt != want && (gt.Kind() != reflect.Pointer || gt.Elem() != want) {
			return fmt.Sprintf("is %v, want %v or *%v ($ref %s)", gt, want, want, st.Ref)
		}
	case st.Type == "array":
		if gt.Kind() != reflect.Slice {
			return fmt.Sprintf("is %v, want a slice", gt)
		}
		if p := tcTypeProblem(gt.Elem(), *st.Items, true); p != "" {
			return "items: " + p
		}
	case st.Type == "string" && st.Format == "date-time":
		if required && gt != tcTimeType {
			return fmt.Sprintf("is %v, want time.Time (required date-time)", gt)
		}
		if !required && gt != reflect.PointerTo(tcTimeType) {
			return fmt.Sprintf("is %v, want *time.Time (optional date-time)", gt)
		}
	case st.Type == "string":
		if gt.Kind() == reflect.Pointer {
			gt = gt.Elem()
		}
		if gt.Kind() != reflect.String {
			return fmt.Sprintf("is %v, want a string", gt)
		}
	case st.Type == "boolean":
		if gt.Kind() == reflect.Pointer {
			gt = gt.Elem()
		}
		if gt.Kind() != reflect.Bool {
			return fmt.Sprintf("is %v, want a bool", gt)
		}
	case st.Type == "integer":
		if gt.Kind() == reflect.Pointer {
			gt = gt.Elem()
		}
		switch gt.Kind() {
		case reflect.Int, reflect.Int32, reflect.Int64:
		default:
			return fmt.Sprintf("is %v, want an integer", gt)
		}
	default:
		return fmt.Sprintf("spec type %+v is not known to this test", st)
	}
	return ""
}

// tcModelProblems compares Go type gt with a spec schema's properties.
func tcModelProblems(gt reflect.Type, schema *facts.Schema, extra []string) []string {
	var problems []string
	fields := tcJSONFields(gt)
	spec := map[string]bool{}
	for _, p := range schema.Properties {
		spec[p.Name] = true
		f, ok := fields[p.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("no field with JSON name %q", p.Name))
			continue
		}
		if p.Required && (f.omitempty || f.omitzero) {
			problems = append(problems, fmt.Sprintf("%s (%q) is required by the spec but tagged omitempty/omitzero", f.field.Name, p.Name))
		}
		if msg := tcTypeProblem(f.field.Type, p.Type, p.Required); msg != "" {
			problems = append(problems, fmt.Sprintf("%s (%q) %s", f.field.Name, p.Name, msg))
		}
	}
	for name, f := range fields {
		if !spec[name] && !slices.Contains(extra, name) {
			problems = append(problems, fmt.Sprintf("%s has JSON name %q, which the spec does not have", f.field.Name, name))
		}
	}
	sort.Strings(problems)
	return problems
}

func TestSpecModels(t *testing.T) {
	t.Parallel()
	f := tcLoadFacts(t)
	for name := range f.Schemas {
		if _, ok := tcSchemaTypes[name]; !ok {
			t.Errorf("spec schema %s has no Go type in tcSchemaTypes: add a model", name)
		}
	}
	for name, gt := range tcSchemaTypes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			schema, ok := f.Schemas[name]
			if !ok {
				t.Fatalf("schema %s is not in the spec any more", name)
			}
			switch name {
			case "EmptyResponse":
				if len(schema.Properties) != 0 {
					t.Errorf("EmptyResponse has properties %+v; the SDK ignores its body", schema.Properties)
				}
				return
			case "BasicFailedReply":
				// decodeErrorBody reads {"errors":[ErrorDetail...]}.
				want := []facts.Property{{Name: "errors", Type: facts.Type{Type: "array", Items: &facts.Type{Ref: "BasicFailedReplyElement"}}, Required: true}}
				if !reflect.DeepEqual(schema.Properties, want) {
					t.Errorf("BasicFailedReply = %+v, the error decoder expects %+v", schema.Properties, want)
				}
				return
			}
			for _, p := range tcModelProblems(gt, schema, tcExtraFields[name]) {
				t.Errorf("%v: %s", gt, p)
			}
		})
	}
}

// TestSpecModelCheckerCatchesDrift proves the model check can fail: broken
// copies of a model are reported.
func TestSpecModelCheckerCatchesDrift(t *testing.T) {
	t.Parallel()
	schema := tcLoadFacts(t).Schemas["OrganizationInvitation"]
	type tcMissing struct { // no accepted_at
		Token           string           `json:"token"`
		Email           string           `json:"email"`
		CreatedAt       time.Time        `json:"created_at"`
		ExpiresAt       time.Time        `json:"expires_at"`
		Expired         bool             `json:"expired"`
		Organization    Organization     `json:"organization"`
		RoleAssignments *RoleAssignments `json:"role_assignments,omitempty"`
	}
	type tcBroken struct {
		Token           string           `json:"token,omitempty"`  // required but omitempty
		Email           string           `json:"e_mail"`           // misnamed
		CreatedAt       string           `json:"created_at"`       // not a time.Time
		ExpiresAt       *time.Time       `json:"expires_at"`       // required date-time as a pointer
		Expired         string           `json:"expired"`          // not a bool
		AcceptedAt      time.Time        `json:"accepted_at"`      // optional date-time not a pointer
		Organization    OrganizationList `json:"organization"`     // wrong $ref
		RoleAssignments []string         `json:"role_assignments"` // not the struct
		Extra           string           `json:"extra,omitempty"`  // not in the spec
		Email2          string           `json:"email,omitempty"`  // required but omitempty
		Contacts        []int            `json:"billing_contacts"` // not in this schema
	}
	if got := tcModelProblems(reflect.TypeFor[tcMissing](), schema, nil); len(got) != 1 || !strings.Contains(got[0], `"accepted_at"`) {
		t.Errorf("missing property: problems = %q, want one about accepted_at", got)
	}
	got := strings.Join(tcModelProblems(reflect.TypeFor[tcBroken](), schema, nil), "\n")
	for _, want := range []string{
		`Token ("token") is required`, `Email2 ("email") is required`, `"e_mail", which the spec does not have`,
		`CreatedAt ("created_at") is string, want time.Time`, `ExpiresAt ("expires_at") is *time.Time, want time.Time`,
		`Expired ("expired") is string, want a bool`, `AcceptedAt ("accepted_at") is time.Time, want *time.Time`,
		`Organization ("organization") is ecloud.OrganizationList`, `RoleAssignments ("role_assignments") is []string`,
		`"extra", which the spec does not have`, `"billing_contacts", which the spec does not have`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checker missed %q; it reported:\n%s", want, got)
		}
	}
}

// tcMethodName camel-cases an operationId: list-organization-invitations →
// ListOrganizationInvitations.
func tcMethodName(opID string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(opID, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func TestSpecEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	iface := reflect.TypeFor[OrganizationsAPI]()
	client := reflect.TypeFor[*Client]()
	for _, op := range tcLoadFacts(t).Operations {
		name := tcMethodName(op.OperationID)
		if _, ok := iface.MethodByName(name); !ok {
			t.Errorf("operation %s has no method %s on OrganizationsAPI", op.OperationID, name)
		}
		if _, ok := client.MethodByName(name); !ok {
			t.Errorf("operation %s has no method %s on *Client", op.OperationID, name)
		}
	}
	if iface.NumMethod() != len(tcLoadFacts(t).Operations) {
		t.Errorf("OrganizationsAPI has %d methods, the spec %d operations", iface.NumMethod(), len(tcLoadFacts(t).Operations))
	}
}

var (
	tcContextType = reflect.TypeFor[context.Context]()
	tcErrorType   = reflect.TypeFor[error]()
)

// tcSpecCall is a reflective call of an operation's method with sample
// arguments, and the request the spec says it must send.
type tcSpecCall struct {
	args      []reflect.Value
	path      string // escaped, after the prefix
	query     url.Values
	problems  []string
	hasResult bool
}

// tcBuildSpecCall makes sample arguments for method m of op: each string or
// []string argument fills the next path parameter (in path order) with
// characters that need escaping; a struct argument is the body, with the
// schema's required properties filled; a pointer to an options struct sets
// every query parameter of the spec through its url tag.
func tcBuildSpecCall(f *facts.Facts, op *facts.Operation, mt reflect.Type) tcSpecCall {
	sc := tcSpecCall{path: op.Path, query: url.Values{}}
	next := 0
	pathParam := func() (facts.Parameter, bool) {
		if next >= len(op.PathParams) {
			sc.problems = append(sc.problems, "more string arguments than path parameters")
			return facts.Parameter{}, false
		}
		next++
		return op.PathParams[next-1], true
	}
	for i := range mt.NumIn() {
		in := mt.In(i)
		switch {
		case in == tcContextType:
			sc.args = append(sc.args, reflect.ValueOf(context.Background()))
		case in.Kind() == reflect.String:
			p, ok := pathParam()
			if !ok {
				return sc
			}
			v := "x/" + p.Name + "?#%"
			sc.args = append(sc.args, reflect.ValueOf(v))
			sc.path = strings.Replace(sc.path, "{"+p.Name+"}", url.PathEscape(v), 1)
		case in.Kind() == reflect.Slice && in.Elem().Kind() == reflect.String:
			p, ok := pathParam()
			if !ok {
				return sc
			}
			v := []string{"a/" + p.Name, "b?" + p.Name}
			sc.args = append(sc.args, reflect.ValueOf(v))
			sc.path = strings.Replace(sc.path, "{"+p.Name+"}", url.PathEscape(strings.Join(v, ",")), 1)
		case in.Kind() == reflect.Struct:
			if op.Body == "" {
				sc.problems = append(sc.problems, fmt.Sprintf("argument %v but the spec has no body", in))
			}
			if want := tcSchemaTypes[op.Body]; want != in {
				sc.problems = append(sc.problems, fmt.Sprintf("body argument is %v, the spec's %s maps to %v", in, op.Body, want))
			}
			v := reflect.New(in).Elem()
			fields := tcJSONFields(in)
			for _, p := range f.Schemas[op.Body].Properties {
				if !p.Required {
					continue
				}
				fv := v.FieldByIndex(fields[p.Name].field.Index)
				switch {
				case p.Type.Type == "array" && p.Items.Type == "string":
					fv.Set(reflect.ValueOf([]string{"tc@example.com"}))
				case p.Type.Type == "string":
					fv.SetString("tc")
				default:
					sc.problems = append(sc.problems, fmt.Sprintf("cannot fill required body property %s", p.Name))
				}
			}
			sc.args = append(sc.args, v)
		case in.Kind() == reflect.Pointer && in.Elem().Kind() == reflect.Struct:
			v := reflect.New(in.Elem())
			for _, q := range op.QueryParams {
				field, ok := tcURLField(in.Elem(), q.Name)
				if !ok {
					sc.problems = append(sc.problems, fmt.Sprintf("query parameter %s has no field in %v", q.Name, in.Elem()))
					continue
				}
				switch q.Type {
				case "boolean":
					v.Elem().FieldByIndex(field.Index).Set(reflect.ValueOf(Ptr(true)))
					sc.query.Set(q.Name, "true")
				default:
					sc.problems = append(sc.problems, fmt.Sprintf("query parameter %s of type %s is not known to this test", q.Name, q.Type))
				}
			}
			sc.args = append(sc.args, v)
		default:
			sc.problems = append(sc.problems, fmt.Sprintf("argument %d has type %v, not known to this test", i, in))
		}
	}
	if next != len(op.PathParams) {
		sc.problems = append(sc.problems, fmt.Sprintf("%d path arguments for %d path parameters", next, len(op.PathParams)))
	}
	if len(op.QueryParams) > 0 && !slices.ContainsFunc(sc.args, func(v reflect.Value) bool { return v.Kind() == reflect.Pointer }) {
		sc.problems = append(sc.problems, "the spec has query parameters but the method takes no options")
	}
	switch mt.NumOut() {
	case 1:
	case 2:
		sc.hasResult = true
	default:
		sc.problems = append(sc.problems, fmt.Sprintf("%d results", mt.NumOut()))
	}
	if mt.Out(mt.NumOut()-1) != tcErrorType {
		sc.problems = append(sc.problems, "the last result is not an error")
	}
	return sc
}

func tcURLField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("url"), ","); n == name {
			return f, f.Type == reflect.TypeFor[*bool]()
		}
	}
	return reflect.StructField{}, false
}

// TestSpecOperationsSendSpecRequests calls every operation of the fact file
// by reflection and checks the request against the spec: method, the path
// template with its parameters escaped into single segments, the query
// parameters, and a JSON body exactly when the spec has one. It then answers
// with each documented error status and checks the *APIError names the
// operation.
func TestSpecOperationsSendSpecRequests(t *testing.T) {
	t.Parallel()
	f := tcLoadFacts(t)
	for _, op := range f.Operations {
		t.Run(op.OperationID, func(t *testing.T) {
			t.Parallel()
			method, ok := reflect.TypeFor[OrganizationsAPI]().MethodByName(tcMethodName(op.OperationID))
			if !ok {
				t.Fatalf("no method %s", tcMethodName(op.OperationID))
			}
			sc := tcBuildSpecCall(f, op, method.Type)
			for _, p := range sc.problems {
				t.Error(p)
			}
			if t.Failed() {
				return
			}
			if len(op.Success) != 1 {
				t.Fatalf("want one documented success, got %+v", op.Success)
			}

			c, m := tcClient(t, tcReply{Status: op.Success[0].Status, Body: tcAnySuccess})
			out := reflect.ValueOf(c).MethodByName(method.Name).Call(sc.args)
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				t.Fatalf("%s: %v", method.Name, err)
			}
			if sc.hasResult && out[0].Kind() == reflect.Pointer && out[0].IsNil() {
				t.Errorf("%s returned a nil result with a nil error", method.Name)
			}
			r := m.only(t)
			if r.Method != op.Method {
				t.Errorf("method = %s, spec %s", r.Method, op.Method)
			}
			if want := tcPrefix + sc.path; r.Path != want {
				t.Errorf("path = %s, spec %s", r.Path, want)
			}
			if want := sc.query.Encode(); r.RawQuery != want {
				t.Errorf("query = %q, spec %q", r.RawQuery, want)
			}
			_, hasCT := r.Header["Content-Type"]
			if op.Body == "" && (hasCT || len(r.Body) > 0) {
				t.Errorf("sent a body %q (Content-Type %v) though the spec has none", r.Body, hasCT)
			}
			if op.Body != "" {
				var obj map[string]any
				if r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(r.Body, &obj) != nil {
					t.Errorf("body %q with Content-Type %q, want a JSON object", r.Body, r.Header.Get("Content-Type"))
				}
			}

			for _, e := range op.Errors {
				c, _ := tcClient(t, tcReply{Status: e.Status, Body: `{"errors":[]}`, Header: http.Header{"X-Cloud-Error-Codes": e.Codes}})
				out := reflect.ValueOf(c).MethodByName(method.Name).Call(sc.args)
				err, _ := out[len(out)-1].Interface().(error)
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Errorf("%d: error %v, want *APIError", e.Status, err)
					continue
				}
				if apiErr.Operation != op.OperationID || apiErr.Method != op.Method || apiErr.StatusCode != e.Status || !slices.Equal(apiErr.Codes, e.Codes) {
					t.Errorf("%d: APIError{Operation %q, Method %q, StatusCode %d, Codes %q}, want {%q, %q, %d, %q}",
						e.Status, apiErr.Operation, apiErr.Method, apiErr.StatusCode, apiErr.Codes, op.OperationID, op.Method, e.Status, e.Codes)
				}
				for _, code := range e.Codes { // sent only in the header, one per line
					if !HasCode(err, code) {
						t.Errorf("%d: HasCode(err, %q) = false for a code sent only in the header", e.Status, code)
					}
				}
			}
		})
	}
}

// tcCodeConstants lists the exported error-code constants by name.
var tcCodeConstants = []struct{ name, value string }{
	{"CodeOrganizationInvalidAccess", CodeOrganizationInvalidAccess},
	{"CodeOrganizationInvalidName", CodeOrganizationInvalidName},
	{"CodeOrganizationInvitationAlreadyExists", CodeOrganizationInvitationAlreadyExists},
	{"CodeOrganizationInvitationInvalidEmail", CodeOrganizationInvitationInvalidEmail},
	{"CodeOrganizationInvitationNotFound", CodeOrganizationInvitationNotFound},
	{"CodeOrganizationInvitationsRateLimitExceeded", CodeOrganizationInvitationsRateLimitExceeded},
	{"CodeOrganizationMembershipNotFound", CodeOrganizationMembershipNotFound},
	{"CodeOrganizationNotFound", CodeOrganizationNotFound},
	{"CodeOrganizationUserOrganizationAlreadyBelongs", CodeOrganizationUserOrganizationAlreadyBelongs},
	{"CodeOrganizationUserOrganizationAlreadyExists", CodeOrganizationUserOrganizationAlreadyExists},
	{"CodeOrganizationUserOrganizationDoesNotBelong", CodeOrganizationUserOrganizationDoesNotBelong},
	{"CodeRootInvalidAuthentication", CodeRootInvalidAuthentication},
	{"CodeRootInvalidData", CodeRootInvalidData},
	{"CodeUserNotFound", CodeUserNotFound},
	{"CodeRootUnauthorized", CodeRootUnauthorized},
	{"CodeRootPermissionDenied", CodeRootPermissionDenied},
}

// tcCodeName is the constant name for a code: organization.not_found →
// CodeOrganizationNotFound.
func tcCodeName(code string) string {
	var b strings.Builder
	b.WriteString("Code")
	for part := range strings.FieldsFuncSeq(code, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func TestSpecErrorCodeConstants(t *testing.T) {
	t.Parallel()
	byValue := map[string]string{}
	for _, c := range tcCodeConstants {
		if want := tcCodeName(c.value); c.name != want {
			t.Errorf("constant %s = %q, want it named %s", c.name, c.value, want)
		}
		byValue[c.value] = c.name
	}
	specCodes := map[string]bool{}
	for _, op := range tcLoadFacts(t).Operations {
		for _, e := range op.Errors {
			for _, code := range e.Codes {
				specCodes[code] = true
			}
		}
	}
	if len(specCodes) != 14 {
		t.Errorf("the spec has %d distinct error codes, the issue counts 14", len(specCodes))
	}
	for code := range specCodes {
		if _, ok := byValue[code]; !ok {
			t.Errorf("spec error code %q has no constant (want %s)", code, tcCodeName(code))
		}
	}
	for _, live := range []string{"root.unauthorized", "root.permission_denied"} {
		if _, ok := byValue[live]; !ok {
			t.Errorf("live error code %q has no constant", live)
		}
	}
	if len(byValue) != len(tcCodeConstants) {
		t.Errorf("two constants share a value")
	}
}

// TestSpecMethodDocsNameTheOperation: each method lives in the file of its
// area (organizations.go or invitations.go) and its doc comment names the
// spec's operationId, method and path, as in
// "Operation list-organization-invitations: GET /organizations/{organization_id}/invitations."
func TestSpecMethodDocsNameTheOperation(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	docs := map[string]string{} // method name → file and doc
	for _, file := range []string{"organizations.go", "invitations.go"} {
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			docs[fn.Name.Name] = file + "\n" + fn.Doc.Text()
		}
	}
	inFile := map[string]string{}
	for _, id := range tcOrganizationOps {
		inFile[id] = "organizations.go"
	}
	for _, id := range tcInvitationOps {
		inFile[id] = "invitations.go"
	}
	for _, op := range tcLoadFacts(t).Operations {
		name := tcMethodName(op.OperationID)
		doc, ok := docs[name]
		if !ok {
			t.Errorf("%s is not declared in organizations.go or invitations.go", name)
			continue
		}
		file, text, _ := strings.Cut(doc, "\n")
		if file != inFile[op.OperationID] {
			t.Errorf("%s is in %s, want %s", name, file, inFile[op.OperationID])
		}
		if want := fmt.Sprintf("Operation %s: %s %s", op.OperationID, op.Method, op.Path); !strings.Contains(text, want) {
			t.Errorf("the doc comment of %s does not say %q:\n%s", name, want, text)
		}
	}
}
