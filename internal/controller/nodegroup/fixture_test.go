package nodegroup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
)

// TestStatusCountsMembersByTheOneRule: status.currentNodes and readyNodes are the membership
// rule's answers on the shared fixture (the controller lists one namespace's VPSieNodes).
func TestStatusCountsMembersByTheOneRule(t *testing.T) {
	ng := &v1alpha1.NodeGroup{}
	ng.Namespace, ng.Name, ng.Spec.MaxNodes = membershiptest.Group.Namespace, membershiptest.Group.Name, 10
	var vns []v1alpha1.VPSieNode
	for _, vn := range membershiptest.VPSieNodes("dc1", "std") {
		if vn.Namespace == ng.Namespace {
			vns = append(vns, vn)
		}
	}
	st := computeStatus(observation{group: ng, vpsieNodes: vns, nodes: membershiptest.Nodes()})
	if st.CurrentNodes != membershiptest.Members || st.ReadyNodes != membershiptest.ReadyMembers {
		t.Errorf("current = %d, ready = %d; want %d and %d", st.CurrentNodes, st.ReadyNodes, membershiptest.Members, membershiptest.ReadyMembers)
	}
}
