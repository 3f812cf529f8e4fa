package catalogue

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Cache caches the VPSie catalogue, read through the Catalogue workflow. When a
// refresh fails (a VPSie outage), the last good catalogue is kept; without one,
// planning waits and no pod is lost (pending pods are planned at the next pass). One
// cache is shared by the scale-up and rebalance controllers, so the leader reads the
// catalogue once per refresh.
type Cache struct {
	mu      sync.Mutex
	starter *workflowstart.Starter
	cluster string
	clock   clock.Clock
	ttl     time.Duration
	cached  contract.Catalogue
	at      time.Time
}

// NewCache returns an empty cache that reads the catalogue at most once per ttl.
func NewCache(s *workflowstart.Starter, cluster string, clk clock.Clock, ttl time.Duration) *Cache {
	return &Cache{starter: s, cluster: cluster, clock: clk, ttl: ttl}
}

// Get returns the catalogue, read again once the cached one is older than its ttl.
func (c *Cache) Get(ctx context.Context) (contract.Catalogue, error) {
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

// Offerings is the cached catalogue in the planners' units.
func (c *Cache) Offerings() []schedsim.Offering {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Offerings(c.cached)
}
