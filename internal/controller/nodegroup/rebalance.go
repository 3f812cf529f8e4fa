package nodegroup

import (
	"reflect"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// RebalanceReport is what the rebalance controller knows of a group's rebalance.
type RebalanceReport struct {
	// Status is status.rebalance: the run that runs, or the last one this process saw.
	Status *v1alpha1.NodeGroupRebalanceStatus
	// LastRebalance is when the group's last rebalance ended; zero if unknown.
	LastRebalance time.Time
}

// Equal says whether two reports are the same, so an unchanged one is not announced.
func (r RebalanceReport) Equal(o RebalanceReport) bool { return reflect.DeepEqual(r, o) }

// applyRebalance folds the report into st. Without a report (a restarted controller that
// has not seen a run of the group) status.rebalance keeps the last outcome it recorded.
func applyRebalance(st *v1alpha1.NodeGroupStatus, r *RebalanceReport) {
	if r == nil {
		return
	}
	if r.Status != nil {
		st.Rebalance = r.Status.DeepCopy()
	}
	if !r.LastRebalance.IsZero() {
		t := metav1.NewTime(r.LastRebalance.Truncate(time.Second))
		st.LastRebalanceTime = later(st.LastRebalanceTime, &t)
	}
}
