package scaleup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Pods of which a node holds one (hostname anti-affinity against their own app, a host port) each open a node;
// the plain pods must then share those nodes. Filled after the plain pods, they found every node full and got a node
// each: 1.57× the lower bound on such a mix, measured against cluster-autoscaler.
func TestPlainPodsShareTheNodesOfPodsThatNeedOneEach(t *testing.T) {
	plain := replicas("web", 12, "1100m", "1Gi") // larger, so classified first
	runPlanCases(t, []planCase{
		{
			name: "six anti-affine pods and twelve plain pods fill six nodes, the lower bound",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "medium")},
				Offerings: []Offering{offer("medium", 4, 8, 20)},
				Pending:   ptrs(append(antiReplicas(6), plain...))},
			want: []placement{{"g", "medium", "dc1", 6, ReasonPendingPods, 18}},
		},
		{
			name: "host-port pods and plain pods share nodes too",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "medium")},
				Offerings: []Offering{offer("medium", 4, 8, 20)},
				Pending:   ptrs(append(onHostPort(replicas("agent", 4, "1", "1Gi"), 9100), plain[:8]...))},
			want: []placement{{"g", "medium", "dc1", 4, ReasonPendingPods, 12}},
		},
	})
}
