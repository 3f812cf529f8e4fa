package conventions

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestMainGoModHasNoReplaceDirectives(t *testing.T) {
	path := filepath.Join(repoRoot(t), "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Replace {
		t.Errorf("go.mod replaces %s: keep replace directives in hack/ helper modules", r.Old.Path)
	}
}

// Libraries carry a doc.go; commands document themselves in main.go.
func TestEveryPackageIsDocumented(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{.Name}}\t{{.Dir}}\t{{.Doc}}", "./...")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, rest, _ := strings.Cut(line, "\t")
		dir, doc, _ := strings.Cut(rest, "\t")
		rel, _ := filepath.Rel(repoRoot(t), dir)
		if name == "main" {
			if doc == "" {
				t.Errorf("command %s has no package comment", rel)
			}
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "doc.go")); err != nil {
			t.Errorf("package %s has no doc.go", rel)
		}
	}
}

// The README names the test command; CI must call exactly that, so the
// command a developer runs is the command CI runs.
func TestCIRunsTheReadmeTestCommand(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^(make \S+)\s+# what CI runs`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README does not name the test command as `make <target>  # what CI runs`")
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile("(?m)^" + regexp.QuoteMeta(string(m[1])) + "$").Match(ci) {
		t.Errorf(".ci/run does not call the README's test command %q on a line of its own", m[1])
	}
}
