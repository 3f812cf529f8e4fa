package operator

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	sdkclient "go.temporal.io/sdk/client"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// Run connects to Kubernetes, Temporal and VPSie as cfg says and runs the
// operator until ctx is cancelled. version is the build's, exported with traces.
func Run(ctx context.Context, cfg *config.Config, log *slog.Logger, version string) error {
	restCfg, err := RestConfig(&cfg.Controller)
	if err != nil {
		return err
	}
	api, err := newVPSieClient(ctx, cfg, restCfg, log)
	if err != nil {
		return err
	}
	tr, err := tracing.New(ctx, TracingOptions(cfg, version))
	if err != nil {
		return err
	}
	// Deferred first, so it runs last: the worker has stopped and its last spans are flushed.
	defer flushTraces(tr, log)
	topts := TemporalOptions(cfg, log)
	topts.Interceptors = tr.TemporalInterceptors()
	tc, err := temporalclient.Dial(ctx, topts)
	if err != nil {
		return err
	}
	defer tc.Close()
	op, err := New(ctx, cfg, Deps{
		RestConfig: restCfg,
		Temporal:   tc,
		Starter:    newStarter(ctx, cfg, tc, log).WithTracing(tr.Provider()),
		VPSie:      api,
		Logger:     logr.FromSlogHandler(log.Handler()),
		Worker: temporalworker.Options{
			Identity:    cfg.Temporal.Identity,
			StopTimeout: workerStopTimeout(cfg),
			Logger:      log,
		},
	})
	if err != nil {
		return err
	}
	log.Info("Starting autoscaler", "config", cfg)
	return op.Start(ctx)
}

// newStarter returns the workflow starter, with search attributes when the namespace
// has them or they can be registered; without, workflows still start (the Web UI then
// cannot filter them by NodeGroup), and the log says how to register them.
func newStarter(ctx context.Context, cfg *config.Config, tc sdkclient.Client, log *slog.Logger) *workflowstart.Starter {
	s := workflowstart.New(tc, cfg.Temporal.TaskQueue)
	err := temporalclient.EnsureSearchAttributes(ctx, tc, cfg.Temporal.Namespace, workflowstart.SearchAttributeNames()...)
	if err != nil {
		log.Warn("Temporal search attributes unavailable; runs start without them. Register them with "+
			"`temporal operator search-attribute create --name NodeGroup --type Keyword` (and Operation)",
			"namespace", cfg.Temporal.Namespace, "error", err)
	}
	s.EnableSearchAttributes(err == nil)
	return s
}

// TracingOptions maps the config onto the tracer's options.
func TracingOptions(cfg *config.Config, version string) tracing.Options {
	return tracing.Options{Config: cfg.Tracing, Cluster: cfg.Controller.ClusterName, Version: version}
}

// flushTraces sends the spans still buffered, bounded so a dead collector cannot hold up the exit.
func flushTraces(tr *tracing.Tracing, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		log.Warn("Traces not flushed", "error", err)
	}
}

// TemporalOptions maps the config onto the Temporal client's options.
func TemporalOptions(cfg *config.Config, log *slog.Logger) temporalclient.Options {
	t := cfg.Temporal
	return temporalclient.Options{
		Address:    t.Address,
		Namespace:  t.Namespace,
		Identity:   t.Identity,
		APIKeyFile: t.APIKeyFile,
		Logger:     log,
		TLS: temporalclient.TLSOptions{
			Enabled: t.TLS.Enabled, CAFile: t.TLS.CAFile, CertFile: t.TLS.CertFile,
			KeyFile: t.TLS.KeyFile, ServerName: t.TLS.ServerName,
		},
	}
}

