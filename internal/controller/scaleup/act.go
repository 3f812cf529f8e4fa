package scaleup

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// act starts one ScaleUp workflow per intent and reports what the plan refused.
// Groups in failed just had a node fail its probation: they back off from the next pass.
func (p *Provisioner) act(ctx context.Context, snap plan.Snapshot, res plan.Result, failed map[types.NamespacedName]bool) {
	groups := map[types.NamespacedName]*v1alpha1.NodeGroup{}
	for i := range snap.NodeGroups {
		g := snap.NodeGroups[i]
		groups[types.NamespacedName{Namespace: g.Namespace, Name: g.Name}] = g
	}
	since := unschedulableSince(snap.Pending)
	started := map[int]contract.ScaleUpInput{}
	for i, in := range res.Intents {
		g := groups[in.NodeGroup]
		if g == nil || failed[in.NodeGroup] || p.held(ctx, in, snap.Now) || p.stabilizing(g, in, since) {
			continue // its pods stay pending and are planned again at the next pass
		}
		if input, ok := p.start(ctx, g, in, res, snap.Groups[in.NodeGroup].Members); ok {
			started[i] = input
		}
	}
	wanted, coming := wantedNominations(res, started)
	if changes := p.nominator.changes(snap.Pending, wanted, coming); len(changes) > 0 && p.cfg.NominatePods {
		log.FromContext(ctx).V(1).Info("Nominating pending pods to their planned nodes", "pods", len(changes))
		p.nominator.write(ctx, p.client, changes)
	}
	p.report(snap, res)
}

// maxRuns bounds how many finished runs of one intent a pass looks past.
const maxRuns = 16

// errRanRecently: the intent's last run finished too recently for another; the pods wait.
var errRanRecently = errors.New("the same intent's last run finished recently")

// start starts (or attaches to) the intent's workflow and follows its outcome. It returns
// the run's input, and false when no run is under way for the intent.
func (p *Provisioner) start(ctx context.Context, g *v1alpha1.NodeGroup, in plan.Intent, res plan.Result,
	members int32) (contract.ScaleUpInput, bool) {
	logger := log.FromContext(ctx).WithValues("nodegroup", in.NodeGroup.String())
	run, input, err := p.startRun(ctx, g, in, res, members)
	switch {
	case errors.Is(err, errRanRecently):
		logger.V(1).Info("Scale-up waits: the same intent ran recently", "reason", in.Reason.String())
		return input, false
	case err != nil:
		logger.Error(err, "Starting scale-up failed; the next pass tries again")
		return input, false
	}
	logger = logger.WithValues("workflow", run.GetID())
	if !p.follow(run.GetID()) {
		return input, true // attached to a run this process already follows
	}
	logger.Info("Scale-up running", "plan", summary(in), "reason", in.Reason.String())
	p.events.Eventf(g, nil, corev1.EventTypeNormal, "ScaleUp", "ScaleUp", "%s for %d pending pods (%s): workflow %s",
		summary(in), len(in.Pods), in.Reason, run.GetID())
	if seen, ok := p.seen.earliest(in.Pods); ok {
		p.metrics.decision.Observe(p.clock.Since(seen).Seconds())
	}
	p.metrics.scaleUps.WithLabelValues(g.Namespace, g.Name, "started").Add(float64(in.Count))
	started := p.clock.Now()
	go p.outcome(context.WithoutCancel(ctx), g, run, started, in.Reason == plan.ReasonPendingPods)
	return input, true
}

