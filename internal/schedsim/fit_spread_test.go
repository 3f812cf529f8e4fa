package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestSpreadAllows(t *testing.T) {
	web := func(name string) *PodInfo { return bound(withApp(pod(name, "100m", "10Mi"), "web")) }
	zoneSpread := spreading(withApp(pod("new", "100m", "10Mi"), "web"), labelZone, 1)
	hostSpread := spreading(withApp(pod("new", "100m", "10Mi"), "web"), labelHostname, 1)
	tests := []struct {
		name  string
		nodes []*Node // committed; the pod goes to the one named target, else to a tried node
		tried *Node
		pod   corev1.Pod
		want  bool
	}{
		{
			name:  "zone: the fuller zone is refused past maxSkew",
			nodes: []*Node{simNodeWith("target", zone("a"), web("w0"), web("w1")), simNodeWith("b1", zone("b"), web("w2"))},
			pod:   zoneSpread,
		},
		{
			name:  "zone: the emptier zone is allowed",
			nodes: []*Node{simNodeWith("a1", zone("a"), web("w0"), web("w1")), simNodeWith("target", zone("b"), web("w2"))},
			pod:   zoneSpread, want: true,
		},
		{
			name:  "zone: a new node in a zone with no nodes yet is a new, empty domain",
			nodes: []*Node{simNodeWith("a1", zone("a"), web("w0")), simNodeWith("b1", zone("b"), web("w1"))},
			tried: tried(zone("c")), pod: zoneSpread, want: true,
		},
		{
			name:  "zone: a new node in the fuller zone is refused",
			nodes: []*Node{simNodeWith("a1", zone("a"), web("w0"), web("w1")), simNodeWith("b1", zone("b"))},
			tried: tried(zone("a")), pod: zoneSpread,
		},
		{
			name:  "zone: pods of other namespaces and apps, and terminating pods, do not count",
			nodes: []*Node{simNodeWith("target", zone("a"), bound(inNamespace(withApp(pod("x", "1", "1"), "web"), "other")), bound(withApp(pod("y", "1", "1"), "db")), terminating(web("w9"))), simNodeWith("b1", zone("b"))},
			pod:   zoneSpread, want: true,
		},
		{
			name:  "zone: domains the pod's node affinity excludes do not count",
			nodes: []*Node{simNodeWith("target", zone("a"), web("w0")), simNodeWith("c1", zone("c"))},
			pod: func() corev1.Pod {
				p := zoneSpread
				p.Spec.Affinity = required(expr(labelZone, corev1.NodeSelectorOpIn, "a", "b"))
				return p
			}(),
			want: true,
		},
		{
			name:  "zone: fewer domains than minDomains make the minimum zero",
			nodes: []*Node{simNodeWith("target", zone("a"), web("w0")), simNodeWith("b1", zone("b"), web("w1"))},
			pod: func() corev1.Pod {
				p := spreading(withApp(pod("new", "100m", "10Mi"), "web"), labelZone, 1)
				p.Spec.TopologySpreadConstraints[0].MinDomains = ptr.To[int32](3)
				return p
			}(),
		},
		{
			name:  "hostname: a node with a matching pod is refused while another has none",
			nodes: []*Node{simNodeWith("target", nil, web("w0")), simNodeWith("n2", nil)},
			pod:   hostSpread,
		},
		{
			name:  "hostname: a fresh node is always an empty domain",
			nodes: []*Node{simNodeWith("n1", nil, web("w0")), simNodeWith("n2", nil, web("w1"))},
			tried: tried(nil), pod: hostSpread, want: true,
		},
		{
			name:  "hostname: a fresh node holding one matching pod is refused",
			nodes: []*Node{simNodeWith("n1", nil)},
			tried: tried(nil, web("w0")), pod: hostSpread,
		},
		{
			name:  "a node without the topology key cannot take the pod",
			nodes: []*Node{simNodeWith("target", nil)},
			pod:   zoneSpread,
		},
		{
			name:  "ScheduleAnyway never blocks",
			nodes: []*Node{simNodeWith("target", zone("a"), web("w0"), web("w1")), simNodeWith("b1", zone("b"))},
			pod: func() corev1.Pod {
				p := spreading(withApp(pod("new", "100m", "10Mi"), "web"), labelZone, 1)
				p.Spec.TopologySpreadConstraints[0].WhenUnsatisfiable = corev1.ScheduleAnyway
				return p
			}(),
			want: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simulated(tt.nodes...)
			target := tt.tried
			for _, n := range tt.nodes {
				if n.Name == "target" {
					target = n
				}
			}
			if got := c.spreadAllows(pending(tt.pod), target); got.OK() != tt.want {
				t.Fatalf("allowed = %v (%q), want %v", got.OK(), got.Message, tt.want)
			}
		})
	}
}

func TestSpreadTrackerFollowsPlacements(t *testing.T) {
	a, b := simNodeWith("a1", zone("a")), simNodeWith("b1", zone("b"))
	c := simulated(a, b)
	first := pending(spreading(withApp(pod("w0", "100m", "10Mi"), "web"), labelZone, 1))
	if !c.spreadAllows(first, a).OK() {
		t.Fatal("an empty cluster refused the first pod")
	}
	c.Place(first, a)
	second := first.Class.Pods[0] // the same class: the tracker is shared and must have seen w0
	if got := c.spreadAllows(second, a); got.OK() || got.Message != "topology.kubernetes.io/zone spread would reach skew 2, maxSkew 1" {
		t.Fatalf("after one pod in zone a, a second there: %v %q", got.OK(), got.Message)
	}
	if !c.spreadAllows(second, b).OK() {
		t.Fatal("zone b refused the second pod")
	}
}

func terminating(p *PodInfo) *PodInfo {
	cp := *p.Pod
	cp.DeletionTimestamp = ptr.To(metav1Now)
	return NewPodInfo(&cp, nil)
}
