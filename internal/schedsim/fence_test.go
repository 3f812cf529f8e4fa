package schedsim

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

// The simulation must stay a pure function of what it is given, so every planner can trust
// it: standard packages, API types and apimachinery's data helpers only. No client-go,
// controller-runtime, Temporal or clock, and no other package of this module but the API.
var simImports = importfence.Allow(
	"slices", "sort", "strconv", "strings",
	"k8s.io/api/...",
	"k8s.io/apimachinery/pkg/api/resource",
	"k8s.io/apimachinery/pkg/apis/meta/v1",
	"k8s.io/apimachinery/pkg/labels",
	"k8s.io/apimachinery/pkg/selection",
	"k8s.io/apimachinery/pkg/types",
	"k8s.io/apimachinery/pkg/util/sets",
	"github.com/vpsie/vpsie-autoscaler/api/v1alpha1",
)

func TestSimulationImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", simImports)
}
