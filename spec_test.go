package ecloud

// The spec drift test. testdata/spec_facts.json holds the facts of the wire
// contract (../shared/spec/organizations-current.json): every schema's
// properties and every operation's method, path, parameters, body and
// documented responses. It is generated, from the repository root, by
//
//	go run ./internal/specfacts -spec ../shared/spec/organizations-current.json -out testdata/spec_facts.json
//
// and committed, so these tests need nothing outside the repository.
// TestSpecFactFileIsCurrent regenerates it in memory when the spec is beside
// the repository and fails when the committed file is stale.
//
// Every operation of the spec is either implemented (a method of API, in the
// file of its area, see tcAreas) or listed in tcNotYetImplemented. Adding an
// operation to the SDK means deleting its line there; the tests below then
// check it against the spec.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

const (
	tcFactsPath = "testdata/spec_facts.json"
	tcSpecPath  = "../shared/spec/organizations-current.json"
)

// tcNotYetImplemented are the operations of the spec that the SDK has no
// method for yet: the only place that says so. Today there is none.
var tcNotYetImplemented = []string{}

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

// tcImplemented returns the operations of the spec the SDK implements.
func tcImplemented(t *testing.T) []*facts.Operation {
	t.Helper()
	var out []*facts.Operation
	for _, op := range tcLoadFacts(t).Operations {
		if !slices.Contains(tcNotYetImplemented, op.OperationID) {
			out = append(out, op)
		}
	}
	return out
}

// tcStringConstants reads the exported string constants of file whose name
// starts with prefix (the Code… of errors.go, the Op… of operations.go), so
// that a constant added there is checked without being listed here.
func tcStringConstants(t *testing.T, file, prefix string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, prefix) || !name.IsExported() || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("constant %s is not a string literal", name.Name)
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out[name.Name] = v
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s… constants found in %s", prefix, file)
	}
	return out
}

