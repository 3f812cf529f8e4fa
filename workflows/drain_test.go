package workflows_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// drainFakes play the cluster for one node: nodeGone makes the Node already gone,
// cordonedBefore has someone else cordon it before the drain, evictions are the results
// of successive EvictPods attempts (an error is a failed attempt, the last one repeats),
// heartbeats are what an attempt reports before it answers, and terminationSlow makes
// the wait for the VPSieNode run out. They record the order of calls and every
// eviction deadline they were given.
type drainFakes struct {
	nodeGone        bool
	cordonFails     bool
	cordonedBefore  bool
	evictions       []any
	heartbeats      []contract.EvictPodsResult
	terminationSlow bool
	// unsafe makes the drain-time safety check refuse the node.
	unsafe bool

	mu        sync.Mutex
	calls     []string
	deadlines []time.Time
}

func (f *drainFakes) call(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *drainFakes) register(env *testsuite.TestWorkflowEnvironment) {
	on := func(name string, fn any) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	on(contract.CordonNodeActivity, func(_ context.Context, in contract.NodeRef) (contract.CordonNodeResult, error) {
		f.call("cordon:" + in.NodeName)
		if f.cordonFails {
			return contract.CordonNodeResult{}, temporal.NewNonRetryableApplicationError("forbidden", contract.ErrInvalidInput, nil)
		}
		return contract.CordonNodeResult{Found: !f.nodeGone, Cordoned: !f.nodeGone && !f.cordonedBefore}, nil
	})
	on(contract.CheckDrainSafetyActivity, func(_ context.Context, in contract.NodeRef) error {
		f.call("check:" + in.NodeName)
		if f.unsafe {
			return temporal.NewNonRetryableApplicationError("DoNotDisrupt: pod shop/db-0 is annotated", contract.ErrDrainUnsafe, nil,
				contract.DrainRefusal{Check: "DoNotDisrupt", Pod: "shop/db-0", Message: "pod shop/db-0 is annotated karpenter.sh/do-not-disrupt=true"})
		}
		return nil
	})
	on(contract.AnnotateDrainStatusActivity, func(_ context.Context, in contract.AnnotateDrainStatusInput) error {
		f.call("status:" + in.Status)
		return nil
	})
	on(contract.EvictPodsActivity, func(ctx context.Context, in contract.EvictPodsInput) (contract.EvictPodsResult, error) {
		attempt := int(activity.GetInfo(ctx).Attempt)
		f.call("evict:" + in.NodeName)
		f.mu.Lock()
		f.deadlines = append(f.deadlines, in.Deadline)
		f.mu.Unlock()
		for _, h := range f.heartbeats {
			activity.RecordHeartbeat(ctx, h)
		}
		switch r := f.evictions[min(attempt, len(f.evictions))-1].(type) {
		case error:
			return contract.EvictPodsResult{}, r
		case contract.EvictPodsResult:
			return r, nil
		}
		panic("eviction fake needs results or errors")
	})
	on(contract.UncordonNodeActivity, func(_ context.Context, in contract.NodeRef) error {
		f.call("uncordon:" + in.NodeName)
		return nil
	})
	on(contract.DeleteVPSieNodeActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.call("delete:" + in.Name)
		return nil
	})
	on(contract.WaitVPSieNodeGoneActivity, func(_ context.Context, in contract.WaitVPSieNodeGoneInput) error {
		f.call("gone:" + in.VPSieNode.Name)
		if f.terminationSlow {
			return temporal.NewNonRetryableApplicationError("still there", contract.ErrWaitTimedOut, nil)
		}
		return nil
	})
}

