package ecloudtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

// TestEmbeddedFactsAreCurrent: the fake serves and checks against a copy of
// the repository's fact file, which the spec drift test keeps current.
func TestEmbeddedFactsAreCurrent(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile("../testdata/spec_facts.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(specFactsJSON, want) {
		t.Errorf("ecloudtest/spec_facts.json differs from testdata/spec_facts.json: regenerate both with go run ./internal/specfacts (from the repository root)")
	}
	if len(specFacts.Operations) != 26 || len(operations) != 26 {
		t.Errorf("%d operations in the facts, %d served, want 26", len(specFacts.Operations), len(operations))
	}
}

// sample returns a JSON value of spec type st with every property of every
// object set and one item in every array.
func sample(st facts.Type, depth int) any {
	switch {
	case depth > 8:
		panic("the spec's schemas nest too deep (a cycle?)")
	case st.Ref != "":
		obj := map[string]any{}
		for _, p := range specFacts.Schemas[st.Ref].Properties {
			obj[p.Name] = sample(p.Type, depth+1)
		}
		return obj
	case st.Type == "array":
		return []any{sample(*st.Items, depth+1)}
	case st.Type == "boolean":
		return true
	case st.Type == "integer" || st.Type == "number":
		return 1
	}
	return "x"
}

// bodyCase is a way to spoil a sample body, and the fields the fake's 400
// must name.
type bodyCase struct {
	name   string
	body   any
	fields []string
}

// spoil lists, for every property at every depth of a sample body v of type
// st at path where, the body with that property misspelt (its last letter
// dropped), absent when required, and of a wrong type (null too); and for
// every array item, the item of a wrong type.
func spoil(v any, st facts.Type, where string, rebuild func(any) any) []bodyCase {
	var cases []bodyCase
	wrong := func(v any) []any {
		switch v.(type) {
		case map[string]any:
			return []any{[]any{}, "x", nil}
		case []any:
			return []any{"x", map[string]any{}, nil}
		case string:
			return []any{42, true, nil}
		case bool:
			return []any{"true", 1, nil}
		}
		return []any{"1", 1.5, nil}
	}
	if where != "" {
		for _, w := range wrong(v) {
			cases = append(cases, bodyCase{fmt.Sprintf("%s is %v", where, w), rebuild(w), []string{where}})
		}
	}
	switch {
	case st.Ref != "":
		obj := v.(map[string]any)
		prefix := where
		if prefix != "" {
			prefix += "."
		}
		for _, p := range specFacts.Schemas[st.Ref].Properties {
			with := func(change func(m map[string]any)) any {
				m := map[string]any{}
				for k, x := range obj {
					m[k] = x
				}
				change(m)
				return rebuild(m)
			}
			typo := p.Name[:len(p.Name)-1]
			misspelt := bodyCase{prefix + p.Name + " misspelt", with(func(m map[string]any) { m[typo] = m[p.Name]; delete(m, p.Name) }), []string{prefix + typo}}
			if p.Required {
				misspelt.fields = append(misspelt.fields, prefix+p.Name)
				cases = append(cases, bodyCase{prefix + p.Name + " absent", with(func(m map[string]any) { delete(m, p.Name) }), []string{prefix + p.Name}})
			}
			cases = append(cases, misspelt)
			cases = append(cases, spoil(obj[p.Name], p.Type, prefix+p.Name, func(x any) any {
				return with(func(m map[string]any) { m[p.Name] = x })
			})...)
		}
	case st.Type == "array":
		list := v.([]any)
		cases = append(cases, spoil(list[0], *st.Items, where+"[0]", func(x any) any { return rebuild([]any{x}) })...)
	}
	return cases
}

// examplePath fills an operation's path template with sample parameters.
func examplePath(op string) string {
	p := operations[op].path
	for _, r := range []struct{ param, value string }{
		{"{organization_id}", "org-1"}, {"{user_id}", "u-1"}, {"{role_name}", "m"},
	} {
		p = strings.ReplaceAll(p, r.param, r.value)
	}
	return apiRoot + p
}

