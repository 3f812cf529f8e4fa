package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// pingActivityOptions are short on purpose: Ping is a liveness probe, and a probe that
// waits minutes for a missing worker hides the problem it exists to reveal.
var pingActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    10 * time.Second,
	ScheduleToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    10 * time.Second,
	},
}

// Ping runs the Ping activity on whichever worker polls the task queue and returns its
// answer. It exists to prove the client → server → worker → activity path.
func Ping(ctx workflow.Context, in contract.PingInput) (contract.PingResult, error) {
	if in.Message == "" {
		return contract.PingResult{}, temporal.NewNonRetryableApplicationError(
			"ping needs a message", contract.ErrEmptyMessage, nil)
	}
	ctx = workflow.WithActivityOptions(ctx, pingActivityOptions)

	var out contract.PingResult
	if err := workflow.ExecuteActivity(ctx, contract.PingActivity, in).Get(ctx, &out); err != nil {
		return contract.PingResult{}, fmt.Errorf("running ping activity: %w", err)
	}
	workflow.GetLogger(ctx).Info("Ping answered", "identity", out.Identity)
	return out, nil
}
