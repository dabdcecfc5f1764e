package facts

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckBody(t *testing.T) {
	t.Parallel()
	f, err := Extract([]byte(tcOpenAPI), "small.json")
	if err != nil {
		t.Fatal(err)
	}
	// Things: ids (array of string, required), when (date-time, required),
	// nested (Empty), list (array of Empty).
	for _, tc := range []struct {
		name, body string
		want       []Problem
	}{
		{"valid", `{"ids":["a"],"when":"2025-06-30T12:00:00Z"}`, nil},
		{"valid, every property", `{"ids":[],"when":"2025-06-30T12:00:00+02:00","nested":{},"list":[{},{}]}`, nil},
		{"unknown and missing", `{"id":["a"],"zzz":1}`, []Problem{
			{"id", "Unknown field id."}, {"zzz", "Unknown field zzz."},
			{"ids", "The field ids is required."}, {"when", "The field when is required."},
		}},
		{"names are exact", `{"IDS":["a"],"when":"2025-06-30T12:00:00Z"}`, []Problem{{"IDS", "Unknown field IDS."}, {"ids", "The field ids is required."}}},
		{"wrong types", `{"ids":"a","when":7,"nested":[],"list":{}}`, []Problem{
			{"ids", "The field ids must be an array, not a string."},
			{"list", "The field list must be an array, not an object."},
			{"nested", "The field nested must be an object, not an array."},
			{"when", "The field when must be a string, not a number."},
		}},
		{"items", `{"ids":["a",2,null],"when":"2025-06-30T12:00:00Z","list":[{"x":true},"y"]}`, []Problem{
			{"ids[1]", "The field ids[1] must be a string, not a number."},
			{"ids[2]", "The field ids[2] must be a string, not null."},
			{"list[0].x", "Unknown field list[0].x."},
			{"list[1]", "The field list[1] must be an object, not a string."},
		}},
		{"null", `{"ids":null,"when":"2025-06-30T12:00:00Z"}`, []Problem{{"ids", "The field ids must be an array, not null."}}},
		{"not a date-time", `{"ids":[],"when":"yesterday"}`, []Problem{{"when", "The field when must be an RFC 3339 date-time."}}},
		{"not an object", `[1]`, []Problem{{"", "The body must be an object, not an array."}}},
	} {
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.body)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, f.CheckBody(v, "Things")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestCheckBodyNumbers(t *testing.T) {
	t.Parallel()
	f := &Facts{Schemas: map[string]*Schema{"N": {Properties: []Property{
		{Name: "b", Type: Type{Type: "boolean"}}, {Name: "i", Type: Type{Type: "integer"}}, {Name: "n", Type: Type{Type: "number"}},
	}}}}
	good := map[string]any{"i": json.Number("3"), "n": json.Number("1.5"), "b": false}
	if p := f.CheckBody(good, "N"); p != nil {
		t.Errorf("valid numbers: %v", p)
	}
	bad := map[string]any{"i": json.Number("1.5"), "n": "1", "b": "false"}
	want := []Problem{
		{"b", "The field b must be a boolean, not a string."},
		{"i", "The field i must be an integer, not a number."},
		{"n", "The field n must be a number, not a string."},
	}
	if diff := cmp.Diff(want, f.CheckBody(bad, "N")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
