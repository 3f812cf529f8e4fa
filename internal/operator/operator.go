package operator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	sdkclient "go.temporal.io/sdk/client"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/bootstraptoken"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/groupdeletion"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/vpsienode"
	"github.com/vpsie/vpsie-autoscaler/internal/goruntime"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	planrebalance "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	plandown "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// eventSource names the autoscaler in Kubernetes events.
const eventSource = "vpsie-autoscaler"

// controller is what every controller of the operator implements, so the
// list in controllers() is the one place that says what runs.
type controller interface {
	Name() string
	Register(ctx context.Context, mgr ctrl.Manager) error
}

// Deps are the connections main opens before the operator starts; tests
// pass their own (envtest, temporaltest).
type Deps struct {
	RestConfig *rest.Config
	Temporal   sdkclient.Client
	// VPSie is the VPSie transport the activities use (Temporal's retry policy
	// is the one retry layer).
	VPSie activities.VPSieAPI
	// Starter starts workflows for the controllers; New builds one on Temporal
	// when it is nil.
	Starter *workflowstart.Starter
	// Worker configures the Temporal worker; its task queue comes from config.
	Worker temporalworker.Options
	Logger logr.Logger
	Clock  clock.Clock
	// ManagerOptions, if set, adjusts the manager's options (tests running
	// several operators in one process skip controller-name validation).
	ManagerOptions func(*ctrl.Options)
}

// Operator is the assembled process.
type Operator struct {
	mgr    ctrl.Manager
	worker *temporalworker.Worker
}

// New builds the manager and registers controllers, probes and the worker.
func New(ctx context.Context, cfg *config.Config, d Deps) (*Operator, error) {
	if d.Clock == nil {
		d.Clock = clock.RealClock{}
	}
	if d.Starter == nil {
		d.Starter = workflowstart.New(d.Temporal, cfg.Temporal.TaskQueue)
	}
	opts := managerOptions(cfg, d.Logger)
	if d.ManagerOptions != nil {
		d.ManagerOptions(&opts)
	}
	mgr, err := ctrl.NewManager(d.RestConfig, opts)
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	cs, err := controllers(mgr, cfg, d)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if err := c.Register(ctx, mgr); err != nil {
			return nil, fmt.Errorf("registering controller %s: %w", c.Name(), err)
		}
	}
	w, err := newWorker(cfg, d, mgr.GetEventRecorder(eventSource))
	if err != nil {
		return nil, err
	}
	if err := mgr.Add(goruntime.ReleaseAfterSync(mgr.GetCache())); err != nil {
		return nil, fmt.Errorf("adding the memory release after sync: %w", err)
	}
	if err := addGCSchedule(mgr, cfg, d); err != nil {
		return nil, err
	}
	if err := addProbes(mgr, d.Temporal); err != nil {
		return nil, err
	}
	if err := addWebhook(mgr, cfg, d); err != nil {
		return nil, err
	}
	return &Operator{mgr: mgr, worker: w}, nil
}

// Start runs until ctx is cancelled (SIGTERM), then stops the controllers and releases
// the leader Lease while the worker drains. The worker runs beside the manager, not as
// one of its runnables: the manager releases the Lease only after every runnable stopped,
// and a worker gives running activities up to its stop timeout, so a standby would wait
// that long to take over. A fatal worker error stops the manager too, and so the pod.
func (o *Operator) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workerDone := make(chan error, 1)
	go func() {
		err := o.worker.Start(ctx)
		if err != nil {
			cancel()
		}
		workerDone <- err
	}()
	mgrErr := o.mgr.Start(ctx)
	cancel()
	return errors.Join(mgrErr, <-workerDone)
}

// Manager exposes the manager for tests.
func (o *Operator) Manager() ctrl.Manager { return o.mgr }

func managerOptions(cfg *config.Config, log logr.Logger) ctrl.Options {
	cc := cfg.Controller
	return ctrl.Options{
		Scheme:                        NewScheme(),
		Logger:                        log,
		LeaderElection:                cc.LeaderElection,
		LeaderElectionID:              cc.LeaderElectionID,
		LeaderElectionNamespace:       cc.Namespace,
		LeaderElectionReleaseOnCancel: true,
		LeaseDuration:                 &cc.LeaseDuration,
		RenewDeadline:                 &cc.RenewDeadline,
		RetryPeriod:                   &cc.RetryPeriod,
		GracefulShutdownTimeout:       &cc.GracefulShutdownTimeout,
		Cache:                         cacheOptions(cache.Options{SyncPeriod: &cc.SyncPeriod}),
		Metrics:                       metricsserver.Options{BindAddress: cfg.Metrics.BindAddress},
		HealthProbeBindAddress:        cfg.Health.BindAddress,
		PprofBindAddress:              cfg.Metrics.PprofBindAddress,
	}
}

