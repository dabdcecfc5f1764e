// Package facts extracts, from the Swagger 2.0 spec of the Organizations API,
// the facts the spec drift test (spec_test.go at the repository root) checks
// the SDK against. The command in the parent directory writes them to
// testdata/spec_facts.json; the drift test reads that file with these types.
package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	Status int    `json:"status"`
	Schema string `json:"schema,omitempty"`
	// Codes are the x-cloud-error-codes header's enum, in spec order.
	Codes []string `json:"codes,omitempty"`
}

// Operation is one API operation.
type Operation struct {
	OperationID string      `json:"operation_id"`
	Method      string      `json:"method"`
	Path        string      `json:"path"`
	PathParams  []Parameter `json:"path_params,omitempty"`
	QueryParams []Parameter `json:"query_params,omitempty"`
	Body        string      `json:"body,omitempty"` // schema of the body parameter
	Success     []Response  `json:"success"`
	Errors      []Response  `json:"errors"`
}

// The subset of Swagger 2.0 read here.
type (
	swagger struct {
		BasePath    string                                `json:"basePath"`
		Paths       map[string]map[string]json.RawMessage `json:"paths"`
		Definitions map[string]swSchema                   `json:"definitions"`
	}
	swSchema struct {
		Type       string              `json:"type"`
		Format     string              `json:"format"`
		Ref        string              `json:"$ref"`
		Items      *swSchema           `json:"items"`
		Properties map[string]swSchema `json:"properties"`
		Required   []string            `json:"required"`
	}
	swParameter struct {
		Name     string    `json:"name"`
		In       string    `json:"in"`
		Type     string    `json:"type"`
		Required bool      `json:"required"`
		Schema   *swSchema `json:"schema"`
	}
	swOperation struct {
		OperationID string        `json:"operationId"`
		Parameters  []swParameter `json:"parameters"`
		Responses   map[string]struct {
			Schema  *swSchema `json:"schema"`
			Headers map[string]struct {
				Enum []string `json:"enum"`
			} `json:"headers"`
		} `json:"responses"`
	}
)

// Extract reads a Swagger 2.0 spec and returns its facts; source names the
// spec file in the result.
func Extract(raw []byte, source string) (*Facts, error) {
	var sw swagger
	if err := json.Unmarshal(raw, &sw); err != nil {
		return nil, fmt.Errorf("parsing the spec: %w", err)
	}
	facts := &Facts{Source: source, BasePath: sw.BasePath, Schemas: map[string]*Schema{}}
	for name, def := range sw.Definitions {
		required := map[string]bool{}
		for _, r := range def.Required {
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
		sort.Slice(s.Properties, func(i, j int) bool { return s.Properties[i].Name < s.Properties[j].Name })
		facts.Schemas[name] = s
	}

	for path, item := range sw.Paths {
		var shared []swParameter // path-level parameters apply to every operation
		if p, ok := item["parameters"]; ok {
			if err := json.Unmarshal(p, &shared); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", path, err)
			}
		}
		for method, rawOp := range item {
			if method == "parameters" || strings.HasPrefix(method, "x-") {
				continue
			}
			var sop swOperation
			if err := json.Unmarshal(rawOp, &sop); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			op := &Operation{OperationID: sop.OperationID, Method: strings.ToUpper(method), Path: path}
			for _, p := range append(append([]swParameter{}, shared...), sop.Parameters...) {
				switch p.In {
				case "path":
					op.PathParams = append(op.PathParams, Parameter{Name: p.Name, In: p.In, Type: p.Type, Required: p.Required})
				case "query":
					op.QueryParams = append(op.QueryParams, Parameter{Name: p.Name, In: p.In, Type: p.Type, Required: p.Required})
				case "body":
					if p.Schema != nil {
						op.Body = refName(p.Schema.Ref)
					}
				default:
					return nil, fmt.Errorf("%s: parameter %s in %s is not supported by this extractor", sop.OperationID, p.Name, p.In)
				}
			}
			// Path parameters in the order they appear in the path template.
			sort.SliceStable(op.PathParams, func(i, j int) bool {
				return strings.Index(path, "{"+op.PathParams[i].Name+"}") < strings.Index(path, "{"+op.PathParams[j].Name+"}")
			})
			sort.Slice(op.QueryParams, func(i, j int) bool { return op.QueryParams[i].Name < op.QueryParams[j].Name })
			op.Success, op.Errors = []Response{}, []Response{}
			for status, r := range sop.Responses {
				code, err := strconv.Atoi(status)
				if err != nil {
					return nil, fmt.Errorf("%s: response %q is not a status code", sop.OperationID, status)
				}
				resp := Response{Status: code}
				if r.Schema != nil {
					resp.Schema = refName(r.Schema.Ref)
				}
				resp.Codes = r.Headers["x-cloud-error-codes"].Enum
				if code >= 200 && code < 300 {
					op.Success = append(op.Success, resp)
				} else {
					op.Errors = append(op.Errors, resp)
				}
			}
			sort.Slice(op.Success, func(i, j int) bool { return op.Success[i].Status < op.Success[j].Status })
			sort.Slice(op.Errors, func(i, j int) bool { return op.Errors[i].Status < op.Errors[j].Status })
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s has no operationId", op.Method, path)
			}
			facts.Operations = append(facts.Operations, op)
		}
	}
	sort.Slice(facts.Operations, func(i, j int) bool { return facts.Operations[i].OperationID < facts.Operations[j].OperationID })
	return facts, nil
}

func typeOf(s swSchema) (Type, error) {
	switch {
	case s.Ref != "":
		return Type{Ref: refName(s.Ref)}, nil
	case s.Type == "array":
		if s.Items == nil {
			return Type{}, fmt.Errorf("array without items")
		}
		items, err := typeOf(*s.Items)
		if err != nil {
			return Type{}, err
		}
		return Type{Type: "array", Items: &items}, nil
	case s.Type == "":
		return Type{}, fmt.Errorf("no type and no $ref")
	}
	return Type{Type: s.Type, Format: s.Format}, nil
}

func refName(ref string) string { return strings.TrimPrefix(ref, "#/definitions/") }

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
