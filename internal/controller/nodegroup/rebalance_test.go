package nodegroup

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// status.rebalance follows the report; without one (a restarted controller that saw no run)
// the last outcome stays, and lastRebalanceTime never goes back.
func TestRebalanceReportIntoStatus(t *testing.T) {
	old := metav1.NewTime(time.Unix(2000, 0))
	last := &v1alpha1.NodeGroupRebalanceStatus{PlanID: "old", Phase: "Completed", Outcome: "Completed"}
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Name: "g", Namespace: "ns"},
		Status: v1alpha1.NodeGroupStatus{Rebalance: last, LastRebalanceTime: &old}}

	st := computeStatus(observation{group: ng})
	if st.Rebalance == nil || st.Rebalance.PlanID != "old" || !st.LastRebalanceTime.Equal(&old) {
		t.Errorf("no report: rebalance %+v at %v, want the last outcome kept", st.Rebalance, st.LastRebalanceTime)
	}

	running := &v1alpha1.NodeGroupRebalanceStatus{PlanID: "new", Phase: "Draining", BatchesDone: 1, BatchesTotal: 2,
		SavingsMonthly: "45.00"}
	st = computeStatus(observation{group: ng, rebalance: &RebalanceReport{Status: running}})
	if st.Rebalance == nil || st.Rebalance.PlanID != "new" || st.Rebalance.BatchesDone != 1 || !st.LastRebalanceTime.Equal(&old) {
		t.Errorf("running: rebalance %+v at %v", st.Rebalance, st.LastRebalanceTime)
	}
	if st.Rebalance == running {
		t.Error("the report's status is shared with the object, not copied")
	}

	ended := time.Unix(3000, 700)
	st = computeStatus(observation{group: ng, rebalance: &RebalanceReport{Status: running, LastRebalance: ended}})
	if want := time.Unix(3000, 0); !st.LastRebalanceTime.Time.Equal(want) {
		t.Errorf("lastRebalanceTime %v, want %v", st.LastRebalanceTime, want)
	}
	st = computeStatus(observation{group: ng, rebalance: &RebalanceReport{Status: running, LastRebalance: time.Unix(1000, 0)}})
	if !st.LastRebalanceTime.Equal(&old) {
		t.Errorf("an earlier end moved lastRebalanceTime back to %v", st.LastRebalanceTime)
	}
}
