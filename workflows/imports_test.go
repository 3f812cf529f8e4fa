package workflows_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/vpsie/vpsie-autoscaler"

// allowedImports is everything production code under workflows/ may import. Workflow code
// is replayed, so it must be deterministic: no I/O, no wall clock, no randomness, no
// scheduler-visible concurrency. Extend this list only with pure packages.
var allowedImports = map[string]bool{
	"errors": true, "fmt": true, "maps": true, "math": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "time": true, "unicode": true, "unicode/utf8": true,
	"go.temporal.io/sdk/log":      true,
	"go.temporal.io/sdk/temporal": true,
	"go.temporal.io/sdk/workflow": true,
}

// forbiddenCalls read the wall clock or block the OS thread; workflow.Now, workflow.Sleep
// and workflow.NewTimer are the replay-safe replacements.
var forbiddenCalls = map[string]bool{
	"time.Now": true, "time.Since": true, "time.Until": true, "time.Sleep": true,
	"time.After": true, "time.AfterFunc": true, "time.Tick": true,
	"time.NewTimer": true, "time.NewTicker": true,
}

func TestTemporalWorkflowPackagesImportOnlyPureCode(t *testing.T) {
	for dir, pkg := range packages(t) {
		for _, imp := range pkg.Imports {
			if !allowedImports[imp] && !strings.HasPrefix(imp, module+"/workflows") {
				t.Errorf("%s imports %q; workflows may only import pure packages and workflows/...", dir, imp)
			}
		}
	}
}

func TestTemporalWorkflowCodeAvoidsNondeterministicConstructs(t *testing.T) {
	for dir, pkg := range packages(t) {
		for _, name := range pkg.GoFiles {
			path := filepath.Join(dir, name)
			file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatalf("parsing %s: %v", path, err)
			}
			for _, problem := range nondeterministic(file) {
				t.Errorf("%s: %s", path, problem)
			}
		}
	}
}

func nondeterministic(file *ast.File) []string {
	var problems []string
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			problems = append(problems, "go statement (use workflow.Go)")
		case *ast.SelectStmt:
			problems = append(problems, "select statement (use workflow.NewSelector)")
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && forbiddenCalls[id.Name+"."+n.Sel.Name] {
				problems = append(problems, id.Name+"."+n.Sel.Name+" (use the workflow.* equivalent)")
			}
		}
		return true
	})
	return problems
}

// packages loads this package and every package below it (non-test files, as go list
// sees them), so new subpackages are checked without anyone remembering to add them.
func packages(t *testing.T) map[string]*build.Package {
	t.Helper()
	pkgs := map[string]*build.Package{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading package %s: %w", path, err)
		}
		pkgs[path] = pkg
		return nil
	})
	if err != nil {
		t.Fatalf("walking workflows/: %v", err)
	}
	if len(pkgs) < 2 {
		t.Fatalf("found %d packages under workflows/, want at least workflows and contract", len(pkgs))
	}
	return pkgs
}
