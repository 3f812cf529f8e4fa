package scaleup

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/clock"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Catalogue caches the VPSie catalogue, read through the Catalogue workflow. When a
// refresh fails (a VPSie outage), the last good catalogue is kept; without one,
// planning waits and no pod is lost (pending pods are planned at the next pass). The
// provisioner's is shared with the rebalance controller (Provisioner.Catalogue), so the
// leader reads the catalogue once per refresh.
type Catalogue struct {
	mu      sync.Mutex
	starter *workflowstart.Starter
	cluster string
	clock   clock.Clock
	ttl     time.Duration
	cached  contract.Catalogue
	at      time.Time
}

// NewCatalogue returns an empty cache that reads the catalogue at most once per ttl.
func NewCatalogue(s *workflowstart.Starter, cluster string, clk clock.Clock, ttl time.Duration) *Catalogue {
	return &Catalogue{starter: s, cluster: cluster, clock: clk, ttl: ttl}
}

// Get returns the catalogue, read again once the cached one is older than its ttl.
func (c *Catalogue) Get(ctx context.Context) (contract.Catalogue, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && c.clock.Since(c.at) < c.ttl {
		return c.cached, nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	run, err := c.starter.StartOrAttach(ctx, workflowstart.Spec{ID: contract.CatalogueWorkflowID(c.cluster),
		Workflow: contract.CatalogueWorkflow, Operation: contract.OperationCatalogue})
	var fresh contract.Catalogue
	if err == nil {
		err = run.Get(ctx, &fresh)
	}
	switch {
	case err == nil:
		c.cached, c.at = fresh, c.clock.Now()
		return fresh, nil
	case !c.at.IsZero():
		return c.cached, nil // stale beats nothing during an outage
	}
	return contract.Catalogue{}, fmt.Errorf("reading the vpsie catalogue: %w", err)
}

// Offerings is the cached catalogue in the planner's units.
func (c *Catalogue) Offerings() []plan.Offering {
	c.mu.Lock()
	defer c.mu.Unlock()
	return offerings(c.cached)
}
