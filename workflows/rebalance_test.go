package workflows_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// rebalanceFakes play the cluster for a Rebalance run: activities and the ScaleUp and
// DrainAndDelete children are fakes that record their calls in order, with new node names
// shortened to new-<i> (a replacement) and restore-<i> (an old offering provisioned again by
// a rollback). notReady names replacements that fail to get Ready, drainFails old nodes whose
// drain is compensated, and the children take provisionTime and drainTime of workflow time.
type rebalanceFakes struct {
	env        *testsuite.TestWorkflowEnvironment
	notReady   []string
	drainFails []string
	// drainErrs are old nodes whose drain child deletes the VPSieNode and then fails (its
	// wait for the termination errs): the node is gone all the same.
	drainErrs   []string
	verifyFails bool
	// unsafe are old nodes that fail the drain-time safety check.
	unsafe        []string
	provisionTime time.Duration
	drainTime     time.Duration

	mu           sync.Mutex
	calls        []string
	deletedVNs   []string
	at           map[string]time.Time
	drains, most int
}

func (f *rebalanceFakes) call(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	if f.at == nil {
		f.at = map[string]time.Time{}
	}
	f.at[s] = f.env.Now()
}

// alias turns "<prefix>-r<tag>-<i>" into new-<i> and "<prefix>-r<tag>u-<i>" into restore-<i>.
func alias(name string) string {
	parts := strings.Split(name, "-")
	if len(parts) < 3 || !strings.HasPrefix(parts[len(parts)-2], "r") {
		return name
	}
	if strings.HasSuffix(parts[len(parts)-2], "u") {
		return "restore-" + parts[len(parts)-1]
	}
	return "new-" + parts[len(parts)-1]
}

