package importfence

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Package is one directory of production code as `go list` sees it on this platform: test
// files are left out because tests may use whatever they need.
type Package struct {
	Dir     string
	Files   []string // paths of the non-test .go files, sorted
	Imports []string // sorted, de-duplicated
}

// Packages loads dir and every package below it, so a new subpackage is fenced without
// anyone remembering to add it. testdata and directories the go tool ignores are skipped.
// The result is sorted by directory so failures come out in a stable order.
func Packages(t testing.TB, dir string) []Package {
	t.Helper()
	var pkgs []Package
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != dir && ignoredDir(d.Name()) {
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
		pkgs = append(pkgs, fromBuild(path, pkg))
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", dir, err)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Dir < pkgs[j].Dir })
	return pkgs
}

// ignoredDir mirrors the go tool: testdata, and names starting with "." or "_", hold no
// package of the module.
func ignoredDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func fromBuild(dir string, pkg *build.Package) Package {
	files := make([]string, 0, len(pkg.GoFiles)+len(pkg.CgoFiles))
	for _, name := range append(append([]string(nil), pkg.GoFiles...), pkg.CgoFiles...) {
		files = append(files, filepath.Join(dir, name))
	}
	sort.Strings(files)
	return Package{Dir: dir, Files: files, Imports: pkg.Imports}
}
