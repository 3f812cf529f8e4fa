package rebalance

import (
	"errors"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

var t0 = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func mt(t time.Time) *metav1.Time { m := metav1.NewTime(t); return &m }

func TestStatusOfARunFromStartToItsOutcome(t *testing.T) {
	r := run{id: "rebalance/ns/g", runID: "r1", planID: "abc", strategy: "rolling", planned: 90, batches: 2,
		started: t0.Add(500 * time.Millisecond)}
	want := &v1alpha1.NodeGroupRebalanceStatus{PlanID: "abc", Strategy: "rolling", Phase: PhaseStarting, BatchesTotal: 2,
		SavingsMonthly: "0.00", PlannedSavingsMonthly: "90.00", StartedAt: mt(t0)}
	check := func(what string, want *v1alpha1.NodeGroupRebalanceStatus) {
		t.Helper()
		if got := statusOf(r); !equality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s: status %+v, want %+v", what, got, want)
		}
	}
	check("started, no progress read yet", want)

	r.progress = contract.RebalanceProgress{PlanID: "abc", Strategy: "rolling", Phase: contract.RebalancePhaseDraining,
		BatchesDone: 1, BatchesTotal: 2, NewNodes: []string{"n-r2", "n-r1"}, OldNodes: []string{"old-2"},
		Removed: []string{"old-1"}, SavingsMonthly: 45}
	running := want.DeepCopy()
	running.Phase, running.BatchesDone, running.NewNodes, running.OldNodes, running.SavingsMonthly =
		contract.RebalancePhaseDraining, 1, []string{"n-r1", "n-r2"}, []string{"old-2"}, "45.00"
	check("half way", running)

	r.progress.Paused, r.progress.Phase, r.progress.Message = true, contract.RebalancePhasePaused, "paused by signal"
	paused := running.DeepCopy()
	paused.Paused, paused.Phase, paused.Message = true, contract.RebalancePhasePaused, "paused by signal"
	check("paused", paused)

	done := r
	done.finished = t0.Add(3 * time.Minute)
	done.ending = endingOf(contract.RebalanceResult{Outcome: contract.RebalanceCompleted, Progress: contract.RebalanceProgress{
		Phase: contract.RebalancePhaseCompleted, BatchesDone: 2, BatchesTotal: 2, NewNodes: []string{"n-r1", "n-r2"},
		SavingsMonthly: 90}}, nil)
	r = done
	completed := &v1alpha1.NodeGroupRebalanceStatus{PlanID: "abc", Strategy: "rolling", Phase: contract.RebalancePhaseCompleted,
		BatchesDone: 2, BatchesTotal: 2, NewNodes: []string{"n-r1", "n-r2"}, SavingsMonthly: "90.00",
		PlannedSavingsMonthly: "90.00", StartedAt: mt(t0), FinishedAt: mt(t0.Add(3 * time.Minute)), Outcome: "Completed"}
	check("completed", completed)
}

func TestStatusOfAFailedAndARolledBackRun(t *testing.T) {
	r := run{planID: "p", strategy: "surge", batches: 1, started: t0, finished: t0.Add(time.Minute),
		progress: contract.RebalanceProgress{Phase: contract.RebalancePhaseRollingBack, BatchesTotal: 1}}
	r.ending = endingOf(contract.RebalanceResult{}, errors.New("undo failed: node x: boom"))
	st := statusOf(r)
	if st.Phase != OutcomeFailed || st.Outcome != OutcomeFailed || st.Message != "undo failed: node x: boom" {
		t.Errorf("failed run: %+v", st)
	}
	r.ending = endingOf(contract.RebalanceResult{Outcome: contract.RebalanceRolledBack, Reason: contract.RebalanceReasonStepFailed,
		Message: "replacement not Ready", Restored: []string{"n-u0"},
		Progress: contract.RebalanceProgress{Phase: contract.RebalancePhaseRolledBack, BatchesTotal: 1, OldNodes: []string{"old-1"}}}, nil)
	st = statusOf(r)
	if st.Phase != contract.RebalancePhaseRolledBack || st.Outcome != contract.RebalanceRolledBack ||
		st.Reason != contract.RebalanceReasonStepFailed || st.Message != "replacement not Ready" || len(st.OldNodes) != 1 {
		t.Errorf("rolled back run: %+v", st)
	}
	if got := r.ending.summary(); got != "RolledBack (StepFailed): 0 nodes replaced kept, 1 restored: replacement not Ready" {
		t.Errorf("summary %q", got)
	}
}

// The reports hand the NodeGroup controller status.rebalance and the end time; a report
// rebuilt from an unchanged run is equal (its status is a fresh pointer), so only a changed
// run is announced. Announcing itself is the store's (internal/groupreport).
func TestReportsAnnounceChangesOnly(t *testing.T) {
	rs := NewReports()
	key := types.NamespacedName{Namespace: "ns", Name: "g"}
	r := run{planID: "p", strategy: "rolling", batches: 1, started: t0}
	rs.Set(key, reportOf(r))
	rs.Set(key, reportOf(r))
	r.finished = t0.Add(time.Minute)
	r.ending = ending{outcome: contract.RebalanceCompleted}
	rs.Set(key, reportOf(r))
	if n := len(rs.Changes()); n != 2 {
		t.Errorf("%d changes announced, want 2", n)
	}
	got, ok := rs.Get(key)
	if !ok || !got.LastRebalance.Equal(t0.Add(time.Minute)) || got.Status.Outcome != contract.RebalanceCompleted {
		t.Errorf("report %+v", got)
	}
	rs.Retain(map[types.NamespacedName]bool{})
	if _, ok := rs.Get(key); ok {
		t.Error("a gone group's report was kept")
	}
}

// A run is followed once: a second begin of the same running run (a pass attaching to what
// this process started) is refused; progress of another run is ignored.
func TestRunsFollowARunOnce(t *testing.T) {
	rs := newRuns()
	key := types.NamespacedName{Namespace: "ns", Name: "g"}
	if !rs.begin(key, run{runID: "a"}) || rs.begin(key, run{runID: "a"}) || !rs.following(key, "a") {
		t.Fatal("the same run was begun twice")
	}
	if rs.progressed(key, "b", contract.RebalanceProgress{Phase: "Draining"}) {
		t.Error("another run's progress was taken")
	}
	if !rs.progressed(key, "a", contract.RebalanceProgress{Phase: "Draining"}) ||
		rs.progressed(key, "a", contract.RebalanceProgress{Phase: "Draining"}) {
		t.Error("progress changes are not told apart")
	}
	if _, ok := rs.end(key, "a", ending{outcome: "Completed"}, t0); !ok || rs.following(key, "a") || len(rs.running()) != 0 {
		t.Error("an ended run is still followed")
	}
	if !rs.begin(key, run{runID: "b"}) {
		t.Error("the group's next run was refused")
	}
}
