package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A pod that must run beside a pod on a full node can use no new node: buying one for it
// left it pending on the new node forever (the scheduler would never put it there).
func TestAPodThatMustRunBesideAnotherBuysNoNodeWhereItCannotGo(t *testing.T) {
	full := node("full", "2", "4Gi", nil, withApp(pod("cache", "2", "4Gi"), "cache"))
	web := attracted(withApp(pod("web", "500m", "512Mi"), "web"), "cache", labelHostname)
	r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")}, Nodes: []ExistingNode{full},
		Offerings: []Offering{offer("small", 2, 4, 10)}, Pending: ptrs([]corev1.Pod{web})}, DefaultOptions())
	if len(r.Intents) != 0 {
		t.Fatalf("intents %+v, want none: no new node can hold the pod", placements(r))
	}
	if len(r.Unschedulable) != 1 || r.Unschedulable[0].Verdicts[0].Reason != ReasonPodAffinity {
		t.Fatalf("unschedulable %+v, want the pod refused for PodAffinity", r.Unschedulable)
	}
}

// Replicas that attract each other on the zone all go to the first one's zone.
func TestAGroupThatAttractsItselfStaysInOneZone(t *testing.T) {
	pods := replicas("db", 3, "1500m", "1Gi")
	for i := range pods {
		pods[i] = attracted(pods[i], "db", labelZone)
	}
	runPlanCases(t, []planCase{{
		name: "three replicas, two datacenters: one datacenter",
		snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", twoDCs, "small")}, Pending: ptrs(pods)},
		want: []placement{{"g", "small", "dc1", 3, ReasonPendingPods, 3}},
	}})
}

// A pod that must run beside a smaller one goes onto the node bought for that one while
// there is room: the fill tries the bigger class first and finds nothing to run beside yet;
// it must try it again as soon as the pods it follows are on the node, before smaller pods
// take the room. The scheduler, taking pods as they come, puts them together; refusing it
// left it pending with no new node able to help.
func TestAPodFollowsTheSmallerPodItMustRunBesideOntoItsNewNode(t *testing.T) {
	cache := withApp(pod("cache", "500m", "512Mi"), "cache")
	web := attracted(withApp(pod("web", "1", "1Gi"), "web"), "cache", labelHostname)
	pods := append(replicas("filler", 5, "600m", "512Mi"), web, cache)
	r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "large")},
		Offerings: []Offering{offer("large", 4, 8, 20)}, Pending: ptrs(pods)}, DefaultOptions())
	if len(r.Unschedulable) != 0 {
		t.Fatalf("unschedulable %+v, want the web pod beside the cache on a new node", r.Unschedulable)
	}
	if got := placements(r); len(got) != 1 || got[0].count != 2 || got[0].pods != 7 {
		t.Fatalf("intents %+v, want two nodes for the seven pods", got)
	}
}
