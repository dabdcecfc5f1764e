package ecloud

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// tcREADME returns README.md.
func tcREADME(t *testing.T) string {
	t.Helper()
	return tcRead(t, "README.md")
}

// tcDecl returns the declaration that starts with start in file, up to its
// closing brace at the start of a line.
func tcDecl(t *testing.T, file, start string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "\n"+start)
	if i < 0 {
		t.Fatalf("%q not found in %s", start, file)
	}
	rest := string(src)[i+1:]
	end := strings.Index(rest, "\n}\n")
	if end < 0 {
		t.Fatalf("%q in %s has no closing brace", start, file)
	}
	return rest[:end+3]
}

// TestDocsShowTheFakeOfTheExample: the hand-written fake of docs/testing.md
// is the one example_test.go compiles and runs.
func TestDocsShowTheFakeOfTheExample(t *testing.T) {
	t.Parallel()
	doc := tcRead(t, "docs/testing.md")
	for _, start := range []string{"type fakeInvitations struct", "func (f *fakeInvitations) DeleteOrganizationInvitations("} {
		decl := tcDecl(t, "example_test.go", start)
		if !strings.Contains(doc, decl) {
			t.Errorf("docs/testing.md does not show this declaration of example_test.go verbatim:\n%s", decl)
		}
	}
}

// TestREADMEIsShort: the README is for users deciding and starting; the
// detail lives in docs/ and the package documentation.
func TestREADMEIsShort(t *testing.T) {
	t.Parallel()
	if n := len(tcREADME(t)); n > 16000 {
		t.Errorf("README.md is %d bytes; keep it under 16,000 and move detail to docs/", n)
	}
}

// TestREADMEQuickStart: the quick start is the two commands, and CI runs the
// README's test command (with -race).
func TestREADMEQuickStart(t *testing.T) {
	t.Parallel()
	want := "## Quick start\n\n```sh\ngo run ./examples/list-invitations\ngo test ./...\n```\n"
	if !strings.Contains(tcREADME(t), want) {
		t.Errorf("README.md lacks the quick start:\n%s", want)
	}
	if !regexp.MustCompile(`(?m)^go test( -race)?( -count=1)? \./\.\.\.$`).MatchString(tcRead(t, ".ci/run")) {
		t.Error(".ci/run does not run the README's test command, go test ./...")
	}
	if _, err := os.Stat("examples/list-invitations/main.go"); err != nil {
		t.Error(err)
	}
}

// TestDocLinks: every relative link of README.md, docs/*.md and
// CHANGELOG.md names a file that exists and, with a #fragment, a heading of
// it.
func TestDocLinks(t *testing.T) {
	t.Parallel()
	docs := tcDocFiles(t, "CHANGELOG.md")
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for file, text := range docs {
		for _, m := range link.FindAllStringSubmatch(tcWithoutCode(text), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, fragment, _ := strings.Cut(target, "#")
			if path == "" {
				path = file
			} else {
				path = filepath.Join(filepath.Dir(file), path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				if _, statErr := os.Stat(path); statErr != nil {
					t.Errorf("%s links to %s, which does not exist", file, target)
				}
				continue
			}
			if fragment != "" && !slices.Contains(tcAnchors(string(b)), fragment) {
				t.Errorf("%s links to %s: no such heading in %s (headings: %v)", file, target, path, tcAnchors(string(b)))
			}
		}
	}
}

// tcWithoutCode is text without its fenced code blocks.
func tcWithoutCode(text string) string {
	return regexp.MustCompile("(?ms)^```.*?^```$").ReplaceAllString(text, "")
}

// tcAnchors are the anchors GitHub gives the headings of a Markdown text:
// lower case, punctuation dropped, spaces as hyphens.
func tcAnchors(text string) []string {
	var anchors []string
	for _, line := range strings.Split(tcWithoutCode(text), "\n") {
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		anchors = append(anchors, b.String())
	}
	return anchors
}

// TestREADMEInterfaceTable: the README's table of interfaces lists each area
// interface with exactly its methods, and API last.
func TestREADMEInterfaceTable(t *testing.T) {
	t.Parallel()
	rows := regexp.MustCompile("(?m)^\\| `(\\w*API)` \\| (.*) \\|$").FindAllStringSubmatch(tcREADME(t), -1)
	var names []string
	for _, row := range rows {
		names = append(names, row[1])
		if row[1] == "API" {
			continue
		}
		area := slices.IndexFunc(tcAreas, func(a tcArea) bool { return a.iface.Name() == row[1] })
		if area < 0 {
			t.Errorf("README lists %s, which is not an area interface", row[1])
			continue
		}
		var want []string
		for i := range tcAreas[area].iface.NumMethod() {
			want = append(want, "`"+tcAreas[area].iface.Method(i).Name+"`")
		}
		got := strings.Split(row[2], ", ")
		slices.Sort(got)
		slices.Sort(want) // with the backticks: "`X`" sorts after "`XY`"
		if !slices.Equal(got, want) {
			t.Errorf("README lists %s with %v, want %v", row[1], got, want)
		}
	}
	var want []string
	for _, a := range tcAreas {
		want = append(want, a.iface.Name())
	}
	if !slices.Equal(names, append(want, "API")) {
		t.Errorf("README's interface table lists %v, want %v", names, append(want, "API"))
	}
}

// TestREADMECompatibility: the Go version the README names is go.mod's, and
// its Dependencies section names every module go.mod requires directly.
func TestREADMECompatibility(t *testing.T) {
	t.Parallel()
	readme, gomod := tcREADME(t), tcRead(t, "go.mod")
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	if goLine == nil || !strings.Contains(readme, "- **Go**: "+goLine[1]+" or later") {
		t.Errorf("README.md does not give go.mod's Go version %q", goLine)
	}
	_, deps, _ := strings.Cut(readme, "## Dependencies\n")
	deps, _, _ = strings.Cut(deps, "\n## ")
	for _, m := range regexp.MustCompile(`(?m)^\t(\S+) \S+$`).FindAllStringSubmatch(gomod, -1) {
		if !strings.Contains(deps, "`"+m[1]+"`") {
			t.Errorf("README.md's Dependencies do not name %s", m[1])
		}
	}
}

// TestDocsSpeakToUsers: the documents a user reads carry no words of the
// process that wrote them.
func TestDocsSpeakToUsers(t *testing.T) {
	t.Parallel()
	docs := tcDocFiles(t, "CHANGELOG.md", "BENCHMARKS.md")
	process := regexp.MustCompile(`(?i)\b(issues?|targets|sessions?)\b|#\d+\b`)
	for file, text := range docs {
		for _, m := range process.FindAllString(text, -1) {
			t.Errorf("%s says %q, a word of the process rather than of the SDK", file, m)
		}
	}
}
