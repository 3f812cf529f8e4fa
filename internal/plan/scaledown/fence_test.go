package scaledown

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

// The planner must stay a pure function of its Snapshot, like the scale-up planner whose
// simulation it uses: pure standard packages, API types and apimachinery's data helpers. No
// client-go, controller-runtime, Temporal, clock or sample store (the controller asks the
// store and passes the verdicts in).
var plannerImports = importfence.Allow(
	"slices", "sort", "strconv", "strings", "time",
	"k8s.io/api/...",
	"k8s.io/apimachinery/pkg/apis/meta/v1",
	"k8s.io/apimachinery/pkg/labels",
	"k8s.io/apimachinery/pkg/types",
	"github.com/vpsie/vpsie-autoscaler/api/v1alpha1",
	"github.com/vpsie/vpsie-autoscaler/internal/membership",
	"github.com/vpsie/vpsie-autoscaler/internal/plan/...",
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim",
)

func TestPlannerImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", plannerImports)
}
