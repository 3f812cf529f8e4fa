package scaleup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"

	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// TestPlannerCountsMembersByTheOneRule: the planner's group size and the in-flight nodes it
// stands templates in for are the membership rule's answers on the shared fixture
// (Terminating and deleted VPSieNodes are not members; a booting one is in flight, Node or not).
func TestPlannerCountsMembersByTheOneRule(t *testing.T) {
	ng := nodeGroup(membershiptest.Group.Name, "std")
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{ng}, Offerings: []Offering{offer("std", 2, 4, 10)},
		VPSieNodes: membership.Pointers(membershiptest.VPSieNodes("dc1", "std"))}
	for _, n := range membershiptest.Nodes() {
		s.Nodes = append(s.Nodes, ExistingNode{Node: &n})
	}
	pl := newPlanner(&s, DefaultOptions())
	if got := pl.groups[0].members; got != membershiptest.Members {
		t.Errorf("members = %d, want %d", got, membershiptest.Members)
	}
	inFlight := 0
	for _, n := range pl.cluster.Nodes {
		if n.Kind == schedsim.KindInFlight {
			inFlight++
		}
	}
	if inFlight != membershiptest.InFlight {
		t.Errorf("in-flight templates = %d, want %d (a registered Node stands as its template until Ready)", inFlight, membershiptest.InFlight)
	}
}
