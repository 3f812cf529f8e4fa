package rebalance

import (
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
)

// PhaseStarting is status.rebalance.phase of a run started whose progress was not read yet.
const PhaseStarting = "Starting"

// maxMessage bounds status.rebalance.message; a failed step's error can be long.
const maxMessage = 1024

// statusOf is status.rebalance for a run: its progress while it runs, then its outcome.
func statusOf(r run) *v1alpha1.NodeGroupRebalanceStatus {
	p := r.progress
	if r.ending.progress != nil {
		p = *r.ending.progress // the result's final progress
	}
	st := &v1alpha1.NodeGroupRebalanceStatus{PlanID: r.planID, Strategy: r.strategy, Phase: p.Phase, Paused: p.Paused,
		BatchesDone: int32(p.BatchesDone), BatchesTotal: int32(p.BatchesTotal), NewNodes: sorted(p.NewNodes),
		OldNodes: sorted(p.OldNodes), SavingsMonthly: money(p.SavingsMonthly), PlannedSavingsMonthly: money(r.planned),
		StartedAt: timeOf(r.started), Message: p.Message}
	if st.PlanID == "" {
		st.PlanID = p.PlanID
	}
	if st.Strategy == "" {
		st.Strategy = p.Strategy
	}
	if st.BatchesTotal == 0 {
		st.BatchesTotal = int32(r.batches)
	}
	if st.Phase == "" {
		st.Phase = PhaseStarting
	}
	if !r.finished.IsZero() {
		st.FinishedAt, st.Outcome, st.Reason = timeOf(r.finished), r.ending.outcome, r.ending.reason
		if r.ending.message != "" {
			st.Message = r.ending.message
		}
		if r.ending.outcome == OutcomeFailed {
			st.Phase = OutcomeFailed
		}
	}
	if len(st.Message) > maxMessage {
		st.Message = st.Message[:maxMessage-3] + "..."
	}
	return st
}

func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func timeOf(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	m := metav1.NewTime(t.Truncate(time.Second))
	return &m
}

// reportOf is what the NodeGroup controller writes for a run.
func reportOf(r run) nodegroup.RebalanceReport {
	return nodegroup.RebalanceReport{Status: statusOf(r), LastRebalance: r.finished}
}

// Reports holds, per NodeGroup, the report of its latest rebalance this process followed.
// The NodeGroup controller (the only writer of NodeGroup status) reads it into
// status.rebalance and status.lastRebalanceTime.
type Reports struct {
	mu      sync.Mutex
	current map[types.NamespacedName]nodegroup.RebalanceReport
	changes chan event.TypedGenericEvent[*v1alpha1.NodeGroup]
}

// NewReports returns an empty store.
func NewReports() *Reports {
	return &Reports{current: map[types.NamespacedName]nodegroup.RebalanceReport{},
		changes: make(chan event.TypedGenericEvent[*v1alpha1.NodeGroup], 1024)}
}

// Rebalance is the group's report, if this process followed a run of it.
func (r *Reports) Rebalance(key types.NamespacedName) (nodegroup.RebalanceReport, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got, ok := r.current[key]
	return got, ok
}

// Changes names the groups whose report changed.
func (r *Reports) Changes() <-chan event.TypedGenericEvent[*v1alpha1.NodeGroup] { return r.changes }

// set replaces the group's report and announces it when it changed.
func (r *Reports) set(key types.NamespacedName, rep nodegroup.RebalanceReport) {
	r.mu.Lock()
	old, ok := r.current[key]
	r.current[key] = rep
	r.mu.Unlock()
	if ok && reflect.DeepEqual(old, rep) {
		return
	}
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
	select {
	case r.changes <- event.TypedGenericEvent[*v1alpha1.NodeGroup]{Object: ng}:
	default: // the NodeGroup controller's periodic resync catches up
	}
}

// forget drops the reports of groups that are gone.
func (r *Reports) forget(present map[types.NamespacedName]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.current {
		if !present[k] {
			delete(r.current, k)
		}
	}
}

// publish hands the group's latest run to the NodeGroup controller.
func (c *Controller) publish(key types.NamespacedName) {
	if r, ok := c.runs.get(key); ok {
		c.reports.set(key, reportOf(r))
	}
}

var _ nodegroup.RebalanceReports = (*Reports)(nil)
