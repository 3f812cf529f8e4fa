package importfence

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
	"testing"
)

// CheckConstructs fails t once for every forbidden call, go or select statement in the
// production files of pkgs.
func CheckConstructs(t testing.TB, pkgs []Package, f Forbidden) {
	t.Helper()
	for _, pkg := range pkgs {
		for _, name := range pkg.Files {
			file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatalf("parsing %s: %v", name, err)
			}
			for _, problem := range Problems(file, f) {
				t.Errorf("%s: %s", name, problem)
			}
		}
	}
}

// Problems lists the forbidden constructs in one parsed file, in source order.
func Problems(file *ast.File, f Forbidden) []string {
	names, problems := importNames(file, f)
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if f.GoStatement != "" {
				problems = append(problems, "go statement ("+f.GoStatement+")")
			}
		case *ast.SelectStmt:
			if f.SelectStatement != "" {
				problems = append(problems, "select statement ("+f.SelectStatement+")")
			}
		case *ast.SelectorExpr:
			problems = append(problems, selectorProblem(n, names, f)...)
		}
		return true
	})
	return problems
}

func selectorProblem(sel *ast.SelectorExpr, names map[string]string, f Forbidden) []string {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil
	}
	importPath, ok := names[id.Name]
	if !ok {
		return nil
	}
	if remedy, bad := f.remedy(importPath, sel.Sel.Name); bad {
		return []string{id.Name + "." + sel.Sel.Name + " (" + remedy + ")"}
	}
	return nil
}

// importNames maps each name a file uses for an import to its path. A dot import of a fenced
// package is a problem in itself: its members would appear unqualified and slip through.
func importNames(file *ast.File, f Forbidden) (map[string]string, []string) {
	names := map[string]string{}
	var problems []string
	for _, spec := range file.Imports {
		importPath, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if spec.Name == nil {
			for _, name := range defaultNames(importPath) {
				names[name] = importPath
			}
			continue
		}
		switch name := spec.Name.Name; {
		case name == "." && f.forbidsPackage(importPath):
			problems = append(problems, "dot import of "+importPath+" hides forbidden calls")
		case name != "_" && name != ".":
			names[name] = importPath
		}
	}
	return names, problems
}

// defaultNames are the names an unaliased import may be used by without loading it: the last
// path element and, when that is a version (math/rand/v2 is package rand, k8s.io/api/core/v1
// is package v1), the element before it too.
func defaultNames(importPath string) []string {
	base := path.Base(importPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		return []string{base, path.Base(path.Dir(importPath))}
	}
	return []string{base}
}
