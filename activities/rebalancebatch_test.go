package activities

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// The workflow names its ScaleUp batches with the contract's prefix and scale-down reads the
// API's: they must be one value, or scale-down would not know a rebalance's nodes.
func TestRebalanceBatchPrefixIsOneValue(t *testing.T) {
	if contract.RebalanceBatchPrefix != v1alpha1.RebalanceBatchPrefix {
		t.Fatalf("contract prefix %q, API prefix %q", contract.RebalanceBatchPrefix, v1alpha1.RebalanceBatchPrefix)
	}
}
