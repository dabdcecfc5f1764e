package ecloud

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Go snippets of README.md and docs/*.md compile, and check their
// errors. TestDocSnippets builds every ```go block in a module of its own
// that requires this one (a replace directive points at this checkout), one
// package per block, with `go vet`, so that a snippet that stops compiling
// fails the tests, and at the line of the Markdown file where it broke. The
// convention for writing a snippet:
//
//   - A block that parses as a file's declarations (funcs, types, an import
//     block) is a file of its own. Without an import block, it gets the
//     common imports of tcSnippetImports.
//   - Any other block is the body of
//     func(ctx context.Context, client *ecloud.Client) error: ctx and client
//     are in scope, and it returns its errors. Its leading `import "…"`
//     lines are moved to the file's imports; it gets the common imports too.
//   - Every snippet checks its errors: each statement that assigns err is
//     followed by one that reads it (an `if err != nil`, a switch on it, a
//     return), so that no snippet uses a result it has not checked.

// tcSnippetImports are the imports every snippet without an import block
// may use, each with a use, so that a snippet need not use them all.
var tcSnippetImports = map[string]string{
	"context":                                "context.Background",
	"crypto/tls":                             "tls.VersionTLS12",
	"crypto/x509":                            "x509.NewCertPool",
	"errors":                                 "errors.Is",
	"fmt":                                    "fmt.Sprint",
	"log":                                    "log.Print",
	"log/slog":                               "slog.Default",
	"net/http":                               "http.StatusOK",
	"os":                                     "os.Getenv",
	"slices":                                 "slices.Contains[[]string]",
	"strings":                                "strings.Contains",
	"testing":                                "testing.Short",
	"time":                                   "time.Second",
	"github.com/ecloud-go/ecloud":            "ecloud.Version",
	"github.com/ecloud-go/ecloud/ecloudtest": "ecloudtest.APIKey",
	"github.com/ecloud-go/ecloud/orgsync":    "orgsync.ErrLastAdmin",
	"github.com/jarcoal/httpmock":            "httpmock.NewMockTransport",
}

// tcSnippet is one ```go block: its file, the line of its first line, and
// its text.
type tcSnippet struct {
	file string
	line int
	src  string
}

var tcFence = regexp.MustCompile("(?ms)^```go\n(.*?)^```$")

// tcSnippets returns the ```go blocks of the Markdown file.
func tcSnippets(t *testing.T, file string, text string) []tcSnippet {
	t.Helper()
	var out []tcSnippet
	for _, m := range tcFence.FindAllStringSubmatchIndex(text, -1) {
		body := text[m[2]:m[3]]
		out = append(out, tcSnippet{file: file, line: strings.Count(text[:m[2]], "\n") + 1, src: body})
	}
	return out
}

// tcSnippetFile returns the Go file of snippet s in package pkg.
func tcSnippetFile(s tcSnippet, pkg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	lineDirective := fmt.Sprintf("//line %s:%d:1\n", s.file, s.line)
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+s.src, parser.SkipObjectResolution); err == nil {
		if strings.HasPrefix(strings.TrimSpace(s.src), "import") {
			b.WriteString(lineDirective + s.src)
			return b.String()
		}
		tcWriteImports(&b, nil)
		b.WriteString(lineDirective + s.src)
		return b.String()
	}
	// A body: its leading import lines go to the file's imports.
	var extra []string
	body, line := s.src, s.line
	for {
		first, rest, _ := strings.Cut(body, "\n")
		if path, ok := strings.CutPrefix(first, "import "); ok {
			extra = append(extra, strings.Trim(path, `"`))
		} else if strings.TrimSpace(first) != "" || len(extra) == 0 {
			break
		}
		body, line = rest, line+1
	}
	tcWriteImports(&b, extra)
	b.WriteString("func snippet(ctx context.Context, client *ecloud.Client) error {\n")
	fmt.Fprintf(&b, "//line %s:%d:1\n", s.file, line)
	b.WriteString(body)
	b.WriteString("\treturn nil\n}\n")
	return b.String()
}

func tcWriteImports(b *strings.Builder, extra []string) {
	b.WriteString("import (\n")
	for path := range tcSnippetImports {
		fmt.Fprintf(b, "\t%q\n", path)
	}
	for _, path := range extra {
		if _, ok := tcSnippetImports[path]; !ok {
			fmt.Fprintf(b, "\t%q\n", path)
		}
	}
	b.WriteString(")\n\n")
	for _, use := range tcSnippetImports {
		fmt.Fprintf(b, "var _ = %s\n", use)
	}
	b.WriteString("\n")
}

// tcUncheckedErrs returns where the Go file src assigns err without
// reading it in the next statement.
func tcUncheckedErrs(name, src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var bad []string
	check := func(list []ast.Stmt) {
		for i, stmt := range list {
			assign, ok := stmt.(*ast.AssignStmt)
			if !ok || !tcMentionsErr(assign.Lhs...) {
				continue
			}
			if i+1 == len(list) || !tcMentionsErr(list[i+1]) {
				bad = append(bad, fmt.Sprintf("%s: err is assigned and not checked by the next statement", fset.Position(stmt.Pos())))
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			check(n.List)
		case *ast.CaseClause:
			check(n.Body)
		case *ast.CommClause:
			check(n.Body)
		}
		return true
	})
	return bad, nil
}

func tcMentionsErr[N ast.Node](nodes ...N) bool {
	found := false
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "err" {
				found = true
			}
			return !found
		})
	}
	return found
}

// tcBuildSnippets writes each snippet as a package of a module that
// requires this checkout, runs go vet on it, and returns the failures: the
// unchecked errors, then vet's output.
func tcBuildSnippets(t *testing.T, snippets []tcSnippet) []string {
	t.Helper()
	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, requires, _ := strings.Cut(string(gomod), "\nrequire")
	mod := "module snippets\n\ngo 1.24\n\nrequire github.com/ecloud-go/ecloud v0.0.0\n\nrequire" + requires +
		"\nreplace github.com/ecloud-go/ecloud => " + repo + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
		t.Fatal(err)
	}
	var failures []string
	for i, s := range snippets {
		pkg := fmt.Sprintf("s%d", i)
		src := tcSnippetFile(s, pkg)
		bad, err := tcUncheckedErrs(pkg+".go", src)
		if err != nil {
			failures = append(failures, err.Error())
		}
		failures = append(failures, bad...)
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, pkg+".go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the snippets with")
	}
	cmd := exec.Command(goBin, "vet", "-unreachable=false", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		failures = append(failures, fmt.Sprintf("go vet: %v\n%s", err, out.String()))
	}
	return failures
}

// tcDocFiles are README.md, docs/*.md and the extra files, with their text.
func tcDocFiles(t *testing.T, extra ...string) map[string]string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, f := range append(append([]string{"README.md"}, files...), extra...) {
		docs[f] = tcRead(t, f)
	}
	return docs
}

// tcRead returns the text of the file.
func tcRead(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocSnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: not in -short")
	}
	t.Parallel()
	var snippets []tcSnippet
	for file, text := range tcDocFiles(t) {
		snippets = append(snippets, tcSnippets(t, file, text)...)
	}
	if len(snippets) < 10 {
		t.Fatalf("%d Go snippets found in the docs; the fence pattern is broken", len(snippets))
	}
	for _, f := range tcBuildSnippets(t, snippets) {
		t.Error(f)
	}
}

// TestDocSnippetsCheckerFails: the checks of TestDocSnippets fail on a
// snippet that does not compile and on one that does not check an error.
func TestDocSnippetsCheckerFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: not in -short")
	}
	t.Parallel()
	md := "text\n\n```go\norg, err := client.GetOrganisation(ctx, \"org-1\")\nif err != nil {\n\treturn err\n}\nfmt.Println(org.Name)\n```\n\n" +
		"```go\nlist, err := client.ListOrganizations(ctx)\nfmt.Println(len(list.Organizations))\n```\n"
	failures := strings.Join(tcBuildSnippets(t, tcSnippets(t, "BAD.md", md)), "\n")
	for _, want := range []string{
		"BAD.md:4:", "GetOrganisation", // the first snippet, at its line
		"BAD.md:12:1: err is assigned and not checked by the next statement", // the second
	} {
		if !strings.Contains(failures, want) {
			t.Errorf("failures lack %q:\n%s", want, failures)
		}
	}
}
