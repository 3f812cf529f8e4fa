package rebalance

import (
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/maintenance"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// WindowHorizon is how far ahead Windows lists a group's maintenance windows for a run.
const WindowHorizon = 30 * 24 * time.Hour

// ContractBatches converts the plan's batches for contract.RebalanceInput.
func (p Plan) ContractBatches() []contract.RebalanceBatch {
	out := make([]contract.RebalanceBatch, len(p.Batches))
	for i, b := range p.Batches {
		for _, r := range b {
			rep := contract.Replacement{
				Old: contract.OldNode{NodeName: r.Node, VPSieNode: contract.VPSieNodeRef{Namespace: p.NodeGroup.Namespace, Name: r.VPSieNode},
					OfferingID: r.From, MonthlyPrice: r.FromPrice},
				MonthlySavings: r.MonthlySavings, Reason: r.Reason.String()}
			for _, t := range r.Targets {
				rep.Placements = append(rep.Placements, contract.Placement{OfferingID: t.Offering, DatacenterID: r.Datacenter,
					MonthlyPrice: t.MonthlyPrice})
			}
			out[i].Replacements = append(out[i].Replacements, rep)
		}
	}
	return out
}

// Windows lists the open spans of the group's maintenance windows from now for
// WindowHorizon, for contract.RebalanceInput.Windows; nil when the group has none.
func Windows(ng *v1alpha1.NodeGroup, now time.Time) ([]contract.TimeWindow, error) {
	ws := ng.Spec.RebalancePolicy.MaintenanceWindows
	if len(ws) == 0 {
		return nil, nil
	}
	parsed, err := maintenance.ParseAll(ws)
	if err != nil {
		return nil, err
	}
	var out []contract.TimeWindow
	for _, iv := range maintenance.Intervals(parsed, now, now.Add(WindowHorizon)) {
		out = append(out, contract.TimeWindow{Start: iv.Start, End: iv.End})
	}
	return out, nil
}