// tcMethodName is the method of an operation: its Op… constant's name
// without "Op" (list-organization-invitations is OpListOrganizationInvitations,
// so ListOrganizationInvitations).
func tcMethodName(t *testing.T, opID string) string {
	t.Helper()
	for name, value := range tcStringConstants(t, "operations.go", "Op") {
		if value == opID {
			return strings.TrimPrefix(name, "Op")
		}
	}
	t.Fatalf("operation %s has no Op constant", opID)
	return ""
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
	f, err := facts.Extract(raw, filepath.Base(tcSpecPath))
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
// truncated file cannot make the other spec tests pass vacuously, and checks
// that every operation is implemented or listed as not yet implemented.
func TestSpecFactFileShape(t *testing.T) {
	t.Parallel()
	f := tcLoadFacts(t)
	if f.Source != filepath.Base(tcSpecPath) {
		t.Errorf("the fact file comes from %s, want %s", f.Source, filepath.Base(tcSpecPath))
	}
	if f.BasePath != "/api/v1" || !strings.HasSuffix(DefaultBaseURL, f.BasePath) {
		t.Errorf("base path = %q; DefaultBaseURL = %q", f.BasePath, DefaultBaseURL)
	}
	if len(f.Operations) != 26 {
		t.Errorf("%d operations in the fact file, want 26", len(f.Operations))
	}
	if len(f.Schemas) != 34 {
		t.Errorf("%d schemas in the fact file, want 34", len(f.Schemas))
	}
	for i, id := range tcNotYetImplemented {
		if !slices.ContainsFunc(f.Operations, func(op *facts.Operation) bool { return op.OperationID == id }) {
			t.Errorf("tcNotYetImplemented lists %s, which the spec does not have", id)
		}
		if slices.Contains(tcNotYetImplemented[:i], id) {
			t.Errorf("tcNotYetImplemented lists %s twice", id)
		}
	}
	var ids []string
	for _, op := range tcImplemented(t) {
		ids = append(ids, op.OperationID)
	}
	covered := slices.Concat(tcOrganizationOps, tcInvitationOps, tcRoleAssignmentOps, tcDomainClaimOps, tcIdPOps, tcRoleMappingOps)
	slices.Sort(covered)
	if !slices.Equal(ids, covered) {
		t.Errorf("the operation tests cover %v, the SDK implements %v", covered, ids)
	}
	for _, id := range ids {
		if tcOpCalls[id] == nil {
			t.Errorf("tcOpCalls has no call for %s", id)
		}
	}
	if len(tcOpCalls) != len(ids) {
		t.Errorf("tcOpCalls has %d operations, the SDK implements %d", len(tcOpCalls), len(ids))
	}
}

// TestSpecOperationConstants: the Op… constants of operations.go are exactly
// the spec's operationIds.
func TestSpecOperationConstants(t *testing.T) {
	t.Parallel()
	consts := tcStringConstants(t, "operations.go", "Op")
	byValue := map[string]string{}
	for name, value := range consts {
		if other, dup := byValue[value]; dup {
			t.Errorf("%s and %s are both %q", name, other, value)
		}
		byValue[value] = name
	}
	spec := map[string]bool{}
	for _, op := range tcLoadFacts(t).Operations {
		spec[op.OperationID] = true
		if _, ok := byValue[op.OperationID]; !ok {
			t.Errorf("operation %s of the spec has no Op constant in operations.go", op.OperationID)
		}
	}
	for value, name := range byValue {
		if !spec[value] {
			t.Errorf("%s = %q is not an operation of the spec", name, value)
		}
	}
}

// tcSchemaTypes maps the spec's schemas to Go models. BasicFailedReply and
// EmptyResponse have no model: the first is decoded inside the error path
// (checked in TestSpecModels), the second is ignored. Schemas used only by
// operations not yet implemented need no entry.
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

	"GetOrganizationClaimedDomainsResponse": reflect.TypeFor[domainClaims](),
	"VerificationCodeRequest":               reflect.TypeFor[domainClaimRequest](),
	"VerificationCodeResponse":              reflect.TypeFor[verificationCode](),
	"DomainVerificationRequest":             reflect.TypeFor[domainClaimRequest](),
	"DeleteDomainClaimRequest":              reflect.TypeFor[domainClaimRequest](),
	"OrganizationIdp":                       reflect.TypeFor[OrganizationIdP](),
	"OrganizationIdpConfiguration":          reflect.TypeFor[IdPConfiguration](),
	"IdpConfigurationRequest":               reflect.TypeFor[IdPConfiguration](),
	"SamlIdp":                               reflect.TypeFor[SAMLIdP](),
	"RoleMapping":                           reflect.TypeFor[RoleMapping](),
	"RoleMappingRule":                       reflect.TypeFor[RoleMappingRule](),
	"RoleMappingPropertyRule":               reflect.TypeFor[RoleMappingPropertyRule](),
	"GetRoleMappingsResponse":               reflect.TypeFor[roleMappings](),
	"AddRoleMappingRequest":                 reflect.TypeFor[roleMappings](),
	"UpdateOrganizationRoleMappingRequest":  reflect.TypeFor[roleMappings](),
	"UpdateRoleMappingRequest":              reflect.TypeFor[roleMappingRequest](),
	"DeleteRoleMappingsResponse":            reflect.TypeFor[deletedRoleMappings](),
}

// tcExclusiveProperties are the schemas whose properties exclude each other
// (the spec's descriptions say "either group or email but not both"): a
// sample array of them holds one item per property, each item setting only
// that property, and each item sent must set exactly one.
var tcExclusiveProperties = map[string]bool{"RoleMappingPropertyRule": true}

// tcExtraFields are JSON fields a model may have beyond the spec.
var tcExtraFields = map[string][]string{}

