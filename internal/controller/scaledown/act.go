package scaledown

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// act starts one DrainAndDelete workflow per drain of the plan, except for a node whose
// drain was undone recently (its pods could not be evicted; the planner cannot see why).
func (c *Controller) act(ctx context.Context, o observation, res plan.Result) {
	v := o.view
	for _, vn := range v.VPSieNodes {
		if vn.DeletionTimestamp != nil {
			c.drains.terminating(nodeOf(vn), vn.DeletionTimestamp.Time)
		}
	}
	for _, d := range res.Drains {
		vn, g := v.VPSieNode(types.NamespacedName{Namespace: d.NodeGroup.Namespace, Name: d.VPSieNode}), v.NodeGroup(d.NodeGroup)
		if vn == nil || g == nil || c.drains.undoneRecently(d.Node, v.Now, c.retryAfterCompensation()) {
			continue
		}
		c.start(ctx, g, vn, d)
	}
}

func nodeOf(vn *v1alpha1.VPSieNode) string {
	if vn.Status.NodeName != "" {
		return vn.Status.NodeName
	}
	return vn.Spec.Hostname
}

// start starts (or attaches to) the node's drain and follows its outcome. The ID is the
// node's, so a restarted controller that plans the same drain attaches to the running one.
func (c *Controller) start(ctx context.Context, g *v1alpha1.NodeGroup, vn *v1alpha1.VPSieNode, d plan.Drain) {
	id := contract.DrainWorkflowID(d.Node)
	logger := log.FromContext(ctx).WithValues("node", d.Node, "nodegroup", d.NodeGroup.String(), "workflow", id)
	if !c.drains.begin(d.Node, d.NodeGroup, c.clock.Now()) {
		return // this process follows it already
	}
	run, err := c.starter.StartOrAttach(ctx, workflowstart.Spec{ID: id, Workflow: contract.DrainAndDeleteWorkflow,
		Input: c.input(g, vn, d), Reuse: workflowstart.RestartFinished, NodeGroup: d.NodeGroup.String(),
		Operation: contract.OperationDrain, Reason: d.Reason.String(),
		Memo: map[string]any{"node": d.Node, "reason": d.Reason.String(), "message": d.Message, "pods": len(d.Pods)}})
	if err != nil {
		c.drains.forget(d.Node)
		logger.Error(err, "Starting the drain failed; the next pass tries again")
		return
	}
	logger.Info("Scale-down draining a node", "reason", d.Reason.String(), "message", d.Message, "pods", len(d.Pods))
	c.events.Eventf(g, nil, corev1.EventTypeNormal, "ScaleDown", "ScaleDown", "draining node %s (%s: %s), %d pods to evict: workflow %s",
		d.Node, d.Reason, d.Message, len(d.Pods), id)
	c.metrics.scaleDowns.WithLabelValues(g.Name, g.Namespace, "started").Inc()
	go c.follow(context.WithoutCancel(ctx), g, d.Node, run)
}

func (c *Controller) input(g *v1alpha1.NodeGroup, vn *v1alpha1.VPSieNode, d plan.Drain) contract.DrainAndDeleteInput {
	return contract.DrainAndDeleteInput{NodeName: d.Node, Namespace: d.NodeGroup.Namespace, NodeGroup: d.NodeGroup.Name,
		VPSieNode: contract.VPSieNodeRef{Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID)},
		Reason:    d.Reason.String() + ": " + d.Message,
		Policy: contract.DrainPolicy{Timeout: c.cfg.DrainTimeout, Force: c.cfg.ForceDrain}.
			WithForceDrain(g.Spec.ScaleDownPolicy.ForceDrain)}
}

// workflowRun is the part of a Temporal run the controller follows.
type workflowRun interface {
	GetID() string
	Get(ctx context.Context, valuePtr any) error
}

// follow waits for a drain's outcome and records it.
func (c *Controller) follow(ctx context.Context, g *v1alpha1.NodeGroup, node string, run workflowRun) {
	var res contract.DrainAndDeleteResult
	err := run.Get(ctx, &res)
	o := outcomeOf(res, err)
	now := c.clock.Now()
	dr := c.drains.end(node, o.deleted, now)
	var terminated time.Duration
	if !dr.deleting.IsZero() && o.result == contract.DrainDeleted {
		terminated = max(now.Sub(dr.deleting), 0)
	}
	c.metrics.drainEnded(g.Name, g.Namespace, o, now.Sub(dr.started), terminated)
	kind, reason := corev1.EventTypeNormal, "ScaleDownDone"
	if !o.deleted {
		kind, reason = corev1.EventTypeWarning, "ScaleDownFailed"
	}
	c.events.Eventf(g, nil, kind, reason, "ScaleDown", "node %s: %s after %s", node, o.summary, now.Sub(dr.started).Round(time.Second))
	log.FromContext(ctx).Info("Scale-down drain ended", "node", node, "workflow", run.GetID(), "result", o.result,
		"summary", o.summary, "error", err)
}