func TestDrainAndDelete(t *testing.T) {
	blocked := contract.EvictPodsResult{Evicted: 1, Remaining: 2,
		Blocking: "pod shop/web-1: The disruption budget web needs 2 healthy pods and has 2 currently"}
	clean := contract.EvictPodsResult{Evicted: 3}
	deleted := []string{"cordon:n-1", "check:n-1", "status:draining", "evict:n-1", "status:drained", "delete:vn-1", "gone:vn-1"}
	tests := []struct {
		name           string
		fakes          *drainFakes
		force          bool
		ignore         bool // the group's forceDrain: the safety checks are not run
		wantCalls      []string
		wantOutcome    string
		wantReason     string
		wantEvicts     int
		wantGoWithNode int
	}{
		{
			name:        "cordons, marks, evicts, marks drained, deletes through the termination path",
			fakes:       &drainFakes{evictions: []any{clean}},
			wantCalls:   deleted,
			wantOutcome: contract.DrainDeleted, wantEvicts: 3,
		},
		{
			name:  "a PDB that blocks until the deadline: uncordoned, marked failed, nothing deleted",
			fakes: &drainFakes{evictions: []any{blocked}, heartbeats: []contract.EvictPodsResult{blocked, blocked}},
			wantCalls: []string{"cordon:n-1", "check:n-1", "status:draining", "evict:n-1", "uncordon:n-1",
				"status:failed"},
			wantOutcome: contract.DrainCompensated, wantReason: contract.DrainReasonTimeout, wantEvicts: 1,
		},
		{
			name:  "a node someone else cordoned stays cordoned when the drain fails",
			fakes: &drainFakes{cordonedBefore: true, evictions: []any{blocked}},
			wantCalls: []string{"cordon:n-1", "check:n-1", "status:draining", "evict:n-1",
				"status:failed"},
			wantOutcome: contract.DrainCompensated, wantReason: contract.DrainReasonTimeout, wantEvicts: 1,
		},
		{
			name: "a PDB that allows after a while: the eviction reports the block, then finishes",
			fakes: &drainFakes{evictions: []any{clean},
				heartbeats: []contract.EvictPodsResult{blocked, blocked, {Evicted: 3, Remaining: 3}}},
			wantCalls:   deleted,
			wantOutcome: contract.DrainDeleted, wantEvicts: 3,
		},
		{
			name:        "the force policy deletes a node whose pods could not all be evicted",
			fakes:       &drainFakes{evictions: []any{blocked}},
			force:       true,
			wantCalls:   deleted,
			wantOutcome: contract.DrainDeleted, wantReason: contract.DrainReasonForced, wantEvicts: 1,
		},
		{
			name: "a worker dies mid-eviction: only the eviction runs again, under the same deadline",
			fakes: &drainFakes{evictions: []any{temporal.NewHeartbeatTimeoutError(blocked), clean},
				heartbeats: []contract.EvictPodsResult{blocked}},
			wantCalls: []string{"cordon:n-1", "check:n-1", "status:draining", "evict:n-1", "evict:n-1", "status:drained",
				"delete:vn-1", "gone:vn-1"},
			wantOutcome: contract.DrainDeleted, wantEvicts: 3,
		},
		{
			name:        "a node that fails a safety check at drain time: refused, uncordoned, marked failed, nothing deleted",
			fakes:       &drainFakes{unsafe: true, evictions: []any{clean}},
			wantCalls:   []string{"cordon:n-1", "check:n-1", "uncordon:n-1", "status:failed"},
			wantOutcome: contract.DrainCompensated, wantReason: contract.DrainReasonUnsafe,
		},
		{
			name:        "the group's forceDrain drains without the safety checks",
			fakes:       &drainFakes{unsafe: true, evictions: []any{clean}},
			ignore:      true,
			wantCalls:   []string{"cordon:n-1", "status:draining", "evict:n-1", "status:drained", "delete:vn-1", "gone:vn-1"},
			wantOutcome: contract.DrainDeleted, wantEvicts: 3,
		},
		{
			name:        "pods that tolerate the drain taint go with the node, and the result counts them",
			fakes:       &drainFakes{evictions: []any{contract.EvictPodsResult{Evicted: 3, GoWithNode: 2}}},
			wantCalls:   deleted,
			wantOutcome: contract.DrainDeleted, wantEvicts: 3, wantGoWithNode: 2,
		},
		{
			name:        "a node that is already gone: nothing to drain, its vps and vpsienode still go",
			fakes:       &drainFakes{nodeGone: true},
			wantCalls:   []string{"cordon:n-1", "delete:vn-1", "gone:vn-1"},
			wantOutcome: contract.DrainDeleted, wantReason: contract.DrainReasonNodeGone,
		},
		{
			name:        "a termination slower than the delete timeout goes on by itself",
			fakes:       &drainFakes{evictions: []any{clean}, terminationSlow: true},
			wantCalls:   deleted,
			wantOutcome: contract.DrainDeletePending, wantEvicts: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			in := contract.DrainAndDeleteInput{NodeName: "n-1", Namespace: "ns", NodeGroup: "g",
				VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1", UID: "u1"}, Reason: "underutilized",
				Policy: contract.DrainPolicy{Timeout: time.Minute, Force: tt.force, IgnoreSafetyChecks: tt.ignore}}
			env.ExecuteWorkflow(contract.DrainAndDeleteWorkflow, in)
			if !env.IsWorkflowCompleted() {
				t.Fatal("workflow did not complete")
			}
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			var res contract.DrainAndDeleteResult
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tt.fakes.calls, tt.wantCalls) {
				t.Fatalf("calls =\n  %v\nwant\n  %v", tt.fakes.calls, tt.wantCalls)
			}
			if res.Outcome != tt.wantOutcome || res.Reason != tt.wantReason || res.Evicted != tt.wantEvicts {
				t.Fatalf("result %+v, want outcome %s reason %q evicted %d", res, tt.wantOutcome, tt.wantReason, tt.wantEvicts)
			}
			if res.GoWithNode != tt.wantGoWithNode {
				t.Errorf("goWithNode = %d, want %d", res.GoWithNode, tt.wantGoWithNode)
			}
			if tt.wantReason == contract.DrainReasonUnsafe && (res.Check != "DoNotDisrupt" || !strings.Contains(res.Message, "shop/db-0")) {
				t.Errorf("a refused drain must name its check and pod: %+v", res)
			}
			if tt.wantReason == contract.DrainReasonTimeout && !strings.Contains(res.Message, "disruption budget web") {
				t.Errorf("message %q does not name the blocking budget", res.Message)
			}
			for _, d := range tt.fakes.deadlines {
				if !d.Equal(tt.fakes.deadlines[0]) {
					t.Errorf("eviction deadlines %v: a retried attempt must keep the drain's deadline", tt.fakes.deadlines)
				}
			}
		})
	}
}

