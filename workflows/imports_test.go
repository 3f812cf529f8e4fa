package workflows_test

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

const module = "github.com/vpsie/vpsie-autoscaler"

// allowedImports is everything production code under workflows/ may import. Workflow code
// is replayed, so it must be deterministic: no I/O, no wall clock, no randomness, no
// scheduler-visible concurrency. Extend this list only with pure packages.
var allowedImports = importfence.Allow(
	"errors", "fmt", "maps", "math", "slices", "sort",
	"strconv", "strings", "time", "unicode", "unicode/utf8",
	"go.temporal.io/sdk/log",
	"go.temporal.io/sdk/temporal",
	"go.temporal.io/sdk/workflow",
	module+"/workflows/...",
)

// replaySafe forbids what reads the wall clock or blocks the OS thread; workflow.Now,
// workflow.Sleep, workflow.NewTimer, workflow.Go and workflow.NewSelector are the
// replay-safe replacements.
var replaySafe = importfence.Forbidden{
	Calls: map[string]string{
		"time.Now": useWorkflow, "time.Since": useWorkflow, "time.Until": useWorkflow, "time.Sleep": useWorkflow,
		"time.After": useWorkflow, "time.AfterFunc": useWorkflow, "time.Tick": useWorkflow,
		"time.NewTimer": useWorkflow, "time.NewTicker": useWorkflow,
	},
	GoStatement:     "use workflow.Go",
	SelectStatement: "use workflow.NewSelector",
}

const useWorkflow = "use the workflow.* equivalent"

func TestTemporalWorkflowPackagesImportOnlyPureCode(t *testing.T) {
	importfence.CheckImports(t, packages(t), allowedImports)
}

func TestTemporalWorkflowCodeAvoidsNondeterministicConstructs(t *testing.T) {
	importfence.CheckConstructs(t, packages(t), replaySafe)
}

// packages loads this package and every package below it, so new subpackages are checked
// without anyone remembering to add them.
func packages(t *testing.T) []importfence.Package {
	t.Helper()
	pkgs := importfence.Packages(t, ".")
	if len(pkgs) < 2 {
		t.Fatalf("found %d packages under workflows/, want at least workflows and contract", len(pkgs))
	}
	return pkgs
}