// tcUsedSchemas returns the schemas the implemented operations use: their
// bodies and responses, and every schema those refer to.
func tcUsedSchemas(t *testing.T) map[string]bool {
	t.Helper()
	f := tcLoadFacts(t)
	used := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if name == "" || used[name] {
			return
		}
		used[name] = true
		schema, ok := f.Schemas[name]
		if !ok {
			t.Fatalf("schema %s is not in the fact file", name)
		}
		for _, p := range schema.Properties {
			for ty := &p.Type; ty != nil; ty = ty.Items {
				visit(ty.Ref)
			}
		}
	}
	for _, op := range tcImplemented(t) {
		visit(op.Body)
		for _, r := range slices.Concat(op.Success, op.Errors) {
			visit(r.Schema)
		}
	}
	return used
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
	used := tcUsedSchemas(t)
	for name := range used {
		if _, ok := tcSchemaTypes[name]; !ok {
			t.Errorf("spec schema %s is used by an implemented operation but has no Go type in tcSchemaTypes: add a model", name)
		}
	}
	for name, gt := range tcSchemaTypes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			schema, ok := f.Schemas[name]
			if !ok {
				t.Fatalf("schema %s is not in the spec any more", name)
			}
			if !used[name] {
				t.Errorf("schema %s is used by no implemented operation: drop it from tcSchemaTypes", name)
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

func TestSpecEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	api := reflect.TypeFor[API]()
	client := reflect.TypeFor[*Client]()
	implemented := tcImplemented(t)
	for _, op := range implemented {
		name := tcMethodName(t, op.OperationID)
		if _, ok := api.MethodByName(name); !ok {
			t.Errorf("operation %s has no method %s on API", op.OperationID, name)
		}
		if _, ok := client.MethodByName(name); !ok {
			t.Errorf("operation %s has no method %s on *Client", op.OperationID, name)
		}
	}
	if api.NumMethod() != len(implemented) {
		t.Errorf("API has %d methods, the SDK implements %d operations", api.NumMethod(), len(implemented))
	}
	for _, id := range tcNotYetImplemented {
		name := tcMethodName(t, id)
		if _, ok := client.MethodByName(name); ok {
			t.Errorf("%s is listed as not yet implemented, but *Client has %s: delete it from tcNotYetImplemented", id, name)
		}
	}
}

var (
	tcContextType = reflect.TypeFor[context.Context]()
	tcErrorType   = reflect.TypeFor[error]()
	tcSampleTime  = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
)

// tcFill sets every field of v that stands for a property of the schema
// (required or not) to a sample value, recursively, so that encoding v
// shows every property the model sends.
func tcFill(f *facts.Facts, v reflect.Value, schema string) []string {
	var problems []string
	for _, p := range f.Schemas[schema].Properties {
		problems = append(problems, tcFillProperty(f, v, schema, p)...)
	}
	return problems
}

// tcFillProperty sets the field of v that stands for property p of schema.
func tcFillProperty(f *facts.Facts, v reflect.Value, schema string, p facts.Property) []string {
	field, ok := tcJSONFields(v.Type())[p.Name]
	if !ok {
		return []string{fmt.Sprintf("%v has no field for %s.%s", v.Type(), schema, p.Name)}
	}
	return tcFillValue(f, v.FieldByIndex(field.field.Index), p.Type, schema+"."+p.Name)
}

func tcFillValue(f *facts.Facts, v reflect.Value, st facts.Type, where string) []string {
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	switch {
	case st.Ref != "" && v.Kind() == reflect.Struct:
		return tcFill(f, v, st.Ref)
	case st.Type == "array" && v.Kind() == reflect.Slice && tcExclusiveProperties[st.Items.Ref]:
		props := f.Schemas[st.Items.Ref].Properties
		v.Set(reflect.MakeSlice(v.Type(), len(props), len(props)))
		var problems []string
		for i, p := range props {
			problems = append(problems, tcFillProperty(f, v.Index(i), st.Items.Ref, p)...)
		}
		return problems
	case st.Type == "array" && v.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		return tcFillValue(f, v.Index(0), *st.Items, where+"[0]")
	case st.Format == "date-time" && v.Type() == tcTimeType:
		v.Set(reflect.ValueOf(tcSampleTime))
	case st.Type == "string" && v.Kind() == reflect.String:
		v.SetString("tc-" + where)
	case st.Type == "boolean" && v.Kind() == reflect.Bool:
		v.SetBool(true)
	case st.Type == "integer" && v.CanInt():
		v.SetInt(1)
	default:
		return []string{fmt.Sprintf("%s: cannot fill %v from %+v", where, v.Type(), st)}
	}
	return nil
}

// tcSampleJSON is a JSON value of spec type st with every property present.
func tcSampleJSON(f *facts.Facts, st facts.Type) any {
	switch {
	case st.Ref != "":
		obj := map[string]any{}
		for _, p := range f.Schemas[st.Ref].Properties {
			obj[p.Name] = tcSampleJSON(f, p.Type)
		}
		return obj
	case st.Type == "array":
		return []any{tcSampleJSON(f, *st.Items)}
	case st.Format == "date-time":
		return tcSampleTime.Format(time.RFC3339)
	case st.Type == "boolean":
		return true
	case st.Type == "integer":
		return 1
	}
	return "tc"
}