func (f *rebalanceFakes) register(env *testsuite.TestWorkflowEnvironment) {
	f.env = env
	on := func(name string, fn any) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	on(contract.AnnotateRebalanceActivity, func(_ context.Context, in contract.AnnotateRebalanceInput) error {
		if in.Status == "" {
			f.call("unmark:" + in.NodeName)
		} else {
			f.call("mark:" + in.NodeName)
		}
		return nil
	})
	on(contract.CordonNodeActivity, func(_ context.Context, in contract.NodeRef) (contract.CordonNodeResult, error) {
		f.call("cordon:" + in.NodeName)
		return contract.CordonNodeResult{Found: true, Cordoned: true}, nil
	})
	on(contract.UncordonNodeActivity, func(_ context.Context, in contract.NodeRef) error {
		f.call("uncordon:" + in.NodeName)
		return nil
	})
	on(contract.EvictPodsActivity, func(_ context.Context, in contract.EvictPodsInput) (contract.EvictPodsResult, error) {
		f.call("evict:" + in.NodeName)
		return contract.EvictPodsResult{Evicted: 2, Moved: []contract.MovedPod{
			{Namespace: "shop", Name: in.NodeName + "-a", UID: in.NodeName + "-a", OwnerUID: "rs-web"},
			{Namespace: "shop", Name: in.NodeName + "-b", UID: in.NodeName + "-b", OwnerUID: "rs-web"}}}, nil
	})
	on(contract.CheckDrainSafetyActivity, func(_ context.Context, in contract.NodeRef) error {
		f.call("check:" + in.NodeName)
		if slices.Contains(f.unsafe, in.NodeName) {
			return temporal.NewNonRetryableApplicationError("DoNotDisrupt", contract.ErrDrainUnsafe, nil,
				contract.DrainRefusal{Check: "DoNotDisrupt", Pod: "shop/db-0", Message: "pod shop/db-0 is annotated"})
		}
		return nil
	})
	on(contract.VerifyPodsRunningActivity, func(_ context.Context, in contract.VerifyPodsRunningInput) (contract.VerifyPodsRunningResult, error) {
		f.call("verify:" + strings.Join(in.Nodes, ","))
		if len(in.Moved) != 2*len(in.Nodes) {
			f.call("verify without the moved pods")
		}
		if f.verifyFails {
			return contract.VerifyPodsRunningResult{NotRunning: 1, Blocking: "pod shop/web-1 Pending"}, nil
		}
		return contract.VerifyPodsRunningResult{OK: true}, nil
	})
	on(contract.VPSieNodeDeletedActivity, func(_ context.Context, in contract.VPSieNodeRef) (bool, error) {
		f.call("deleted?:" + in.Name)
		f.mu.Lock()
		defer f.mu.Unlock()
		return slices.Contains(f.deletedVNs, in.Name), nil
	})
	env.OnWorkflow(contract.ScaleUpWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in contract.ScaleUpInput) (contract.ScaleUpResult, error) {
			names := make([]string, len(in.Nodes))
			var res contract.ScaleUpResult
			for i, n := range in.Nodes {
				names[i] = alias(n.Name) + "@" + n.Placements[0].OfferingID
				ready := !slices.Contains(f.notReady, alias(n.Name))
				out := contract.NodeOutcome{Name: n.Name, Placement: n.Placements[0], Ready: ready}
				if ready {
					out.NodeName, out.VPSID = n.Name, "vps-"+n.Name
				} else {
					out.Reason, out.Failure = contract.FailureNotReady, "not ready after 1m0s"
				}
				res.Nodes = append(res.Nodes, out)
			}
			f.call("up:" + strings.Join(names, ","))
			if id := workflow.GetInfo(ctx).WorkflowExecution.ID; id != contract.ScaleUpWorkflowID("ns", "g", in.Batch) ||
				!strings.HasPrefix(in.Batch, "rb") || in.Cluster != "c1" || in.Timeouts.Ready != time.Minute {
				f.call("wrong scale-up input " + id)
			}
			if err := workflow.Sleep(ctx, f.provisionTime+time.Second); err != nil {
				return res, err
			}
			return res, nil
		})
	env.OnWorkflow(contract.DrainAndDeleteWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in contract.DrainAndDeleteInput) (contract.DrainAndDeleteResult, error) {
			f.call("drain:" + alias(in.NodeName))
			if id := workflow.GetInfo(ctx).WorkflowExecution.ID; id != contract.DrainWorkflowID(in.NodeName) {
				f.call("wrong drain id " + id)
			}
			f.mu.Lock()
			f.drains++
			f.most = max(f.most, f.drains)
			f.mu.Unlock()
			err := workflow.Sleep(ctx, f.drainTime+time.Second)
			f.mu.Lock()
			f.drains--
			f.mu.Unlock()
			if err != nil {
				return contract.DrainAndDeleteResult{}, err
			}
			if slices.Contains(f.drainErrs, in.NodeName) {
				f.mu.Lock()
				f.deletedVNs = append(f.deletedVNs, in.VPSieNode.Name)
				f.mu.Unlock()
				return contract.DrainAndDeleteResult{}, temporal.NewNonRetryableApplicationError("waiting for vpsienode to go: lost",
					contract.ErrWaitTimedOut, nil)
			}
			if slices.Contains(f.drainFails, in.NodeName) {
				return contract.DrainAndDeleteResult{Outcome: contract.DrainCompensated, Reason: contract.DrainReasonTimeout,
					Message: "1 pods left after 10m0s: pod shop/web-1: The disruption budget web needs 2 healthy pods"}, nil
			}
			return contract.DrainAndDeleteResult{Outcome: contract.DrainDeleted, Evicted: 3}, nil
		})
}

func replacement(old string, savings float64) contract.Replacement {
	return contract.Replacement{
		Old: contract.OldNode{NodeName: old, VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: old}, OfferingID: "big",
			MonthlyPrice: 40},
		Placements:     []contract.Placement{{OfferingID: "small", DatacenterID: "ams1", MonthlyPrice: 40 - savings}},
		MonthlySavings: savings, Reason: "CheaperOffering"}
}

