// Package facts extracts, from the OpenAPI 3.0 spec of the Organizations
// API, the facts the spec drift test (spec_test.go at the repository root) checks the SDK against. The
// command in the parent directory writes them to testdata/spec_facts.json;
// the drift test reads that file with these types.
package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Facts is the fact file.
type Facts struct {
	Source     string             `json:"source"`
	BasePath   string             `json:"base_path"`
	Schemas    map[string]*Schema `json:"schemas"`
	Operations []*Operation       `json:"operations"`
}

// Schema is one definition: its properties sorted by JSON name.
type Schema struct {
	Properties []Property `json:"properties"`
}

// Type is a spec type: a primitive type with an optional format, a reference
// to another schema, or an array of Items.
type Type struct {
	Type   string `json:"type,omitempty"`
	Format string `json:"format,omitempty"`
	Ref    string `json:"ref,omitempty"`
	Items  *Type  `json:"items,omitempty"`
}

// Property is one schema property.
type Property struct {
	Name string `json:"name"`
	Type
	Required bool `json:"required"`
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

// Response is one documented response.
type Response struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"` // media type of the body
	Schema      string `json:"schema,omitempty"`       // the body's schema, when it is a $ref
	Type        string `json:"type,omitempty"`         // the body's type, when it is not a $ref (such as XML text)
	// Codes are the x-cloud-error-codes header's enum, in spec order.
	Codes []string `json:"codes,omitempty"`
}

// Operation is one API operation.
type Operation struct {
	OperationID     string      `json:"operation_id"`
	Method          string      `json:"method"`
	Path            string      `json:"path"`
	PathParams      []Parameter `json:"path_params,omitempty"` // in the order of the path template
	QueryParams     []Parameter `json:"query_params,omitempty"`
	Body            string      `json:"body,omitempty"` // schema of the request body
	BodyRequired    bool        `json:"body_required,omitempty"`
	BodyContentType string      `json:"body_content_type,omitempty"`
	Success         []Response  `json:"success"`
	Errors          []Response  `json:"errors"`
	// NotInCurrentSpec marks an operation kept from an older spec
	// (x-not-in-current-spec).
	NotInCurrentSpec bool `json:"not_in_current_spec,omitempty"`
}

// schema is the subset of a JSON schema read here.
type schema struct {
	Type       string            `json:"type"`
	Format     string            `json:"format"`
	Ref        string            `json:"$ref"`
	Items      *schema           `json:"items"`
	Properties map[string]schema `json:"properties"`
	Required   []string          `json:"required"`
	AllOf      []schema          `json:"allOf"`
	OneOf      []schema          `json:"oneOf"`
	AnyOf      []schema          `json:"anyOf"`
}

// Extract reads an OpenAPI 3.0 spec and returns its facts;
// source names the spec file in the result. Constructs the drift test cannot
// check (allOf, inline request bodies, unknown parameter locations, dangling
// references) are errors rather than silently dropped facts.
func Extract(raw []byte, source string) (*Facts, error) {
	var version struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(raw, &version); err != nil {
		return nil, fmt.Errorf("parsing the spec: %w", err)
	}
	if !strings.HasPrefix(version.OpenAPI, "3.0.") {
		return nil, fmt.Errorf("not an OpenAPI 3.0 document (openapi %q)", version.OpenAPI)
	}
	f, err := extractOpenAPI(raw)
	if err != nil {
		return nil, err
	}
	f.Source = source
	if err := f.check(); err != nil {
		return nil, err
	}
	f.sort()
	return f, nil
}

// The subset of OpenAPI 3.0 read here.
type (
	openAPI struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	oaParameter struct {
		Name     string  `json:"name"`
		In       string  `json:"in"`
		Required bool    `json:"required"`
		Schema   *schema `json:"schema"`
	}
	oaMedia struct {
		Schema *schema `json:"schema"`
	}
	oaOperation struct {
		OperationID string        `json:"operationId"`
		Parameters  []oaParameter `json:"parameters"`
		RequestBody *struct {
			Required bool               `json:"required"`
			Content  map[string]oaMedia `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]oaMedia `json:"content"`
			Headers map[string]struct {
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"headers"`
		} `json:"responses"`
		NotInCurrentSpec bool `json:"x-not-in-current-spec"`
	}
)

const refPrefix = "#/components/schemas/"

