package ecloudtest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

// TestEveryCodeHasAMessage: the fake answers each code of the spec with the
// spec's message, so an error built by FailNext or ErrorResponder reads like
// the API's.
func TestEveryCodeHasAMessage(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../testdata/spec_facts.json")
	if err != nil {
		t.Fatal(err)
	}
	var f facts.Facts
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, op := range f.Operations {
		for _, e := range op.Errors {
			for _, code := range e.Codes {
				n++
				if messages[code] == "" {
					t.Errorf("%s %d: code %s has no message", op.OperationID, e.Status, code)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the fact file lists no error codes")
	}
	for _, code := range []string{ecloud.CodeRootUnauthorized, ecloud.CodeRootPermissionDenied} {
		if messages[code] == "" {
			t.Errorf("live code %s has no message", code)
		}
	}
}
