package operator

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-logr/logr"
	sdkclient "go.temporal.io/sdk/client"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
)

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
	// Worker runs the Temporal worker; it must not need leader election.
	Worker manager.Runnable
	Logger logr.Logger
	Clock  clock.Clock
}

// Operator is the assembled process.
type Operator struct {
	mgr ctrl.Manager
}

// New builds the manager and registers controllers, probes and the worker.
func New(ctx context.Context, cfg *config.Config, d Deps) (*Operator, error) {
	if d.Clock == nil {
		d.Clock = clock.RealClock{}
	}
	mgr, err := ctrl.NewManager(d.RestConfig, managerOptions(cfg, d.Logger))
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	cs, err := controllers(mgr, d)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if err := c.Register(ctx, mgr); err != nil {
			return nil, fmt.Errorf("registering controller %s: %w", c.Name(), err)
		}
	}
	if d.Worker != nil {
		if err := mgr.Add(d.Worker); err != nil {
			return nil, fmt.Errorf("adding temporal worker: %w", err)
		}
	}
	if err := addProbes(mgr, d.Temporal); err != nil {
		return nil, err
	}
	return &Operator{mgr: mgr}, nil
}

// Start runs until ctx is cancelled (SIGTERM), then stops the controllers,
// drains the worker and releases the leader Lease.
func (o *Operator) Start(ctx context.Context) error { return o.mgr.Start(ctx) }

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
		Cache:                         cache.Options{SyncPeriod: &cc.SyncPeriod},
		Metrics:                       metricsserver.Options{BindAddress: cfg.Metrics.BindAddress},
		HealthProbeBindAddress:        cfg.Health.BindAddress,
	}
}

func controllers(mgr ctrl.Manager, d Deps) ([]controller, error) {
	m, err := nodegroup.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	return []controller{
		nodegroup.NewController(mgr.GetClient(), d.Clock, m),
	}, nil
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
	return nil
}
