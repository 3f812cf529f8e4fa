package rebalance

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// workflowRun is the part of a Temporal run the controller follows.
type workflowRun interface {
	GetID() string
	GetRunID() string
	Get(ctx context.Context, valuePtr any) error
}

// follow waits for a run's result and records it: the report, metrics, an event.
func (c *Controller) follow(ctx context.Context, g *v1alpha1.NodeGroup, wr workflowRun) {
	var res contract.RebalanceResult
	err := wr.Get(ctx, &res)
	e := endingOf(res, err)
	key := keyOf(g)
	r, ok := c.runs.end(key, wr.GetRunID(), e, c.clock.Now())
	if !ok {
		return
	}
	c.metrics.ended(key, r, r.finished.Sub(r.started))
	c.publish(key)
	kind := corev1.EventTypeNormal
	if e.outcome != contract.RebalanceCompleted {
		kind = corev1.EventTypeWarning
	}
	c.events.Eventf(g, nil, kind, "Rebalance"+e.outcome, "Rebalance", "plan %s: %s after %s", r.planID, e.summary(),
		r.finished.Sub(r.started).Round(time.Second))
	log.FromContext(ctx).Info("Rebalance ended", "nodegroup", key.String(), "workflow", wr.GetID(), "run", wr.GetRunID(),
		"outcome", e.outcome, "summary", e.summary())
}

// queryTimeout bounds one progress query.
const queryTimeout = 5 * time.Second

// readProgress queries every running run's progress into its report.
func (c *Controller) readProgress(ctx context.Context) {
	for key, r := range c.runs.running() {
		qctx, cancel := context.WithTimeout(ctx, queryTimeout)
		v, err := c.temporal.QueryWorkflow(qctx, r.id, r.runID, contract.RebalanceQueryProgress)
		var p contract.RebalanceProgress
		if err == nil {
			err = v.Get(&p)
		}
		cancel()
		if err != nil {
			log.FromContext(ctx).V(1).Info("Reading a rebalance's progress failed", "nodegroup", key.String(), "error", err.Error())
			continue
		}
		c.metrics.progressed(key, p)
		if c.runs.progressed(key, r.runID, p) {
			c.publish(key)
		}
	}
}