func rebalanceInput(strategy string, batches ...[]string) contract.RebalanceInput {
	in := contract.RebalanceInput{PlanID: "p1", Namespace: "ns", NodeGroup: "g", Cluster: "c1", Strategy: strategy,
		MaxSurge: 1, MaxUnavailable: 1, Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute}}
	for _, b := range batches {
		var rb contract.RebalanceBatch
		for _, old := range b {
			rb.Replacements = append(rb.Replacements, replacement(old, 10))
		}
		in.Batches = append(in.Batches, rb)
	}
	return in
}

// runRebalance runs in with the fakes; before, if set, schedules signals and queries.
func runRebalance(t *testing.T, f *rebalanceFakes, in contract.RebalanceInput,
	before func(env *testsuite.TestWorkflowEnvironment)) contract.RebalanceResult {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	workflows.Register(env)
	f.register(env)
	if before != nil {
		before(env)
	}
	env.ExecuteWorkflow(contract.RebalanceWorkflow, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res contract.RebalanceResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

var t0 = time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC)

// wantCalls compares the calls in order, except within a run of evictions or of drains:
// those may run at once, and the test environment starts concurrent activities and children
// in any order, so a run is sorted. How many drains ran at once is checked on its own.
func wantCalls(t *testing.T, f *rebalanceFakes, want ...string) {
	t.Helper()
	for i := 0; i < len(f.calls); {
		j := i
		for _, prefix := range []string{"evict:", "drain:"} {
			for j < len(f.calls) && strings.HasPrefix(f.calls[i], prefix) && strings.HasPrefix(f.calls[j], prefix) {
				j++
			}
		}
		slices.Sort(f.calls[i:j])
		i = max(j, i+1)
	}
	if !slices.Equal(f.calls, want) {
		t.Fatalf("calls =\n  %v\nwant\n  %v", f.calls, want)
	}
}

func TestRebalanceStrategies(t *testing.T) {
	tests := []struct {
		name      string
		in        contract.RebalanceInput
		wantCalls []string
		mostDrain int
	}{
		{
			name: "rolling: per batch the replacement first, Ready, then the old node's drain",
			in:   rebalanceInput(contract.StrategyRolling, []string{"old-1"}, []string{"old-2"}),
			wantCalls: []string{"mark:old-1", "mark:old-2", "up:new-0@small", "drain:old-1",
				"up:new-1@small", "drain:old-2"},
			mostDrain: 1,
		},
		{
			name: "surge: maxSurge replacements ahead, old nodes drained maxUnavailable at a time",
			in: func() contract.RebalanceInput {
				in := rebalanceInput(contract.StrategySurge, []string{"old-1", "old-2"}, []string{"old-3"})
				in.MaxSurge = 2
				return in
			}(),
			wantCalls: []string{"mark:old-1", "mark:old-2", "mark:old-3", "up:new-0@small,new-1@small", "drain:old-1", "drain:old-2",
				"up:new-2@small", "drain:old-3"},
			mostDrain: 1,
		},
		{
			name: "blue-green: the whole new set, then cordon, evict, verify, and only then delete the old set",
			in:   rebalanceInput(contract.StrategyBlueGreen, []string{"old-1", "old-2"}),
			wantCalls: []string{"mark:old-1", "mark:old-2", "up:new-0@small,new-1@small", "cordon:old-1", "cordon:old-2",
				"check:old-1", "check:old-2", "evict:old-1", "evict:old-2", "verify:old-1,old-2", "drain:old-1", "drain:old-2"},
			mostDrain: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &rebalanceFakes{provisionTime: 5 * time.Minute, drainTime: 5 * time.Minute}
			res := runRebalance(t, f, tt.in, nil)
			wantCalls(t, f, tt.wantCalls...)
			if f.most != tt.mostDrain {
				t.Errorf("at most %d drains at once, want %d", f.most, tt.mostDrain)
			}
			n := len(tt.in.Batches[0].Replacements)
			if len(tt.in.Batches) > 1 {
				n += len(tt.in.Batches[1].Replacements)
			}
			p := res.Progress
			if res.Outcome != contract.RebalanceCompleted || len(res.Replaced) != n || p.SavingsMonthly != float64(10*n) ||
				p.BatchesDone != len(tt.in.Batches) || p.Phase != contract.RebalancePhaseCompleted || len(p.OldNodes) != 0 ||
				len(p.NewNodes) != n || len(p.Removed) != n {
				t.Fatalf("result %+v", res)
			}
		})
	}
}

