package scaleup

import (
	"cmp"
	"slices"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// placements is the planned placement first, then what a 409 (no capacity) falls back
// to: the group's other offerings at least as large, cheapest first, in the same
// datacenter; then the planned offering in the group's other datacenters by priority.
func placements(ng *v1alpha1.NodeGroup, in plan.Intent, offerings []plan.Offering) []contract.Placement {
	byID := map[string]plan.Offering{}
	for _, o := range offerings {
		byID[o.ID] = o
	}
	chosen := byID[in.Offering]
	out := []contract.Placement{{OfferingID: in.Offering, DatacenterID: in.Datacenter, MonthlyPrice: chosen.MonthlyPrice}}
	var bigger []plan.Offering
	for _, id := range ng.Spec.OfferingIDs {
		o, ok := byID[id]
		if ok && id != in.Offering && o.CPUMilli >= chosen.CPUMilli && o.MemoryBytes >= chosen.MemoryBytes &&
			sells(o, in.Datacenter) {
			bigger = append(bigger, o)
		}
	}
	slices.SortFunc(bigger, func(a, b plan.Offering) int {
		return cmp.Or(cmp.Compare(a.MonthlyPrice, b.MonthlyPrice), cmp.Compare(a.ID, b.ID))
	})
	for _, o := range bigger {
		out = append(out, contract.Placement{OfferingID: o.ID, DatacenterID: in.Datacenter, MonthlyPrice: o.MonthlyPrice})
	}
	dcs := slices.Clone(ng.Spec.Datacenters)
	slices.SortStableFunc(dcs, func(a, b v1alpha1.DatacenterPlacement) int { return cmp.Compare(a.Priority, b.Priority) })
	for _, dc := range dcs {
		if dc.ID != in.Datacenter && sells(chosen, dc.ID) {
			out = append(out, contract.Placement{OfferingID: in.Offering, DatacenterID: dc.ID, MonthlyPrice: chosen.MonthlyPrice})
		}
	}
	return out
}

func sells(o plan.Offering, dc string) bool {
	return len(o.Datacenters) == 0 || slices.Contains(o.Datacenters, dc)
}
