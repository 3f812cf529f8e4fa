package scaleup

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

// The planner must stay a pure function of its Snapshot: pure standard packages, API types and
// apimachinery's data helpers only. No client-go, controller-runtime, net/http or Temporal,
// and time for its types alone (the fence rejects time.Now and friends).
var plannerImports = importfence.Allow(
	"cmp", "errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time",
	"k8s.io/api/...",
	"k8s.io/apimachinery/pkg/api/resource",
	"k8s.io/apimachinery/pkg/apis/meta/v1",
	"k8s.io/apimachinery/pkg/labels",
	"k8s.io/apimachinery/pkg/selection",
	"k8s.io/apimachinery/pkg/types",
	"k8s.io/apimachinery/pkg/util/sets",
	"github.com/vpsie/vpsie-autoscaler/api/v1alpha1",
	"github.com/vpsie/vpsie-autoscaler/internal/membership",
	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels",
	"github.com/vpsie/vpsie-autoscaler/internal/plan/...",
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim",
)

func TestPlannerImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", plannerImports)
}