func extractOpenAPI(raw []byte) (*Facts, error) {
	var oa openAPI
	if err := json.Unmarshal(raw, &oa); err != nil {
		return nil, fmt.Errorf("parsing the spec: %w", err)
	}
	if len(oa.Servers) == 0 {
		return nil, fmt.Errorf("no servers: the base path is unknown")
	}
	server, err := url.Parse(oa.Servers[0].URL)
	if err != nil {
		return nil, fmt.Errorf("servers[0]: %w", err)
	}
	facts := &Facts{BasePath: server.Path}
	if facts.Schemas, err = schemas(oa.Components.Schemas); err != nil {
		return nil, err
	}
	for path, item := range oa.Paths {
		var shared []oaParameter // path-level parameters apply to every operation
		if p, ok := item["parameters"]; ok {
			if err := json.Unmarshal(p, &shared); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", path, err)
			}
		}
		for method, rawOp := range item {
			if method == "parameters" || method == "summary" || method == "description" || strings.HasPrefix(method, "x-") {
				continue
			}
			var oop oaOperation
			if err := json.Unmarshal(rawOp, &oop); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			op := &Operation{OperationID: oop.OperationID, Method: strings.ToUpper(method), Path: path, NotInCurrentSpec: oop.NotInCurrentSpec}
			where := op.Method + " " + path
			for _, p := range append(append([]oaParameter{}, shared...), oop.Parameters...) {
				if p.Schema == nil || p.Schema.Type == "" {
					return nil, fmt.Errorf("%s: parameter %s has no schema type", where, p.Name)
				}
				if err := op.addParameter(Parameter{Name: p.Name, In: p.In, Type: p.Schema.Type, Required: p.Required}); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
			}
			if rb := oop.RequestBody; rb != nil {
				ct, media, err := onlyContent(rb.Content)
				if err != nil {
					return nil, fmt.Errorf("%s: request body: %w", where, err)
				}
				if media.Schema == nil || media.Schema.Ref == "" {
					return nil, fmt.Errorf("%s: the request body is not a $ref to a schema", where)
				}
				if op.Body, err = refName(media.Schema.Ref); err != nil {
					return nil, fmt.Errorf("%s: request body: %w", where, err)
				}
				op.BodyRequired, op.BodyContentType = rb.Required, ct
			}
			for status, r := range oop.Responses {
				resp := Response{}
				if resp.Status, err = strconv.Atoi(status); err != nil {
					return nil, fmt.Errorf("%s: response %q is not a status code", where, status)
				}
				if len(r.Content) > 0 {
					ct, media, err := onlyContent(r.Content)
					if err != nil {
						return nil, fmt.Errorf("%s: response %s: %w", where, status, err)
					}
					resp.ContentType = ct
					if err := resp.setBody(media.Schema); err != nil {
						return nil, fmt.Errorf("%s: response %s: %w", where, status, err)
					}
				}
				resp.Codes = r.Headers["x-cloud-error-codes"].Schema.Enum
				op.addResponse(resp)
			}
			facts.Operations = append(facts.Operations, op)
		}
	}
	return facts, nil
}

// schemas converts the spec's named schemas.
func schemas(defs map[string]schema) (map[string]*Schema, error) {
	out := map[string]*Schema{}
	for name, def := range defs {
		if def.Type != "object" && def.Type != "" {
			return nil, fmt.Errorf("schema %s is a %s, not an object", name, def.Type)
		}
		if len(def.AllOf)+len(def.OneOf)+len(def.AnyOf) > 0 {
			return nil, fmt.Errorf("schema %s: allOf, oneOf and anyOf are not supported by this extractor", name)
		}
		required := map[string]bool{}
		for _, r := range def.Required {
			if _, ok := def.Properties[r]; !ok {
				return nil, fmt.Errorf("schema %s requires %s, which is not one of its properties", name, r)
			}
			required[r] = true
		}
		s := &Schema{Properties: []Property{}}
		for pname, p := range def.Properties {
			t, err := typeOf(p)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", name, pname, err)
			}
			s.Properties = append(s.Properties, Property{Name: pname, Type: t, Required: required[pname]})
		}
		out[name] = s
	}
	return out, nil
}

func typeOf(s schema) (Type, error) {
	switch {
	case len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0:
		return Type{}, fmt.Errorf("allOf, oneOf and anyOf are not supported by this extractor")
	case s.Ref != "":
		name, err := refName(s.Ref)
		return Type{Ref: name}, err
	case s.Type == "array":
		if s.Items == nil {
			return Type{}, fmt.Errorf("array without items")
		}
		items, err := typeOf(*s.Items)
		if err != nil {
			return Type{}, err
		}
		return Type{Type: "array", Items: &items}, nil
	case s.Type == "" || s.Type == "object":
		return Type{}, fmt.Errorf("an inline object or a schema without type and $ref is not supported by this extractor")
	}
	return Type{Type: s.Type, Format: s.Format}, nil
}

func refName(ref string) (string, error) {
	name, ok := strings.CutPrefix(ref, refPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("reference %q is not of the form %s<name>", ref, refPrefix)
	}
	return name, nil
}