// controllers is the one list of what the operator runs.
func controllers(mgr ctrl.Manager, cfg *config.Config, d Deps) ([]controller, error) {
	m, err := nodegroup.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	sm, err := scaleup.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	rec := mgr.GetEventRecorder(eventSource)
	// Each planner reports per NodeGroup into a store the NodeGroup controller reads.
	verdicts := scaleup.NewVerdicts()
	sources := []nodegroup.Source{nodegroup.FromScaleUp(verdicts)}
	prov := scaleup.NewProvisioner(mgr.GetClient(), d.Starter, rec, tickingClock(d.Clock), cfg.Controller.ClusterName,
		cfg.ScaleUp, sm, verdicts)
	prov.SetManagedCluster(cfg.VPSie.ManagedClusterIdentifier)
	prov.SetBootstrapReader(mgr.GetAPIReader())
	cs := []controller{
		vpsienode.NewController(mgr.GetClient(), d.Starter, cfg.Controller.ClusterName, rec),
		prov,
		groupDeletion(mgr, cfg, d, rec),
	}
	if cfg.ScaleDown.Enabled {
		dm, err := scaledown.NewMetrics(ctrlmetrics.Registry)
		if err != nil {
			return nil, err
		}
		reports := scaledown.NewReports()
		sources = append(sources, nodegroup.FromScaleDown(reports))
		cs = append(cs, scaledown.NewController(mgr.GetClient(), d.Starter, rec, tickingClock(d.Clock), cfg.ScaleDown,
			scaleDownOptions(cfg), dm, reports).SampleNodesOlderThan(cfg.ScaleUp.UnusedNodeGrace))
	}
	if cfg.Rebalance.Enabled && d.Temporal != nil {
		rm, err := rebalance.NewMetrics(ctrlmetrics.Registry)
		if err != nil {
			return nil, err
		}
		reports := rebalance.NewReports()
		sources = append(sources, nodegroup.FromRebalance(reports))
		ro := rebalanceOptions(cfg)
		ro.UserData = mgr.GetAPIReader()
		cs = append(cs, rebalance.NewController(mgr.GetClient(), d.Starter, d.Temporal, prov.Catalogue(), rec,
			tickingClock(d.Clock), cfg.Rebalance, ro, rm, reports))
	}
	ngc := nodegroup.NewController(mgr.GetClient(), d.Clock, m, sources...).CheckBootstrapWith(mgr.GetAPIReader())
	return append([]controller{ngc}, cs...), nil
}

// groupDeletion is the NodeGroup finalizer controller; its drains follow the scale-down
// drain policy.
func groupDeletion(mgr ctrl.Manager, cfg *config.Config, d Deps, rec events.EventRecorder) *groupdeletion.Controller {
	var t groupdeletion.Temporal
	if d.Temporal != nil {
		t = d.Temporal
	}
	o := groupdeletion.Options{MaxParallelDrains: cfg.ScaleDown.MaxParallelDrains,
		Drain: contract.DrainPolicy{Timeout: cfg.ScaleDown.DrainTimeout, Force: cfg.ScaleDown.ForceDrain}}
	return groupdeletion.NewController(mgr.GetClient(), d.Starter, t, rec, o)
}

// rebalanceOptions gives the rebalance analyzer scale-up's node model and its ScaleUp
// children scale-up's timeouts.
func rebalanceOptions(cfg *config.Config) rebalance.Options {
	u := cfg.ScaleUp
	return rebalance.Options{Cluster: cfg.Controller.ClusterName,
		Timeouts: contract.ScaleUpTimeouts{Boot: u.BootTimeout, Join: u.JoinTimeout, Ready: u.ReadyTimeout},
		Analyzer: planrebalance.Options{Simulation: nodetemplate.Model(u)}, ManagedCluster: cfg.VPSie.ManagedClusterIdentifier}
}

// scaleDownOptions gives the scale-down simulation the node model scale-up plans with.
func scaleDownOptions(cfg *config.Config) plandown.Options {
	o := plandown.DefaultOptions()
	o.Simulation = nodetemplate.Model(cfg.ScaleUp)
	// A new node has the probation's grace to take the pods it was made for; draining it
	// sooner would race the scheduler binding them (and scale-up would buy it again).
	o.BootAllowance = cfg.ScaleUp.UnusedNodeGrace
	return o
}

// newWorker builds the Temporal worker with every activity dependency. The
// Kubernetes activities use an uncached client: they write after reading and
// must not act on a stale cache.
func newWorker(cfg *config.Config, d Deps, rec events.EventRecorder) (*temporalworker.Worker, error) {
	kube, err := client.New(d.RestConfig, client.Options{Scheme: NewScheme()})
	if err != nil {
		return nil, fmt.Errorf("creating kubernetes client for activities: %w", err)
	}
	evictions, err := activities.NewEvictionClient(d.RestConfig)
	if err != nil {
		return nil, err
	}
	orphans, err := activities.NewOrphanMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	o := d.Worker
	o.TaskQueue = cfg.Temporal.TaskQueue
	o.VPSieActivitiesPerSecond = float64(cfg.VPSie.RateLimitPerMinute) / 60
	tokens := tokenIssuer(cfg, kube, d.Clock)
	k := &activities.Kube{Client: kube, Clock: d.Clock, Evictions: evictions, Events: rec, Orphans: orphans}
	if tokens != nil {
		k.Tokens = tokens
	}
	v := vpsieActivities(cfg, d.VPSie, kube, tokens)
	if v != nil {
		v.Orphans = orphans
	}
	return temporalworker.New(d.Temporal, o, activities.Set{Kube: k, VPSie: v, Managed: managedActivities(cfg, d.VPSie)}), nil
}

