package orgsync_test

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEShowsTheSnippet: the README's orgsync snippet is the body of
// syncOrg (example_test.go), which ExampleApply runs.
func TestREADMEShowsTheSnippet(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "func syncOrg(ctx context.Context, client *ecloud.Client) error {\n", "\treturn nil\n}\n"
	_, body, found := strings.Cut(string(src), start)
	body, _, closed := strings.Cut(body, end)
	if !found || !closed {
		t.Fatal("syncOrg not found in example_test.go")
	}
	var snippet strings.Builder
	for _, line := range strings.SplitAfter(body, "\n") {
		snippet.WriteString(strings.TrimPrefix(line, "\t"))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := "import \"github.com/ecloud-go/ecloud/orgsync\"\n\n" + snippet.String() + "```\n"; !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show syncOrg's body verbatim:\n%s", want)
	}
}