// startRun starts the intent's run, or attaches to it while it runs. Run n of an intent has
// a deterministic ID, so a restarted controller attaches instead of starting it twice. A
// finished run whose intent comes back (its nodes failed, or did not help) is looked past
// once it closed long enough ago: scaleUp.minBackoff doubling with n, so even a leader that
// restarted and forgot its backoff never loops; the closed runs in Temporal are the record.
func (p *Provisioner) startRun(ctx context.Context, g *v1alpha1.NodeGroup, in plan.Intent, res plan.Result,
	members int32) (workflowRun, contract.ScaleUpInput, error) {
	for n := range maxRuns {
		batch := batchID(in, members, n)
		id := contract.ScaleUpWorkflowID(g.Namespace, g.Name, batch)
		input := p.input(g, in, batch, res)
		run, err := p.starter.StartOrAttach(ctx, workflowstart.Spec{
			ID: id, Workflow: contract.ScaleUpWorkflow, Input: input, Reuse: workflowstart.NeverReuse,
			NodeGroup: g.Namespace + "/" + g.Name, Operation: contract.OperationScaleUp, Reason: in.Reason.String(), Memo: map[string]any{"plan": summary(in)},
		})
		if err == nil {
			p.launched.add(id, input)
		}
		if !errors.Is(err, workflowstart.ErrAlreadyRan) {
			return run, input, err
		}
		closed, err := p.starter.ClosedAt(ctx, id)
		if err != nil {
			return nil, input, err
		}
		if p.clock.Since(closed) < min(p.cfg.MinBackoff<<n, p.cfg.MaxBackoff) {
			return nil, input, errRanRecently
		}
	}
	return nil, contract.ScaleUpInput{}, fmt.Errorf("the same intent already ran %d times", maxRuns)
}

// input is the workflow's input: names, placements with fallbacks, the node template.
func (p *Provisioner) input(g *v1alpha1.NodeGroup, in plan.Intent, batch string, res plan.Result) contract.ScaleUpInput {
	out := contract.ScaleUpInput{Namespace: g.Namespace, NodeGroup: g.Name, Cluster: p.cluster, Batch: batch,
		Template: nodetemplate.For(g), Timeouts: contract.ScaleUpTimeouts{Boot: p.cfg.BootTimeout, Join: p.cfg.JoinTimeout,
			Ready: p.cfg.ReadyTimeout}, Managed: nodetemplate.Managed(g, p.managedCluster)}
	places := placements(in)
	for i := range int(in.Count) {
		out.Nodes = append(out.Nodes, contract.NodeRequest{Name: nodeName(p.cluster, g.Name, batch, i), Placements: places})
	}
	return out
}

func summary(in plan.Intent) string {
	return fmt.Sprintf("%d x %s in %s (%.2f/month)", in.Count, in.Offering, in.Datacenter, in.MonthlyPrice)
}

// outcome waits for a run and folds its nodes into the backoff, events and metrics. Nodes
// made forPods go on probation until they take one (minNodes nodes need not).
func (p *Provisioner) outcome(ctx context.Context, g *v1alpha1.NodeGroup, run workflowRun, started time.Time, forPods bool) {
	defer p.unfollow(run.GetID())
	defer p.launched.done(run.GetID())
	var res contract.ScaleUpResult
	if err := run.Get(ctx, &res); err != nil {
		log.FromContext(ctx).Error(err, "Scale-up run failed", "workflow", run.GetID())
		if ctx.Err() == nil && p.metrics != nil {
			p.metrics.workflows.Failed(contract.ScaleUpWorkflow, g.Namespace, g.Name)
		}
		return
	}
	key := types.NamespacedName{Namespace: g.Namespace, Name: g.Name}
	for _, n := range res.Nodes {
		result := "ready"
		if !n.Ready {
			result = n.Reason
			until := p.backoff.failed(key, fmt.Sprintf("node %s %s", n.Name, n.Reason))
			p.events.Eventf(g, nil, corev1.EventTypeWarning, "ScaleUpFailed", "ScaleUp",
				"node %s (%s in %s) %s: %s; NodeGroup backs off until %s", n.Name, n.Placement.OfferingID,
				n.Placement.DatacenterID, n.Reason, truncate(n.Failure, 300), until.Format(time.RFC3339))
		} else if forPods {
			// Ready is not yet success: the node must also take pods (see probation).
			p.probation.add(key, nodeOf(n), p.clock.Now())
		} else {
			p.backoff.succeeded(key)
		}
		p.metrics.scaleUps.WithLabelValues(g.Namespace, g.Name, result).Inc()
		p.metrics.provisioning.WithLabelValues(g.Namespace, g.Name, result).Observe(p.clock.Since(started).Seconds())
	}
}

