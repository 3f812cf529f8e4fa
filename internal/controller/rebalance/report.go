package rebalance

import (
	"slices"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	"github.com/vpsie/vpsie-autoscaler/internal/groupreport"
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
		StartedAt: timeOf(r.started), Message: p.Message, Reasons: slices.Clone(r.reasons)}
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
type Reports = groupreport.Store[nodegroup.RebalanceReport]

// NewReports returns an empty store.
func NewReports() *Reports { return groupreport.New(nodegroup.RebalanceReport.Equal) }

// publish hands the group's latest run to the NodeGroup controller.
func (c *Controller) publish(key types.NamespacedName) {
	if r, ok := c.runs.get(key); ok {
		c.reports.Set(key, reportOf(r))
	}
}
