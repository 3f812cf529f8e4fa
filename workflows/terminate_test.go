package workflows_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// terminateFakes play the VPSie account and the cluster: recorded is the verdict of the
// recorded VPS, byHostname what a hostname search judges. They record the order of
// calls; deleteFailures makes the first attempts of DeleteOwnedVPS fail with deleteErr.
type terminateFakes struct {
	recorded       contract.Verdict
	byHostname     contract.FindOwnedVPSResult
	polls          int // GetVPSState reports a VPS present this many times before it is gone
	deleteFailures int32
	deleteErr      error

	calls []string
}

func (f *terminateFakes) register(env *testsuite.TestWorkflowEnvironment) {
	on := func(name string, fn any) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	on(contract.RecordVPSieNodeActivity, func(_ context.Context, in contract.RecordVPSieNodeInput) error {
		f.calls = append(f.calls, "phase:"+in.Phase)
		return nil
	})
	on(contract.InspectVPSActivity, func(_ context.Context, in contract.InspectVPSInput) (contract.JudgedVPS, error) {
		f.calls = append(f.calls, "inspect:"+in.VPSID)
		return contract.JudgedVPS{VPSState: contract.VPSState{VPSID: in.VPSID, Found: true}, Verdict: f.recorded}, nil
	})
	on(contract.FindOwnedVPSActivity, func(_ context.Context, in contract.FindOwnedVPSInput) (contract.FindOwnedVPSResult, error) {
		if in.AwaitListingLag {
			f.calls = append(f.calls, "find-after-lag:"+in.Hostname)
			return f.byHostname, nil
		}
		f.calls = append(f.calls, "find:"+in.Hostname)
		return f.byHostname, nil
	})
	on(contract.DeleteOwnedVPSActivity, func(ctx context.Context, in contract.DeleteOwnedVPSInput) error {
		f.calls = append(f.calls, "delete:"+in.VPSID)
		if !in.Owner.Valid() || !in.Verdict.Deletable() {
			return errors.New("delete without an owner or a deletable verdict")
		}
		if activity.GetInfo(ctx).Attempt <= f.deleteFailures {
			return f.deleteErr
		}
		return nil
	})
	polls := 0
	on(contract.GetVPSStateActivity, func(_ context.Context, in contract.GetVPSStateInput) (contract.VPSState, error) {
		f.calls = append(f.calls, "state:"+in.VPSID)
		polls++
		return contract.VPSState{VPSID: in.VPSID, Found: polls <= f.polls}, nil
	})
	on(contract.DeleteVPSieNodeNodeActivity, func(_ context.Context, in contract.DeleteVPSieNodeNodeInput) (contract.DeleteVPSieNodeNodeResult, error) {
		ids := slices.Clone(in.VPSIDs)
		slices.Sort(ids)
		f.calls = append(f.calls, "node:"+in.NodeName+"("+joined(ids)+")")
		return contract.DeleteVPSieNodeNodeResult{Deleted: true}, nil
	})
	on(contract.ReleaseVPSieNodeActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.calls = append(f.calls, "release:"+in.Name)
		return nil
	})
}

