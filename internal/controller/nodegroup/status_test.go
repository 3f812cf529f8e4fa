package nodegroup

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

var t0 = metav1.NewTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))

func group(minNodes, maxNodes int32) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Name: "workers", Namespace: "default", Generation: 3},
		Spec:       v1alpha1.NodeGroupSpec{MinNodes: minNodes, MaxNodes: maxNodes},
	}
}

func vn(name string, phase v1alpha1.VPSieNodePhase) v1alpha1.VPSieNode {
	return v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: t0},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: "workers"},
		Status:     v1alpha1.VPSieNodeStatus{Phase: phase, NodeName: name},
	}
}

func node(name string, ready bool) corev1.Node {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status:     corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: st}}},
	}
}

func TestComputeStatus(t *testing.T) {
	tests := []struct {
		name                    string
		group                   *v1alpha1.NodeGroup
		vns                     []v1alpha1.VPSieNode
		nodes                   []corev1.Node
		current, ready, desired int32
		conds                   map[string]string // type -> reason
	}{
		{
			name:  "empty group below minimum is not ready and at min capacity",
			group: group(1, 3), current: 0, ready: 0, desired: 1,
			conds: map[string]string{
				v1alpha1.ConditionReady: ReasonBelowMinimum, v1alpha1.ConditionAtMinCapacity: ReasonAtMinimum,
				v1alpha1.ConditionAtMaxCapacity: ReasonBelowMaximum, v1alpha1.ConditionScaling: ReasonStable,
				v1alpha1.ConditionError: ReasonNoFailures,
			},
		},
		{
			name:  "all members ready makes the group ready",
			group: group(1, 3), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), vn("b", v1alpha1.PhaseReady)},
			nodes:   []corev1.Node{node("a", true), node("b", true)},
			current: 2, ready: 2, desired: 2,
			conds: map[string]string{v1alpha1.ConditionReady: ReasonAllNodesReady, v1alpha1.ConditionAtMinCapacity: ReasonAboveMinimum},
		},
		{
			name:  "a provisioning member means scaling up and not all ready",
			group: group(0, 3), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), vn("b", v1alpha1.PhaseProvisioning)},
			nodes:   []corev1.Node{node("a", true)},
			current: 2, ready: 1, desired: 2,
			conds: map[string]string{v1alpha1.ConditionReady: ReasonNodesNotReady, v1alpha1.ConditionScaling: ReasonScalingUp},
		},
		{
			name:  "a terminating member and its still Ready node are not counted and mean scaling down",
			group: group(0, 3), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), vn("b", v1alpha1.PhaseTerminating)},
			nodes:   []corev1.Node{node("a", true), node("b", true)},
			current: 1, ready: 1, desired: 1,
			conds: map[string]string{v1alpha1.ConditionScaling: ReasonScalingDown, v1alpha1.ConditionReady: ReasonAllNodesReady},
		},
		{
			name:  "a failed member raises Error and clears Ready",
			group: group(0, 3), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseFailed)},
			current: 1, ready: 0, desired: 1,
			conds: map[string]string{v1alpha1.ConditionError: ReasonNodeFailed, v1alpha1.ConditionReady: ReasonNodeFailed},
		},
		{
			name:  "more members than maximum is flagged and desired is clamped",
			group: group(0, 1), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), vn("b", v1alpha1.PhaseReady)},
			nodes:   []corev1.Node{node("a", true), node("b", true)},
			current: 2, ready: 2, desired: 1,
			conds: map[string]string{v1alpha1.ConditionReady: ReasonAboveMaximum, v1alpha1.ConditionAtMaxCapacity: ReasonAtMaximum},
		},
		{
			name:  "a NotReady node is not counted ready",
			group: group(0, 3), vns: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady)},
			nodes:   []corev1.Node{node("a", false)},
			current: 1, ready: 0, desired: 1,
			conds: map[string]string{v1alpha1.ConditionReady: ReasonNodesNotReady},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := computeStatus(observation{group: tt.group, vpsieNodes: tt.vns, nodes: tt.nodes, now: t0})
			if st.CurrentNodes != tt.current || st.ReadyNodes != tt.ready || st.DesiredNodes != tt.desired {
				t.Fatalf("current/ready/desired = %d/%d/%d, want %d/%d/%d",
					st.CurrentNodes, st.ReadyNodes, st.DesiredNodes, tt.current, tt.ready, tt.desired)
			}
			if st.ObservedGeneration != 3 {
				t.Errorf("observedGeneration = %d, want 3", st.ObservedGeneration)
			}
			if len(st.Conditions) != 6 {
				t.Errorf("got %d conditions, want 6", len(st.Conditions))
			}
			for typ, reason := range tt.conds {
				c := meta.FindStatusCondition(st.Conditions, typ)
				if c == nil || c.Reason != reason {
					t.Errorf("condition %s = %+v, want reason %s", typ, c, reason)
				}
			}
			if len(tt.vns) != len(st.Nodes) {
				t.Errorf("status lists %d members, want %d", len(st.Nodes), len(tt.vns))
			}
		})
	}
}

func TestComputeStatusKeepsTransitionTimeWhileConditionHolds(t *testing.T) {
	g := group(0, 3)
	first := computeStatus(observation{group: g, now: t0})
	g.Status = first
	later := metav1.NewTime(t0.Add(time.Hour))
	second := computeStatus(observation{group: g, now: later})
	c := meta.FindStatusCondition(second.Conditions, v1alpha1.ConditionScaling)
	if !c.LastTransitionTime.Equal(&t0) {
		t.Fatalf("lastTransitionTime moved to %v although the condition did not change", c.LastTransitionTime)
	}
}

func TestComputeStatusScaleTimesNeverGoBack(t *testing.T) {
	g := group(0, 3)
	future := metav1.NewTime(t0.Add(time.Hour))
	g.Status.LastScaleUpTime = &future
	st := computeStatus(observation{group: g, vpsieNodes: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady)}, now: t0})
	if !st.LastScaleUpTime.Equal(&future) {
		t.Fatalf("lastScaleUpTime = %v, want it kept at %v", st.LastScaleUpTime, future)
	}
	term := metav1.NewTime(t0.Add(2 * time.Hour))
	leaving := vn("b", v1alpha1.PhaseTerminating)
	leaving.Status.TerminatingAt = &term
	st = computeStatus(observation{group: g, vpsieNodes: []v1alpha1.VPSieNode{leaving}, now: t0})
	if st.LastScaleDownTime == nil || !st.LastScaleDownTime.Equal(&term) {
		t.Fatalf("lastScaleDownTime = %v, want %v", st.LastScaleDownTime, term)
	}
}

func TestComputeStatusShowsWhyTheProvisionerHoldsTheGroupBack(t *testing.T) {
	tests := []struct {
		name       string
		blocked    *Verdict
		wantStatus metav1.ConditionStatus
		wantReason string
	}{
		{name: "nothing holds it back", wantStatus: metav1.ConditionFalse, wantReason: ReasonScaleUpPossible},
		{name: "backing off after failed nodes", blocked: &Verdict{Reason: "BackingOff", Message: "until 12:00"},
			wantStatus: metav1.ConditionTrue, wantReason: "BackingOff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := computeStatus(observation{group: group(1, 3), now: t0, blocked: tt.blocked})
			c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionScaleUpBlocked)
			if c == nil || c.Status != tt.wantStatus || c.Reason != tt.wantReason {
				t.Fatalf("ScaleUpBlocked = %+v, want %s/%s", c, tt.wantStatus, tt.wantReason)
			}
		})
	}
}
