package integration

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Regenerate the replay fixture with:
//
//	go test ./test/integration -run TestRebalanceHistory -update-rebalance-history
var updateRebalanceHistory = flag.Bool("update-rebalance-history", false,
	"record a Rebalance history (pause, resume, rollback) into workflows/testdata/rebalance_rollback_history_v1.json")

const rebalanceHistoryFile = "../../workflows/testdata/rebalance_rollback_history_v1.json"

// TestRebalanceHistory runs a rolling Rebalance of two batches on a real Temporal server,
// with its real ScaleUp and DrainAndDelete children and fake activities (the cluster and
// VPSie are the end-to-end tests' business): it is paused, resumed, and rolled back while
// the second batch provisions. The history, replayed against today's code, proves the
// signals, the query, the children and the compensation are deterministic on a server.
func TestRebalanceHistory(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	const queue = "rebalance-history"
	c, _ := rebalanceServer(t, queue, nil)

	in := contract.RebalanceInput{PlanID: "history", StartedAt: time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC), Namespace: "ns", NodeGroup: "g", Cluster: "c1",
		Strategy: contract.StrategyRolling, MaxSurge: 1, MaxUnavailable: 1,
		Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute}}
	for _, old := range []string{"old-1", "old-2"} {
		in.Batches = append(in.Batches, contract.RebalanceBatch{Replacements: []contract.Replacement{{
			Old: contract.OldNode{NodeName: old, VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: old}, OfferingID: "big",
				MonthlyPrice: 40},
			Placements:     []contract.Placement{{OfferingID: "small", DatacenterID: "ams1", MonthlyPrice: 20}},
			MonthlySavings: 20, Reason: "CheaperOffering"}}})
	}
	id := contract.RebalanceWorkflowID("ns", "g")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, contract.RebalanceWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	signal := func(name string) {
		if err := c.SignalWorkflow(ctx, id, "", name, nil); err != nil {
			t.Fatalf("signal %s: %v", name, err)
		}
	}
	waitProgress := func(what string, ok func(contract.RebalanceProgress) bool) {
		for {
			var p contract.RebalanceProgress
			v, err := c.QueryWorkflow(ctx, id, "", contract.RebalanceQueryProgress)
			if err == nil {
				err = v.Get(&p)
			}
			if err == nil && ok(p) {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("waiting for %s: last progress %+v, %v", what, p, err)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	signal(contract.RebalanceSignalPause)
	waitProgress("the pause", func(p contract.RebalanceProgress) bool { return p.Phase == contract.RebalancePhasePaused })
	signal(contract.RebalanceSignalResume)
	waitProgress("the first batch", func(p contract.RebalanceProgress) bool { return p.BatchesDone == 1 })
	signal(contract.RebalanceSignalRollback)

	var res contract.RebalanceResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != contract.RebalanceRolledBack || res.Reason != contract.RebalanceReasonRollback ||
		len(res.Restored) != 1 || len(res.Progress.NewNodes) != 0 {
		t.Fatalf("result %+v, want rolled back with the first old offering restored and no replacement left", res)
	}
	checkTemporalHistory(ctx, t, c, id, run.GetRunID(), *updateRebalanceHistory, rebalanceHistoryFile)
}

// rebalanceServer starts a Temporal server with workers of the workflows on queue, their
// activities faked (fakeRebalanceActivities, created told of every VPSieNode created), and
// returns a client and the server's namespace. Everything stops with the test.
func rebalanceServer(t *testing.T, queue string, created func(string)) (client.Client, string) {
	t.Helper()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c, err := client.Dial(client.Options{HostPort: ts.GetFrontendHostPort(), Namespace: ts.GetDefaultNamespace()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	vw := worker.New(c, contract.VPSieTaskQueue(queue), worker.Options{})
	fakeRebalanceActivities(w, vw, created)
	for _, x := range []worker.Worker{w, vw} {
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(x.Stop)
	}
	return c, ts.GetDefaultNamespace()
}

// fakeRebalanceActivities answers every activity a Rebalance and its children call: every
// node boots, joins and gets Ready (the second replacement after three seconds, so a signal can
// land while it provisions), every drain evicts its pods and deletes.
// created, when set, is told the name of every VPSieNode a run creates.
func fakeRebalanceActivities(w, vpsie worker.Worker, created func(name string)) {
	on := func(r worker.Worker, name string, fn any) {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	on(w, contract.AnnotateRebalanceActivity, func(context.Context, contract.AnnotateRebalanceInput) error { return nil })
	on(w, contract.CreateVPSieNodeActivity, func(_ context.Context, in contract.CreateVPSieNodeInput) (contract.VPSieNodeRef, error) {
		if created != nil {
			created(in.Name)
		}
		return contract.VPSieNodeRef{Namespace: in.Namespace, Name: in.Name, UID: "uid-" + in.Name}, nil
	})
	on(vpsie, contract.CreateOwnedVPSActivity, func(_ context.Context, in contract.CreateOwnedVPSInput) (contract.CreateOwnedVPSResult, error) {
		return contract.CreateOwnedVPSResult{VPSState: contract.VPSState{VPSID: "vps-" + in.Hostname, Status: "running", Found: true}}, nil
	})
	on(vpsie, contract.GetVPSStateActivity, func(_ context.Context, in contract.GetVPSStateInput) (contract.VPSState, error) {
		return contract.VPSState{VPSID: in.VPSID, Status: "running", Found: true}, nil
	})
	on(w, contract.RecordVPSieNodeActivity, func(context.Context, contract.RecordVPSieNodeInput) error { return nil })
	on(w, contract.WaitNodeRegisteredActivity, func(_ context.Context, in contract.WaitNodeInput) (string, error) {
		return in.NodeName, nil
	})
	on(w, contract.RevokeBootstrapTokenActivity, func(context.Context, contract.VPSieNodeRef) error { return nil })
	on(w, contract.ApplyNodeTemplateActivity, func(context.Context, contract.ApplyNodeTemplateInput) error { return nil })
	on(w, contract.WaitNodeReadyActivity, func(ctx context.Context, in contract.WaitNodeInput) error {
		if strings.HasSuffix(in.NodeName, "-1") && !strings.Contains(in.NodeName, "u-") {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(3 * time.Second):
			}
		}
		return nil
	})
	on(w, contract.CordonNodeActivity, func(context.Context, contract.NodeRef) (contract.CordonNodeResult, error) {
		return contract.CordonNodeResult{Found: true, Cordoned: true}, nil
	})
	on(w, contract.UncordonNodeActivity, func(context.Context, contract.NodeRef) error { return nil })
	on(w, contract.CheckDrainSafetyActivity, func(context.Context, contract.NodeRef) error { return nil })
	on(w, contract.VPSieNodeDeletedActivity, func(context.Context, contract.VPSieNodeRef) (bool, error) { return true, nil })
	on(w, contract.AnnotateDrainStatusActivity, func(context.Context, contract.AnnotateDrainStatusInput) error { return nil })
	on(w, contract.EvictPodsActivity, func(context.Context, contract.EvictPodsInput) (contract.EvictPodsResult, error) {
		return contract.EvictPodsResult{Evicted: 1}, nil
	})
	on(w, contract.DeleteVPSieNodeActivity, func(context.Context, contract.VPSieNodeRef) error { return nil })
	on(w, contract.WaitVPSieNodeGoneActivity, func(context.Context, contract.WaitVPSieNodeGoneInput) error { return nil })
	on(w, contract.VerifyPodsRunningActivity, func(context.Context, contract.VerifyPodsRunningInput) (contract.VerifyPodsRunningResult, error) {
		return contract.VerifyPodsRunningResult{OK: true}, nil
	})
}
