package importfence

import "testing"

// Check fences dir and everything below it: imports must pass allowed, and the code must
// avoid the Nondeterministic constructs.
func Check(t testing.TB, dir string, allowed func(importPath string) bool) {
	t.Helper()
	pkgs := Packages(t, dir)
	if len(pkgs) == 0 {
		t.Fatalf("no Go package under %s: the fence would pass vacuously", dir)
	}
	CheckImports(t, pkgs, allowed)
	CheckConstructs(t, pkgs, Nondeterministic)
}

// CheckImports fails t once for every import of pkgs that allowed rejects.
func CheckImports(t testing.TB, pkgs []Package, allowed func(importPath string) bool) {
	t.Helper()
	for _, pkg := range pkgs {
		for _, imp := range pkg.Imports {
			if !allowed(imp) {
				t.Errorf("%s imports %q, which its import fence does not allow", pkg.Dir, imp)
			}
		}
	}
}
