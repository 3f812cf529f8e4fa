package operator

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// addWebhook adds the admission webhook server, and the catalogue it checks
// offerings and datacenters against, when webhook.enabled is set. Both run on
// every replica: the apiserver calls whichever one its Service picks.
func addWebhook(mgr ctrl.Manager, cfg *config.Config, d Deps) error {
	w := cfg.Webhook
	if !w.Enabled {
		return nil
	}
	m, err := webhook.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	cat := &webhookCatalogue{starter: d.Starter, cluster: cfg.Controller.ClusterName,
		every: cfg.ScaleUp.CatalogueRefresh, log: d.Logger.WithName("webhook-catalogue")}
	srv, err := webhook.NewServer(webhook.ServerOptions{
		Addr:    fmt.Sprintf(":%d", w.Port),
		CertDir: w.CertDir,
		Logger:  d.Logger.WithName("webhook"),
		Options: webhook.Options{
			Catalogue: cat,
			Metrics:   m,
			Guard: webhook.NodeGuard{
				AutoscalerUser: "system:serviceaccount:" + cfg.Controller.Namespace + ":" + w.ServiceAccount,
				ExemptUsers:    config.List(w.ExemptUsers),
				ExemptGroups:   config.List(w.ExemptGroups),
			},
		},
	})
	if err != nil {
		return err
	}
	if err := mgr.Add(cat); err != nil {
		return fmt.Errorf("adding webhook catalogue: %w", err)
	}
	if err := mgr.Add(srv); err != nil {
		return fmt.Errorf("adding webhook server: %w", err)
	}
	return nil
}

// webhookCatalogue keeps the last VPSie catalogue for the webhook, read through
// the same Catalogue workflow (and workflow ID) as the provisioner's, so
// concurrent refreshes attach to one run. The admission path only reads the
// cached value; until the first read succeeds the webhook admits with a warning.
type webhookCatalogue struct {
	starter *workflowstart.Starter
	cluster string
	every   time.Duration
	log     logr.Logger
	cached  atomic.Pointer[contract.Catalogue]
}

// Snapshot implements webhook.Catalogue.
func (c *webhookCatalogue) Snapshot() (contract.Catalogue, bool) {
	if p := c.cached.Load(); p != nil {
		return *p, true
	}
	return contract.Catalogue{}, false
}

// NeedLeaderElection is false: every replica serves webhooks.
func (c *webhookCatalogue) NeedLeaderElection() bool { return false }

// Start refreshes the catalogue until ctx ends; a failed refresh keeps the last
// one and is retried sooner.
func (c *webhookCatalogue) Start(ctx context.Context) error {
	for {
		wait := c.every
		if err := c.refresh(ctx); err != nil {
			c.log.Info("reading the VPSie catalogue failed; the webhook keeps the last one", "error", err.Error())
			wait = min(wait, 30*time.Second)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

func (c *webhookCatalogue) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	run, err := c.starter.StartOrAttach(ctx, workflowstart.Spec{ID: contract.CatalogueWorkflowID(c.cluster),
		Workflow: contract.CatalogueWorkflow, Operation: contract.OperationCatalogue})
	if err != nil {
		return err
	}
	var fresh contract.Catalogue
	if err := run.Get(ctx, &fresh); err != nil {
		return err
	}
	c.cached.Store(&fresh)
	return nil
}
