package scaleup

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestCapacityThatExistsOrIsComingIsUsedFirst(t *testing.T) {
	small := offer("small", 2, 4, 10)
	tests := []struct {
		name         string
		snap         Snapshot
		wantExisting []Placement
		wantNew      int32
	}{
		{
			name:         "a pod that fits an existing node needs no new node",
			snap:         Snapshot{Nodes: []ExistingNode{node("n1", "4", "8Gi", nil)}, Pending: ptrs([]corev1.Pod{pod("p", "1", "1Gi")})},
			wantExisting: []Placement{{Pod: key("p"), Node: "n1"}},
		},
		{
			name:    "what bound pods request is not free",
			snap:    Snapshot{Nodes: []ExistingNode{node("n1", "4", "8Gi", nil, pod("running", "3500m", "1Gi"))}, Pending: ptrs([]corev1.Pod{pod("p", "1", "1Gi")})},
			wantNew: 1,
		},
		{
			name: "a cordoned node takes nothing",
			snap: func() Snapshot {
				n := node("n1", "4", "8Gi", nil)
				n.Node.Spec.Unschedulable = true
				return Snapshot{Nodes: []ExistingNode{n}, Pending: ptrs([]corev1.Pod{pod("p", "1", "1Gi")})}
			}(),
			wantNew: 1,
		},
		{
			name: "a booting VPSieNode holds pods, so a slow boot causes no second scale-up",
			snap: Snapshot{
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("a-1", "a", "small", v1alpha1.PhaseProvisioning)},
				Pending:    ptrs([]corev1.Pod{pod("p", "1", "1Gi")}),
			},
			wantExisting: []Placement{{Pod: key("p"), Node: "a-1", InFlight: true}},
		},
		{
			name: "a booting VPSieNode is full once its template is",
			snap: Snapshot{
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("a-1", "a", "small", v1alpha1.PhaseJoining)},
				Pending:    ptrs([]corev1.Pod{pod("p1", "1", "1Gi"), pod("p2", "1", "1Gi"), pod("p3", "1", "1Gi")}),
			},
			wantExisting: []Placement{{Pod: key("p1"), Node: "a-1", InFlight: true}, {Pod: key("p2"), Node: "a-1", InFlight: true}},
			wantNew:      1,
		},
		{
			name: "a VPSieNode whose Node registered is counted once, as that Node",
			snap: Snapshot{
				Nodes:      []ExistingNode{node("a-1", "2", "4Gi", nil, pod("running", "2", "1Gi"))},
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("a-1", "a", "small", v1alpha1.PhaseJoining)},
				Pending:    ptrs([]corev1.Pod{pod("p", "1", "1Gi")}),
			},
			wantNew: 1,
		},
		{
			name: "failed and terminating VPSieNodes hold nothing",
			snap: Snapshot{
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("a-1", "a", "small", v1alpha1.PhaseFailed), vpsieNode("a-2", "a", "small", v1alpha1.PhaseTerminating)},
				Pending:    ptrs([]corev1.Pod{pod("p", "1", "1Gi")}),
			},
			wantNew: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.snap.Now = now
			tt.snap.NodeGroups = []*v1alpha1.NodeGroup{nodeGroup("a", "small")}
			tt.snap.Offerings = []Offering{small}
			r := Plan(tt.snap, DefaultOptions())
			if !slices.Equal(r.Existing, tt.wantExisting) {
				t.Errorf("Existing = %+v, want %+v", r.Existing, tt.wantExisting)
			}
			if got := r.NewNodes(); got != tt.wantNew {
				t.Errorf("new nodes = %d, want %d (%+v)", got, tt.wantNew, r.Intents)
			}
		})
	}
}
