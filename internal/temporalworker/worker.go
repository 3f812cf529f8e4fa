package temporalworker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
)

const (
	// DefaultTaskQueue is the queue the controller starts workflows on and workers poll.
	DefaultTaskQueue = "vpsie-autoscaler"
	// DefaultStopTimeout leaves in-flight activities time to finish on shutdown while
	// staying under controller-runtime's default 30s GracefulShutdownTimeout.
	DefaultStopTimeout = 20 * time.Second
)

// Options configure a Worker.
type Options struct {
	// TaskQueue defaults to DefaultTaskQueue.
	TaskQueue string
	// StopTimeout bounds how long shutdown waits for running activities before cancelling
	// their contexts; defaults to DefaultStopTimeout. Keep it below the manager's
	// GracefulShutdownTimeout and the pod's terminationGracePeriodSeconds.
	StopTimeout time.Duration
	// Identity names this worker in histories and Ping answers; defaults to
	// temporalclient.DefaultIdentity().
	Identity string
	Logger   *slog.Logger
}

// Worker polls one task queue. It implements controller-runtime's manager.Runnable.
type Worker struct {
	client    client.Client
	taskQueue string
	options   worker.Options
	register  func(worker.Registry)
	log       *slog.Logger
}

// New builds a worker for the given activity dependencies. The Health activity is filled
// in here because it depends only on the worker's identity.
func New(c client.Client, o Options, deps activities.Set) *Worker {
	if o.TaskQueue == "" {
		o.TaskQueue = DefaultTaskQueue
	}
	if o.StopTimeout == 0 {
		o.StopTimeout = DefaultStopTimeout
	}
	if o.Identity == "" {
		o.Identity = temporalclient.DefaultIdentity()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if deps.Health == nil {
		deps.Health = &activities.Health{Identity: o.Identity}
	}
	return &Worker{
		client:    c,
		taskQueue: o.TaskQueue,
		options:   worker.Options{Identity: o.Identity, WorkerStopTimeout: o.StopTimeout},
		register:  func(r worker.Registry) { Register(r, deps) },
		log:       o.Logger.With("taskQueue", o.TaskQueue),
	}
}

// Start polls until ctx is done, then stops: pollers stop at once, running activities get
// up to StopTimeout to finish, then their contexts are cancelled and the server retries
// them elsewhere per their retry policy. A fatal worker error (for example a missing
// namespace) ends Start early so the manager, and with it the pod, exits.
func (w *Worker) Start(ctx context.Context) error {
	fatal := make(chan error, 1)
	opts := w.options
	opts.OnFatalError = func(err error) {
		select {
		case fatal <- err:
		default:
		}
	}
	tw := worker.New(w.client, w.taskQueue, opts)
	w.register(tw)
	if err := tw.Start(); err != nil {
		return fmt.Errorf("starting temporal worker on task queue %s: %w", w.taskQueue, err)
	}
	w.log.Info("Temporal worker started", "identity", opts.Identity)

	var err error
	select {
	case <-ctx.Done():
	case err = <-fatal:
		err = fmt.Errorf("temporal worker on task queue %s failed: %w", w.taskQueue, err)
	}
	w.log.Info("Temporal worker stopping", "stopTimeout", opts.WorkerStopTimeout)
	tw.Stop()
	w.log.Info("Temporal worker stopped")
	return err
}

// NeedLeaderElection is false: every replica polls the task queue, so activities keep
// running and scale out while only the elected leader plans and starts workflows. Temporal
// hands each task to exactly one poller, so more workers never means duplicate work.
func (w *Worker) NeedLeaderElection() bool { return false }
