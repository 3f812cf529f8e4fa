package workflows_test

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// terminateFakes records the order of activity calls; deleteFailures makes
// the first attempts of DeleteVPS fail with deleteErr.
type terminateFakes struct {
	calls          []string
	deleteFailures int32
	deleteErr      error
}

func (f *terminateFakes) register(env *testsuite.TestWorkflowEnvironment) {
	env.RegisterActivityWithOptions(func(_ context.Context, in contract.SetVPSieNodePhaseInput) error {
		f.calls = append(f.calls, "phase:"+in.Phase)
		return nil
	}, activity.RegisterOptions{Name: contract.SetVPSieNodePhaseActivity})
	env.RegisterActivityWithOptions(func(ctx context.Context, in contract.DeleteVPSInput) (contract.DeleteVPSResult, error) {
		f.calls = append(f.calls, "delete:"+in.VPSID)
		if activity.GetInfo(ctx).Attempt <= f.deleteFailures {
			return contract.DeleteVPSResult{}, f.deleteErr
		}
		return contract.DeleteVPSResult{Deleted: true, VPSID: in.VPSID}, nil
	}, activity.RegisterOptions{Name: contract.DeleteVPSActivity})
	env.RegisterActivityWithOptions(func(_ context.Context, in contract.VPSieNodeRef) error {
		f.calls = append(f.calls, "release:"+in.Name)
		return nil
	}, activity.RegisterOptions{Name: contract.ReleaseVPSieNodeActivity})
}

func TestTerminateVPSieNode(t *testing.T) {
	in := contract.TerminateVPSieNodeInput{Namespace: "ns", Name: "vn-1", VPSID: "vps-1", Hostname: "h-1"}
	tests := []struct {
		name      string
		fakes     *terminateFakes
		wantCalls []string
		wantError string
	}{
		{
			name:      "marks deleting, deletes the vps, then releases the finalizer",
			fakes:     &terminateFakes{},
			wantCalls: []string{"phase:Deleting", "delete:vps-1", "release:vn-1"},
		},
		{
			name:      "keeps retrying a failing delete and releases only after it succeeds",
			fakes:     &terminateFakes{deleteFailures: 3, deleteErr: errors.New("vpsie 503")},
			wantCalls: []string{"phase:Deleting", "delete:vps-1", "delete:vps-1", "delete:vps-1", "delete:vps-1", "release:vn-1"},
		},
		{
			name: "never releases the finalizer when the vps cannot be deleted",
			fakes: &terminateFakes{deleteFailures: 99,
				deleteErr: temporal.NewNonRetryableApplicationError("bad id", "invalid_request", nil)},
			wantCalls: []string{"phase:Deleting", "delete:vps-1"},
			wantError: "invalid_request",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			env.ExecuteWorkflow(contract.TerminateVPSieNodeWorkflow, in)
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
			if len(tt.fakes.calls) != len(tt.wantCalls) {
				t.Fatalf("calls = %v, want %v", tt.fakes.calls, tt.wantCalls)
			}
			for i := range tt.wantCalls {
				if tt.fakes.calls[i] != tt.wantCalls[i] {
					t.Fatalf("calls = %v, want %v", tt.fakes.calls, tt.wantCalls)
				}
			}
		})
	}
}
