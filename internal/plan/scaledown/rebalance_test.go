package scaledown

import (
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// rebalancing gives g a running rebalance of plan (status.rebalance without finishedAt).
func rebalancing(g *v1alpha1.NodeGroup, plan string) *v1alpha1.NodeGroup {
	g.Status.Rebalance = &v1alpha1.NodeGroupRebalanceStatus{PlanID: plan, Phase: "Provisioning"}
	return g
}

// finished ends g's rebalance of plan.
func finished(g *v1alpha1.NodeGroup, plan string) *v1alpha1.NodeGroup {
	at := metav1.NewTime(now.Add(-time.Minute))
	g.Status.Rebalance = &v1alpha1.NodeGroupRebalanceStatus{PlanID: plan, Phase: "Completed", FinishedAt: &at, Outcome: "Completed"}
	return g
}

// marked: the run marked these nodes as ones it replaces.
func marked(s *Snapshot, plan string, names ...string) {
	for _, name := range names {
		for _, en := range s.Nodes {
			if en.Node.Name == name {
				if en.Node.Annotations == nil {
					en.Node.Annotations = map[string]string{}
				}
				en.Node.Annotations[v1alpha1.AnnotationRebalanceStatus] = "replacing"
				en.Node.Annotations[v1alpha1.AnnotationRebalancePlan] = plan
			}
		}
	}
}

// replacement: the run created these nodes (their VPSieNode's batch is a rebalance batch).
func replacement(s *Snapshot, names ...string) {
	for _, name := range names {
		for _, vn := range s.VPSieNodes {
			if vn.Status.NodeName == name {
				vn.Labels = map[string]string{v1alpha1.LabelBatch: v1alpha1.RebalanceBatchPrefix + "0a1b2c3d-0"}
			}
		}
	}
}

func TestScaleDownLeavesARunningRebalanceAlone(t *testing.T) {
	const rebalancingReason = "Rebalancing"
	tests := []struct {
		name    string
		snap    func() Snapshot
		drained []string
		kept    map[string]string // node -> reason name
	}{
		{
			name: "a replacement does not make a min == max group above maxNodes",
			snap: func() Snapshot {
				s := snapshot(groups(rebalancing(nodeGroup("g", 3, 3), "p1")), node("a", "g", "4", "8Gi", pod("x", "1", "1Gi")),
					node("b", "g", "4", "8Gi", pod("y", "3", "1Gi")), node("c", "g", "4", "8Gi", pod("z", "3", "1Gi")),
					node("r0", "g", "4", "8Gi"))
				marked(&s, "p1", "a")
				replacement(&s, "r0")
				return s
			},
			kept: map[string]string{"a": rebalancingReason, "r0": rebalancingReason, "b": "AtMinNodes", "c": "AtMinNodes"},
		},
		{
			name: "the node a rebalance replaces is never chosen, even when the group is above maxNodes",
			snap: func() Snapshot {
				s := snapshot(groups(rebalancing(nodeGroup("g", 1, 2), "p1")), node("a", "g", "4", "8Gi"),
					node("b", "g", "4", "8Gi", pod("y", "1", "1Gi")), node("c", "g", "4", "8Gi", pod("z", "1", "1Gi")),
					node("r0", "g", "4", "8Gi"))
				marked(&s, "p1", "a")
				replacement(&s, "r0")
				return s
			},
			drained: []string{"b"}, // 4 nodes, one of them the run's own: 3 > maxNodes 2
			kept:    map[string]string{"a": rebalancingReason, "r0": rebalancingReason, "c": "DrainLimit"},
		},
		{
			name: "the empty replacement of a paused rebalance is not drained as Empty",
			snap: func() Snapshot {
				g := rebalancing(nodeGroup("g", 1, 10), "p1")
				g.Status.Rebalance.Phase, g.Status.Rebalance.Paused = "Paused", true
				s := snapshot(groups(g), node("a", "g", "4", "8Gi", pod("x", "3", "1Gi")), node("r0", "g", "4", "8Gi"))
				marked(&s, "p1", "a")
				replacement(&s, "r0")
				s.Utilization["r0"] = Utilization{Below: true, Empty: true}
				return s
			},
			kept: map[string]string{"a": rebalancingReason, "r0": rebalancingReason},
		},
		{
			name: "a replacement whose run's status lags is held by the marks of the run",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 1, 10)), node("a", "g", "4", "8Gi", pod("x", "3", "1Gi")), node("r0", "g", "4", "8Gi"))
				marked(&s, "p1", "a")
				replacement(&s, "r0")
				s.Utilization["r0"] = Utilization{Below: true, Empty: true}
				return s
			},
			kept: map[string]string{"a": rebalancingReason, "r0": rebalancingReason},
		},
		{
			name: "old nodes still to be drained by the run do not count toward minNodes",
			snap: func() Snapshot {
				s := snapshot(groups(rebalancing(nodeGroup("g", 3, 10), "p1")), node("a", "g", "4", "8Gi", pod("x", "1", "1Gi")),
					node("b", "g", "4", "8Gi", pod("y", "1", "1Gi")), node("c", "g", "4", "8Gi", pod("z", "1", "1Gi")),
					node("d", "g", "4", "8Gi"), node("r0", "g", "4", "8Gi"))
				marked(&s, "p1", "a")
				replacement(&s, "r0")
				return s
			},
			// a goes when the run completes: b, c, d and r0 are the 4 the group keeps, so one may go.
			drained: []string{"d"},
			kept:    map[string]string{"a": rebalancingReason, "r0": rebalancingReason, "b": "AtMinNodes", "c": "AtMinNodes"},
		},
		{
			name: "once the run has finished its replacements are ordinary nodes",
			snap: func() Snapshot {
				s := snapshot(groups(finished(nodeGroup("g", 1, 10), "p1")), node("b", "g", "4", "8Gi", pod("y", "3", "1Gi")), node("r0", "g", "4", "8Gi"))
				replacement(&s, "r0")
				s.Utilization["r0"] = Utilization{Below: true, Empty: true}
				s.Utilization["b"] = Utilization{Detail: "busy"}
				return s
			},
			drained: []string{"r0"},
			kept:    map[string]string{"b": "NotUnderutilized"},
		},
		{
			name: "a mark left by a run the status shows finished holds nothing",
			snap: func() Snapshot {
				s := snapshot(groups(finished(nodeGroup("g", 1, 10), "p1")), node("a", "g", "4", "8Gi"), node("b", "g", "4", "8Gi", pod("y", "3", "1Gi")))
				marked(&s, "p1", "a")
				s.Utilization["a"] = Utilization{Below: true, Empty: true}
				s.Utilization["b"] = Utilization{Detail: "busy"}
				return s
			},
			drained: []string{"a"},
			kept:    map[string]string{"b": "NotUnderutilized"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Plan(tt.snap(), DefaultOptions())
			if got := drained(r); !slices.Equal(got, tt.drained) {
				t.Errorf("drained %v, want %v", got, tt.drained)
			}
			for node, want := range tt.kept {
				v, ok := verdictOf(r, node)
				if !ok || v.Reason.String() != want {
					t.Errorf("node %s: kept=%v reason %s (%s), want %s", node, ok, v.Reason, v.Message, want)
				}
			}
		})
	}
}
