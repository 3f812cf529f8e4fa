package nodegroup

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/groupreport"
)

// Each source folds its store's report on the group into the observation; a scale-down
// source marks status.scaleDown as owned even when it has no report on the group.
func TestSourcesFoldTheirReportsIntoTheObservation(t *testing.T) {
	key := types.NamespacedName{Namespace: "ns", Name: "g"}
	verdicts := groupreport.New(Verdict.Equal)
	verdicts.Set(key, Verdict{Reason: "BackingOff", Message: "until 12:00"})
	down := groupreport.New(ScaleDownReport.Equal)
	down.Set(key, ScaleDownReport{Blocked: []v1alpha1.BlockedNode{{Node: "n1"}}})
	reb := groupreport.New(RebalanceReport.Equal)
	reb.Set(key, RebalanceReport{LastRebalance: time.Unix(1000, 0)})
	for _, tc := range []struct {
		name    string
		sources []Source
		key     types.NamespacedName
		check   func(o observation) bool
	}{
		{"no sources", nil, key, func(o observation) bool {
			return o.blocked == nil && !o.tracked && o.scaleDown == nil && o.rebalance == nil
		}},
		{"every source", []Source{FromScaleUp(verdicts), FromScaleDown(down), FromRebalance(reb)}, key,
			func(o observation) bool {
				return o.blocked != nil && o.blocked.Reason == "BackingOff" && o.tracked && o.scaleDown != nil &&
					len(o.scaleDown.Blocked) == 1 && o.rebalance != nil && o.rebalance.LastRebalance.Unix() == 1000
			}},
		{"a group no source reported on", []Source{FromScaleUp(verdicts), FromScaleDown(down), FromRebalance(reb)},
			types.NamespacedName{Namespace: "ns", Name: "other"}, func(o observation) bool {
				return o.blocked == nil && o.tracked && o.scaleDown == nil && o.rebalance == nil
			}},
	} {
		var o observation
		for _, s := range tc.sources {
			s.fold(tc.key, &o)
		}
		if !tc.check(o) {
			t.Errorf("%s: observation %+v", tc.name, o)
		}
	}
}
