package rebalance

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// TestAnalyzerCountsMembersByTheOneRule: the group size and Ready count the analyzer gates
// on are the membership rule's answers on the shared fixture.
func TestAnalyzerCountsMembersByTheOneRule(t *testing.T) {
	ng := v1alpha1.NodeGroup{}
	ng.Namespace, ng.Name = membershiptest.Group.Namespace, membershiptest.Group.Name
	s := Snapshot{NodeGroups: []*v1alpha1.NodeGroup{&ng}, VPSieNodes: membership.Pointers(membershiptest.VPSieNodes("dc1", "std"))}
	for _, n := range membershiptest.Nodes() {
		s.Nodes = append(s.Nodes, schedsim.ExistingNode{Node: &n})
	}
	g := newAnalyzer(&s, DefaultOptions()).byKey[membershiptest.Group]
	if g.members != membershiptest.Members || g.ready != membershiptest.ReadyMembers {
		t.Errorf("members = %d, ready = %d; want %d and %d", g.members, g.ready, membershiptest.Members, membershiptest.ReadyMembers)
	}
}