// A pause holds the run before its next step (the step under way finishes); the progress
// query reports it; resume goes on where it stopped.
func TestRebalancePauseAndResume(t *testing.T) {
	f := &rebalanceFakes{provisionTime: 10 * time.Minute, drainTime: 10 * time.Minute}
	var paused contract.RebalanceProgress
	res := runRebalance(t, f, rebalanceInput(contract.StrategyRolling, []string{"old-1"}, []string{"old-2"}),
		func(env *testsuite.TestWorkflowEnvironment) {
			// Batch 2 provisions from 20m to 30m; paused at 25m, queried at 1h, resumed at 2h.
			env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.RebalanceSignalPause, nil) }, 25*time.Minute)
			env.RegisterDelayedCallback(func() {
				v, err := env.QueryWorkflow(contract.RebalanceQueryProgress)
				if err != nil {
					t.Error(err)
					return
				}
				if err := v.Get(&paused); err != nil {
					t.Error(err)
				}
			}, time.Hour)
			env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.RebalanceSignalResume, nil) }, 2*time.Hour)
		})
	wantCalls(t, f, "mark:old-1", "mark:old-2", "up:new-0@small", "drain:old-1", "up:new-1@small", "drain:old-2")
	if at := f.at["drain:old-2"]; at.Before(t0.Add(2 * time.Hour)) {
		t.Errorf("drain of old-2 started at %s, before the resume", at.Sub(t0))
	}
	newNodes := []string{alias(paused.NewNodes[0]), alias(paused.NewNodes[1])}
	if paused.Phase != contract.RebalancePhasePaused || !paused.Paused || paused.BatchesDone != 1 || paused.BatchesTotal != 2 ||
		!slices.Equal(newNodes, []string{"new-0", "new-1"}) || !slices.Equal(paused.OldNodes, []string{"old-2"}) ||
		!slices.Equal(paused.Removed, []string{"old-1"}) || paused.SavingsMonthly != 10 || paused.PlanID != "p1" {
		t.Errorf("progress while paused = %+v", paused)
	}
	if res.Outcome != contract.RebalanceCompleted || res.Progress.SavingsMonthly != 20 {
		t.Fatalf("result %+v", res)
	}
}

