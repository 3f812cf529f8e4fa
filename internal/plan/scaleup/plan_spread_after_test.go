package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A pod that fits a Node only once a new node takes a sibling (its spread's lowest domain
// rises) does not fit that Node now: the scheduler refuses it there until the new node runs
// the sibling. The plan says it waits for the new node, never that existing capacity takes it.
func TestPodThatFitsOnlyAfterANewNodeWaitsForIt(t *testing.T) {
	web := func(from, n int, node string) []corev1.Pod {
		pods := replicas("web", from+n, "600m", "512Mi")[from:]
		for i := range pods {
			pods[i] = spreading(pods[i], labelZone, 1)
			pods[i].Spec.NodeName = node
		}
		return pods
	}
	// 9 in dc1 (room for more), 8 in dc2 (full): a 10th in dc1 would make the skew 2.
	dc1 := node("a1", "16", "32Gi", map[string]string{labelZone: "dc1"}, web(0, 9, "a1")...)
	dc2 := node("b1", "4800m", "32Gi", map[string]string{labelZone: "dc2"}, web(9, 8, "b1")...)
	pending := web(17, 2, "")
	s := Snapshot{Now: now, Nodes: []ExistingNode{dc1, dc2}, Pending: ptrs(pending),
		NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", twoDCs, "small")},
		Offerings:  []Offering{offer("small", 1, 2, 5)}}
	r := Plan(s, DefaultOptions())
	if len(r.Existing) != 0 {
		t.Errorf("existing capacity said to take %+v; with 9 in dc1 and 8 in dc2 neither pod fits a Node now", r.Existing)
	}
	if len(r.Intents) != 1 || r.Intents[0].Datacenter != "dc2" || r.Intents[0].Count != 1 || len(r.Intents[0].Pods) != 1 {
		t.Fatalf("intents = %+v, want one small node in dc2 for one pod", r.Intents)
	}
	if after := r.Intents[0].After; len(after) != 1 || after[0] == r.Intents[0].Pods[0] {
		t.Errorf("after = %v, want the other pod, which fits a1 once the new node runs its sibling", after)
	}
}
