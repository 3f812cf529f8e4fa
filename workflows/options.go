package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Activity option classes. Each call picks the class that fits what it does, so a
// Kubernetes write never waits minutes and a VPSie call never gives up after seconds.

// kubeWrite is for Kubernetes reads and writes: an apiserver answers in seconds, and a
// write that keeps failing is a real problem, so a few attempts, then the workflow
// fails visibly (the controller starts it again).
func kubeWrite(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
			MaximumAttempts:    8,
		},
	})
}

// LiveNodeWriteAttempts bounds the attempts of a Kubernetes write about a node that has
// joined (its labels and taints, its Ready record): a few minutes of an apiserver
// outage are ridden out, because giving up means draining a node that may run pods.
const LiveNodeWriteAttempts = 20

// liveNodeWrite is kubeWrite with LiveNodeWriteAttempts attempts.
func liveNodeWrite(ctx workflow.Context) workflow.Context {
	ctx = kubeWrite(ctx)
	o := workflow.GetActivityOptions(ctx)
	p := *o.RetryPolicy
	p.MaximumAttempts = LiveNodeWriteAttempts
	o.RetryPolicy = &p
	return workflow.WithActivityOptions(ctx, o)
}

// vpsieCall is for one VPSie API call. It runs on the VPSie task queue, whose
// queue-wide activity rate is the cluster's one rate limit. The activity heartbeats
// while it runs (a call in flight, the rate limiter, a login), so a dead worker is
// noticed within the heartbeat timeout. Attempts are unlimited (a billed VPS must not be given up on);
// the backoff stays short, because most failures are single transient calls, and a
// Retry-After from the API replaces it through the error's next retry delay.
func vpsieCall(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           contract.VPSieTaskQueue(workflow.GetInfo(ctx).TaskQueueName),
		StartToCloseTimeout: 2 * time.Minute,
		HeartbeatTimeout:    20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    15 * time.Second,
		},
	})
}

// vpsieCreate is vpsieCall for creates and for lookups that wait out the listing lag:
// an attempt after an ambiguous failure first waits out the configured listing lag
// before it looks the VPS up, so the attempt may take that long plus the call. A
// cancelled workflow waits until the attempt has really ended (its POST answered or
// abandoned), so its compensation starts after any create that may still land.
func vpsieCreate(ctx workflow.Context) workflow.Context {
	ctx = vpsieCall(ctx)
	o := workflow.GetActivityOptions(ctx)
	o.StartToCloseTimeout = 5 * time.Minute
	o.WaitForCancellation = true
	return workflow.WithActivityOptions(ctx, o)
}

// vpsPollInterval is how often a workflow re-reads a VPS it waits for. Each read is its
// own activity (one API call), so a failed read costs one call, not the whole wait.
const vpsPollInterval = 3 * time.Second

// longWait is for a Kubernetes wait that may take minutes (a Node registering, becoming
// Ready). The activity heartbeats while it waits, so a dead worker is noticed within the
// heartbeat timeout. The activity ends the wait itself at its timeout with a
// non-retryable error (the workflow compensates); the schedule-to-close bound holds when
// worker crashes restart the wait.
func longWait(ctx workflow.Context, timeout time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    timeout + 30*time.Second,
		ScheduleToCloseTimeout: 2*timeout + time.Minute,
		HeartbeatTimeout:       15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			MaximumInterval:        10 * time.Second,
			NonRetryableErrorTypes: []string{contract.ErrWaitTimedOut},
		},
	})
}
