package integration

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// TestRebalanceTagSurvivesATemporalReset runs a one-batch rolling Rebalance to the end on a
// real Temporal server, resets it to its first workflow task (as an operator does with
// `temporal workflow reset`), and checks that the reset run asks for the very replacement
// names the first run created: its tag comes from the input and the workflow ID, not the run
// ID, so a reset adopts what the first run made instead of creating a second set of VPSs.
func TestRebalanceTagSurvivesATemporalReset(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var names []string
	c, namespace := rebalanceServer(t, "rebalance-reset", func(name string) {
		mu.Lock()
		defer mu.Unlock()
		names = append(names, name)
	})
	in := contract.RebalanceInput{PlanID: "reset", StartedAt: time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC),
		Namespace: "ns", NodeGroup: "g", Cluster: "c1", Strategy: contract.StrategyRolling, MaxSurge: 1, MaxUnavailable: 1,
		Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute},
		Batches: []contract.RebalanceBatch{{Replacements: []contract.Replacement{{
			Old: contract.OldNode{NodeName: "old-0", VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: "old-0"},
				OfferingID: "big", MonthlyPrice: 40},
			Placements: []contract.Placement{{OfferingID: "small", DatacenterID: "ams1", MonthlyPrice: 20}}}}}}}
	id := contract.RebalanceWorkflowID("ns", "g")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "rebalance-reset"}, contract.RebalanceWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	first := slices.Clone(names)
	names = nil
	mu.Unlock()
	if len(first) != 1 {
		t.Fatalf("first run created %v, want one replacement", first)
	}

	reset, err := c.ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
		Namespace:                 namespace,
		WorkflowExecution:         &commonpb.WorkflowExecution{WorkflowId: id, RunId: run.GetRunID()},
		Reason:                    "integration test: the tag must survive a reset",
		WorkflowTaskFinishEventId: firstWorkflowTaskCompleted(ctx, t, c, id, run.GetRunID()),
		RequestId:                 "reset-" + run.GetRunID(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if reset.GetRunId() == run.GetRunID() {
		t.Fatal("the reset kept the run ID")
	}
	if err := c.GetWorkflow(ctx, id, reset.GetRunId()).Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(names, first) {
		t.Fatalf("the reset run created %v, the first run %v: a reset must name its replacements the same", names, first)
	}
}

// firstWorkflowTaskCompleted is the event ID a reset to the start of a run names.
func firstWorkflowTaskCompleted(ctx context.Context, t *testing.T, c client.Client, id, runID string) int64 {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			return ev.GetEventId()
		}
	}
	t.Fatal("no completed workflow task in the history")
	return 0
}