// TestBodiesAreCheckedAgainstTheSpec: for every operation that takes a body
// and every property of its schema, at every depth, a misspelt name (as a
// JSON tag typo in a client would send it), an absent required property and
// a wrong type are the spec's 400 root.invalid_data naming exactly the
// fields at fault, and change nothing.
func TestBodiesAreCheckedAgainstTheSpec(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	n := 0
	for op, spec := range operations {
		if spec.body == "" {
			continue
		}
		full := sample(facts.Type{Ref: spec.body}, 0)
		if e := checkBody(op, mustJSON(t, full)); e != nil {
			t.Errorf("%s: a sample with every property is refused: %+v", op, e.details)
		}
		for _, tc := range spoil(full, facts.Type{Ref: spec.body}, "", func(x any) any { return x }) {
			n++
			r := send(t, s, spec.method, examplePath(op), string(mustJSON(t, tc.body)), nil)
			if r.status != 400 || r.header.Get("X-Cloud-Error-Codes") != ecloud.CodeRootInvalidData {
				t.Errorf("%s, %s: %d %q %s, want 400 root.invalid_data", op, tc.name, r.status, r.header.Get("X-Cloud-Error-Codes"), r.body)
				continue
			}
			var reply struct{ Errors []ecloud.ErrorDetail }
			if err := json.Unmarshal(r.body, &reply); err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, d := range reply.Errors {
				if d.Code != ecloud.CodeRootInvalidData || d.Message == "" || len(d.Fields) != 1 {
					t.Errorf("%s, %s: error %+v, want root.invalid_data with a message and one field", op, tc.name, d)
				}
				fields = append(fields, d.Fields...)
			}
			sort.Strings(fields)
			sort.Strings(tc.fields)
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("%s, %s: fields %q, want %q", op, tc.name, fields, tc.fields)
			}
		}
	}
	if n < 300 {
		t.Errorf("only %d spoilt bodies were tried", n)
	}
	if len(s.Invitations("org-1")) != 0 || len(s.Requests()) != n {
		t.Errorf("refused bodies changed the state, or were not all logged")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTheSpecNotTheSDKJudgesBodies: the check does not go through the SDK's
// Go types, so what encoding/json would let through into them (field names
// matched without regard to case, a property the type lacks) is refused as
// the spec says, and a JSON tag typo in the SDK cannot pass unnoticed.
func TestTheSpecNotTheSDKJudgesBodies(t *testing.T) {
	t.Parallel()
	s := newRawServer(t)
	const create = "/api/v1/organizations/org-1/invitations"

	// ecloud.CreateInvitationsRequest with a typo in a tag: the body such an
	// SDK would send.
	type typoRequest struct {
		Emails    []string `json:"emails"`
		ExpiresIn string   `json:"expires_on,omitempty"`
	}
	r := send(t, s, http.MethodPost, create, string(mustJSON(t, typoRequest{Emails: []string{"a@example.com"}, ExpiresIn: "7d"})), nil)
	r.wantError(t, 400, ecloud.CodeRootInvalidData)
	if !strings.Contains(string(r.body), `"fields":["expires_on"]`) {
		t.Errorf("body %s does not name expires_on", r.body)
	}

	// encoding/json binds "EMAILS" to Emails; the API's names are exact.
	var viaGo ecloud.CreateInvitationsRequest
	if err := json.Unmarshal([]byte(`{"EMAILS":["a@example.com"]}`), &viaGo); err != nil || len(viaGo.Emails) != 1 {
		t.Fatalf("encoding/json: %+v, %v", viaGo, err)
	}
	r = send(t, s, http.MethodPost, create, `{"EMAILS":["a@example.com"]}`, nil)
	r.wantError(t, 400, ecloud.CodeRootInvalidData)
	if !strings.Contains(string(r.body), `"fields":["EMAILS"]`) || !strings.Contains(string(r.body), `"fields":["emails"]`) {
		t.Errorf("body %s does not name EMAILS (unknown) and emails (required)", r.body)
	}
	if n := len(s.Invitations("org-1")); n != 0 {
		t.Errorf("%d invitations created by refused bodies", n)
	}
	// The fake's own rules still follow the spec's: emails present but empty.
	send(t, s, http.MethodPost, create, `{"emails":[]}`, nil).wantError(t, 400, ecloud.CodeRootInvalidData)
}
