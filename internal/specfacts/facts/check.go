package facts

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// Problem is one way a JSON value departs from the spec: the path of the
// offending property (such as "role_assignments.organization[0].role_id")
// and what is wrong with it.
type Problem struct {
	Field   string
	Message string
}

// CheckBody checks a request body, as decoded by encoding/json into an any
// with UseNumber, against the named schema: an object with only the schema's
// properties, every required property present, each of its spec type
// (string, boolean, integer, number, array of the item type, object of the
// referenced schema; a string of format date-time must be RFC 3339), and no
// null, since the spec marks no property nullable. It returns every problem
// found, in a fixed order: for each object, its unknown properties by
// name, then its schema's properties in the schema's order (by name in a
// fact file).
func (f *Facts) CheckBody(v any, schema string) []Problem {
	return f.checkValue(v, Type{Ref: schema}, "")
}

func (f *Facts) checkValue(v any, t Type, where string) []Problem {
	want := t.describe()
	if v == nil {
		return []Problem{{where, fmt.Sprintf("%s must be %s, not null.", name(where), want)}}
	}
	wrong := func() []Problem {
		return []Problem{{where, fmt.Sprintf("%s must be %s, not %s.", name(where), want, jsonKind(v))}}
	}
	switch {
	case t.Ref != "":
		obj, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		return f.checkObject(obj, f.Schemas[t.Ref], where)
	case t.Type == "array":
		list, ok := v.([]any)
		if !ok {
			return wrong()
		}
		var problems []Problem
		for i, item := range list {
			problems = append(problems, f.checkValue(item, *t.Items, where+"["+strconv.Itoa(i)+"]")...)
		}
		return problems
	case t.Type == "string":
		s, ok := v.(string)
		if !ok {
			return wrong()
		}
		if _, err := time.Parse(time.RFC3339, s); t.Format == "date-time" && err != nil {
			return []Problem{{where, fmt.Sprintf("%s must be an RFC 3339 date-time.", name(where))}}
		}
	case t.Type == "boolean":
		if _, ok := v.(bool); !ok {
			return wrong()
		}
	case t.Type == "integer" || t.Type == "number":
		n, ok := v.(json.Number)
		if !ok {
			return wrong()
		}
		if _, err := n.Int64(); t.Type == "integer" && err != nil {
			return wrong()
		}
	}
	return nil
}

func (f *Facts) checkObject(obj map[string]any, s *Schema, where string) []Problem {
	prefix := where
	if prefix != "" {
		prefix += "."
	}
	known := map[string]bool{}
	for _, p := range s.Properties {
		known[p.Name] = true
	}
	var problems []Problem
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			problems = append(problems, Problem{prefix + k, fmt.Sprintf("Unknown field %s.", prefix+k)})
		}
	}
	for _, p := range s.Properties {
		v, ok := obj[p.Name]
		switch {
		case !ok && p.Required:
			problems = append(problems, Problem{prefix + p.Name, fmt.Sprintf("The field %s is required.", prefix+p.Name)})
		case ok:
			problems = append(problems, f.checkValue(v, p.Type, prefix+p.Name)...)
		}
	}
	return problems
}

// describe names a type for a message: "a string", "an array", "an object".
func (t Type) describe() string {
	switch {
	case t.Ref != "":
		return "an object"
	case t.Type == "array":
		return "an array"
	case t.Type == "integer":
		return "an integer"
	case t.Type == "boolean":
		return "a boolean"
	case t.Type == "number":
		return "a number"
	}
	return "a " + t.Type
}

// jsonKind names the kind of a decoded JSON value.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func name(where string) string {
	if where == "" {
		return "The body"
	}
	return "The field " + where
}
