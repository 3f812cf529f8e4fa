package temporalworker

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Ping runs the Ping workflow with the given ID on taskQueue and waits for
// the answer, which names the worker that ran it: a smoke check that the
// client, the server and a worker on that queue all work.
func Ping(ctx context.Context, c client.Client, taskQueue, workflowID, message string) (contract.PingResult, error) {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflowID, TaskQueue: taskQueue},
		contract.PingWorkflow, contract.PingInput{Message: message})
	if err != nil {
		return contract.PingResult{}, fmt.Errorf("starting ping on task queue %s: %w", taskQueue, err)
	}
	var res contract.PingResult
	if err := run.Get(ctx, &res); err != nil {
		return contract.PingResult{}, fmt.Errorf("ping %s: %w", workflowID, err)
	}
	return res, nil
}