// tcCheckJSON checks a JSON value sent against spec type st: objects have
// exactly the schema's properties (the sample value set them all), arrays
// hold items of the item type; an object of tcExclusiveProperties has
// exactly one property, and an array of them all its properties between its
// items.
func tcCheckJSON(f *facts.Facts, v any, st facts.Type, where string) []string {
	switch {
	case st.Ref != "":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s is %T, want an object (%s)", where, v, st.Ref)}
		}
		var problems []string
		if tcExclusiveProperties[st.Ref] && len(obj) != 1 {
			problems = append(problems, fmt.Sprintf("%s has %d properties, want exactly one of %s", where, len(obj), st.Ref))
		}
		props := map[string]bool{}
		for _, p := range f.Schemas[st.Ref].Properties {
			props[p.Name] = true
			pv, ok := obj[p.Name]
			if !ok {
				if !tcExclusiveProperties[st.Ref] {
					problems = append(problems, fmt.Sprintf("%s.%s was not sent though the request set it", where, p.Name))
				}
				continue
			}
			problems = append(problems, tcCheckJSON(f, pv, p.Type, where+"."+p.Name)...)
		}
		for k := range obj {
			if !props[k] {
				problems = append(problems, fmt.Sprintf("%s.%s was sent but is not a property of %s", where, k, st.Ref))
			}
		}
		return problems
	case st.Type == "array":
		list, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s is %T, want an array", where, v)}
		}
		var problems []string
		sent := map[string]bool{}
		for i, item := range list {
			problems = append(problems, tcCheckJSON(f, item, *st.Items, fmt.Sprintf("%s[%d]", where, i))...)
			if obj, ok := item.(map[string]any); ok {
				for k := range obj {
					sent[k] = true
				}
			}
		}
		if tcExclusiveProperties[st.Items.Ref] {
			for _, p := range f.Schemas[st.Items.Ref].Properties {
				if !sent[p.Name] {
					problems = append(problems, fmt.Sprintf("no item of %s has %s though the request set it", where, p.Name))
				}
			}
		}
		return problems
	case st.Type == "string":
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s is %T, want a string", where, v)}
		}
	case st.Type == "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s is %T, want a boolean", where, v)}
		}
	case st.Type == "integer":
		if _, ok := v.(float64); !ok {
			return []string{fmt.Sprintf("%s is %T, want a number", where, v)}
		}
	}
	return nil
}

// tcSpecCall is a reflective call of an operation's method with sample
// arguments, and the request the spec says it must send.
type tcSpecCall struct {
	args     []reflect.Value
	path     string // escaped, after the prefix
	query    url.Values
	body     bool   // an argument is the body or its contents
	bodyText string // the string argument that is the body's only property, if any
	problems []string
	result   reflect.Type // nil when the method returns only an error
}

// tcBuildSpecCall makes sample arguments for method m of op: each string or
// []string argument fills the next path parameter (in path order) with
// characters that need escaping, and a string argument left when the path
// parameters are filled is the body's only property (a domain); a struct
// argument is the body, with every property of its schema set, and a struct
// or slice argument whose type is the only field of the body's model is the
// contents of that wrapper (a list of role mappings); a pointer to an options
// struct sets every query parameter of the spec through its url tag.
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
		case in.Kind() == reflect.String && next == len(op.PathParams) && op.Body != "":
			props := f.Schemas[op.Body].Properties
			if len(props) != 1 || props[0].Type.Type != "string" || sc.body {
				sc.problems = append(sc.problems, fmt.Sprintf("string argument %d is not a path parameter, and the body %s is not one string property", i, op.Body))
				return sc
			}
			sc.body, sc.bodyText = true, "x/"+props[0].Name+"?#%"
			sc.args = append(sc.args, reflect.ValueOf(sc.bodyText))
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
		case in.Kind() == reflect.Struct || in.Kind() == reflect.Slice:
			if op.Body == "" || sc.body {
				sc.problems = append(sc.problems, fmt.Sprintf("argument %v but the spec has no body, or another argument is the body", in))
				return sc
			}
			model, v := tcSchemaTypes[op.Body], reflect.New(in).Elem()
			switch props := f.Schemas[op.Body].Properties; {
			case in == model:
				sc.problems = append(sc.problems, tcFill(f, v, op.Body)...)
			case model != nil && model.NumField() == 1 && model.Field(0).Type == in && len(props) == 1:
				sc.problems = append(sc.problems, tcFillValue(f, v, props[0].Type, op.Body+"."+props[0].Name)...)
			default:
				sc.problems = append(sc.problems, fmt.Sprintf("body argument is %v, the spec's %s maps to %v", in, op.Body, model))
				return sc
			}
			sc.body = true
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
			if n := in.Elem().NumField(); n != len(op.QueryParams) {
				sc.problems = append(sc.problems, fmt.Sprintf("%v has %d fields, the spec %d query parameters", in.Elem(), n, len(op.QueryParams)))
			}
			sc.args = append(sc.args, v)
		default:
			sc.problems = append(sc.problems, fmt.Sprintf("argument %d has type %v, not known to this test", i, in))
		}
	}
	if next != len(op.PathParams) {
		sc.problems = append(sc.problems, fmt.Sprintf("%d path arguments for %d path parameters", next, len(op.PathParams)))
	}
	if op.Body != "" && !sc.body {
		sc.problems = append(sc.problems, "the spec has a body but the method takes none")
	}
	if len(op.QueryParams) > 0 && !slices.ContainsFunc(sc.args, func(v reflect.Value) bool { return v.Kind() == reflect.Pointer }) {
		sc.problems = append(sc.problems, "the spec has query parameters but the method takes no options")
	}
	if mt.NumOut() == 0 || mt.Out(mt.NumOut()-1) != tcErrorType {
		sc.problems = append(sc.problems, "the last result is not an error")
	}
	switch mt.NumOut() {
	case 1:
	case 2:
		sc.result = mt.Out(0)
	default:
		sc.problems = append(sc.problems, fmt.Sprintf("%d results", mt.NumOut()))
	}
	return sc
}

