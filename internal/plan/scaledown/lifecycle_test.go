package scaledown

import (
	"reflect"
	"testing"
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// TestADatacentersMinNodesHoldsAsScaleUpKeepsIt: scale-up keeps each datacenter's own
// minNodes; a scale-down that only checked the group's drained such a node and scale-up
// bought it again, in a loop.
func TestADatacentersMinNodesHoldsAsScaleUpKeepsIt(t *testing.T) {
	ng := nodeGroup("g", 0, 10)
	ng.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc1", MinNodes: 1}, {ID: "dc2"}}
	s := snapshot(groups(ng), node("a", "g", "4", "8Gi"), node("b", "g", "4", "8Gi"))
	s.VPSieNodes[0].Spec.DatacenterID, s.VPSieNodes[1].Spec.DatacenterID = "dc1", "dc2"
	for _, n := range []string{"a", "b"} {
		s.Utilization[n] = Utilization{Below: true, Empty: true}
	}
	o := DefaultOptions()
	o.MaxParallelDrains = 2
	r := Plan(s, o)
	if got := drained(r); !reflect.DeepEqual(got, []string{"b"}) {
		t.Fatalf("drained %v, want [b] (a is dc1's only node and dc1 keeps one)", got)
	}
	if v, _ := verdictOf(r, "a"); v.Reason != ReasonAtMinNodes || v.Message != "datacenter dc1 would have 0 nodes of the group, its minNodes is 1" {
		t.Errorf("a kept for %s (%s), want AtMinNodes naming dc1", v.Reason, v.Message)
	}
}

// TestANodeThatIsNotReadyOrStillBootingIsLeftAlone: a node whose VPSieNode is not Ready yet,
// or younger than the boot allowance, belongs to its ScaleUp run; even a group above
// maxNodes does not drain it.
func TestANodeThatIsNotReadyOrStillBootingIsLeftAlone(t *testing.T) {
	tests := []struct {
		name   string
		phase  v1alpha1.VPSieNodePhase
		age    time.Duration
		reason Reason
	}{
		{"a joining VPSieNode", v1alpha1.PhaseJoining, time.Hour, ReasonNotReadyYet},
		{"a VPSieNode with no phase yet", "", time.Hour, ReasonNotReadyYet},
		{"a Ready node younger than the boot allowance", v1alpha1.PhaseReady, 5 * time.Minute, ReasonBooting},
		{"a Ready node older than the boot allowance", v1alpha1.PhaseReady, time.Hour, ReasonNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot(groups(nodeGroup("g", 0, 1)), node("old", "g", "4", "8Gi"), node("new", "g", "4", "8Gi"))
			s.VPSieNodes[1].Status.Phase = tt.phase
			s.Nodes[1].Node.CreationTimestamp.Time = now.Add(-tt.age)
			s.Nodes[0].Node.CreationTimestamp.Time = now.Add(-2 * time.Hour)
			for _, n := range []string{"old", "new"} {
				s.Utilization[n] = Utilization{Below: true, Empty: true}
			}
			o := DefaultOptions()
			o.BootAllowance = 15 * time.Minute
			r := Plan(s, o)
			v, kept := verdictOf(r, "new")
			if tt.reason == ReasonNone {
				if kept {
					t.Fatalf("new kept for %s (%s), want it a candidate", v.Reason, v.Message)
				}
				return
			}
			if v.Reason != tt.reason {
				t.Fatalf("new kept for %s (%s), want %s", v.Reason, v.Message, tt.reason)
			}
			if got := drained(r); !reflect.DeepEqual(got, []string{"old"}) {
				t.Errorf("drained %v, want [old]: the group is above maxNodes", got)
			}
		})
	}
}
