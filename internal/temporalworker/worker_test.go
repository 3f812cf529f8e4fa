package temporalworker

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

var (
	_ manager.Runnable               = (*Worker)(nil)
	_ manager.LeaderElectionRunnable = (*Worker)(nil)
)

func TestTemporalWorkerServesPingUntilCancelled(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	w := New(c, Options{TaskQueue: t.Name(), Identity: "worker-a"}, activities.Set{})
	stop := runWorker(t, w)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	got, err := Ping(ctx, c, t.Name(), "ping-"+t.Name(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	if want := (contract.PingResult{Message: "hello", Identity: "worker-a"}); got != want {
		t.Errorf("result = %+v, want %+v", got, want)
	}
	if err := stop(); err != nil {
		t.Errorf("Start returned %v after cancellation, want nil", err)
	}
	if w.NeedLeaderElection() {
		t.Error("workers must run on every replica")
	}
}

// The activity runs much longer than a short stop timeout and much shorter than a long
// one, so the outcome (which attempt produced the result) shows what shutdown did.
const slowActivityDuration = 3 * time.Second

func TestTemporalWorkerShutdownDrainsInFlightActivities(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()

	tests := []struct {
		name        string
		stopTimeout time.Duration
		wantAttempt int32
	}{
		{name: "activity finishes within the stop timeout", stopTimeout: 30 * time.Second, wantAttempt: 1},
		{name: "activity past the stop timeout is cancelled and retried", stopTimeout: 100 * time.Millisecond, wantAttempt: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			queue := t.Name()
			started := make(chan struct{}, 1)

			first := slowWorker(c, queue, "first", tt.stopTimeout, started)
			stopFirst := runWorker(t, first)
			run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, slowWorkflow)
			if err != nil {
				t.Fatalf("starting workflow: %v", err)
			}
			select {
			case <-started:
			case <-ctx.Done():
				t.Fatal("activity never started")
			}
			if err := stopFirst(); err != nil {
				t.Fatalf("stopping first worker: %v", err)
			}

			// Finishing the workflow needs a workflow task, so a second worker takes over.
			runWorker(t, slowWorker(c, queue, "second", tt.stopTimeout, started))
			var attempt int32
			if err := run.Get(ctx, &attempt); err != nil {
				t.Fatalf("workflow: %v", err)
			}
			if attempt != tt.wantAttempt {
				t.Errorf("result came from attempt %d, want %d", attempt, tt.wantAttempt)
			}
		})
	}
}

// slowWorkflow returns the attempt number of the activity that produced its result.
func slowWorkflow(ctx workflow.Context) (int32, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond},
	})
	var attempt int32
	err := workflow.ExecuteActivity(ctx, "Slow").Get(ctx, &attempt)
	return attempt, err
}

func slowWorker(c client.Client, queue, identity string, stopTimeout time.Duration, started chan<- struct{}) *Worker {
	w := New(c, Options{TaskQueue: queue, Identity: identity, StopTimeout: stopTimeout}, activities.Set{})
	w.queues[0].register = func(r worker.Registry) {
		r.RegisterWorkflow(slowWorkflow)
		r.RegisterActivityWithOptions(func(ctx context.Context) (int32, error) {
			select {
			case started <- struct{}{}:
			default:
			}
			select {
			case <-time.After(slowActivityDuration):
				return activity.GetInfo(ctx).Attempt, nil
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}, activity.RegisterOptions{Name: "Slow"})
	}
	return w
}

// runWorker starts w like the manager does and returns a function that cancels it and
// waits for Start to return. Cleanup stops it if the test did not.
func runWorker(t *testing.T, w *Worker) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Start(ctx) }()
	var result error
	stopped := false
	stop := func() error {
		if !stopped {
			cancel()
			result = <-done
			stopped = true
		}
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("worker: %v", err)
		}
	})
	return stop
}
