package scaleup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// c39 is a 4-vCPU/16GiB offering as the production node model leaves it for pods: 3.9 CPUs.
func c39() Offering {
	o := offer("c4", 4, 16, 50)
	o.CPUMilli = 3900
	return o
}

// Issue 21's 1000 pods of 1.5, 1 and 0.25 CPU on 3.9-CPU nodes: no node can hold more than 3.75 CPUs of them, so at
// least 245 nodes. First fit decreasing put two 1.5s and three 0.25s on each node until the small pods ran out, then
// left 0.9 CPU idle on every node of two 1.5s or three 1s: 269 nodes. The exact fill opens each node with a 1.5 and
// fills it as full with fewer pods (1.5 + 1 + 1 + 0.25), keeping the small pods for the gaps.
func TestPackingKeepsSmallPodsForTheGapsOnlyTheyFill(t *testing.T) {
	pods := append(replicas("s", 334, "250m", "512Mi"), replicas("m", 333, "1", "2Gi")...)
	pods = append(pods, replicas("l", 333, "1500m", "3Gi")...)
	g := nodeGroup("g", "c4")
	g.Spec.MaxNodes = 1000
	r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{g}, Offerings: []Offering{c39()}, Pending: ptrs(pods)},
		DefaultOptions())
	if len(r.Unschedulable) != 0 || r.NewNodes() > 250 {
		t.Fatalf("bought %d nodes (%d pods unschedulable), want at most 250 (1.02 × the 245 the sizes need)",
			r.NewNodes(), len(r.Unschedulable))
	}
}

// The room of booting nodes is filled fullest before first fit: two nodes of 2.5 CPUs hold pods of 1.25, 1, 3 × 0.75
// and 0.5 CPU together (1.25 + 0.75 + 0.5 and 1 + 0.75 + 0.75), but first fit decreasing put 1.25 and 1 on the first,
// three 0.75s on the second, and bought a node for the 0.5.
func TestTheRoomOfBootingNodesIsFilledFullestFirst(t *testing.T) {
	o := offer("c25", 3, 8, 10)
	o.CPUMilli = 2500
	pending := append(replicas("a", 1, "1250m", "256Mi"), replicas("b", 1, "1", "256Mi")...)
	pending = append(pending, replicas("c", 3, "750m", "256Mi")...)
	pending = append(pending, replicas("d", 1, "500m", "256Mi")...)
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "c25")}, Offerings: []Offering{o},
		VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("b1", "g", "c25", v1alpha1.PhaseProvisioning),
			vpsieNode("b2", "g", "c25", v1alpha1.PhaseProvisioning)},
		Pending: ptrs(pending)}
	r := Plan(s, DefaultOptions())
	if len(r.Intents) != 0 || len(r.Existing) != len(pending) {
		t.Fatalf("intents %+v, %d of %d pods on the booting nodes; want all on them", placements(r), len(r.Existing), len(pending))
	}
}
