package rebalance

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestDecideMapsTheAnnotationToARunOrASignal(t *testing.T) {
	for _, tc := range []struct {
		value   string
		running bool
		want    decision
	}{
		{"", false, decision{}},
		{"", true, decision{}},
		{v1alpha1.RebalanceNow, false, decision{manual: true}},
		{" now ", false, decision{manual: true}},
		{v1alpha1.RebalanceNow, true, decision{clear: true, ignored: "a rebalance runs already"}},
		{v1alpha1.RebalancePause, true, decision{signal: contract.RebalanceSignalPause, clear: true}},
		{v1alpha1.RebalanceResume, true, decision{signal: contract.RebalanceSignalResume, clear: true}},
		{v1alpha1.RebalanceRollback, true, decision{signal: contract.RebalanceSignalRollback, clear: true}},
		{v1alpha1.RebalancePause, false, decision{clear: true, ignored: "no rebalance runs to pause"}},
		{v1alpha1.RebalanceRollback, false, decision{clear: true, ignored: "no rebalance runs to rollback"}},
		{"cancel", true, decision{clear: true, ignored: "unknown value cancel (now, pause, resume or rollback)"}},
		{"Now", false, decision{clear: true, ignored: "unknown value Now (now, pause, resume or rollback)"}},
	} {
		if got := decide(tc.value, tc.running); got != tc.want {
			t.Errorf("decide(%q, running=%v) = %+v, want %+v", tc.value, tc.running, got, tc.want)
		}
	}
}

// A rebalance=now the analyzer held stays only for gates that may pass by themselves.
func TestManualSettledClearsOnlyWhatNoLaterPassChanges(t *testing.T) {
	settled := map[plan.Reason]bool{plan.ReasonNothingToReplace: true, plan.ReasonRebalanceInProgress: true,
		plan.ReasonInvalidMaintenanceWindow: true}
	for _, r := range plan.Reasons() {
		if got := manualSettled(r); got != settled[r] {
			t.Errorf("manualSettled(%s) = %v, want %v", r, got, settled[r])
		}
	}
}

// A rebalance=now that finds nothing to replace only because nodes are not Ready, draining
// or held by a budget waits; it used to be dropped, and a node that missed one heartbeat
// under load cancelled the operator's request.
func TestNothingToReplaceBecauseOfPassingExclusionsWaits(t *testing.T) {
	key := types.NamespacedName{Namespace: "ns", Name: "g"}
	nothing := plan.GroupVerdict{NodeGroup: key, Reason: plan.ReasonNothingToReplace}
	for _, tc := range []struct {
		name     string
		excluded []plan.Exclusion
		settles  bool
	}{
		{"no cheaper offering fits: settled", []plan.Exclusion{{NodeGroup: key, Node: "a", Reason: plan.ReasonNoCheaperFit}}, true},
		{"a node not Ready: waits", []plan.Exclusion{{NodeGroup: key, Node: "a", Reason: plan.ReasonNoCheaperFit},
			{NodeGroup: key, Node: "b", Reason: plan.ReasonNodeNotReady}}, false},
		{"a budget holds a node: waits", []plan.Exclusion{{NodeGroup: key, Node: "a", Reason: plan.ReasonPodDisruptionBudget}}, false},
		{"another group's node not Ready: settled", []plan.Exclusion{{NodeGroup: types.NamespacedName{Namespace: "ns", Name: "h"},
			Node: "x", Reason: plan.ReasonNodeNotReady}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := settles(key, nothing, tc.excluded); got != tc.settles {
				t.Fatalf("settles = %v, want %v", got, tc.settles)
			}
		})
	}
}
