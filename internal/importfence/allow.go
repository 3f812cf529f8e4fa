package importfence

import "strings"

// Allow builds an allow-list from import paths. A path ending in "/..." allows that package
// and every package below it, as in `go list` patterns; any other path allows exactly itself.
// Matching on whole path elements keeps "k8s.io/api/..." from admitting "k8s.io/apiserver".
func Allow(patterns ...string) func(importPath string) bool {
	exact := make(map[string]bool, len(patterns))
	var trees []string
	for _, p := range patterns {
		if root, ok := strings.CutSuffix(p, "/..."); ok {
			trees = append(trees, root)
			continue
		}
		exact[p] = true
	}
	return func(importPath string) bool {
		if exact[importPath] {
			return true
		}
		for _, root := range trees {
			if importPath == root || strings.HasPrefix(importPath, root+"/") {
				return true
			}
		}
		return false
	}
}
