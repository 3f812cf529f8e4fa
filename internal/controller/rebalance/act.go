package rebalance

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// act starts a run per plan and settles the rebalance=now annotations the analyzer held.
func (c *Controller) act(ctx context.Context, o observation, res plan.Result, manual map[types.NamespacedName]bool) {
	present := map[types.NamespacedName]bool{}
	for _, g := range o.view.NodeGroups {
		present[keyOf(g)] = true
	}
	for _, p := range res.Plans {
		if g := o.view.NodeGroup(p.NodeGroup); g != nil {
			c.start(ctx, g, p, o, manual[p.NodeGroup])
		}
	}
	for _, v := range res.Groups {
		if g := o.view.NodeGroup(v.NodeGroup); g != nil && manual[v.NodeGroup] && v.Reason != plan.ReasonNone {
			c.manualHeld(ctx, g, v, res.Excluded)
		}
	}
	c.runs.retain(present)
	c.reports.Retain(present)
}

// start starts the plan's run (or attaches to it), clears rebalance=now and follows it.
func (c *Controller) start(ctx context.Context, g *v1alpha1.NodeGroup, p plan.Plan, o observation, manual bool) {
	key := keyOf(g)
	id := contract.RebalanceWorkflowID(g.Namespace, g.Name)
	logger := log.FromContext(ctx).WithValues("nodegroup", key.String(), "workflow", id, "plan", p.ID)
	windows, err := plan.Windows(g, o.view.Now)
	if err != nil {
		logger.Error(err, "Reading the maintenance windows failed")
		return
	}
	in := contract.RebalanceInput{PlanID: p.ID, StartedAt: c.clock.Now(), Namespace: g.Namespace, NodeGroup: g.Name, Cluster: c.opts.Cluster,
		Strategy: string(p.Strategy), MaxSurge: p.MaxSurge, MaxUnavailable: p.MaxUnavailable, Batches: p.ContractBatches(),
		Template: nodetemplate.For(g), Timeouts: c.opts.Timeouts, Drain: contract.DrainPolicy{Timeout: c.cfg.DrainTimeout}.WithForceDrain(g.Spec.ScaleDownPolicy.ForceDrain),
		Windows: windows, VerifyTimeout: c.cfg.VerifyTimeout, Managed: nodetemplate.Managed(g, c.opts.ManagedCluster)}
	sum := summary(p)
	wr, err := c.starter.StartOrAttach(ctx, workflowstart.Spec{ID: id, Workflow: contract.RebalanceWorkflow, Input: in,
		Reuse: workflowstart.RestartFinished, NodeGroup: key.String(), Operation: contract.OperationRebalance,
		Reason: strings.Join(reasonsOf(p), ","),
		Memo: map[string]any{memoPlan: p.ID, memoStrategy: string(p.Strategy), memoSavings: p.MonthlySavings,
			memoBatches: len(p.Batches), memoSummary: sum, memoReasons: reasonsOf(p)}})
	if err != nil {
		logger.Error(err, "Starting the rebalance failed; the next pass tries again")
		return
	}
	if manual {
		c.clearAnnotation(ctx, g, v1alpha1.RebalanceNow)
		c.held.forget(key)
	}
	r := run{id: id, runID: wr.GetRunID(), planID: p.ID, strategy: string(p.Strategy), planned: p.MonthlySavings,
		batches: len(p.Batches), reasons: reasonsOf(p), started: c.clock.Now()}
	if !c.runs.begin(key, r) {
		return // this process follows it already
	}
	trigger := "policy"
	if manual {
		trigger = v1alpha1.AnnotationRebalance + "=" + v1alpha1.RebalanceNow
	}
	logger.Info("Rebalance started", "strategy", p.Strategy, "summary", sum, "trigger", trigger)
	c.events.Eventf(g, nil, corev1.EventTypeNormal, "RebalanceStarted", "Rebalance", "%s (%s, %s): workflow %s",
		sum, p.Strategy, trigger, id)
	c.metrics.started(key, r.strategy)
	c.publish(key)
	go c.follow(context.WithoutCancel(ctx), g.DeepCopy(), wr)
}