// newVPSieClient reads the credentials (file, else Secret) and builds the one
// VPSie client of the process. It has no retries: activities are retried by
// Temporal, and stacking a second retry layer would multiply requests. The
// credentials are read again at every login, so rotating them needs no restart.
func newVPSieClient(ctx context.Context, cfg *config.Config, restCfg *rest.Config, log *slog.Logger) (*vpsie.Client, error) {
	load, err := credentialsLoader(cfg.VPSie.Credentials, restCfg)
	if err != nil {
		return nil, err
	}
	creds, err := load(ctx)
	if err != nil {
		return nil, err
	}
	opts := VPSieOptions(cfg, creds, log)
	opts.ReloadCredentials = load
	c, err := vpsie.New(opts)
	if err != nil {
		return nil, fmt.Errorf("creating vpsie client: %w", err)
	}
	return c, nil
}

// credentialsLoader reads the credentials from the configured file, else the Secret.
func credentialsLoader(cc config.VPSieCredentialsConfig, restCfg *rest.Config) (func(context.Context) (vpsie.Credentials, error), error) {
	if cc.File != "" {
		return func(context.Context) (vpsie.Credentials, error) { return vpsie.CredentialsFromFile(cc.File) }, nil
	}
	kube, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return nil, fmt.Errorf("creating kubernetes client for credentials: %w", err)
	}
	return func(ctx context.Context) (vpsie.Credentials, error) {
		return vpsie.CredentialsFromSecret(ctx, kube, cc.SecretNamespace, cc.SecretName)
	}, nil
}

// VPSieOptions maps the config onto the VPSie client's options. Empty
// dialect fields keep the shape's defaults; a url in the credentials Secret
// (the earlier autoscaler's only address setting) is used when baseURL is empty.
func VPSieOptions(cfg *config.Config, creds vpsie.Credentials, log *slog.Logger) vpsie.Options {
	v := cfg.VPSie
	o := vpsie.Options{
		Shape:          vpsie.ShapeA,
		BaseURL:        v.BaseURL,
		LoginPath:      v.LoginPath,
		LoginEncoding:  vpsie.LoginEncoding(v.LoginEncoding),
		Credentials:    creds,
		CACertFile:     v.CAFile,
		AllowPlainHTTP: v.AllowInsecureHTTP,
		Timeout:        v.Timeout,
		RefreshBefore:  v.TokenRefreshBefore,
		RateLimit:      float64(v.RateLimitPerMinute),
		Breaker: vpsie.BreakerPolicy{
			ConsecutiveFailures: uint32(v.CircuitBreaker.FailureThreshold),
			FailurePercent:      uint32(v.CircuitBreaker.FailurePercent),
			Window:              v.CircuitBreaker.Window,
			OpenTimeout:         v.CircuitBreaker.OpenTimeout,
		},
		Registerer: ctrlmetrics.Registry,
		Logger:     log.With("component", "vpsie-client"),
	}
	if v.APIShape == config.APIShapeB {
		o.Shape = vpsie.ShapeB
	}
	if o.BaseURL == "" {
		o.BaseURL = creds.URL
	}
	switch v.AuthHeader {
	case config.AuthHeaderBearer:
		o.AuthHeader = vpsie.AuthBearer
	case config.AuthHeaderVPSieAuth:
		o.AuthHeader = vpsie.AuthVpsieAuth
	}
	return o
}

// workerStopTimeout leaves a third of the graceful shutdown for the manager
// to release the Lease after the worker has drained.
func workerStopTimeout(cfg *config.Config) time.Duration {
	return cfg.Controller.GracefulShutdownTimeout * 2 / 3
}

// RestConfig loads the Kubernetes client configuration as c says (the kubeconfig file, else in-cluster or
// $KUBECONFIG) and sets its rate limit from c: controller-runtime's loader and clientcmd leave different defaults
// (20/30 and client-go's 5/10), and at 5 requests a second a 1000-pod burst starves the activities.
func RestConfig(c *config.ControllerConfig) (*rest.Config, error) {
	cfg, err := loadRestConfig(c.Kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = float32(c.KubeAPIQPS), c.KubeAPIBurst
	return cfg, nil
}

func loadRestConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		cfg, err := ctrl.GetConfig()
		if err != nil {
			return nil, fmt.Errorf("loading in-cluster or $KUBECONFIG configuration: %w", err)
		}
		return cfg, nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig %s: %w", kubeconfig, err)
	}
	return cfg, nil
}