// onlyContent returns the single media type of a body.
func onlyContent(content map[string]oaMedia) (string, oaMedia, error) {
	if len(content) != 1 {
		types := make([]string, 0, len(content))
		for ct := range content {
			types = append(types, ct)
		}
		sort.Strings(types)
		return "", oaMedia{}, fmt.Errorf("%d media types %v, want exactly one", len(content), types)
	}
	for ct, m := range content {
		return ct, m, nil
	}
	panic("unreachable")
}

func (r *Response) setBody(s *schema) error {
	switch {
	case s == nil:
		return nil
	case s.Ref != "":
		var err error
		r.Schema, err = refName(s.Ref)
		return err
	case s.Type != "" && s.Type != "object" && s.Type != "array":
		r.Type = s.Type
		return nil
	}
	return fmt.Errorf("an inline body schema other than a primitive type is not supported by this extractor")
}

func (op *Operation) addParameter(p Parameter) error {
	switch p.In {
	case "path":
		op.PathParams = append(op.PathParams, p)
	case "query":
		op.QueryParams = append(op.QueryParams, p)
	default:
		return fmt.Errorf("parameter %s in %q is not supported by this extractor", p.Name, p.In)
	}
	return nil
}

func (op *Operation) addResponse(r Response) {
	if r.Status >= 200 && r.Status < 300 {
		op.Success = append(op.Success, r)
	} else {
		op.Errors = append(op.Errors, r)
	}
}

// check refuses facts the drift test could not rely on: operations without
// an id or sharing one, path parameters that are not in the path template (or
// the other way round), and references to schemas the spec does not have.
func (f *Facts) check() error {
	ids := map[string]bool{}
	for _, op := range f.Operations {
		where := op.Method + " " + op.Path
		if op.OperationID == "" {
			return fmt.Errorf("%s has no operationId", where)
		}
		if ids[op.OperationID] {
			return fmt.Errorf("operationId %s is used twice", op.OperationID)
		}
		ids[op.OperationID] = true
		placeholders := strings.Count(op.Path, "{")
		if placeholders != len(op.PathParams) {
			return fmt.Errorf("%s: %d placeholders in the path, %d path parameters", op.OperationID, placeholders, len(op.PathParams))
		}
		for _, p := range op.PathParams {
			if !strings.Contains(op.Path, "{"+p.Name+"}") {
				return fmt.Errorf("%s: path parameter %s is not in the path", op.OperationID, p.Name)
			}
		}
		refs := []string{op.Body}
		for _, r := range append(append([]Response{}, op.Success...), op.Errors...) {
			refs = append(refs, r.Schema)
		}
		for _, ref := range refs {
			if _, ok := f.Schemas[ref]; ref != "" && !ok {
				return fmt.Errorf("%s refers to schema %s, which the spec does not have", op.OperationID, ref)
			}
		}
	}
	for name, s := range f.Schemas {
		for _, p := range s.Properties {
			for t := &p.Type; t != nil; t = t.Items {
				if _, ok := f.Schemas[t.Ref]; t.Ref != "" && !ok {
					return fmt.Errorf("%s.%s refers to schema %s, which the spec does not have", name, p.Name, t.Ref)
				}
			}
		}
	}
	return nil
}

// sort puts everything in a fixed order, so that the fact file is
// deterministic and a diff of it shows exactly what changed.
func (f *Facts) sort() {
	for _, s := range f.Schemas {
		sort.Slice(s.Properties, func(i, j int) bool { return s.Properties[i].Name < s.Properties[j].Name })
	}
	for _, op := range f.Operations {
		// Path parameters in the order they appear in the path template.
		sort.SliceStable(op.PathParams, func(i, j int) bool {
			return strings.Index(op.Path, "{"+op.PathParams[i].Name+"}") < strings.Index(op.Path, "{"+op.PathParams[j].Name+"}")
		})
		sort.Slice(op.QueryParams, func(i, j int) bool { return op.QueryParams[i].Name < op.QueryParams[j].Name })
		if op.Success == nil {
			op.Success = []Response{}
		}
		if op.Errors == nil {
			op.Errors = []Response{}
		}
		sort.Slice(op.Success, func(i, j int) bool { return op.Success[i].Status < op.Success[j].Status })
		sort.Slice(op.Errors, func(i, j int) bool { return op.Errors[i].Status < op.Errors[j].Status })
	}
	sort.Slice(f.Operations, func(i, j int) bool { return f.Operations[i].OperationID < f.Operations[j].OperationID })
}

// Encode renders facts as the fact file: indented JSON, sorted, so that a diff
// of the file shows exactly what changed in the contract.
func Encode(f *Facts) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
