package scaleup

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/batcher"
	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// Provisioner plans scale-ups and starts their workflows. It runs on the leader only.
type Provisioner struct {
	client client.Client
	// view is what each pass's clusterview.Read reads: the client until Register gives
	// the manager's cache, whose informer stores Read takes without a copy.
	view      client.Reader
	starter   *workflowstart.Starter
	events    events.EventRecorder
	clock     clock.WithTicker
	cfg       config.ScaleUpConfig
	cluster   string
	batcher   *batcher.Batcher[string]
	catalogue *catalogue.Cache
	backoff   *backoff
	probation *probation
	seen      *seenPods
	launched  *launched
	nominator *nominator
	metrics   *Metrics
	reported  *reported
	verdicts  *Verdicts
	following sync.Map // IDs of runs whose outcome a goroutine waits for
	// managedCluster is vpsie.managedClusterIdentifier (SetManagedCluster).
	managedCluster string
	// bootstrap reads user data templates and SSH key Secrets, uncached (SetBootstrapReader).
	bootstrap client.Reader
}

// SetBootstrapReader makes every pass check each group's bootstrap configuration through r
// (uncached: the autoscaler may get ConfigMaps and Secrets only by name) before planning.
func (p *Provisioner) SetBootstrapReader(r client.Reader) { p.bootstrap = r }

// SetManagedCluster sets the managed cluster of groups in mode managedKubernetes that name
// none of their own.
func (p *Provisioner) SetManagedCluster(id string) { p.managedCluster = id }

// NewProvisioner returns the provisioner; Register adds it to a manager.
func NewProvisioner(c client.Client, s *workflowstart.Starter, rec events.EventRecorder, clk clock.WithTicker,
	cluster string, cfg config.ScaleUpConfig, m *Metrics, v *Verdicts) *Provisioner {
	return &Provisioner{client: c, view: c, starter: s, events: rec, clock: clk, cfg: cfg, cluster: cluster, verdicts: v,
		batcher:   batcher.New[string](cfg.BatchIdle, cfg.BatchMax, clk),
		catalogue: catalogue.NewCache(s, cluster, clk, cfg.CatalogueRefresh),
		backoff:   newBackoff(clk, cfg.MinBackoff, cfg.MaxBackoff), probation: newProbation(cfg.UnusedNodeGrace), seen: newSeenPods(), launched: newLaunched(), nominator: newNominator(), metrics: m, reported: newReported()}
}

// Name is the controller's name in logs.
func (p *Provisioner) Name() string { return "scaleup.provisioner" }

// Catalogue is the provisioner's cached VPSie catalogue, for other controllers to share.
func (p *Provisioner) Catalogue() *catalogue.Cache { return p.catalogue }

// Register watches pods and NodeGroups (they trigger a batch) and adds the loop.
func (p *Provisioner) Register(ctx context.Context, mgr ctrl.Manager) error {
	for obj, trigger := range map[client.Object]func(old, cur any) bool{
		&corev1.Pod{}:         newlyUnschedulable,
		&v1alpha1.NodeGroup{}: specChanged,
	} {
		inf, err := mgr.GetCache().GetInformer(ctx, obj)
		if err != nil {
			return err
		}
		add := func(old, cur any) {
			if !trigger(old, cur) {
				return
			}
			if pod, ok := cur.(*corev1.Pod); ok {
				p.seen.mark(types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}, p.clock.Now())
			}
			p.batcher.Add(key(cur))
			log.FromContext(ctx).V(2).Info("Batched", "object", key(cur))
		}
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(o any) { add(nil, o) },
			UpdateFunc: add}); err != nil {
			return err
		}
	}
	p.view = mgr.GetCache()
	return mgr.Add(p)
}

