package scaleup

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func pendingPod(name, nominated string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
		Status: corev1.PodStatus{NominatedNodeName: nominated}}
}

// Which nominations a pass writes: new ones onto nodes being made, changes of its own, never
// one the scheduler set (KEP-5278's rules for components other than the scheduler).
func TestANominationIsWrittenOnlyWhereThePlanAndTheRulesSaySo(t *testing.T) {
	coming := map[string]bool{"booting": true, "bought": true}
	for _, tt := range []struct {
		name      string
		nominated string // the pod's status.nominatedNodeName
		ours      string // what this controller nominated it to before
		want      string // where the plan puts it now
		write     bool
		to        string
	}{
		{"a pod placed on a node bought for it", "", "", "bought", true, "bought"},
		{"a pod placed on a booting node", "", "", "booting", true, "booting"},
		{"a pod placed on a Ready node: the scheduler needs no hint", "", "", "ready", false, ""},
		{"a pod placed nowhere", "", "", "", false, ""},
		{"already nominated there by us", "bought", "bought", "bought", false, ""},
		{"ours, not in the cache yet, and kept", "", "bought", "bought", false, ""},
		{"ours, not in the cache yet, moved to another booting node", "", "bought", "booting", true, "booting"},
		{"ours, and its node is gone: the plan moved it", "gone", "gone", "booting", true, "booting"},
		{"ours, and the plan places it nowhere: cleared", "gone", "gone", "", true, ""},
		{"ours, and the plan places it on a Ready node: moved there", "gone", "gone", "ready", true, "ready"},
		{"the scheduler's (preemption): never touched", "victim-node", "", "booting", false, ""},
		{"the scheduler's, over one of ours: never touched", "victim-node", "bought", "booting", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newNominator()
			key := types.NamespacedName{Namespace: "ns", Name: "p"}
			if tt.ours != "" {
				n.ours[key] = tt.ours
			}
			wanted := map[types.NamespacedName]string{}
			if tt.want != "" {
				wanted[key] = tt.want
			}
			got := n.changes([]*corev1.Pod{pendingPod("p", tt.nominated)}, wanted, coming)
			if (len(got) == 1) != tt.write {
				t.Fatalf("changes %+v, want a write: %t", got, tt.write)
			}
			if tt.write && (got[0].to != tt.to || got[0].from != tt.nominated) {
				t.Errorf("change %s → %s, want %s → %s", got[0].from, got[0].to, tt.nominated, tt.to)
			}
			if tt.write && n.snapshot()[key] != tt.to {
				t.Errorf("ours = %q after deciding, want %q", n.snapshot()[key], tt.to)
			}
		})
	}
}

// A pod no longer pending (bound, deleted) is forgotten; a failed write is undone unless a
// later decision replaced it.
func TestTheNominatorForgetsWhatIsDoneAndUndoesWhatFailed(t *testing.T) {
	n := newNominator()
	gone := types.NamespacedName{Namespace: "ns", Name: "bound"}
	n.ours[gone] = "x"
	got := n.changes([]*corev1.Pod{pendingPod("p", "")}, map[types.NamespacedName]string{{Namespace: "ns", Name: "p"}: "b1"},
		map[string]bool{"b1": true})
	if _, ok := n.snapshot()[gone]; ok {
		t.Error("a pod no longer pending is still remembered")
	}
	n.undo(got[0])
	if len(n.snapshot()) != 0 {
		t.Errorf("after a failed write ours = %v, want empty", n.snapshot())
	}
}

// Node k of a started run is where its intent's k-th node's pods go, by the run's node names.
func TestWantedNominationsNameTheRunsNodes(t *testing.T) {
	p := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "ns", Name: name} }
	res := plan.Result{
		Existing: []plan.Placement{{Pod: p("a"), Node: "booting", InFlight: true}, {Pod: p("b"), Node: "ready"}},
		Intents: []plan.Intent{{Count: 2, NodePods: [][]types.NamespacedName{{p("c")}, {p("d"), p("e")}}},
			{Count: 1, NodePods: [][]types.NamespacedName{{p("f")}}}},
	}
	started := map[int]contract.ScaleUpInput{0: {Nodes: []contract.NodeRequest{{Name: "run-0"}, {Name: "run-1"}}}}
	wanted, coming := wantedNominations(res, started)
	want := map[types.NamespacedName]string{p("a"): "booting", p("b"): "ready", p("c"): "run-0", p("d"): "run-1", p("e"): "run-1"}
	if len(wanted) != len(want) {
		t.Fatalf("wanted %v, want %v (the intent not started nominates nothing)", wanted, want)
	}
	for k, v := range want {
		if wanted[k] != v {
			t.Errorf("%s → %q, want %q", k, wanted[k], v)
		}
	}
	if !coming["booting"] || !coming["run-0"] || !coming["run-1"] || coming["ready"] {
		t.Errorf("coming %v, want the booting node and the run's nodes only", coming)
	}
}

// A Ready node that took none of its pods yet holds back only the intents for pods planned onto
// it, whether or not the plan is written to the pods: holding the whole group stalled a burst
// behind every new node.
func TestANewNodeHoldsBackOnlyThePodsPlannedOntoIt(t *testing.T) {
	g := types.NamespacedName{Namespace: "ns", Name: "g"}
	p := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "ns", Name: name} }
	for _, tt := range []struct {
		name     string
		nominate bool
		pods     []types.NamespacedName
		held     bool
	}{
		{"pods planned onto the new node wait for it", true, []types.NamespacedName{p("mine"), p("other")}, true},
		{"other pods do not", true, []types.NamespacedName{p("other")}, false},
		{"nor when the plan is not written to the pods", false, []types.NamespacedName{p("other")}, false},
		{"pods planned onto it wait then too", false, []types.NamespacedName{p("mine")}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr := &Provisioner{nominator: newNominator(), probation: newProbation(2 * time.Minute)}
			pr.cfg.NominatePods = tt.nominate
			pr.nominator.ours[p("mine")] = "new-node"
			readyAt := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			pr.probation.add(g, "new-node", readyAt)
			in := plan.Intent{NodeGroup: g, Reason: plan.ReasonPendingPods, Pods: tt.pods}
			if got := pr.held(context.Background(), in, readyAt.Add(time.Second)); got != tt.held {
				t.Errorf("held = %t, want %t", got, tt.held)
			}
		})
	}
}
