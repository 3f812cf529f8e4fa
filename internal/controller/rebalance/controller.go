package rebalance

import (
	"context"
	"time"

	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Options are what the controller needs beyond its config group.
type Options struct {
	// Cluster names new nodes and tags their VPSs, as for scale-up.
	Cluster string
	// Timeouts of the replacements' provisioning (the ScaleUp children).
	Timeouts contract.ScaleUpTimeouts
	// Analyzer builds replacement nodes with the scale-up planner's node model.
	Analyzer plan.Options
	// UserData reads the ConfigMaps of groups with their own user data template, uncached
	// (the autoscaler may only get ConfigMaps): what a group's bootstrap installs decides
	// whether a kubelet version is drift. Nil: such groups never drift on their kubelet.
	UserData client.Reader
	// ManagedCluster is vpsie.managedClusterIdentifier, for groups in mode managedKubernetes.
	ManagedCluster string
}

// Controller analyzes NodeGroups, starts and signals their rebalances and follows them.
// It runs on the leader only.
type Controller struct {
	client client.Client
	// view is what each pass's clusterview.Read reads: the client until Register gives
	// the manager's cache, whose informer stores Read takes without a copy.
	view      client.Reader
	starter   *workflowstart.Starter
	temporal  Temporal
	catalogue *catalogue.Cache
	events    events.EventRecorder
	clock     clock.WithTicker
	cfg       config.RebalanceConfig
	opts      Options
	runs      *runs
	held      *heldGroups
	metrics   *Metrics
	reports   *Reports
}

// NewController returns the rebalance controller; Register adds it to a manager.
func NewController(c client.Client, s *workflowstart.Starter, t Temporal, cat *catalogue.Cache, rec events.EventRecorder,
	clk clock.WithTicker, cfg config.RebalanceConfig, o Options, m *Metrics, r *Reports) *Controller {
	return &Controller{client: c, view: c, starter: s, temporal: t, catalogue: cat, events: rec, clock: clk, cfg: cfg, opts: o,
		runs: newRuns(), held: newHeldGroups(), metrics: m, reports: r}
}

// Name is the controller's name in logs.
func (c *Controller) Name() string { return "rebalance" }

// Register adds the loop to the manager; the cache starts its informers on first list.
func (c *Controller) Register(_ context.Context, mgr ctrl.Manager) error {
	c.view = mgr.GetCache()
	return mgr.Add(c)
}

// NeedLeaderElection: only the leader starts and signals rebalances.
func (c *Controller) NeedLeaderElection() bool { return true }

// Start runs a pass every interval, and reads the running runs' progress every
// progressInterval, until ctx ends.
func (c *Controller) Start(ctx context.Context) error {
	ctx = log.IntoContext(ctx, log.FromContext(ctx).WithName(c.Name()))
	pass := c.clock.NewTicker(c.cfg.Interval)
	defer pass.Stop()
	progress := c.clock.NewTicker(c.cfg.ProgressInterval)
	defer progress.Stop()
	c.loop().SetInterval(c.cfg.Interval)
	for {
		start := time.Now()
		c.loop().Done(start, c.pass(ctx))
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return nil
			case <-pass.C():
				waiting = false
			case <-progress.C():
				c.readProgress(ctx)
			}
		}
	}
}

// pass is one observe → signal → analyze → start round.
func (c *Controller) pass(ctx context.Context) error {
	logger := log.FromContext(ctx)
	obs, err := c.observe(ctx)
	if err != nil {
		logger.Error(err, "Observing the cluster failed")
		return err
	}
	states := c.groupStates(ctx, obs)
	manual := c.annotations(ctx, obs, states)
	if _, err := c.catalogue.Get(ctx); err != nil {
		logger.Error(err, "Rebalance waits for the catalogue")
		return err
	}
	res := plan.Analyze(c.snapshot(ctx, obs, states, manual), c.opts.Analyzer)
	c.metrics.groups(obs.view.NodeGroups, res.Groups)
	c.act(ctx, obs, res, manual)
	return nil
}

func (c *Controller) loop() *metrics.Loop {
	if c.metrics == nil {
		return nil
	}
	return c.metrics.loop
}
