package rebalance

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

// The analyzer stays a pure function of its Snapshot, like the planners it reuses: pure
// standard packages, API types, apimachinery's data helpers, the maintenance-window
// arithmetic and the workflow contract's plain types. No client-go, controller-runtime,
// Temporal SDK or clock.
var analyzerImports = importfence.Allow(
	"crypto/sha256", "encoding/hex", "fmt", "slices", "strconv", "strings", "time",
	"k8s.io/api/...",
	"k8s.io/apimachinery/pkg/types",
	"github.com/vpsie/vpsie-autoscaler/api/v1alpha1",
	"github.com/vpsie/vpsie-autoscaler/internal/membership",
	"github.com/vpsie/vpsie-autoscaler/internal/maintenance",
	"github.com/vpsie/vpsie-autoscaler/internal/plan/...",
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim",
	"github.com/vpsie/vpsie-autoscaler/workflows/contract",
)

func TestAnalyzerImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", analyzerImports)
}
