package operator

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
)

// Run connects to Kubernetes and Temporal as cfg says and runs the operator
// until ctx is cancelled.
func Run(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	restCfg, err := restConfig(cfg.Controller.Kubeconfig)
	if err != nil {
		return err
	}
	tc, err := temporalclient.Dial(ctx, TemporalOptions(cfg, log))
	if err != nil {
		return err
	}
	defer tc.Close()
	d := Deps{
		RestConfig: restCfg,
		Temporal:   tc,
		Logger:     logr.FromSlogHandler(log.Handler()),
		Worker: temporalworker.New(tc, temporalworker.Options{
			TaskQueue:   cfg.Temporal.TaskQueue,
			Identity:    cfg.Temporal.Identity,
			StopTimeout: workerStopTimeout(cfg),
			Logger:      log,
		}, activities.Set{}),
	}
	op, err := New(ctx, cfg, d)
	if err != nil {
		return err
	}
	log.Info("Starting autoscaler", "config", cfg)
	return op.Start(ctx)
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

// workerStopTimeout leaves a third of the graceful shutdown for the manager
// to release the Lease after the worker has drained.
func workerStopTimeout(cfg *config.Config) time.Duration {
	return cfg.Controller.GracefulShutdownTimeout * 2 / 3
}

func restConfig(kubeconfig string) (*rest.Config, error) {
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