func joined(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func judged(id string, v contract.Verdict) contract.JudgedVPS {
	return contract.JudgedVPS{VPSState: contract.VPSState{VPSID: id, Found: true}, Verdict: v}
}

func TestTerminateVPSieNode(t *testing.T) {
	recorded := contract.TerminateVPSieNodeInput{Namespace: "ns", Name: "vn-1", UID: "u1", Cluster: "c1",
		VPSID: "vps-1", Hostname: "h-1", NodeName: "node-1"}
	lost := recorded
	lost.VPSID, lost.NodeName = "", ""
	tests := []struct {
		name          string
		in            contract.TerminateVPSieNodeInput
		fakes         *terminateFakes
		wantCalls     []string
		wantLeftAlone int
		wantError     string
	}{
		{
			name:  "deletes the recorded vps, waits until it is gone, deletes the node, then releases",
			in:    recorded,
			fakes: &terminateFakes{recorded: contract.VerdictOwned, polls: 1},
			wantCalls: []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "delete:vps-1", "state:vps-1",
				"state:vps-1", "node:node-1(vps-1)", "release:vn-1"},
		},
		{
			name: "leaves a recorded vps that is not ours alone and never names it for the node",
			in:   recorded,
			fakes: &terminateFakes{recorded: contract.VerdictForeign,
				byHostname: contract.FindOwnedVPSResult{LeftAlone: []contract.JudgedVPS{judged("vps-1", contract.VerdictForeign)}}},
			wantCalls:     []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "node:node-1()", "release:vn-1"},
			wantLeftAlone: 1,
		},
		{
			name:      "an untagged recorded vps with our hostname is deleted (and reported)",
			in:        recorded,
			fakes:     &terminateFakes{recorded: contract.VerdictUntagged},
			wantCalls: []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "delete:vps-1", "state:vps-1", "node:node-1(vps-1)", "release:vn-1"},
		},
		{
			name:      "a recorded vps an earlier run deleted still names the node",
			in:        recorded,
			fakes:     &terminateFakes{recorded: contract.VerdictGone},
			wantCalls: []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "node:node-1(vps-1)", "release:vn-1"},
		},
		{
			name: "finds a lost create and a duplicate by hostname, deletes ours, leaves the foreign one",
			in:   lost,
			fakes: &terminateFakes{byHostname: contract.FindOwnedVPSResult{
				Owned:     []contract.JudgedVPS{judged("vps-7", contract.VerdictOwned), judged("vps-8", contract.VerdictOwned)},
				LeftAlone: []contract.JudgedVPS{judged("vps-9", contract.VerdictForeign)}}},
			wantCalls: []string{"phase:Deleting", "find-after-lag:h-1", "delete:vps-7", "state:vps-7", "delete:vps-8", "state:vps-8",
				"node:h-1(vps-7,vps-8)", "release:vn-1"},
			wantLeftAlone: 1,
		},
		{
			name:      "no recorded vps: nothing is decided before a lookup after the listing lag",
			in:        lost,
			fakes:     &terminateFakes{},
			wantCalls: []string{"phase:Deleting", "find-after-lag:h-1", "node:h-1()", "release:vn-1"},
		},
		{
			name: "a failing delete is retried alone: the judged steps are not repeated",
			in:   recorded,
			fakes: &terminateFakes{recorded: contract.VerdictOwned, deleteFailures: 3,
				deleteErr: temporal.NewApplicationError("vpsie 503", contract.ErrVPSieTransient)},
			wantCalls: []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "delete:vps-1", "delete:vps-1",
				"delete:vps-1", "delete:vps-1", "state:vps-1", "node:node-1(vps-1)", "release:vn-1"},
		},
		{
			name: "never releases the finalizer when the vps cannot be deleted",
			in:   recorded,
			fakes: &terminateFakes{recorded: contract.VerdictOwned, deleteFailures: 99,
				deleteErr: temporal.NewNonRetryableApplicationError("bad id", contract.ErrVPSieInvalidRequest, nil)},
			wantCalls: []string{"phase:Deleting", "inspect:vps-1", "find:h-1", "delete:vps-1"},
			wantError: contract.ErrVPSieInvalidRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			env.ExecuteWorkflow(contract.TerminateVPSieNodeWorkflow, tt.in)
			if !env.IsWorkflowCompleted() {
				t.Fatal("workflow did not complete")
			}
			err := env.GetWorkflowError()
			switch {
			case tt.wantError == "" && err != nil:
				t.Fatalf("workflow failed: %v", err)
			case tt.wantError != "" && !hasApplicationError(err, tt.wantError):
				t.Fatalf("workflow error = %v, want type %s", err, tt.wantError)
			}
			if !slices.Equal(tt.fakes.calls, tt.wantCalls) {
				t.Fatalf("calls =\n  %v\nwant\n  %v", tt.fakes.calls, tt.wantCalls)
			}
			if err != nil {
				return
			}
			var res contract.TerminateResult
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
			if len(res.LeftAlone) != tt.wantLeftAlone {
				t.Errorf("left alone = %+v, want %d", res.LeftAlone, tt.wantLeftAlone)
			}
		})
	}
}
