package scaledown

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	"github.com/vpsie/vpsie-autoscaler/internal/groupreport"
)

// Reports holds, per NodeGroup, the nodes the last plan kept although they could go, and
// when a drain of the group last started. The NodeGroup controller (the only writer of
// NodeGroup status) reads it into status.scaleDown and status.lastScaleDownTime.
type Reports = groupreport.Store[nodegroup.ScaleDownReport]

// NewReports returns an empty store.
func NewReports() *Reports { return groupreport.New(nodegroup.ScaleDownReport.Equal) }

// reportsOf is a report for every group of groups, so that one with nothing blocked any
// more is reported as such and a group that is gone is dropped.
func reportsOf(groups []*v1alpha1.NodeGroup, blocked map[types.NamespacedName][]v1alpha1.BlockedNode,
	started map[types.NamespacedName]time.Time) map[types.NamespacedName]nodegroup.ScaleDownReport {
	out := make(map[types.NamespacedName]nodegroup.ScaleDownReport, len(groups))
	for i := range groups {
		k := types.NamespacedName{Namespace: groups[i].Namespace, Name: groups[i].Name}
		out[k] = nodegroup.ScaleDownReport{Blocked: blocked[k], LastScaleDown: started[k]}
	}
	return out
}
