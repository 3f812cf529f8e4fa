package scaledown

import (
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

func groups(gs ...*v1alpha1.NodeGroup) []*v1alpha1.NodeGroup { return gs }

func TestCandidateSelection(t *testing.T) {
	busy := func(s *Snapshot, names ...string) {
		for _, n := range names {
			s.Utilization[n] = Utilization{Detail: "CPU at 80% (threshold 50%)"}
		}
	}
	tests := []struct {
		name    string
		snap    func() Snapshot
		opts    func(*Options)
		drained []string
		kept    map[string]Reason // every managed node not drained
		message map[string]string // substrings of kept nodes' messages
	}{
		{
			name: "a node below its thresholds whose pods fit elsewhere goes",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", pod("a", "1", "1Gi")), node("n2", "g", "4", "8Gi", pod("b", "2", "1Gi")))
				busy(&s, "n2")
				return s
			},
			drained: []string{"n1"},
			kept:    map[string]Reason{"n2": ReasonNotUnderutilized},
			message: map[string]string{"n2": "CPU at 80% (threshold 50%)"},
		},
		{
			name: "an unmanaged node is never a candidate and never listed",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), unmanaged("other", "4", "8Gi"), node("n1", "g", "4", "8Gi", pod("a", "1", "1Gi")))
				s.Utilization["other"] = Utilization{Below: true, Empty: true}
				return s
			},
			drained: []string{"n1"}, // its pod moves to the unmanaged node
			kept:    map[string]Reason{},
		},
		{
			name: "a node missing from the store's verdicts is not below",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
				delete(s.Utilization, "n1")
				busy(&s, "n2")
				return s
			},
			kept:    map[string]Reason{"n1": ReasonNotUnderutilized, "n2": ReasonNotUnderutilized},
			message: map[string]string{"n1": "no utilization verdict for the node"},
		},
		{
			name: "an empty node goes after the empty delay even when not below",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", daemonPod("agent")), node("n2", "g", "4", "8Gi", pod("b", "3", "1Gi")))
				s.Utilization["n1"] = Utilization{Empty: true}
				busy(&s, "n2")
				return s
			},
			drained: []string{"n1"},
			kept:    map[string]Reason{"n2": ReasonNotUnderutilized},
		},
		{
			name: "a node the store says was empty but runs a pod now is not empty",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", pod("new", "1", "1Gi")), node("n2", "g", "4", "8Gi", pod("b", "3", "1Gi")))
				s.Utilization["n1"] = Utilization{Empty: true, Detail: "CPU at 60% (threshold 50%)"}
				busy(&s, "n2")
				return s
			},
			kept: map[string]Reason{"n1": ReasonNotUnderutilized, "n2": ReasonNotUnderutilized},
		},
		{
			name: "empty nodes go before underutilized ones",
			snap: func() Snapshot {
				return snapshot(groups(nodeGroup("g", 0, 10)), node("a-busy", "g", "4", "8Gi", pod("a", "1", "1Gi")), node("b-empty", "g", "4", "8Gi"), node("c", "g", "8", "16Gi"))
			},
			drained: []string{"b-empty"},
			kept:    map[string]Reason{"a-busy": ReasonDrainLimit, "c": ReasonDrainLimit},
		},
		{
			name: "minNodes keeps the group's last nodes",
			snap: func() Snapshot {
				return snapshot(groups(nodeGroup("g", 2, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
			},
			kept:    map[string]Reason{"n1": ReasonAtMinNodes, "n2": ReasonAtMinNodes},
			message: map[string]string{"n1": "the group would have 1 nodes, minNodes is 2"},
		},
		{
			name: "scale-down disabled in the spec",
			snap: func() Snapshot {
				g := nodeGroup("g", 0, 10)
				off := false
				g.Spec.ScaleDownPolicy.Enabled = &off
				return snapshot(groups(g), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
			},
			kept: map[string]Reason{"n1": ReasonScaleDownDisabled, "n2": ReasonScaleDownDisabled},
		},
		{
			name: "scale-down disabled by the controller",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"))
				s.Groups = map[types.NamespacedName]GroupState{key("g"): {ScaleDownDisabled: true}}
				return s
			},
			kept: map[string]Reason{"n1": ReasonScaleDownDisabled},
		},
		{
			name: "the scale-up cooldown, from the status",
			snap: func() Snapshot {
				g := nodeGroup("g", 0, 10)
				g.Spec.ScaleUpPolicy.CooldownSeconds = 300
				g.Status.LastScaleUpTime = &metav1.Time{Time: now.Add(-time.Minute)}
				return snapshot(groups(g), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
			},
			kept:    map[string]Reason{"n1": ReasonScaleUpCooldown, "n2": ReasonScaleUpCooldown},
			message: map[string]string{"n1": "scale-up cooldown until 2026-03-01T12:04:00Z"},
		},
		{
			name: "the scale-down cooldown, from the controller's own record",
			snap: func() Snapshot {
				g := nodeGroup("g", 0, 10)
				g.Spec.ScaleDownPolicy.CooldownSeconds = 600
				g.Status.LastScaleDownTime = &metav1.Time{Time: now.Add(-time.Hour)}
				s := snapshot(groups(g), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
				s.Groups = map[types.NamespacedName]GroupState{key("g"): {LastScaleDown: now.Add(-time.Minute)}}
				return s
			},
			kept:    map[string]Reason{"n1": ReasonScaleDownCooldown, "n2": ReasonScaleDownCooldown},
			message: map[string]string{"n1": "scale-down cooldown until 2026-03-01T12:09:00Z"},
		},
		{
			name: "a cooldown that has passed stops nothing",
			snap: func() Snapshot {
				g := nodeGroup("g", 0, 10)
				g.Spec.ScaleDownPolicy.CooldownSeconds = 60
				g.Status.LastScaleDownTime = &metav1.Time{Time: now.Add(-time.Minute)}
				return snapshot(groups(g), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi", pod("b", "3", "1Gi")))
			},
			drained: []string{"n1"},
			kept:    map[string]Reason{"n2": ReasonDrainLimit},
		},
		{
			name: "one drain under way fills the default limit of one",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"), node("n3", "g", "4", "8Gi"))
				s.Draining = []string{"n3"}
				return s
			},
			kept:    map[string]Reason{"n1": ReasonDrainLimit, "n2": ReasonDrainLimit, "n3": ReasonDrainInProgress},
			message: map[string]string{"n1": "1 drains under way, at most 1 at once"},
		},
		{
			name: "a node annotated draining counts as a drain under way",
			snap: func() Snapshot {
				n3 := node("n3", "g", "4", "8Gi")
				n3.Node.Annotations = map[string]string{v1alpha1.AnnotationDrainStatus: v1alpha1.DrainStatusDraining}
				return snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"), n3)
			},
			kept: map[string]Reason{"n1": ReasonDrainLimit, "n3": ReasonDrainInProgress},
		},
		{
			name: "a higher parallel limit drains several, pods of the first counted on the others",
			snap: func() Snapshot {
				// n1 and n2 hold 2 CPU each, n3 1 CPU: the room is for one drain only.
				return snapshot(groups(nodeGroup("g", 0, 10)),
					node("n1", "g", "4", "8Gi", pod("a", "2", "1Gi")), node("n2", "g", "4", "8Gi", pod("b", "2", "1Gi")),
					node("n3", "g", "4", "8Gi", pod("c", "1", "1Gi")))
			},
			opts: func(o *Options) { o.MaxParallelDrains = 3 },
			// n1 goes first (names break the tie) and its pod a lands on n2; n2 must then move
			// a as well as b, and n3 has room for only one of them.
			drained: []string{"n1"},
			kept:    map[string]Reason{"n2": ReasonPodsDoNotFit, "n3": ReasonPodsDoNotFit},
			message: map[string]string{"n2": "pod default/b fits on no other node (InsufficientCPU): no other node can take it; closest, n3: requests 2 CPU, 1 free"},
		},
		{
			name: "pods that fit nowhere keep their node, naming the pod",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", pod("big", "3", "1Gi")), node("n2", "g", "4", "8Gi", pod("b", "2", "1Gi")))
				busy(&s, "n2")
				return s
			},
			kept:    map[string]Reason{"n1": ReasonPodsDoNotFit, "n2": ReasonNotUnderutilized},
			message: map[string]string{"n1": "pod default/big fits on no other node (InsufficientCPU): no other node can take it; closest, n2: requests 3 CPU, 2 free"},
		},
		{
			name: "a cordoned node takes no pod",
			snap: func() Snapshot {
				n2 := unmanaged("n2", "8", "16Gi")
				n2.Node.Spec.Unschedulable = true
				return snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", pod("a", "1", "1Gi")), n2)
			},
			kept:    map[string]Reason{"n1": ReasonPodsDoNotFit},
			message: map[string]string{"n1": "TaintNotTolerated"},
		},
		{
			name: "the pods of a node being drained take the room first",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi", pod("a", "2", "1Gi")),
					node("n2", "g", "4", "8Gi", pod("leaving", "3", "1Gi")), unmanaged("spare", "4", "8Gi"))
				s.Draining = []string{"n2"}
				return s
			},
			opts: func(o *Options) { o.MaxParallelDrains = 2 },
			kept: map[string]Reason{"n1": ReasonPodsDoNotFit, "n2": ReasonDrainInProgress},
		},
		{
			name: "a managed node no VPSieNode owns",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"))
				s.VPSieNodes = nil
				return s
			},
			kept: map[string]Reason{"n1": ReasonNotInNodeGroup},
		},
		{
			name: "a VPSieNode found by hostname before its node name is recorded",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 0, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi", pod("b", "3", "1Gi")))
				s.VPSieNodes[0].Status.NodeName = ""
				busy(&s, "n2")
				return s
			},
			drained: []string{"n1"},
			kept:    map[string]Reason{"n2": ReasonNotUnderutilized},
		},
		{
			name: "a VPSieNode being deleted: its node is leaving already",
			snap: func() Snapshot {
				s := snapshot(groups(nodeGroup("g", 1, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"))
				s.VPSieNodes[0].Status.Phase = v1alpha1.PhaseTerminating
				return s
			},
			kept: map[string]Reason{"n1": ReasonDrainInProgress, "n2": ReasonAtMinNodes},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			if tc.opts != nil {
				tc.opts(&o)
			}
			r := Plan(tc.snap(), o)
			if got := drained(r); !reflect.DeepEqual(got, tc.drained) {
				t.Errorf("drained %v, want %v", got, tc.drained)
			}
			kept := map[string]Reason{}
			for _, v := range r.Kept {
				kept[v.Node] = v.Reason
				if sub := tc.message[v.Node]; !strings.Contains(v.Message, sub) {
					t.Errorf("%s: message %q, want it to contain %q", v.Node, v.Message, sub)
				}
			}
			if !reflect.DeepEqual(kept, tc.kept) {
				t.Errorf("kept %v, want %v", kept, tc.kept)
			}
		})
	}
}

