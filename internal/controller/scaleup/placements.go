package scaleup

import (
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// placements is the planned placement first, then what a 409 (no capacity) falls back to:
// the planner's fallbacks (plan.Intent.Fallbacks), which hold the intent's pods and respect
// the datacenters' limits and the quota.
func placements(in plan.Intent) []contract.Placement {
	one := in.MonthlyPrice
	if in.Count > 0 {
		one /= float64(in.Count)
	}
	out := []contract.Placement{{OfferingID: in.Offering, DatacenterID: in.Datacenter, MonthlyPrice: one}}
	for _, f := range in.Fallbacks {
		out = append(out, contract.Placement{OfferingID: f.Offering, DatacenterID: f.Datacenter, MonthlyPrice: f.MonthlyPrice})
	}
	return out
}
