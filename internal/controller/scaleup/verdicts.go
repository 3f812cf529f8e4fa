package scaleup

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	"github.com/vpsie/vpsie-autoscaler/internal/groupreport"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// Verdicts holds, per NodeGroup, why the last plan held it back. The NodeGroup
// controller (the only writer of NodeGroup status) reads it into the ScaleUpBlocked
// condition; the same typed reason labels the events and metrics.
type Verdicts = groupreport.Store[nodegroup.Verdict]

// NewVerdicts returns an empty store.
func NewVerdicts() *Verdicts { return groupreport.New(nodegroup.Verdict.Equal) }

// verdictsOf is the plan's verdict per group it held back: the first one of each group.
func verdictsOf(groups []plan.Verdict) map[types.NamespacedName]nodegroup.Verdict {
	out := map[types.NamespacedName]nodegroup.Verdict{}
	for _, g := range groups {
		if _, seen := out[g.NodeGroup]; !seen {
			out[g.NodeGroup] = nodegroup.Verdict{Reason: g.Reason.String(), Message: g.Message}
		}
	}
	return out
}
