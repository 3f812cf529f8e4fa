package schedsim

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// TestSpreadCountsAsTheScheduler holds the PodTopologySpread filter's counting rules: which
// nodes are domains, which pods count, and what the global minimum is.
func TestSpreadCountsAsTheScheduler(t *testing.T) {
	web := func(name string) *PodInfo { return bound(withApp(pod(name, "100m", "10Mi"), "web")) }
	webs := func(prefix string, n int) []*PodInfo {
		out := make([]*PodInfo, n)
		for i := range out {
			out[i] = web(fmt.Sprintf("%s%d", prefix, i))
		}
		return out
	}
	zoneSpread := func(mutate ...func(*corev1.Pod)) corev1.Pod {
		p := spreading(withApp(pod("new", "100m", "10Mi"), "web"), labelZone, 1)
		for _, m := range mutate {
			m(&p)
		}
		return p
	}
	both := func(p *corev1.Pod) {
		c := p.Spec.TopologySpreadConstraints[0]
		c.TopologyKey = labelHostname
		p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, c)
	}
	tainted := func(n *Node, effect corev1.TaintEffect) *Node {
		n.Taints = []corev1.Taint{{Key: "dedicated", Value: "x", Effect: effect}}
		return n
	}
	tests := []struct {
		name  string
		nodes []*Node // committed; the pod goes to the one named target
		later []*Node // committed after the pod's tracker was built
		pod   corev1.Pod
		want  bool
	}{
		{
			name: "9 in dc1 and 8 in dc2 over several nodes: a 10th in dc1 is refused",
			nodes: []*Node{
				simNodeWith("target", zone("dc1"), webs("a", 5)...), simNodeWith("a2", zone("dc1"), webs("b", 4)...),
				simNodeWith("b1", zone("dc2"), webs("c", 4)...), simNodeWith("b2", zone("dc2"), webs("d", 4)...),
			},
			pod: zoneSpread(),
		},
		{
			name:  "9 in dc1 and 8 in dc2, most of dc1's on a node committed after the tracker: a 10th in dc1 is refused",
			nodes: []*Node{simNodeWith("target", zone("dc1"), webs("a", 1)...), simNodeWith("b1", zone("dc2"), webs("c", 8)...)},
			later: []*Node{simNodeWith("a2", zone("dc1"), webs("b", 8)...)},
			pod:   zoneSpread(),
		},
		{
			name:  "a node committed after the tracker is a domain: an empty dc3 node makes the minimum zero",
			nodes: []*Node{simNodeWith("target", zone("dc1"), webs("a", 1)...), simNodeWith("b1", zone("dc2"), webs("c", 1)...)},
			later: []*Node{simNodeWith("c1", zone("dc3"))},
			pod:   zoneSpread(),
		},
		{
			name: "a node lacking another constraint's key is no domain of any constraint",
			nodes: []*Node{
				simNodeWith("target", zone("a"), webs("a", 1)...), simNodeWith("b1", zone("b"), webs("b", 1)...),
				simNodeWith("nozone", nil),
			},
			pod: zoneSpread(both), want: true,
		},
		{
			name:  "a constraint without a label selector counts no pod",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 3)...), simNodeWith("b1", zone("b"))},
			pod:   zoneSpread(func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints[0].LabelSelector = nil }), want: true,
		},
		{
			name:  "an empty label selector counts every pod of the namespace",
			nodes: []*Node{simNodeWith("target", zone("a"), bound(withApp(pod("x", "1", "1"), "db"))), simNodeWith("b1", zone("b"))},
			pod:   zoneSpread(func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints[0].LabelSelector = &metav1.LabelSelector{} }),
		},
		{
			name:  "by default a tainted domain the pod does not tolerate still counts",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 1)...), tainted(simNodeWith("b1", zone("b")), corev1.TaintEffectNoSchedule)},
			pod:   zoneSpread(),
		},
		{
			name:  "nodeTaintsPolicy Honor leaves out a domain whose taint the pod does not tolerate",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 1)...), tainted(simNodeWith("b1", zone("b")), corev1.TaintEffectNoSchedule)},
			pod: zoneSpread(func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints[0].NodeTaintsPolicy = ptr.To(corev1.NodeInclusionPolicyHonor)
			}),
			want: true,
		},
		{
			name:  "nodeTaintsPolicy Honor keeps a domain tainted PreferNoSchedule only",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 1)...), tainted(simNodeWith("b1", zone("b")), corev1.TaintEffectPreferNoSchedule)},
			pod: zoneSpread(func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints[0].NodeTaintsPolicy = ptr.To(corev1.NodeInclusionPolicyHonor)
			}),
		},
		{
			name:  "nodeAffinityPolicy Ignore counts a domain the pod's node selector excludes",
			nodes: []*Node{simNodeWith("target", map[string]string{labelZone: "a", "pool": "x"}, webs("a", 1)...), simNodeWith("b1", zone("b"))},
			pod: zoneSpread(func(p *corev1.Pod) {
				p.Spec.NodeSelector = map[string]string{"pool": "x"}
				p.Spec.TopologySpreadConstraints[0].NodeAffinityPolicy = ptr.To(corev1.NodeInclusionPolicyIgnore)
			}),
		},
		{
			name:  "by default a domain the pod's node selector excludes does not count",
			nodes: []*Node{simNodeWith("target", map[string]string{labelZone: "a", "pool": "x"}, webs("a", 1)...), simNodeWith("b1", zone("b"))},
			pod:   zoneSpread(func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"pool": "x"} }),
			want:  true,
		},
		{
			name: "matchLabelKeys counts only pods sharing the pod's value",
			nodes: []*Node{
				simNodeWith("target", zone("a"), bound(withLabel(withApp(pod("old", "1", "1"), "web"), "rev", "1"))),
				simNodeWith("b1", zone("b")),
			},
			pod: zoneSpread(func(p *corev1.Pod) {
				p.Labels["rev"] = "2"
				p.Spec.TopologySpreadConstraints[0].MatchLabelKeys = []string{"rev"}
			}),
			want: true,
		},
		{
			name:  "minDomains above the domains there are makes the minimum zero",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 1)...), simNodeWith("b1", zone("b"), webs("b", 1)...)},
			pod:   zoneSpread(func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints[0].MinDomains = ptr.To[int32](3) }),
		},
		{
			name:  "minDomains met keeps the real minimum",
			nodes: []*Node{simNodeWith("target", zone("a"), webs("a", 1)...), simNodeWith("b1", zone("b"), webs("b", 1)...)},
			pod:   zoneSpread(func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints[0].MinDomains = ptr.To[int32](2) }),
			want:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simulated(tt.nodes...)
			var target *Node
			for _, n := range tt.nodes {
				if n.Name == "target" {
					target = n
				}
			}
			p := pending(tt.pod)
			c.spreadAllows(p, target) // builds the trackers
			for _, n := range tt.later {
				c.AddNode(n)
			}
			if got := c.spreadAllows(p, target); got.OK() != tt.want {
				t.Fatalf("allowed = %v (%q), want %v", got.OK(), got.Message, tt.want)
			}
			if why := naiveSpreadRefusal(p, target, c.Nodes, podsOf(c.Nodes)); (why == "") != tt.want {
				t.Fatalf("replay: refusal %q, want allowed %v", why, tt.want)
			}
		})
	}
}

func podsOf(nodes []*Node) map[*Node][]*PodInfo {
	out := map[*Node][]*PodInfo{}
	for _, n := range nodes {
		out[n] = n.Pods
	}
	return out
}

func withLabel(p corev1.Pod, key, value string) corev1.Pod {
	l := map[string]string{key: value}
	for k, v := range p.Labels {
		l[k] = v
	}
	p.Labels = l
	return p
}