func nodeOf(n contract.NodeOutcome) string {
	if n.NodeName != "" {
		return n.NodeName
	}
	return n.Name
}

// expireProbation folds the nodes whose probation ran out into the backoff and reports
// the failed ones; it returns the groups that failed in this pass.
func (p *Provisioner) expireProbation(snap plan.Snapshot, res plan.Result) map[types.NamespacedName]bool {
	failed := map[types.NamespacedName]bool{}
	for _, v := range p.probation.expire(snap.Now, res) {
		if !v.failed {
			p.backoff.succeeded(v.group)
			continue
		}
		failed[v.group] = true
		until := p.backoff.failed(v.group, v.reason)
		p.metrics.scaleUps.WithLabelValues(v.group.Namespace, v.group.Name, contract.FailureNodeUnused).Inc()
		g := &v1alpha1.NodeGroup{}
		for i := range snap.NodeGroups {
			if ng := snap.NodeGroups[i]; ng.Namespace == v.group.Namespace && ng.Name == v.group.Name {
				g = ng
			}
		}
		if g.Name != "" {
			p.events.Eventf(g, nil, corev1.EventTypeWarning, "ScaleUpFailed", "ScaleUp", "%s; NodeGroup backs off until %s",
				v.reason, until.Format(time.RFC3339))
		}
	}
	return failed
}

// workflowRun is the part of a Temporal run the provisioner follows.
type workflowRun interface {
	GetID() string
	Get(ctx context.Context, valuePtr any) error
}

// follow claims a run to follow; false when this process follows it already.
func (p *Provisioner) follow(id string) bool {
	_, loaded := p.following.LoadOrStore(id, true)
	return !loaded
}

func (p *Provisioner) unfollow(id string) { p.following.Delete(id) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// held: a node made for the group's pending pods is Ready but has taken none of them yet;
// more nodes for pending pods wait until it does or its probation ends (minNodes does not
// wait). Only an intent for pods planned onto such a node waits: those are the pods a node
// that takes nothing would be bought again for. Holding every intent of the group stalled a
// burst behind each new node for as long as kube-scheduler took to fill it.
func (p *Provisioner) held(ctx context.Context, in plan.Intent, now time.Time) bool {
	if in.Reason != plan.ReasonPendingPods {
		return false
	}
	nodes := p.nominator.nodesOf(in.Pods)
	until, why := p.probation.holdUntilOf(in.NodeGroup, func(node string) bool { return nodes[node] })
	if !now.Before(until) {
		return false
	}
	log.FromContext(ctx).V(1).Info("Scale-up waits for a new node", "nodegroup", in.NodeGroup.String(), "why", why,
		"until", until)
	return true
}

// stabilizing: the group's scaleUpPolicy.stabilizationWindowSeconds asks pods to stay
// unschedulable that long before they cause a scale-up (a burst the scheduler places
// on its own, or a pod deleted again, then costs nothing).
func (p *Provisioner) stabilizing(g *v1alpha1.NodeGroup, in plan.Intent, since map[types.NamespacedName]time.Time) bool {
	window := time.Duration(g.Spec.ScaleUpPolicy.StabilizationWindowSeconds) * time.Second
	if window <= 0 || in.Reason != plan.ReasonPendingPods {
		return false
	}
	for _, pod := range in.Pods {
		if t, ok := since[pod]; ok && p.clock.Since(t) >= window {
			return false
		}
	}
	return true
}

// unschedulableSince is when each pending pod was found unschedulable.
func unschedulableSince(pods []*corev1.Pod) map[types.NamespacedName]time.Time {
	out := make(map[types.NamespacedName]time.Time, len(pods))
	for _, pod := range pods {
		for _, c := range pod.Status.Conditions {
			if c.Type == corev1.PodScheduled {
				out[types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}] = c.LastTransitionTime.Time
			}
		}
	}
	return out
}
