package conventions

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An application error type is a string both sides of the activity → workflow boundary
// must spell alike, so workflows/ and activities/ (tests included) name it only by a
// constant of workflows/contract. A string literal, or a constant of their own, as an
// error type fails here.
func TestApplicationErrorTypesComeFromTheContract(t *testing.T) {
	root := repoRoot(t)
	for _, dir := range []string{"workflows", "activities"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (d.Name() == "contract" || d.Name() == "testdata"):
				return filepath.SkipDir
			case !d.IsDir():
				return nil
			}
			for _, p := range errorTypeLiterals(t, path) {
				t.Error(p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The check itself finds what it must, and only that.
func TestErrorTypeLiteralsFindsStringTypes(t *testing.T) {
	const src = `package p
const local = "Local"
func f(err error, typ string) {
	_ = temporal.NewApplicationError("msg", "Bad1")
	_ = temporal.NewNonRetryableApplicationError("msg", local, nil)
	_ = temporal.NewApplicationErrorWithCause("msg", "Bad3", err)
	_ = appErr.Type() == "Bad4"
	_ = "Bad5" != appErr.Type()
	_ = temporal.RetryPolicy{NonRetryableErrorTypes: []string{"Bad6"}}
	_ = hasApplicationError(err, "Bad7")
	_ = temporal.NewApplicationError("msg", contract.ErrGood)
	_ = temporal.NewNonRetryableApplicationError("msg "+typ, typ, nil)
	_ = appErr.Type() == contract.ErrGood
	_ = x.Kind() == "fine"
}`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := errorTypeLiterals(t, dir)
	if len(got) != 7 {
		t.Fatalf("found %d, want 7 (Bad1..Bad7):\n%s", len(got), strings.Join(got, "\n"))
	}
}

// errorTypeLiterals parses the Go files of dir (one package and its tests) and returns
// every place an application error type is a string literal or a constant of dir.
func errorTypeLiterals(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, m := range matches {
		f, err := parser.ParseFile(fset, m, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := map[string]bool{} // constants declared in dir, at any scope
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if g, ok := n.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					for _, name := range s.(*ast.ValueSpec).Names {
						consts[name.Name] = true
					}
				}
			}
			return true
		})
	}
	isString := func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.BasicLit:
			return e.Kind == token.STRING
		case *ast.Ident:
			return consts[e.Name]
		case *ast.BinaryExpr:
			return e.Op == token.ADD
		}
		return false
	}
	var found []string
	report := func(n ast.Node, what string) {
		found = append(found, fset.Position(n.Pos()).String()+": "+what+
			": name the error type by a workflows/contract constant")
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := calleeName(n.Fun)
				switch {
				case strings.HasPrefix(name, "New") && strings.Contains(name, "ApplicationError"):
					if len(n.Args) > 1 && isString(n.Args[1]) {
						report(n, name+" with a string type")
					}
				case strings.Contains(name, "ApplicationError"): // helpers such as hasApplicationError
					for _, a := range n.Args {
						if isString(a) {
							report(a, name+" with a string type")
						}
					}
				}
			case *ast.BinaryExpr:
				if (n.Op == token.EQL || n.Op == token.NEQ) &&
					(isTypeCall(n.X) && isString(n.Y) || isTypeCall(n.Y) && isString(n.X)) {
					report(n, ".Type() compared with a string")
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "NonRetryableErrorTypes" {
					if c, ok := n.Value.(*ast.CompositeLit); ok {
						for _, e := range c.Elts {
							if isString(e) {
								report(e, "NonRetryableErrorTypes with a string")
							}
						}
					}
				}
			}
			return true
		})
	}
	return found
}

// calleeName is the function's name without its package or receiver.
func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// isTypeCall reports whether e is x.Type(), an application error's type.
func isTypeCall(e ast.Expr) bool {
	c, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && len(c.Args) == 0 && calleeName(c.Fun) == "Type"
}
