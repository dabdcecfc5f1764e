package facts

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// tcOpenAPI is a small OpenAPI 3.0 document with every construct the
// extractor reads: servers, component schemas (required properties, arrays,
// date-times, a $ref beside a description), path-level and operation
// parameters, a JSON request body, responses with x-cloud-error-codes header
// enums, and an XML response.
const tcOpenAPI = `{
  "openapi": "3.0.3",
  "servers": [{"url": "https://api.example.com/api/v1"}],
  "paths": {
    "/users/{user_id}/things": {
      "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "delete": {
        "operationId": "remove-things",
        "parameters": [{"name": "force", "in": "query", "required": false, "schema": {"type": "boolean", "default": false}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Things"}}}},
        "responses": {
          "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Empty"}}}},
          "403": {"description": "no", "headers": {"x-cloud-error-codes": {"schema": {"type": "string", "enum": ["things.b", "things.a"]}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Empty"}}}},
          "400": {"description": "bad", "headers": {"x-cloud-error-codes": {"schema": {"type": "string", "enum": ["things.bad"]}}}}
        }
      },
      "x-note": "ignored"
    },
    "/things/{a}/{b}/meta.xml": {
      "get": {
        "operationId": "get-meta",
        "x-not-in-current-spec": true,
        "parameters": [
          {"name": "b", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "a", "in": "path", "required": true, "schema": {"type": "string"}}
        ],
        "responses": {"201": {"description": "xml", "content": {"application/xml": {"schema": {"type": "string"}}}}}
      }
    }
  },
  "components": {"schemas": {
    "Empty": {"type": "object"},
    "Things": {"type": "object", "required": ["ids", "when"], "properties": {
      "ids": {"type": "array", "items": {"type": "string"}},
      "when": {"type": "string", "format": "date-time"},
      "nested": {"description": "a $ref with a sibling", "$ref": "#/components/schemas/Empty"},
      "list": {"type": "array", "items": {"$ref": "#/components/schemas/Empty"}}
    }}
  }}
}`

