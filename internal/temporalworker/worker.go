package temporalworker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
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
	// VPSieActivitiesPerSecond is the task-queue-wide rate of VPSie activities: the
	// Temporal server enforces it across every replica polling the VPSie queue, so it
	// is the cluster's one VPSie rate limit. Zero leaves the queue unlimited.
	VPSieActivitiesPerSecond float64
}

// Worker polls the workflow task queue and, when it has VPSie activities, the VPSie
// task queue. It implements controller-runtime's manager.Runnable.
type Worker struct {
	client client.Client
	queues []queue
	log    *slog.Logger
}

// queue is one SDK worker: a task queue, its options and what it runs.
type queue struct {
	name     string
	options  worker.Options
	register func(worker.Registry)
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
	base := worker.Options{Identity: o.Identity, WorkerStopTimeout: o.StopTimeout}
	w := &Worker{client: c, log: o.Logger, queues: []queue{{
		name: o.TaskQueue, options: base, register: func(r worker.Registry) { Register(r, deps) },
	}}}
	if deps.VPSie != nil {
		vo := base
		vo.TaskQueueActivitiesPerSecond = o.VPSieActivitiesPerSecond
		vo.DisableWorkflowWorker = true
		w.queues = append(w.queues, queue{name: contract.VPSieTaskQueue(o.TaskQueue), options: vo,
			register: func(r worker.Registry) {
				activities.RegisterVPSie(r, deps.VPSie)
				if deps.Managed != nil {
					activities.RegisterManaged(r, deps.Managed)
				}
			}})
	}
	return w
}

// Start polls until ctx is done, then stops: pollers stop at once, running activities get
// up to StopTimeout to finish, then their contexts are cancelled and the server retries
// them elsewhere per their retry policy. A fatal worker error (for example a missing
// namespace) ends Start early so the manager, and with it the pod, exits.
func (w *Worker) Start(ctx context.Context) error {
	fatal := make(chan error, 1)
	var started []worker.Worker
	defer func() { w.stop(started) }()
	for _, q := range w.queues {
		opts := q.options
		opts.OnFatalError = func(err error) {
			select {
			case fatal <- fmt.Errorf("temporal worker on task queue %s failed: %w", q.name, err):
			default:
			}
		}
		tw := worker.New(w.client, q.name, opts)
		q.register(tw)
		if err := tw.Start(); err != nil {
			return fmt.Errorf("starting temporal worker on task queue %s: %w", q.name, err)
		}
		started = append(started, tw)
		w.log.Info("Temporal worker started", "taskQueue", q.name, "identity", opts.Identity,
			"activitiesPerSecond", opts.TaskQueueActivitiesPerSecond)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-fatal:
		return err
	}
}

// stop stops the workers together, so their stop timeouts overlap instead of adding up.
func (w *Worker) stop(started []worker.Worker) {
	if len(started) == 0 {
		return
	}
	w.log.Info("Temporal workers stopping", "stopTimeout", w.queues[0].options.WorkerStopTimeout)
	var wg sync.WaitGroup
	for _, tw := range started {
		wg.Go(tw.Stop)
	}
	wg.Wait()
	w.log.Info("Temporal workers stopped")
}

// NeedLeaderElection is false: every replica polls the task queue, so activities keep
// running and scale out while only the elected leader plans and starts workflows. Temporal
// hands each task to exactly one poller, so more workers never means duplicate work.
func (w *Worker) NeedLeaderElection() bool { return false }
