package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Catalogue reads the VPSie catalogue through the VPSie task queue, so the planner's
// catalogue comes under the same rate limit and retries as every other VPSie call.
func Catalogue(ctx workflow.Context) (contract.Catalogue, error) {
	var c contract.Catalogue
	if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.ListCatalogueActivity).Get(ctx, &c); err != nil {
		return c, fmt.Errorf("listing the catalogue: %w", err)
	}
	return c, nil
}