func TestADrainSaysWhatItMovesAndWhere(t *testing.T) {
	s := snapshot(groups(nodeGroup("g", 0, 10)),
		node("n1", "g", "4", "8Gi", daemonPod("agent"), pod("a", "1", "1Gi"), pod("b", "500m", "1Gi")),
		node("n2", "g", "4", "8Gi", pod("c", "3", "1Gi")), unmanaged("spare", "2", "4Gi"))
	s.Utilization["n2"] = Utilization{Detail: "busy"}
	r := Plan(s, DefaultOptions())
	want := []Drain{{
		Node: "n1", NodeGroup: key("g"), VPSieNode: "vn-n1", Reason: ReasonUnderutilized,
		Message: "below 50% CPU and 50% memory for 10m0s",
		Pods:    []types.NamespacedName{key("a"), key("b")},
		Moves:   []schedsim.Placement{{Pod: key("a"), Node: "n2"}, {Pod: key("b"), Node: "spare"}},
	}}
	if !reflect.DeepEqual(r.Drains, want) {
		t.Errorf("drains\n%+v\nwant\n%+v", r.Drains, want)
	}
}

// Lowering maxNodes drains the group down to it, least disruptive first, whatever the
// utilization and the cooldowns; the safety checks still hold.
func TestLoweringMaxNodesDrainsDownToItLeastDisruptiveFirst(t *testing.T) {
	g := nodeGroup("g", 1, 2)
	g.Spec.ScaleUpPolicy.CooldownSeconds = 3600
	g.Status.LastScaleUpTime = &metav1.Time{Time: now.Add(-time.Minute)}
	old := node("old", "g", "4", "8Gi", pod("o", "100m", "1Gi"))
	old.Node.CreationTimestamp = metav1.NewTime(now.Add(-48 * time.Hour))
	young := node("young", "g", "4", "8Gi", pod("y", "100m", "1Gi"))
	important := pod("i", "100m", "1Gi")
	prio := int32(1000)
	important.Spec.Priority = &prio
	protectedNode := node("protected", "g", "4", "8Gi")
	protectedNode.Node.Annotations = map[string]string{v1alpha1.AnnotationProtected: "true"}
	s := snapshot(groups(g), old, young, protectedNode,
		node("prio", "g", "4", "8Gi", important), node("full", "g", "4", "8Gi", pod("f1", "1", "1Gi"), pod("f2", "1", "1Gi")))
	for n := range s.Utilization {
		s.Utilization[n] = Utilization{Detail: "CPU at 90% (threshold 50%)"}
	}
	o := DefaultOptions()
	o.MaxParallelDrains = 5
	r := Plan(s, o)
	if got, want := drained(r), []string{"young", "old", "prio"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("drained %v, want %v", got, want)
	}
	for _, d := range r.Drains {
		if d.Reason != ReasonAboveMaxNodes {
			t.Errorf("%s drained for %s, want AboveMaxNodes", d.Node, d.Reason)
		}
	}
	if d := r.Drains[0]; d.Message != "the group has 5 nodes, maxNodes is 2" {
		t.Errorf("first drain's message %q", d.Message)
	}
	want := map[string]Reason{"protected": ReasonProtectedNode, "full": ReasonNotUnderutilized}
	for node, reason := range want {
		if v, _ := verdictOf(r, node); v.Reason != reason {
			t.Errorf("%s kept for %s (%s), want %s", node, v.Reason, v.Message, reason)
		}
	}
}