// newlyUnschedulable: a pod the scheduler just found no node for. Its later updates do not
// count: the scheduler rewrites an unschedulable pod's condition message whenever the
// cluster changes ("0/105 nodes are available" → "0/106 …"), and each would restart the
// batch's idle window, so a busy cluster would always wait for the maximum window.
func newlyUnschedulable(old, cur any) bool {
	pod, ok := cur.(*corev1.Pod)
	if !ok || !clusterview.Unschedulable(pod) {
		return false
	}
	before, ok := old.(*corev1.Pod)
	return !ok || !clusterview.Unschedulable(before)
}

// specChanged: a NodeGroup created or edited (minNodes raised, maxNodes raised); its
// status writes, many per minute, are not a reason to plan.
func specChanged(old, cur any) bool {
	ng, ok := cur.(*v1alpha1.NodeGroup)
	if !ok {
		return false
	}
	before, ok := old.(*v1alpha1.NodeGroup)
	return !ok || before.Generation != ng.Generation
}

func key(o any) string {
	if obj, ok := o.(client.Object); ok {
		return obj.GetNamespace() + "/" + obj.GetName()
	}
	return ""
}

// NeedLeaderElection: only the leader plans.
func (p *Provisioner) NeedLeaderElection() bool { return true }

// Start plans whenever a batch closes and every resync period, until ctx ends.
func (p *Provisioner) Start(ctx context.Context) error {
	batches := make(chan []string)
	go func() {
		for ctx.Err() == nil {
			if b := p.batcher.Wait(ctx); b != nil {
				select {
				case batches <- b:
				case <-ctx.Done():
				}
			}
		}
	}()
	resync := p.clock.NewTicker(p.cfg.ResyncPeriod)
	defer resync.Stop()
	p.loop().SetInterval(p.cfg.ResyncPeriod)
	p.timedPass(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-batches:
			p.timedPass(ctx)
		case <-resync.C():
			p.timedPass(ctx)
		}
	}
}

// timedPass runs a pass and reports it to the loop's health metrics.
func (p *Provisioner) timedPass(ctx context.Context) {
	start := time.Now()
	p.loop().Done(start, p.pass(ctx))
}

func (p *Provisioner) loop() *metrics.Loop {
	if p.metrics == nil {
		return nil
	}
	return p.metrics.loop
}

// pass is one observe → plan → act round.
func (p *Provisioner) pass(ctx context.Context) error {
	logger := log.FromContext(ctx).WithName(p.Name())
	cat, err := p.catalogue.Get(ctx)
	if err != nil {
		logger.Error(err, "Scale-up waits for the catalogue")
		return err
	}
	snap, err := p.observe(ctx, cat)
	if err != nil {
		logger.Error(err, "Observing the cluster failed")
		return err
	}
	planned := p.clock.Now()
	res := plan.Plan(snap, planOptions(p.cfg))
	failed := p.expireProbation(snap, res)
	p.seen.retain(snap.Pending)
	p.act(ctx, snap, res, failed)
	logger.V(1).Info("Planned", "pending", len(snap.Pending), "nodes", len(snap.Nodes), "inFlight", inFlight(snap),
		"fitExisting", len(res.Existing), "fitInFlight", fitInFlight(res), "newNodes", res.NewNodes(), "intents", len(res.Intents),
		"observe", planned.Sub(snap.Now), "planAndAct", p.clock.Since(planned))
	return nil
}

// planOptions plans with the one node model (nodetemplate.Model), as the rebalance analyzer
// and scale-down's simulation do.
func planOptions(cfg config.ScaleUpConfig) plan.Options {
	o := plan.DefaultOptions()
	o.Options = nodetemplate.Model(cfg)
	return o
}

// inFlight counts the VPSieNodes the plan models as booting templates.
func inFlight(snap plan.Snapshot) int {
	n := 0
	for _, vn := range snap.VPSieNodes {
		if vn.InFlight() {
			n++
		}
	}
	return n
}

// fitInFlight counts the pending pods the plan leaves to booting nodes.
func fitInFlight(res plan.Result) int {
	n := 0
	for _, p := range res.Existing {
		if p.InFlight {
			n++
		}
	}
	return n
}