// tcResultProblem says why a method's result type does not return the
// success answer: an EmptyResponse has no result; an XML document is
// returned as []byte; another schema is returned as a pointer to its model,
// or a wrapper schema (one property) as the contents of that property.
func tcResultProblem(result reflect.Type, r facts.Response) string {
	success := r.Schema
	if r.ContentType == "application/xml" {
		if r.Type != "string" || result != reflect.TypeFor[[]byte]() {
			return fmt.Sprintf("returns %v for an XML %q answer, want []byte", result, r.Type)
		}
		return ""
	}
	if success == "EmptyResponse" || success == "" {
		if result != nil {
			return fmt.Sprintf("returns %v, but the spec answers %q", result, success)
		}
		return ""
	}
	model := tcSchemaTypes[success]
	switch {
	case result == nil:
		return fmt.Sprintf("returns no result, but the spec answers %s", success)
	case model == nil:
		return fmt.Sprintf("the spec answers %s, which has no model", success)
	case result == reflect.PointerTo(model):
		return ""
	case model.NumField() == 1 && model.Field(0).Type == result:
		return "" // a wrapper: the method returns its contents
	}
	return fmt.Sprintf("returns %v, want *%v or the contents of its only field", result, model)
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

// TestSpecOperationsSendSpecRequests calls every implemented operation by
// reflection and checks the request against the spec: method, the path
// template with its parameters escaped into single segments, the query
// parameters, and a JSON body exactly when the spec has one, holding every
// property of the body's schema and nothing else. It answers with the
// documented success status and a body with every property, and checks the
// result; then with each documented error status, and checks the *APIError.
func TestSpecOperationsSendSpecRequests(t *testing.T) {
	t.Parallel()
	f := tcLoadFacts(t)
	for _, op := range tcImplemented(t) {
		name := tcMethodName(t, op.OperationID)
		t.Run(op.OperationID, func(t *testing.T) {
			t.Parallel()
			method, ok := reflect.TypeFor[API]().MethodByName(name)
			if !ok {
				t.Fatalf("no method %s", name)
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
			success := op.Success[0]
			if p := tcResultProblem(sc.result, success); p != "" {
				t.Fatalf("%s %s", name, p)
			}
			var reply []byte
			switch success.ContentType {
			case "application/json":
				var err error
				if reply, err = json.Marshal(tcSampleJSON(f, facts.Type{Ref: success.Schema})); err != nil {
					t.Fatal(err)
				}
			case "application/xml": // SAML metadata, returned as is
				reply = []byte(`<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="tc"/>`)
			default:
				t.Fatalf("the spec answers %q; the client knows JSON and XML", success.ContentType)
			}

			c, m := tcClient(t, tcReply{Status: success.Status, Body: string(reply)})
			out := reflect.ValueOf(c).MethodByName(name).Call(sc.args)
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if sc.result != nil {
				switch r := out[0]; {
				case r.Kind() == reflect.Pointer && r.IsNil():
					t.Errorf("%s returned a nil result with a nil error", name)
				case r.Type() == reflect.TypeFor[[]byte]() && !bytes.Equal(r.Bytes(), reply):
					t.Errorf("%s returned %q for the answer %q", name, r.Bytes(), reply)
				case r.Kind() == reflect.Slice && r.Type() != reflect.TypeFor[[]byte]() && r.Len() != 1:
					t.Errorf("%s returned %d items for an answer with one", name, r.Len())
				case r.Kind() == reflect.String && r.String() != "tc":
					t.Errorf("%s returned %q for an answer holding %q", name, r.String(), "tc")
				}
			}
			r := m.only(t)
			if got := r.Header.Values("Accept"); len(got) != 1 || got[0] != success.ContentType {
				t.Errorf("Accept = %q, the spec answers %q", got, success.ContentType)
			}
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
				var body any
				if ct := r.Header.Get("Content-Type"); ct != op.BodyContentType || json.Unmarshal(r.Body, &body) != nil {
					t.Errorf("body %q with Content-Type %q, want JSON with %q", r.Body, ct, op.BodyContentType)
				}
				for _, p := range tcCheckJSON(f, body, facts.Type{Ref: op.Body}, "body") {
					t.Error(p)
				}
				if obj, _ := body.(map[string]any); sc.bodyText != "" && (len(obj) != 1 || !slices.Contains(slices.Collect(maps.Values(obj)), any(sc.bodyText))) {
					t.Errorf("body %s does not hold the argument %q", r.Body, sc.bodyText)
				}
			}

			for _, e := range op.Errors {
				errBody := `{"errors":[]}`
				if e.ContentType == "application/xml" {
					errBody = `<?xml version="1.0"?><errors><error><code>tc</code></error></errors>`
				}
				c, _ := tcClient(t, tcReply{Status: e.Status, Body: errBody, Header: http.Header{"X-Cloud-Error-Codes": e.Codes}})
				out := reflect.ValueOf(c).MethodByName(name).Call(sc.args)
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
				if e.ContentType == "application/xml" && string(apiErr.Body) != errBody {
					t.Errorf("%d: APIError.Body = %q, want the XML body %q", e.Status, apiErr.Body, errBody)
				}
			}
		})
	}
}

// tcInitialisms are the words a code's constant spells in capitals.
var tcInitialisms = map[string]string{"id": "ID", "idp": "IdP"}

// tcCodeName is the constant name for a code: organization.not_found →
// CodeOrganizationNotFound, role_assignments.invalid_target_user_id →
// CodeRoleAssignmentsInvalidTargetUserID.
func tcCodeName(code string) string {
	var b strings.Builder
	b.WriteString("Code")
	for part := range strings.FieldsFuncSeq(code, func(r rune) bool { return r == '.' || r == '_' }) {
		if w, ok := tcInitialisms[part]; ok {
			b.WriteString(w)
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func TestSpecCodeNames(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"organization.not_found":                  "CodeOrganizationNotFound",
		"role_assignments.invalid_target_user_id": "CodeRoleAssignmentsInvalidTargetUserID",
		"org.idp.idp_not_configured":              "CodeOrgIdPIdPNotConfigured",
		"root.identity_provider":                  "CodeRootIdentityProvider", // only whole words are initialisms
	} {
		if got := tcCodeName(code); got != want {
			t.Errorf("tcCodeName(%q) = %s, want %s", code, got, want)
		}
	}
}

func TestSpecErrorCodeConstants(t *testing.T) {
	t.Parallel()
	byValue := map[string]string{}
	for name, value := range tcStringConstants(t, "errors.go", "Code") {
		if want := tcCodeName(value); name != want {
			t.Errorf("constant %s = %q, want it named %s", name, value, want)
		}
		if other, dup := byValue[value]; dup {
			t.Errorf("constants %s and %s share the value %q", name, other, value)
		}
		byValue[value] = name
	}
	// Every operation of the spec, implemented or not: later operations
	// only use these constants.
	specCodes := map[string]bool{}
	for _, op := range tcLoadFacts(t).Operations {
		for _, e := range op.Errors {
			for _, code := range e.Codes {
				specCodes[code] = true
			}
		}
	}
	if len(specCodes) != 28 {
		t.Errorf("the spec has %d distinct error codes, want 28", len(specCodes))
	}
	for code := range specCodes {
		if _, ok := byValue[code]; !ok {
			t.Errorf("spec error code %q has no constant (want %s)", code, tcCodeName(code))
		}
	}
	if _, ok := byValue["root.permission_denied"]; !ok {
		t.Errorf("live error code root.permission_denied has no constant")
	}
	if len(byValue) != len(specCodes)+1 {
		t.Errorf("%d constants for %d spec codes and root.permission_denied: which constant is not in the spec?", len(byValue), len(specCodes))
	}
}

// tcArea is an area of the API: its interface and the file of its methods.
type tcArea struct {
	iface reflect.Type
	file  string
}

// tcAreas are the area interfaces API embeds, in its order.
var tcAreas = []tcArea{
	{reflect.TypeFor[OrganizationsAPI](), "organizations.go"},
	{reflect.TypeFor[MembersAPI](), "organizations.go"},
	{reflect.TypeFor[InvitationsAPI](), "invitations.go"},
	{reflect.TypeFor[RoleAssignmentsAPI](), "roles.go"},
	{reflect.TypeFor[DomainClaimsAPI](), "domains.go"},
	{reflect.TypeFor[IdPAPI](), "idp.go"},
	{reflect.TypeFor[RoleMappingsAPI](), "rolemappings.go"},
}

// TestSpecAreasMakeUpAPI: every method of API is in exactly one area
// interface, and every area's methods are in API.
func TestSpecAreasMakeUpAPI(t *testing.T) {
	t.Parallel()
	api := reflect.TypeFor[API]()
	area := map[string]string{}
	n := 0
	for _, a := range tcAreas {
		for i := range a.iface.NumMethod() {
			m := a.iface.Method(i)
			n++
			if other, ok := area[m.Name]; ok {
				t.Errorf("%s is in %s and in %s", m.Name, other, a.iface.Name())
			}
			area[m.Name] = a.iface.Name()
			if am, ok := api.MethodByName(m.Name); !ok || am.Type != m.Type {
				t.Errorf("%s.%s is not in API with the same signature", a.iface.Name(), m.Name)
			}
		}
	}
	for i := range api.NumMethod() {
		if _, ok := area[api.Method(i).Name]; !ok {
			t.Errorf("API.%s is in no area interface", api.Method(i).Name)
		}
	}
	if n != api.NumMethod() {
		t.Errorf("the areas have %d methods, API %d", n, api.NumMethod())
	}
}

// tcNotInCurrentSpec is what the doc comment of a method says when its
// operation is kept from an older spec (x-not-in-current-spec).
const tcNotInCurrentSpec = "This operation is not in the current spec"

// TestSpecMethodDocsNameTheOperation: each method lives in the file of its
// area and its doc comment names the spec's operationId, method and path, as
// in "Operation list-organization-invitations: GET /organizations/{organization_id}/invitations.",
// and says so when the operation is not in the current spec.
func TestSpecMethodDocsNameTheOperation(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	docs := map[string]string{} // method name → file and doc
	inFile := map[string]string{}
	parsed := map[string]bool{}
	for _, a := range tcAreas {
		for i := range a.iface.NumMethod() {
			inFile[a.iface.Method(i).Name] = a.file
		}
		if parsed[a.file] {
			continue
		}
		parsed[a.file] = true
		f, err := parser.ParseFile(fset, a.file, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			docs[fn.Name.Name] = a.file + "\n" + fn.Doc.Text()
		}
	}
	for _, op := range tcImplemented(t) {
		name := tcMethodName(t, op.OperationID)
		doc, ok := docs[name]
		if !ok {
			t.Errorf("%s is not declared in the file of its area (%s)", name, inFile[name])
			continue
		}
		file, text, _ := strings.Cut(doc, "\n")
		if file != inFile[name] {
			t.Errorf("%s is in %s, want %s", name, file, inFile[name])
		}
		if want := fmt.Sprintf("Operation %s: %s %s", op.OperationID, op.Method, op.Path); !strings.Contains(text, want) {
			t.Errorf("the doc comment of %s does not say %q:\n%s", name, want, text)
		}
		if said := strings.Contains(text, tcNotInCurrentSpec); said != op.NotInCurrentSpec {
			t.Errorf("the doc comment of %s says %q: %v; the operation is marked x-not-in-current-spec: %v", name, tcNotInCurrentSpec, said, op.NotInCurrentSpec)
		}
	}
}
