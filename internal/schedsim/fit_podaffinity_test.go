package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestPodAffinityAllows(t *testing.T) {
	cache := func(name string) corev1.Pod { return withApp(pod(name, "100m", "10Mi"), "cache") }
	webNear := func(key string) corev1.Pod {
		return attracted(withApp(pod("web", "100m", "10Mi"), "web"), "cache", key)
	}
	db := func(name string) corev1.Pod {
		return attracted(withApp(pod(name, "100m", "10Mi"), "db"), "db", labelZone)
	}
	tests := []struct {
		name   string
		others []*Node
		node   *Node
		pod    corev1.Pod
		want   bool
	}{
		{name: "a node running the pod it asks for takes it",
			node: simNodeWith("n1", nil, bound(cache("c0"))), pod: webNear(labelHostname), want: true},
		{name: "a node without that pod does not, though the pod runs elsewhere",
			others: []*Node{simNodeWith("n0", nil, bound(cache("c0")))}, node: tried(nil), pod: webNear(labelHostname)},
		{name: "a zone term is met by the pod anywhere in the zone",
			others: []*Node{simNodeWith("n0", zone("a"), bound(cache("c0")))}, node: tried(zone("a")), pod: webNear(labelZone), want: true},
		{name: "a zone term is not met from another zone",
			others: []*Node{simNodeWith("n0", zone("b"), bound(cache("c0")))}, node: tried(zone("a")), pod: webNear(labelZone)},
		{name: "a node without the term's key never takes the pod",
			node: simNodeWith("n1", nil, bound(cache("c0"))), pod: webNear(labelZone)},
		{name: "a pod in another namespace does not count",
			node: simNodeWith("n1", nil, bound(inNamespace(cache("c0"), "other"))), pod: webNear(labelHostname)},
		{name: "a pod that is not there yet does not count, and the pod does not attract itself",
			node: tried(nil), pod: webNear(labelHostname)},
		{name: "the first of a group that attracts itself goes anywhere with the key",
			node: tried(zone("a")), pod: db("db-0"), want: true},
		{name: "the next of the group follows the first into its zone",
			others: []*Node{simNodeWith("n0", zone("b"), bound(db("db-0")))}, node: tried(zone("a")), pod: db("db-1")},
		{name: "and is welcome there",
			others: []*Node{simNodeWith("n0", zone("b"), bound(db("db-0")))}, node: tried(zone("b")), pod: db("db-1"), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simulated(tt.others...)
			got := c.podAffinityAllows(pending(tt.pod), tt.node)
			if got.OK() != tt.want {
				t.Fatalf("allowed = %v (%q), want %v", got.OK(), got.Message, tt.want)
			}
			if !got.OK() && got.Reason != ReasonPodAffinity {
				t.Fatalf("reason %s, want PodAffinity", got.Reason)
			}
		})
	}
}
