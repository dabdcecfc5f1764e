package ecloud

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tcREADME returns README.md.
func tcREADME(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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

// TestREADMEShowsTheFakeOfTheExample: the README's hand-written fake is the
// one example_test.go compiles and runs.
func TestREADMEShowsTheFakeOfTheExample(t *testing.T) {
	t.Parallel()
	readme := tcREADME(t)
	for _, start := range []string{"type fakeInvitations struct", "func (f *fakeInvitations) DeleteOrganizationInvitations("} {
		decl := tcDecl(t, "example_test.go", start)
		if !strings.Contains(readme, decl) {
			t.Errorf("README.md does not show this declaration of example_test.go verbatim:\n%s", decl)
		}
	}
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
