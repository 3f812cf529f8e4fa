package importfence

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for *testing.T so a test can watch the fence fail.
type recorder struct {
	testing.TB
	errors []string
	fatal  string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }

func TestCheckPassesPureCodeAndIgnoresTestFiles(t *testing.T) {
	r := &recorder{}
	Check(r, "testdata/clean", Allow("strings", "time"))
	if len(r.errors) > 0 || r.fatal != "" {
		t.Fatalf("clean package failed the fence: %q %q", r.errors, r.fatal)
	}
}

func TestCheckReportsEveryViolationInSubpackagesToo(t *testing.T) {
	r := &recorder{}
	Check(r, "testdata/dirty", Allow("time"))
	want := []string{
		`testdata/dirty imports "os"`,
		"dirty.go: go statement",
		"dirty.go: select statement",
		"dirty.go: clock.Now",
		"dirty.go: os.Getenv",
		"sub.go: dot import of time",
	}
	all := strings.Join(r.errors, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
	if len(r.errors) != len(want) {
		t.Errorf("got %d failures, want %d:\n%s", len(r.errors), len(want), all)
	}
}

func TestCheckFailsWhenThereIsNothingToFence(t *testing.T) {
	r := &recorder{}
	Check(r, t.TempDir(), Allow())
	if !strings.Contains(r.fatal, "no Go package") {
		t.Fatalf("fatal = %q, want a vacuous-pass failure", r.fatal)
	}
}

func TestAllowMatchesWholePathElements(t *testing.T) {
	allowed := Allow("fmt", "k8s.io/api/...")
	for path, want := range map[string]bool{
		"fmt": true, "fmt/sub": false, "k8s.io/api": true, "k8s.io/api/core/v1": true,
		"k8s.io/apiserver": false, "k8s.io/apimachinery/pkg/labels": false,
	} {
		if got := allowed(path); got != want {
			t.Errorf("Allow(...)(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestDefaultNamesCoverVersionSuffixes(t *testing.T) {
	for path, want := range map[string]string{
		"time": "time", "math/rand/v2": "v2 rand", "k8s.io/api/core/v1": "v1 core", "go.temporal.io/sdk/workflow": "workflow",
	} {
		if got := strings.Join(defaultNames(path), " "); got != want {
			t.Errorf("defaultNames(%q) = %q, want %q", path, got, want)
		}
	}
}
