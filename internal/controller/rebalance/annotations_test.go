package rebalance

import (
	"testing"

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