// Rollback mid-way, a failed step and cancel: what each undoes, in order.
func TestRebalanceUndo(t *testing.T) {
	batches := [][]string{{"old-1"}, {"old-2"}}
	signalAt := func(name string) func(env *testsuite.TestWorkflowEnvironment) {
		// Batch 2 provisions from 20m to 30m: the signal lands while it runs.
		return func(env *testsuite.TestWorkflowEnvironment) {
			env.RegisterDelayedCallback(func() { env.SignalWorkflow(name, nil) }, 25*time.Minute)
		}
	}
	done := []string{"mark:old-1", "mark:old-2", "up:new-0@small", "drain:old-1", "up:new-1@small"}
	// The rollback: the old node left is uncordoned and unmarked, the deleted one's offering
	// comes back, and then every replacement goes.
	rolledBack := append(slices.Clone(done), "uncordon:old-2", "unmark:old-2", "up:restore-0@big", "drain:new-0", "drain:new-1")
	tests := []struct {
		name         string
		fakes        *rebalanceFakes
		before       func(env *testsuite.TestWorkflowEnvironment)
		wantCalls    []string
		wantOutcome  string
		wantReason   string
		wantReplaced int
		wantRestored int
	}{
		{name: "rollback mid-way leaves the original offerings and no replacement",
			fakes: &rebalanceFakes{}, before: signalAt(contract.RebalanceSignalRollback), wantCalls: rolledBack,
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonRollback, wantRestored: 1},
		{name: "a drain that fails rolls back by itself",
			fakes:       &rebalanceFakes{drainFails: []string{"old-2"}},
			wantCalls:   append(slices.Clone(done), "drain:old-2", "uncordon:old-2", "unmark:old-2", "up:restore-0@big", "drain:new-0", "drain:new-1"),
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonStepFailed, wantRestored: 1},
		{name: "a drain that deleted the old node and then failed counts it deleted: the rollback restores it",
			fakes: &rebalanceFakes{drainErrs: []string{"old-2"}},
			wantCalls: append(slices.Clone(done), "drain:old-2", "deleted?:old-2",
				"up:restore-0@big,restore-1@big", "drain:new-0", "drain:new-1"),
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonStepFailed, wantRestored: 2},
		{name: "a replacement that never gets Ready rolls back by itself (ScaleUp already removed it)",
			fakes:       &rebalanceFakes{notReady: []string{"new-1"}},
			wantCalls:   append(slices.Clone(done), "uncordon:old-2", "unmark:old-2", "up:restore-0@big", "drain:new-0"),
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonStepFailed, wantRestored: 1},
		{name: "cancel undoes the batch in progress and keeps the batches done",
			fakes: &rebalanceFakes{}, before: signalAt(contract.RebalanceSignalCancel),
			wantCalls:   append(slices.Clone(done), "uncordon:old-2", "unmark:old-2", "drain:new-1"),
			wantOutcome: contract.RebalanceCancelled, wantReason: contract.RebalanceReasonCancel, wantReplaced: 1},
		{name: "a rollback in the first batch unmarks (and untaints) the later batches' old nodes too",
			fakes: &rebalanceFakes{}, before: func(env *testsuite.TestWorkflowEnvironment) {
				env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.RebalanceSignalRollback, nil) }, 5*time.Minute)
			},
			wantCalls: []string{"mark:old-1", "mark:old-2", "up:new-0@small",
				"uncordon:old-1", "unmark:old-1", "uncordon:old-2", "unmark:old-2", "drain:new-0"},
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonRollback},
		{name: "a rollback while paused",
			fakes: &rebalanceFakes{}, before: func(env *testsuite.TestWorkflowEnvironment) {
				env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.RebalanceSignalPause, nil) }, 25*time.Minute)
				env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.RebalanceSignalRollback, nil) }, 3*time.Hour)
			}, wantCalls: rolledBack,
			wantOutcome: contract.RebalanceRolledBack, wantReason: contract.RebalanceReasonRollback, wantRestored: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fakes.provisionTime, tt.fakes.drainTime = 10*time.Minute, 10*time.Minute
			res := runRebalance(t, tt.fakes, rebalanceInput(contract.StrategyRolling, batches...), tt.before)
			wantCalls(t, tt.fakes, tt.wantCalls...)
			if res.Outcome != tt.wantOutcome || res.Reason != tt.wantReason || len(res.Replaced) != tt.wantReplaced ||
				len(res.Restored) != tt.wantRestored {
				t.Fatalf("result %+v", res)
			}
			if tt.wantOutcome == contract.RebalanceRolledBack && len(res.Progress.NewNodes) != 0 {
				t.Errorf("replacements left after a rollback: %v", res.Progress.NewNodes)
			}
			if tt.wantReason == contract.RebalanceReasonStepFailed && res.Message == "" {
				t.Error("a failed step's result must say what failed")
			}
		})
	}
}

