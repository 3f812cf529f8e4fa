package scaledown

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// Controller plans scale-downs and starts their drains. It runs on the leader only.
type Controller struct {
	usage  *usageReader
	client client.Client
	// view is what each pass's clusterview.Read reads: the client until Register gives
	// the manager's cache, whose informer stores Read takes without a copy.
	view     client.Reader
	starter  *workflowstart.Starter
	events   events.EventRecorder
	clock    clock.WithTicker
	cfg      config.ScaleDownConfig
	store    *utilization.Store
	drains   *drains
	blocked  *blockedNodes
	metrics  *Metrics
	reports  *Reports
	simulate plan.Options
	// measured are the groups with a utilization series (only the pass touches it).
	measured map[types.NamespacedName]bool
	// newNodeGrace: see SampleNodesOlderThan.
	newNodeGrace time.Duration
}

// SampleNodesOlderThan leaves a Node out of the store until it is older than d: the
// scale-up provisioner's unused-node grace (scaleUp.unusedNodeGrace). Until then its
// probation decides whether a new node that takes no pods failed; draining it first would
// hide that failure from the runaway guard, which would then make another node at once.
func (c *Controller) SampleNodesOlderThan(d time.Duration) *Controller {
	c.newNodeGrace = d
	return c
}

// NewController returns the scale-down controller; Register adds it to a manager.
func NewController(c client.Client, s *workflowstart.Starter, rec events.EventRecorder, clk clock.WithTicker,
	cfg config.ScaleDownConfig, sim plan.Options, m *Metrics, r *Reports) *Controller {
	// A node missed for three intervals in a row was not observed: its window starts over.
	store := utilization.NewStore(cfg.SampleCapacity, 3*cfg.Interval)
	return &Controller{client: c, view: c, starter: s, events: rec, clock: clk, cfg: cfg, store: store, drains: newDrains(),
		blocked: newBlockedNodes(), metrics: m, reports: r, simulate: sim, measured: map[types.NamespacedName]bool{}}
}

// Name is the controller's name in logs.
func (c *Controller) Name() string { return "scaledown" }

// Register adds the loop to the manager; the cache starts its informers on first list.
func (c *Controller) Register(_ context.Context, mgr ctrl.Manager) error {
	c.usage = &usageReader{reader: mgr.GetAPIReader()}
	c.view = mgr.GetCache()
	return mgr.Add(c)
}

// NeedLeaderElection: only the leader samples, plans and drains.
func (c *Controller) NeedLeaderElection() bool { return true }

// Start runs a pass every interval until ctx ends.
func (c *Controller) Start(ctx context.Context) error {
	tick := c.clock.NewTicker(c.cfg.Interval)
	defer tick.Stop()
	c.loop().SetInterval(c.cfg.Interval)
	for {
		start := time.Now()
		c.loop().Done(start, c.pass(ctx))
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C():
		}
	}
}

// pass is one sample → observe → plan → act round.
func (c *Controller) pass(ctx context.Context) error {
	logger := log.FromContext(ctx).WithName(c.Name())
	obs, err := c.observe(ctx)
	if err != nil {
		logger.Error(err, "Observing the cluster failed")
		return err
	}
	c.sample(obs)
	c.metrics.groupsSeen(obs.view.NodeGroups)
	snap := c.snapshot(obs)
	res := plan.Plan(snap, c.planOptions())
	c.act(ctx, obs, res)
	c.report(ctx, obs, res)
	return nil
}

func (c *Controller) loop() *metrics.Loop {
	if c.metrics == nil {
		return nil
	}
	return c.metrics.loop
}

func (c *Controller) planOptions() plan.Options {
	o := c.simulate
	o.MaxParallelDrains = int32(c.cfg.MaxParallelDrains)
	o.EmptyNodeDelay = c.cfg.EmptyNodeDelay
	return o
}

// retryAfterCompensation is how long a node whose drain was undone is left alone.
func (c *Controller) retryAfterCompensation() time.Duration {
	return max(c.cfg.DrainTimeout, time.Minute)
}