// A step that keeps failing before the VPSieNode is deleted is compensated too, and the
// run fails visibly.
func TestDrainAndDeleteCompensatesAFailedStep(t *testing.T) {
	forbidden := temporal.NewNonRetryableApplicationError("forbidden", contract.ErrInvalidInput, nil)
	tests := []struct {
		name      string
		fakes     *drainFakes
		wantCalls []string
	}{
		{name: "the eviction fails", fakes: &drainFakes{evictions: []any{forbidden}},
			wantCalls: []string{"cordon:n-1", "check:n-1", "status:draining", "evict:n-1", "uncordon:n-1", "status:failed"}},
		{name: "the cordon fails: undone in case an attempt landed", fakes: &drainFakes{cordonFails: true},
			wantCalls: []string{"cordon:n-1", "uncordon:n-1", "status:failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			in := contract.DrainAndDeleteInput{NodeName: "n-1", Namespace: "ns", NodeGroup: "g",
				VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1"}}
			env.ExecuteWorkflow(contract.DrainAndDeleteWorkflow, in)
			if err := env.GetWorkflowError(); !hasApplicationError(err, contract.ErrInvalidInput) {
				t.Fatalf("workflow error = %v, want the failed step's", err)
			}
			if !slices.Equal(tt.fakes.calls, tt.wantCalls) {
				t.Fatalf("calls =\n  %v\nwant\n  %v", tt.fakes.calls, tt.wantCalls)
			}
		})
	}
}

func TestDrainAndDeleteRefusesAnInputWithoutItsVPSieNode(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	workflows.Register(env)
	f := &drainFakes{}
	f.register(env)
	env.ExecuteWorkflow(contract.DrainAndDeleteWorkflow, contract.DrainAndDeleteInput{NodeName: "n-1"})
	if err := env.GetWorkflowError(); !hasApplicationError(err, contract.ErrInvalidInput) {
		t.Fatalf("workflow error = %v, want InvalidInput", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls %v, want none", f.calls)
	}
}