// Blue-green keeps the old set until the moved pods run: a failed verification deletes
// nothing old, uncordons the old set and removes the new one.
func TestRebalanceBlueGreenVerificationFailsRollsBack(t *testing.T) {
	f := &rebalanceFakes{verifyFails: true}
	res := runRebalance(t, f, rebalanceInput(contract.StrategyBlueGreen, []string{"old-1", "old-2"}), nil)
	wantCalls(t, f, "mark:old-1", "mark:old-2", "up:new-0@small,new-1@small", "cordon:old-1", "cordon:old-2",
		"check:old-1", "check:old-2", "evict:old-1", "evict:old-2", "verify:old-1,old-2",
		"uncordon:old-1", "unmark:old-1", "uncordon:old-2", "unmark:old-2", "drain:new-0", "drain:new-1")
	if res.Outcome != contract.RebalanceRolledBack || !strings.Contains(res.Message, "pod shop/web-1 Pending") {
		t.Fatalf("result %+v", res)
	}
}

// A maintenance window closing mid-run: the step under way finishes, nothing new starts
// until the next window opens.
func TestRebalanceWaitsForTheNextMaintenanceWindow(t *testing.T) {
	f := &rebalanceFakes{provisionTime: 10 * time.Minute, drainTime: 10 * time.Minute}
	in := rebalanceInput(contract.StrategyRolling, []string{"old-1"}, []string{"old-2"})
	// Batch 1 runs 0-20m, batch 2 provisions from 20m to 30m; the window closed at 25m.
	in.Windows = []contract.TimeWindow{{Start: t0.Add(-time.Hour), End: t0.Add(25 * time.Minute)},
		{Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)}}
	var waiting contract.RebalanceProgress
	res := runRebalance(t, f, in, func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() {
			v, err := env.QueryWorkflow(contract.RebalanceQueryProgress)
			if err == nil {
				err = v.Get(&waiting)
			}
			if err != nil {
				t.Error(err)
			}
		}, time.Hour)
	})
	wantCalls(t, f, "mark:old-1", "mark:old-2", "up:new-0@small", "drain:old-1", "up:new-1@small", "drain:old-2")
	if at := f.at["drain:old-2"]; !at.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("drain of old-2 started at +%s, want +2h when the next window opens", at.Sub(t0))
	}
	if waiting.Phase != contract.RebalancePhaseWaitingForWindow || !waiting.WindowOpensAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("progress outside the window = %+v", waiting)
	}
	if res.Outcome != contract.RebalanceCompleted {
		t.Fatalf("result %+v", res)
	}
}

func TestRebalanceRefusesAnEmptyPlan(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	workflows.Register(env)
	env.ExecuteWorkflow(contract.RebalanceWorkflow, contract.RebalanceInput{Namespace: "ns", NodeGroup: "g"})
	if err := env.GetWorkflowError(); !hasApplicationError(err, contract.ErrInvalidInput) {
		t.Fatalf("workflow error = %v, want InvalidInput", err)
	}
}

// Blue-green evicts without a DrainAndDelete child, so it re-checks the safety rules itself
// before the first eviction: an old node that fails one rolls the run back, nothing evicted.
func TestRebalanceBlueGreenRefusesAnUnsafeOldNode(t *testing.T) {
	f := &rebalanceFakes{unsafe: []string{"old-2"}}
	res := runRebalance(t, f, rebalanceInput(contract.StrategyBlueGreen, []string{"old-1", "old-2"}), nil)
	wantCalls(t, f, "mark:old-1", "mark:old-2", "up:new-0@small,new-1@small", "cordon:old-1", "cordon:old-2",
		"check:old-1", "check:old-2",
		"uncordon:old-1", "unmark:old-1", "uncordon:old-2", "unmark:old-2", "drain:new-0", "drain:new-1")
	if res.Outcome != contract.RebalanceRolledBack || !strings.Contains(res.Message, "DoNotDisrupt") {
		t.Fatalf("result %+v", res)
	}
}
