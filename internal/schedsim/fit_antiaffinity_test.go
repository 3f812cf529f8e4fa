package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestAntiAffinityAllows(t *testing.T) {
	web := func(name string) corev1.Pod { return withApp(pod(name, "100m", "10Mi"), "web") }
	webAvoidingWeb := func(name, key string) corev1.Pod { return avoiding(web(name), "web", key) }
	tests := []struct {
		name   string
		others []*Node // committed nodes
		node   *Node   // where the pod goes; committed if listed in others
		pod    corev1.Pod
		want   bool
	}{
		{
			name: "its own term keeps it off a node running a matching pod",
			node: simNodeWith("n1", nil, bound(web("w0"))), pod: webAvoidingWeb("w1", labelHostname),
		},
		{
			name: "its own term ignores pods of other apps",
			node: simNodeWith("n1", nil, bound(withApp(pod("db", "1", "1Gi"), "db"))), pod: webAvoidingWeb("w1", labelHostname), want: true,
		},
		{
			name: "its own term ignores matching pods in other namespaces",
			node: simNodeWith("n1", nil, bound(inNamespace(web("w0"), "other"))), pod: webAvoidingWeb("w1", labelHostname), want: true,
		},
		{
			name: "an empty namespace selector reaches every namespace",
			node: simNodeWith("n1", nil, bound(inNamespace(web("w0"), "other"))),
			pod: func() corev1.Pod {
				p := webAvoidingWeb("w1", labelHostname)
				p.Spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector = &metav1.LabelSelector{}
				return p
			}(),
		},
		{
			name: "a running pod's term keeps a matching pod off its node",
			node: simNodeWith("n1", nil, bound(avoiding(withApp(pod("db", "1", "1Gi"), "db"), "web", labelHostname))), pod: web("w1"),
		},
		{
			name:   "a zone term reaches pods on other nodes of the zone",
			others: []*Node{simNodeWith("n0", zone("a"), bound(web("w0")))},
			node:   tried(zone("a")), pod: webAvoidingWeb("w1", labelZone),
		},
		{
			name:   "a zone term ignores other zones",
			others: []*Node{simNodeWith("n0", zone("b"), bound(web("w0")))},
			node:   tried(zone("a")), pod: webAvoidingWeb("w1", labelZone), want: true,
		},
		{
			name:   "a running pod's zone term reaches the whole zone",
			others: []*Node{simNodeWith("n0", zone("a"), bound(avoiding(withApp(pod("db", "1", "1Gi"), "db"), "web", labelZone)))},
			node:   tried(zone("a")), pod: web("w1"),
		},
		{
			name: "a term on a key the node lacks constrains nothing",
			node: simNodeWith("n1", nil, bound(web("w0"))), pod: webAvoidingWeb("w1", labelZone), want: true,
		},
		{
			name: "pods placed earlier on a node being tried count",
			node: tried(nil, pending(web("w0"))), pod: webAvoidingWeb("w1", labelHostname),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simulated(tt.others...)
			if got := c.antiAffinityAllows(pending(tt.pod), tt.node); got.OK() != tt.want {
				t.Fatalf("allowed = %v (%q), want %v", got.OK(), got.Message, tt.want)
			}
		})
	}
}

func TestAntiAffinityCountsPodsPlacedInThisPlan(t *testing.T) {
	n := simNodeWith("n1", nil)
	c := simulated(n)
	c.Place(pending(withApp(pod("w0", "1", "1Gi"), "web")), n)
	got := c.antiAffinityAllows(pending(avoiding(withApp(pod("w1", "1", "1Gi"), "web"), "web", labelHostname)), n)
	if got.Reason != ReasonAntiAffinity || got.Message != "anti-affinity with pod default/w0 on kubernetes.io/hostname" {
		t.Fatalf("got %v %q", got.Reason, got.Message)
	}
}
