package membership

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
)

// The planners import this package, so it must be as pure as they are: the API types and
// apimachinery's data helpers only.
func TestMembershipImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", importfence.Allow(
		"sort", "time",
		"k8s.io/apimachinery/pkg/apis/meta/v1",
		"k8s.io/api/core/v1",
		"k8s.io/apimachinery/pkg/types",
		"github.com/vpsie/vpsie-autoscaler/api/v1alpha1",
	))
}
