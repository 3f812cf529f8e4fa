package scaledown

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// TestPlannerCountsMembersByTheOneRule: the group size minNodes is held against is the
// membership rule's answer on the shared fixture.
func TestPlannerCountsMembersByTheOneRule(t *testing.T) {
	ng := v1alpha1.NodeGroup{}
	ng.Namespace, ng.Name = membershiptest.Group.Namespace, membershiptest.Group.Name
	s := Snapshot{NodeGroups: []*v1alpha1.NodeGroup{&ng}, VPSieNodes: membership.Pointers(membershiptest.VPSieNodes("dc1", "std"))}
	for _, n := range membershiptest.Nodes() {
		s.Nodes = append(s.Nodes, schedsim.ExistingNode{Node: &n})
	}
	pl := newPlanner(&s, DefaultOptions())
	g := pl.groups[membershiptest.Group]
	if g.members != membershiptest.Members || g.draining != 0 {
		t.Errorf("members = %d, draining = %d; want %d and 0 (leaving VPSieNodes are not members)", g.members, g.draining, membershiptest.Members)
	}
}
