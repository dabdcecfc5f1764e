package ecloud

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoDocShowsNoInternals reads the packages as go doc shows them: an
// exported variable or constant must not be declared with an unexported
// identifier of its package (go doc would print it, as it once printed
// `var ErrNotFound error = &statusClass{"not found", 404, 404}`), and every
// exported function and every exported method of an exported type has a doc
// comment.
func TestGoDocShowsNoInternals(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "ecloudtest", "orgsync"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		var files []*ast.File
		for _, e := range entries {
			if name := e.Name(); strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
				f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
		}
		tcCheckGoDoc(t, fset, files)
	}
}

func tcCheckGoDoc(t *testing.T, fset *token.FileSet, files []*ast.File) {
	t.Helper()
	unexported := map[string]bool{} // the package's unexported top-level names
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && !d.Name.IsExported() {
					unexported[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							unexported[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if !n.IsExported() {
								unexported[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Doc != nil {
					continue
				}
				if d.Recv == nil || ast.IsExported(tcReceiverType(d.Recv.List[0].Type)) {
					t.Errorf("%s: %s has no doc comment", fset.Position(d.Pos()), d.Name.Name)
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR && d.Tok != token.CONST {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					if !tcAnyExported(vs.Names) {
						continue
					}
					exprs := append([]ast.Expr{vs.Type}, vs.Values...)
					for _, e := range exprs {
						if e == nil {
							continue
						}
						ast.Inspect(e, func(n ast.Node) bool {
							if id, ok := n.(*ast.Ident); ok && unexported[id.Name] {
								t.Errorf("%s: go doc shows %s declared with the unexported %s", fset.Position(id.Pos()), vs.Names[0].Name, id.Name)
							}
							return true
						})
					}
				}
			}
		}
	}
}

func tcAnyExported(names []*ast.Ident) bool {
	for _, n := range names {
		if n.IsExported() {
			return true
		}
	}
	return false
}

// tcReceiverType is the name of a method's receiver type: T for T, *T and
// T[P].
func tcReceiverType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// TestECEAvailabilityIsDocumented: as the README says, quoting the API
// documentation, every operation but the four of domain claims is
// unavailable in self-hosted ECE; each method's doc comment says so.
func TestECEAvailabilityIsDocumented(t *testing.T) {
	t.Parallel()
	if !strings.Contains(strings.Join(strings.Fields(tcREADME(t)), " "),
		"the API documentation marks every operation except the four of domain claims as currently unavailable in self-hosted ECE") {
		t.Error("README.md does not state which operations ECE lacks")
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	methods := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Doc == nil || tcReceiverType(fn.Recv.List[0].Type) != "Client" {
				continue
			}
			doc := strings.Join(strings.Fields(fn.Doc.Text()), " ")
			_, op, ok := strings.Cut(doc, "Operation ")
			if !ok {
				continue
			}
			methods++
			domainClaim := strings.HasPrefix(op, "domain-claim-")
			if says := strings.Contains(doc, "Not available on ECE"); says == domainClaim {
				t.Errorf("%s: its doc comment says \"Not available on ECE\": %t; want %t", fn.Name.Name, says, !domainClaim)
			}
		}
	}
	if methods != 26 {
		t.Errorf("found %d methods that name their operation, want 26", methods)
	}
}