// Above maxNodes the operator asked for fewer nodes: pods that fit nowhere do not stop the
// drain, they are named and will wait as Pending.
func TestADrainDownToMaxNodesNamesThePodsThatFitNowhere(t *testing.T) {
	s := snapshot(groups(nodeGroup("g", 0, 1)), node("n1", "g", "4", "8Gi", pod("a", "3", "1Gi")), node("n2", "g", "4", "8Gi", pod("b", "3", "1Gi")))
	r := Plan(s, DefaultOptions())
	if len(r.Drains) != 1 || r.Drains[0].Node != "n1" || !reflect.DeepEqual(r.Drains[0].Stranded, []types.NamespacedName{key("a")}) {
		t.Fatalf("drains %+v, want n1 with pod a stranded", r.Drains)
	}
}

func TestEveryReasonHasAStableName(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Reasons() {
		name := r.String()
		if name == "" || strings.HasPrefix(name, "Reason(") || seen[name] {
			t.Errorf("reason %d has name %q", r, name)
		}
		seen[name] = true
	}
	if got := ReasonPodDisruptionBudget.CheckType(); got != "pdb" {
		t.Errorf("PodDisruptionBudget check_type %q", got)
	}
	if got := ReasonNotUnderutilized.CheckType(); got != "" {
		t.Errorf("NotUnderutilized is no safety check, got check_type %q", got)
	}
}

