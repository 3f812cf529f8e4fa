package scaleup

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// nominated is p with status.nominatedNodeName set to node.
func nominated(p corev1.Pod, node string) corev1.Pod {
	p.Status.NominatedNodeName = node
	return p
}

// twoBooting is a snapshot of pending beside two booting 4-CPU nodes, b1 and b2.
func twoBooting(pending []corev1.Pod) Snapshot {
	return Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "c4")},
		Offerings: []Offering{offer("c4", 4, 8, 10)},
		VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("b1", "g", "c4", v1alpha1.PhaseProvisioning),
			vpsieNode("b2", "g", "c4", v1alpha1.PhaseProvisioning)},
		Pending: ptrs(pending)}
}

// A pending pod nominated to a booting node goes there first, as kube-scheduler tries it
// first and holds its room: first fit decreasing alone would put the large pod on b1, the
// first booting node, where the plan that bought b1 put the small ones.
func TestANominatedPodKeepsItsBootingNode(t *testing.T) {
	for _, tt := range []struct {
		name        string
		large       corev1.Pod
		nominations map[types.NamespacedName]string
		want        string
	}{
		{"its own nomination", nominated(pod("large", "1500m", "1Gi"), "b2"), nil, "b2"},
		{"the controller's, not in the cache yet", pod("large", "1500m", "1Gi"), map[types.NamespacedName]string{key("large"): "b2"}, "b2"},
		{"its own nomination wins over the controller's", nominated(pod("large", "1500m", "1Gi"), "b2"),
			map[types.NamespacedName]string{key("large"): "b1"}, "b2"},
		{"a node that does not exist: first fit", nominated(pod("large", "1500m", "1Gi"), "gone"), nil, "b1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pending := []corev1.Pod{tt.large}
			for _, p := range replicas("small", 3, "250m", "256Mi") {
				pending = append(pending, nominated(p, "b1"))
			}
			s := twoBooting(pending)
			s.Nominations = tt.nominations
			r := Plan(s, DefaultOptions())
			if len(r.Intents) != 0 {
				t.Fatalf("intents %+v, want none: both booting nodes have room", placements(r))
			}
			got := map[types.NamespacedName]string{}
			for _, p := range r.Existing {
				if !p.InFlight {
					t.Errorf("%s placed on %s not in flight", p.Pod, p.Node)
				}
				got[p.Pod] = p.Node
			}
			if got[key("large")] != tt.want {
				t.Errorf("large placed on %q, want %q (all: %v)", got[key("large")], tt.want, got)
			}
			for i := range 3 {
				if n := got[key("small-"+itoa(int64(i)))]; n != "b1" {
					t.Errorf("small-%d placed on %q, want its nominated b1", i, n)
				}
			}
		})
	}
}

// Each intent says which pods go on which of its nodes, so the controller can nominate them:
// per node, pods that fit it together, and all of them the intent's pods.
func TestAnIntentListsEachNodesPods(t *testing.T) {
	pending := append(replicas("l", 5, "1500m", "3Gi"), replicas("m", 4, "1", "2Gi")...)
	pending = append(pending, replicas("s", 7, "250m", "512Mi")...)
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "c4")},
		Offerings: []Offering{offer("c4", 4, 16, 10)}, Pending: ptrs(pending)}
	r := Plan(s, DefaultOptions())
	if len(r.Intents) != 1 {
		t.Fatalf("intents %+v, want one", placements(r))
	}
	in := r.Intents[0]
	if len(in.NodePods) != int(in.Count) {
		t.Fatalf("%d node pod lists for %d nodes", len(in.NodePods), in.Count)
	}
	var all []types.NamespacedName
	cpu := map[string]int64{"l": 1500, "m": 1000, "s": 250}
	for i, pods := range in.NodePods {
		var sum int64
		for _, p := range pods {
			sum += cpu[p.Name[:1]]
		}
		if len(pods) == 0 || sum > 4000 {
			t.Errorf("node %d: pods %v (%dm), want some that fit 4 CPUs", i, pods, sum)
		}
		all = append(all, pods...)
	}
	sortNames(all)
	if !slices.Equal(all, in.Pods) {
		t.Errorf("nodes' pods %v, want the intent's %v", all, in.Pods)
	}
}

// Nominated pods beyond their node's room are placed first fit, like any other pod: three
// pods of 1500m nominated to one 4-CPU node, where two fit.
func TestNominatedPodsBeyondTheirNodesRoomGoFirstFit(t *testing.T) {
	var pending []corev1.Pod
	for _, p := range replicas("large", 3, "1500m", "1Gi") {
		pending = append(pending, nominated(p, "b2"))
	}
	r := Plan(twoBooting(pending), DefaultOptions())
	on := map[string][]string{}
	for _, p := range r.Existing {
		on[p.Node] = append(on[p.Node], p.Pod.Name)
	}
	if len(r.Intents) != 0 || len(on["b2"]) != 2 || len(on["b1"]) != 1 {
		t.Fatalf("placed %v, intents %+v; want two on their nominated b2 and the third on b1", on, placements(r))
	}
}