// summary is the plan for events and the memo: "2 nodes in 2 batches (std-8c-16g → std-2c-4g), saves 12.00/month",
// or, for a plan that costs more, "... costs 28.00/month more, for drift (KubernetesVersionChanged)".
func summary(p plan.Plan) string {
	var moves []string
	seen := map[string]bool{}
	n := 0
	for _, b := range p.Batches {
		for _, r := range b {
			n++
			m := r.From + " → " + r.Targets[0].Offering
			if !seen[m] {
				seen[m] = true
				moves = append(moves, m)
			}
		}
	}
	head := fmt.Sprintf("%d nodes in %d batches (%s)", n, len(p.Batches), strings.Join(moves, ", "))
	if p.MonthlySavings >= 0 {
		return head + fmt.Sprintf(", saves %.2f/month", p.MonthlySavings)
	}
	drift := reasonsWhere(p, plan.Reason.Drift)
	return head + fmt.Sprintf(", costs %.2f/month more, for drift (%s)", -p.MonthlySavings, strings.Join(drift, ", "))
}

// reasonsOf is the plan's distinct typed reasons, sorted.
func reasonsOf(p plan.Plan) []string { return reasonsWhere(p, plan.Reason.Replaces) }

// reasonsWhere is the plan's distinct reasons that keep holds for, sorted.
func reasonsWhere(p plan.Plan, keep func(plan.Reason) bool) []string {
	var out []string
	for _, b := range p.Batches {
		for _, r := range b {
			if s := r.Reason.String(); keep(r.Reason) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

// manualHeld settles a rebalance=now the analyzer held: cleared when there is nothing to do
// (with why every node stays), else left for a later pass with one event per reason. Nothing
// to do only because nodes are not Ready, draining or held by a budget is not settled: those
// pass (a node under load misses a heartbeat), and the operator asked for a rebalance.
func (c *Controller) manualHeld(ctx context.Context, g *v1alpha1.NodeGroup, v plan.GroupVerdict, excluded []plan.Exclusion) {
	key := keyOf(g)
	logger := log.FromContext(ctx).WithValues("nodegroup", key.String(), "reason", v.Reason.String())
	if settles(key, v, excluded) {
		c.clearAnnotation(ctx, g, v1alpha1.RebalanceNow)
		c.held.forget(key)
		logger.Info("Rebalance skipped", "message", v.Message+why(key, excluded))
		c.events.Eventf(g, nil, corev1.EventTypeNormal, "RebalanceSkipped", "Rebalance", "%s: %s%s", v.Reason, v.Message,
			why(key, excluded))
		return
	}
	if c.held.changed(key, v.Reason) {
		logger.Info("Rebalance waits", "message", v.Message+why(key, excluded), "exclusions", exclusionMessages(key, excluded))
		c.events.Eventf(g, nil, corev1.EventTypeNormal, "RebalanceWaiting", "Rebalance", "%s=%s waits: %s: %s",
			v1alpha1.AnnotationRebalance, v1alpha1.RebalanceNow, v.Reason, v.Message)
	}
}

// why lists the group's first exclusions, for an event.
func why(key types.NamespacedName, excluded []plan.Exclusion) string {
	var parts []string
	for _, e := range excluded {
		if e.NodeGroup == key && len(parts) < 5 {
			parts = append(parts, e.Node+" "+e.Reason.String())
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// exclusionMessages are the group's exclusions in full, for the log.
func exclusionMessages(key types.NamespacedName, excluded []plan.Exclusion) []string {
	var out []string
	for _, e := range excluded {
		if e.NodeGroup == key {
			out = append(out, e.Node+": "+e.Message)
		}
	}
	return out
}
