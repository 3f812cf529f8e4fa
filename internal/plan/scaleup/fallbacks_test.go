package scaleup

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// An intent's fallbacks: bigger offerings in its datacenter, then its offering in the other
// datacenters by priority; but never a node its pods could not use, nor one past a
// datacenter's maxNodes (the ScaleUp tried them blindly before).
func TestFallbacksHoldThePodsAndTheLimits(t *testing.T) {
	group := func(edit func(*v1alpha1.NodeGroupSpec)) *v1alpha1.NodeGroup {
		return withGroup("g", func(s *v1alpha1.NodeGroupSpec) {
			s.DatacenterID = ""
			s.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "fra1", Priority: 2}, {ID: "ams1", Priority: 0}, {ID: "lon1", Priority: 1}}
			if edit != nil {
				edit(s)
			}
		}, "small", "big", "bigger", "tiny")
	}
	offerings := []Offering{offer("tiny", 1, 1, 2), offer("small", 2, 4, 5), offer("bigger", 8, 16, 20), offer("big", 4, 8, 10)}
	offerings[3].Datacenters = []string{"ams1"}
	web := pod("web", "1500m", "2Gi")
	pinned := pod("pinned", "1500m", "2Gi")
	pinned.Spec.NodeSelector = map[string]string{labelZone: "ams1"}
	for _, tt := range []struct {
		name  string
		ng    *v1alpha1.NodeGroup
		nodes []ExistingNode
		vns   []*v1alpha1.VPSieNode
		pod   corev1.Pod
		want  string
	}{
		{"bigger offerings here, cheapest first, then the other datacenters by priority", group(nil), nil, nil, web,
			"big@ams1 bigger@ams1 small@lon1 small@fra1"},
		{"a pod held to its zone falls back in its zone only", group(nil), nil, nil, pinned, "big@ams1 bigger@ams1"},
		{"a datacenter at its maxNodes is no fallback", group(func(s *v1alpha1.NodeGroupSpec) { s.Datacenters[2].MaxNodes = 1 }),
			nil, []*v1alpha1.VPSieNode{inDC(vpsieNode("old", "g", "small", v1alpha1.PhaseReady), "lon1")}, web,
			"big@ams1 bigger@ams1 small@fra1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{tt.ng}, Offerings: offerings, Nodes: tt.nodes,
				VPSieNodes: tt.vns, Pending: ptrs([]corev1.Pod{tt.pod}), Datacenters: []string{"ams1", "lon1", "fra1"}}, DefaultOptions())
			if len(r.Intents) != 1 || r.Intents[0].Offering != "small" || r.Intents[0].Datacenter != "ams1" {
				t.Fatalf("intents %+v, want one small@ams1 (%+v %+v)", placements(r), r.Unschedulable, r.Groups)
			}
			var got []string
			for _, f := range r.Intents[0].Fallbacks {
				got = append(got, f.Offering+"@"+f.Datacenter)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("fallbacks %v, want %s", got, tt.want)
			}
		})
	}
}

func inDC(vn *v1alpha1.VPSieNode, dc string) *v1alpha1.VPSieNode {
	vn.Spec.DatacenterID = dc
	return vn
}
