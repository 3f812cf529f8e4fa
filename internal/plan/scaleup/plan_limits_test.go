package scaleup

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestPlanKeepsGroupsWithinTheirBounds(t *testing.T) {
	runPlanCases(t, []planCase{
		{
			name: "a group below minNodes gets empty nodes of its cheapest offering",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes = 3 }, "large", "small")}},
			want: []placement{{"g", "small", "dc1", 3, ReasonBelowMinNodes, 0}},
		},
		{
			name: "minimum nodes use the preferred offering",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) {
				s.MinNodes, s.PreferredInstanceType = 2, "large"
			}, "large", "small")}},
			want: []placement{{"g", "large", "dc1", 2, ReasonBelowMinNodes, 0}},
		},
		{
			name: "members count towards minNodes",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes = 3 }, "small")},
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("m1", "g", "small", v1alpha1.PhaseReady), vpsieNode("m2", "g", "small", v1alpha1.PhaseProvisioning)},
			},
			want: []placement{{"g", "small", "dc1", 1, ReasonBelowMinNodes, 0}},
		},
		{
			name: "pending pods fill the minimum nodes before anything else is bought",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes = 1 }, "small")},
				Pending:    ptrs(replicas("web", 3, "1", "1Gi")),
			},
			want: []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 1}, {"g", "small", "dc1", 1, ReasonBelowMinNodes, 2}},
		},
		{
			name: "a datacenter's own minimum is met in that datacenter",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) {
				twoDCs(s)
				s.Datacenters[1].MinNodes = 1
			}, "small")}, Offerings: []Offering{offer("small", 2, 4, 10)}},
			want: []placement{{"g", "small", "dc2", 1, ReasonBelowMinNodes, 0}},
		},
		{
			name: "maxNodes counts members and planned nodes; the rest wait",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MaxNodes = 3 }, "small")},
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("m1", "g", "small", v1alpha1.PhaseReady)},
				Pending:    ptrs(replicas("web", 6, "1500m", "1Gi")),
			},
			want: []placement{{"g", "small", "dc1", 2, ReasonPendingPods, 2}}, unschedulable: 4,
		},
		{
			name: "the controller's larger member count wins",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MaxNodes = 3 }, "small")},
				Groups:     map[types.NamespacedName]GroupState{key("g"): {Members: 3}},
				Pending:    ptrs(replicas("web", 1, "1", "1Gi")),
			},
			unschedulable: 1,
		},
		{
			name: "the quota's vCPUs steer to an offering it can pay for",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small", "large")},
				Quota:      map[string]Quota{"dc1": {VMs: 10, VCPUs: 4}}, Pending: ptrs(replicas("web", 8, "1", "1Gi")),
			},
			want: []placement{{"g", "small", "dc1", 2, ReasonPendingPods, 4}}, unschedulable: 4,
		},
		{
			name: "the account's quota holds for all datacenters together",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) {
					s.DatacenterID = ""
					s.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc1", MaxNodes: 1}, {ID: "dc2", Priority: 1}}
				}, "small")},
				Datacenters: []string{"dc1", "dc2"},
				Quota:       map[string]Quota{AccountQuota: {VMs: 2, VCPUs: 100}}, Pending: ptrs(replicas("web", 8, "1", "1Gi")),
			},
			want:          []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 2}, {"g", "small", "dc2", 1, ReasonPendingPods, 2}},
			unschedulable: 4,
		},
	})
}