// tokenIssuer is nil when nodes join with the shared join Secret.
func tokenIssuer(cfg *config.Config, kube client.Client, c clock.PassiveClock) *bootstraptoken.Issuer {
	if cfg.ScaleUp.JoinMode != config.JoinModePerNodeToken {
		return nil
	}
	return &bootstraptoken.Issuer{Client: kube, Clock: c}
}

// joinSource is where a new node's join data comes from: its own bootstrap token, or the
// shared join Secret (read when a VPS is created, never cached).
func joinSource(cfg *config.Config, kube client.Reader, tokens *bootstraptoken.Issuer) cloudinit.JoinSource {
	if tokens != nil {
		return &cloudinit.PerNodeTokens{Issuer: tokens, Reader: kube, Configured: bootstraptoken.Discovery{
			APIServerEndpoint: cfg.ScaleUp.APIServerEndpoint, CACertHash: cfg.ScaleUp.CACertHash}}
	}
	return &cloudinit.StaticSecret{Reader: kube,
		Secret: types.NamespacedName{Namespace: cfg.ScaleUp.JoinSecretNamespace, Name: cfg.ScaleUp.JoinSecretName}}
}

// vpsieActivities renders user data with an uncached reader: template ConfigMaps and the
// join Secret are read when a VPS is created, never cached. The same uncached client tells
// a create whether its VPSieNode still wants the VPS, right before the POST.
func vpsieActivities(cfg *config.Config, api activities.VPSieAPI, kube client.Client, tokens *bootstraptoken.Issuer) *activities.VPSie {
	if api == nil {
		return nil
	}
	var keys []string
	for _, k := range strings.Split(cfg.ScaleUp.DefaultSSHKeyIDs, ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return &activities.VPSie{API: api, ListingLag: cfg.VPSie.ListingLag, DefaultSSHKeyIDs: keys,
		Owners: &activities.Kube{Client: kube}, SSHKeys: &cloudinit.KeyReader{Reader: kube},
		UserData: &cloudinit.Renderer{Reader: kube, Join: joinSource(cfg, kube, tokens), Reserves: cloudinit.Reserves{
			CPUMillis: cfg.ScaleUp.ReservedCPUMillis, MemoryMiB: cfg.ScaleUp.ReservedMemoryMiB,
			EvictionMemoryMiB: cfg.ScaleUp.EvictionMemoryMiB, MaxPods: cfg.ScaleUp.MaxPodsPerNode}}}
}

// managedActivities serves provisioning mode managedKubernetes when the VPSie client
// speaks the managed-Kubernetes API (the real client and the simulator's both do).
func managedActivities(cfg *config.Config, api activities.VPSieAPI) *activities.Managed {
	m, ok := api.(activities.ManagedAPI)
	if !ok {
		return nil
	}
	return &activities.Managed{API: m, ListingLag: cfg.VPSie.ListingLag, Groups: &activities.GroupIDs{}}
}

// tickingClock is the clock for loops that tick; tests may inject a fake one.
func tickingClock(c clock.Clock) clock.WithTicker {
	if t, ok := c.(clock.WithTicker); ok {
		return t
	}
	return clock.RealClock{}
}

// addProbes: /healthz says the process is alive; /readyz also needs Temporal,
// because a replica that cannot reach Temporal cannot run any operation.
func addProbes(mgr ctrl.Manager, tc sdkclient.Client) error {
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("adding healthz: %w", err)
	}
	ready := healthz.Ping
	if tc != nil {
		ready = func(req *http.Request) error {
			if _, err := tc.CheckHealth(req.Context(), &sdkclient.CheckHealthRequest{}); err != nil {
				return errors.Join(errors.New("temporal unreachable"), err)
			}
			return nil
		}
	}
	if err := mgr.AddReadyzCheck("temporal", ready); err != nil {
		return fmt.Errorf("adding readyz: %w", err)
	}
	if tc == nil {
		return nil
	}
	h, err := newTemporalHealth(ctrlmetrics.Registry, clock.RealClock{}, func(ctx context.Context) error {
		_, err := tc.CheckHealth(ctx, &sdkclient.CheckHealthRequest{})
		return err
	})
	if err != nil {
		return err
	}
	if err := mgr.Add(h); err != nil {
		return fmt.Errorf("adding the temporal health check: %w", err)
	}
	return nil
}