func TestPolicyDefaults(t *testing.T) {
	g := nodeGroup("g", 0, 1)
	if got, want := PolicyOf(g), (Policy{Enabled: true, CPUPercent: 50, MemoryPercent: 50, Window: 10 * time.Minute}); got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	g.Spec.ScaleDownPolicy = v1alpha1.ScalingPolicy{CPUThresholdPercent: 30, MemoryThresholdPercent: 40, StabilizationWindowSeconds: 60, CooldownSeconds: 120}
	g.Spec.ScaleUpPolicy.CooldownSeconds = 30
	want := Policy{Enabled: true, CPUPercent: 30, MemoryPercent: 40, Window: time.Minute, Cooldown: 2 * time.Minute, AfterScaleUp: 30 * time.Second}
	if got := PolicyOf(g); got != want {
		t.Errorf("policy %+v, want %+v", got, want)
	}
}

// A drain whose Node is already gone still holds its VPSieNode, a member until the end: it
// counts towards the drain limit and does not count towards minNodes.
func TestADrainWhoseNodeIsGoneStillCounts(t *testing.T) {
	s := snapshot(groups(nodeGroup("g", 1, 10)), node("n1", "g", "4", "8Gi"), node("n2", "g", "4", "8Gi"), node("n3", "g", "4", "8Gi"))
	s.Nodes = s.Nodes[:2] // n3's Node is deleted; its VPSieNode remains
	s.Draining = []string{"n3"}
	o := DefaultOptions()
	o.MaxParallelDrains = 2
	r := Plan(s, o)
	if got := drained(r); !reflect.DeepEqual(got, []string{"n1"}) {
		t.Fatalf("drained %v, want [n1]", got)
	}
	if v, _ := verdictOf(r, "n2"); v.Reason != ReasonAtMinNodes {
		t.Errorf("n2 kept for %s (%s), want AtMinNodes", v.Reason, v.Message)
	}
}