func TestExtractOpenAPI(t *testing.T) {
	t.Parallel()
	got, err := Extract([]byte(tcOpenAPI), "small.json")
	if err != nil {
		t.Fatal(err)
	}
	want := &Facts{
		Source:   "small.json",
		BasePath: "/api/v1",
		Schemas: map[string]*Schema{
			"Empty": {Properties: []Property{}},
			"Things": {Properties: []Property{
				{Name: "ids", Type: Type{Type: "array", Items: &Type{Type: "string"}}, Required: true},
				{Name: "list", Type: Type{Type: "array", Items: &Type{Ref: "Empty"}}},
				{Name: "nested", Type: Type{Ref: "Empty"}},
				{Name: "when", Type: Type{Type: "string", Format: "date-time"}, Required: true},
			}},
		},
		Operations: []*Operation{
			{
				OperationID: "get-meta", Method: "GET", Path: "/things/{a}/{b}/meta.xml",
				PathParams: []Parameter{{Name: "a", In: "path", Type: "string", Required: true}, {Name: "b", In: "path", Type: "string", Required: true}},
				Success:    []Response{{Status: 201, ContentType: "application/xml", Type: "string"}},
				Errors:     []Response{}, NotInCurrentSpec: true,
			},
			{
				OperationID: "remove-things", Method: "DELETE", Path: "/users/{user_id}/things",
				PathParams:  []Parameter{{Name: "user_id", In: "path", Type: "string", Required: true}},
				QueryParams: []Parameter{{Name: "force", In: "query", Type: "boolean"}},
				Body:        "Things", BodyRequired: true, BodyContentType: "application/json",
				Success: []Response{{Status: 200, ContentType: "application/json", Schema: "Empty"}},
				Errors: []Response{
					{Status: 400, Codes: []string{"things.bad"}},
					{Status: 403, ContentType: "application/json", Schema: "Empty", Codes: []string{"things.b", "things.a"}},
				},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		gotJSON, _ := Encode(got)
		wantJSON, _ := Encode(want)
		t.Errorf("facts:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
}

// TestExtractRefuses: what the drift test could not check is an error, never
// a fact silently dropped.
func TestExtractRefuses(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ old, new, want string }{
		"dangling schema ref":     {`"$ref": "#/components/schemas/Things"}}}`, `"$ref": "#/components/schemas/Nope"}}}`, "Nope"},
		"dangling property ref":   {`"items": {"$ref": "#/components/schemas/Empty"}`, `"items": {"$ref": "#/components/schemas/Gone"}`, "Gone"},
		"Swagger ref in OpenAPI":  {`"$ref": "#/components/schemas/Things"}}}`, `"$ref": "#/definitions/Things"}}}`, "#/definitions/Things"},
		"header parameter":        {`"in": "query"`, `"in": "header"`, `"header"`},
		"path parameter not used": {`{"name": "b", "in": "path"`, `{"name": "c", "in": "path"`, "c is not in the path"},
		"path parameter missing":  {`{"name": "b", "in": "path", "required": true, "schema": {"type": "string"}},`, ``, "placeholders"},
		"duplicate operationId":   {`"operationId": "get-meta"`, `"operationId": "remove-things"`, "used twice"},
		"no operationId":          {`"operationId": "get-meta",`, ``, "no operationId"},
		"allOf":                   {`"nested": {"description"`, `"nested": {"allOf": [{"type": "string"}], "description"`, "allOf"},
		"inline object property":  {`"when": {"type": "string", "format": "date-time"}`, `"when": {"type": "object"}`, "inline object"},
		"two body media types":    {`"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Things"}}}`, `"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Things"}}, "text/plain": {}}`, "media types"},
		"inline request body":     {`"requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Things"}}}}`, `"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}`, "not a $ref"},
		"required but no such":    {`"required": ["ids", "when"]`, `"required": ["ids", "whom"]`, "whom"},
		"status not a number":     {`"201": {"description": "xml"`, `"default": {"description": "xml"`, "not a status code"},
		"no servers":              {`"servers": [{"url": "https://api.example.com/api/v1"}],`, ``, "no servers"},
		"OpenAPI 3.1":             {`"openapi": "3.0.3"`, `"openapi": "3.1.0"`, "not an OpenAPI 3.0"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(tcOpenAPI, tc.old) {
				t.Fatalf("bad test: %q is not in the document", tc.old)
			}
			_, err := Extract([]byte(strings.Replace(tcOpenAPI, tc.old, tc.new, 1)), "x.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestExtractCurrentSpec pins what the drift test relies on in the real
// contract, when it is beside the repository.
func TestExtractCurrentSpec(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../../../shared/spec/organizations-current.json")
	if err != nil {
		t.Skipf("the spec is not beside the repository: %v", err)
	}
	f, err := Extract(raw, "organizations-current.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Operations) != 26 || len(f.Schemas) != 34 || f.BasePath != "/api/v1" {
		t.Errorf("%d operations, %d schemas, base path %q; want 26, 34, /api/v1", len(f.Operations), len(f.Schemas), f.BasePath)
	}
	var remove *Operation
	for _, op := range f.Operations {
		if op.OperationID == "remove-role-assignments" {
			remove = op
		}
	}
	if remove == nil {
		t.Fatal("no remove-role-assignments")
	}
	want := `{"operation_id":"remove-role-assignments","method":"DELETE","path":"/users/{user_id}/role_assignments",` +
		`"path_params":[{"name":"user_id","in":"path","type":"string","required":true}],` +
		`"query_params":[{"name":"force","in":"query","type":"boolean","required":false}],` +
		`"body":"RoleAssignments","body_required":true,"body_content_type":"application/json",` +
		`"success":[{"status":200,"content_type":"application/json","schema":"EmptyResponse"}],` +
		`"errors":[{"status":400,"content_type":"application/json","schema":"BasicFailedReply","codes":["role_assignments.invalid_target_user_id"]},` +
		`{"status":401,"content_type":"application/json","schema":"BasicFailedReply","codes":["root.unauthorized"]},` +
		`{"status":403,"content_type":"application/json","schema":"BasicFailedReply","codes":["role_assignments.unauthorized_role_assignments"]}]}`
	if got, _ := json.Marshal(remove); string(got) != want {
		t.Errorf("remove-role-assignments:\n%s\nwant:\n%s", got, want)
	}
}

func TestExtractIsDeterministic(t *testing.T) {
	t.Parallel()
	first, err := Extract([]byte(tcOpenAPI), "x")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Encode(first)
	for range 20 { // map iteration order differs between runs
		again, _ := Extract([]byte(tcOpenAPI), "x")
		if b, _ := Encode(again); string(a) != string(b) {
			t.Fatalf("two extractions differ:\n%s\n%s", a, b)
		}
	}
}
