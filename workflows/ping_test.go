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

// pingFake answers like a worker called "fake-worker" after failing the first failures attempts.
func pingFake(failures int32, failure error) func(context.Context, contract.PingInput) (contract.PingResult, error) {
	return func(ctx context.Context, in contract.PingInput) (contract.PingResult, error) {
		if activity.GetInfo(ctx).Attempt <= failures {
			return contract.PingResult{}, failure
		}
		return contract.PingResult{Message: in.Message, Identity: "fake-worker"}, nil
	}
}

func TestTemporalPingWorkflow(t *testing.T) {
	tests := []struct {
		name      string
		input     contract.PingInput
		activity  func(context.Context, contract.PingInput) (contract.PingResult, error)
		want      contract.PingResult
		wantError string // application error type expected somewhere in the failure chain
	}{
		{
			name:     "echoes the message and the worker identity",
			input:    contract.PingInput{Message: "hello"},
			activity: pingFake(0, nil),
			want:     contract.PingResult{Message: "hello", Identity: "fake-worker"},
		},
		{
			name:     "retries a failing activity until it answers",
			input:    contract.PingInput{Message: "again"},
			activity: pingFake(2, errors.New("worker busy")),
			want:     contract.PingResult{Message: "again", Identity: "fake-worker"},
		},
		{
			name:      "rejects an empty message without calling the activity",
			input:     contract.PingInput{},
			activity:  pingFake(99, errors.New("must not be called")),
			wantError: contract.ErrEmptyMessage,
		},
		{
			name:  "fails when the activity fails permanently",
			input: contract.PingInput{Message: "doomed"},
			activity: pingFake(99, temporal.NewNonRetryableApplicationError(
				"no route", contract.ErrInvalidInput, nil)),
			wantError: contract.ErrInvalidInput,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			workflows.Register(env)
			env.RegisterActivityWithOptions(tt.activity, activity.RegisterOptions{Name: contract.PingActivity})

			env.ExecuteWorkflow(contract.PingWorkflow, tt.input)

			if !env.IsWorkflowCompleted() {
				t.Fatal("workflow did not complete")
			}
			err := env.GetWorkflowError()
			if tt.wantError != "" {
				if !hasApplicationError(err, tt.wantError) {
					t.Fatalf("error = %v, want application error of type %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("workflow failed: %v", err)
			}
			var got contract.PingResult
			if err := env.GetWorkflowResult(&got); err != nil {
				t.Fatalf("decoding result: %v", err)
			}
			if got != tt.want {
				t.Errorf("result = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// hasApplicationError reports whether any application error in err's chain has errType;
// wrapping adds outer application errors, so errors.As alone would stop too early.
func hasApplicationError(err error, errType string) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == errType {
			return true
		}
	}
	return false
}
