package workflows

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Rebalance replaces the old nodes of one NodeGroup's plan by new ones, batch by batch:
//   - rolling: per batch, provision the replacements (a ScaleUp child), then drain and delete
//     the old nodes of the batch (DrainAndDelete children, ID drain/<node>);
//   - surge: per wave of MaxSurge, provision the replacements, then drain the old nodes at
//     most MaxUnavailable (at least one) at a time;
//   - blueGreen: provision the whole new set, cordon the old set, evict its pods, verify they
//     run elsewhere, and only then delete the old set.
//
// Before every step it checks its state: paused, or outside every maintenance window of the
// input, nothing new starts (steps under way finish); rollback and cancel stop it. Signals
// only change that state (rebalance_state.go). A failed step or a rollback undoes the run
// (rebalance_undo.go): old nodes not deleted are uncordoned and unmarked, deleted ones are
// provisioned again with their old offering, and every replacement is drained and deleted; a
// cancel undoes the batch in progress only. A run whose undo itself fails returns an error.
func Rebalance(ctx workflow.Context, in contract.RebalanceInput) (contract.RebalanceResult, error) {
	if in.Namespace == "" || in.NodeGroup == "" || len(in.Batches) == 0 {
		return contract.RebalanceResult{}, temporal.NewNonRetryableApplicationError(
			"a rebalance needs a NodeGroup and at least one batch", contract.ErrInvalidInput, nil)
	}
	r := newRebalancer(in, runTag(ctx, in))
	if err := r.listen(ctx); err != nil {
		return contract.RebalanceResult{}, err
	}
	return r.finish(ctx, r.run(ctx))
}

// runTag is the run's tag (contract.RebalanceTag): stable across a Temporal Reset, so the
// reset run names its replacements as the first run did and adopts what it created.
// The workflow ID is derived from the input (the ID the controller starts it under), so a
// replayer, which runs a history under an ID of its own, derives the same tag.
func runTag(ctx workflow.Context, in contract.RebalanceInput) string {
	start := workflow.GetInfo(ctx).OriginalRunID
	if !in.StartedAt.IsZero() {
		start = in.StartedAt.UTC().Format(time.RFC3339Nano)
	}
	return contract.RebalanceTag(in.PlanID, contract.RebalanceWorkflowID(in.Namespace, in.NodeGroup), start)
}

// pair is one old node and its replacement, as far as the run got.
type pair struct {
	rep   contract.Replacement
	batch int
	name  string                // the replacement's requested name
	new   *contract.NodeOutcome // the Ready replacement, until the undo removes it
	// touched: the run marked the old node (and may have cordoned or drained it).
	touched bool
	// deleted: the old node's drain deleted it; the replacement is committed.
	deleted bool
	newGone bool
}

func (p *pair) committed() bool { return p.deleted && p.new != nil && !p.newGone }

// rebalancer is the run's state. Only the main path acts on it; signal handlers set flags.
type rebalancer struct {
	in      contract.RebalanceInput
	tag     string
	batches [][]*pair
	all     []*pair

	paused, rollback, cancel bool
	progress                 contract.RebalanceProgress
	restored                 []string
}

func newRebalancer(in contract.RebalanceInput, tag string) *rebalancer {
	r := &rebalancer{in: in, tag: tag}
	for b, batch := range in.Batches {
		var ps []*pair
		for _, rep := range batch.Replacements {
			p := &pair{rep: rep, batch: b, name: contract.RebalanceNodeName(in.Cluster, in.NodeGroup, tag, len(r.all))}
			ps = append(ps, p)
			r.all = append(r.all, p)
		}
		r.batches = append(r.batches, ps)
	}
	r.progress = contract.RebalanceProgress{PlanID: in.PlanID, Strategy: in.Strategy, BatchesTotal: len(in.Batches)}
	return r
}

// errStopped ends the main path when a rollback or cancel was asked for.
var errStopped = errors.New("stopped by signal")

func (r *rebalancer) run(ctx workflow.Context) error {
	// Every old node is marked (and tainted PreferNoSchedule) before anything moves, so the
	// pods of the first batches avoid the nodes of the later ones.
	if err := r.markOld(ctx, r.all); err != nil {
		return err
	}
	if r.in.Strategy == contract.StrategyBlueGreen {
		return r.blueGreen(ctx)
	}
	chunk := 0 // rolling: the batch's old nodes drain together (the batch is MaxUnavailable big)
	if r.in.Strategy == contract.StrategySurge {
		chunk = max(int(r.in.MaxUnavailable), 1)
	}
	for b, batch := range r.batches {
		if err := r.provision(ctx, b, batch); err != nil {
			return err
		}
		step := len(batch)
		if chunk > 0 {
			step = chunk
		}
		for start := 0; start < len(batch); start += step {
			if err := r.drainOld(ctx, batch[start:min(start+step, len(batch))]); err != nil {
				return err
			}
		}
		r.progress.BatchesDone++
	}
	return nil
}

// blueGreen provisions every replacement, then moves the pods off the old set and deletes
// it only once they run elsewhere.
func (r *rebalancer) blueGreen(ctx workflow.Context) error {
	for b, batch := range r.batches {
		if err := r.provision(ctx, b, batch); err != nil {
			return err
		}
	}
	if err := r.gate(ctx, contract.RebalancePhaseCordoning); err != nil {
		return err
	}
	for _, p := range r.all {
		var res contract.CordonNodeResult
		node := contract.NodeRef{NodeName: p.rep.Old.NodeName}
		if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.CordonNodeActivity, node).Get(ctx, &res); err != nil {
			return fmt.Errorf("cordoning old node %s: %w", node.NodeName, err)
		}
	}
	since, moved, err := r.evictOld(ctx)
	if err != nil {
		return err
	}
	if err := r.gate(ctx, contract.RebalancePhaseVerifying); err != nil {
		return err
	}
	verify := contract.VerifyPodsRunningInput{Nodes: r.oldNames(), Since: since, Timeout: r.in.VerifyTimeout, Moved: moved}
	if verify.Timeout <= 0 {
		verify.Timeout = contract.DefaultVerifyTimeout
	}
	var v contract.VerifyPodsRunningResult
	if err := workflow.ExecuteActivity(longWait(ctx, verify.Timeout), contract.VerifyPodsRunningActivity, verify).Get(ctx, &v); err != nil {
		return fmt.Errorf("verifying the moved pods: %w", err)
	}
	if !v.OK {
		return fmt.Errorf("%d moved pods not running: %s", v.NotRunning, v.Blocking)
	}
	if err := r.drainOld(ctx, r.all); err != nil {
		return err
	}
	r.progress.BatchesDone = len(r.batches)
	return nil
}

// evictOld re-checks the safety rules on every old node, then evicts the pods of all of
// them at once, under the drain policy's deadline, and returns when it began and the pods
// it moved (what the verification waits for).
func (r *rebalancer) evictOld(ctx workflow.Context) (time.Time, []contract.MovedPod, error) {
	if err := r.gate(ctx, contract.RebalancePhaseEvicting); err != nil {
		return time.Time{}, nil, err
	}
	p := r.in.Drain.WithDefaults()
	for _, old := range r.all {
		refusal, err := checkSafety(ctx, old.rep.Old.NodeName, p)
		if refusal != nil {
			err = fmt.Errorf("%s: %s: %s", contract.DrainReasonUnsafe, refusal.Check, refusal.Message)
		}
		if err != nil {
			return time.Time{}, nil, fmt.Errorf("old node %s: %w", old.rep.Old.NodeName, err)
		}
	}
	since := workflow.Now(ctx)
	deadline := since.Add(p.Timeout)
	futures := make([]workflow.Future, len(r.all))
	for i, old := range r.all {
		in := contract.EvictPodsInput{NodeName: old.rep.Old.NodeName, Deadline: deadline,
			GracePeriodSeconds: p.GracePeriodSeconds, RetryInterval: p.RetryInterval}
		futures[i] = workflow.ExecuteActivity(longWait(ctx, p.Timeout), contract.EvictPodsActivity, in)
	}
	var first error
	var moved []contract.MovedPod
	for i, f := range futures {
		var out contract.EvictPodsResult
		err := f.Get(ctx, &out)
		moved = append(moved, out.Moved...)
		if err == nil && out.Remaining > 0 && !p.Force {
			err = fmt.Errorf("%d pods left after %s: %s", out.Remaining, p.Timeout, out.Blocking)
		}
		if err != nil && first == nil {
			first = fmt.Errorf("evicting the pods of old node %s: %w", r.all[i].rep.Old.NodeName, err)
		}
	}
	return since, moved, first
}

// provision marks the batch's old nodes (run marked them all already) and brings their replacements up through a ScaleUp
// child (its naming, ownership and per-node compensation). Every replacement must get Ready.
func (r *rebalancer) provision(ctx workflow.Context, b int, batch []*pair) error {
	if err := r.markOld(ctx, batch); err != nil {
		return err
	}
	reqs := make([]contract.NodeRequest, len(batch))
	for i, p := range batch {
		reqs[i] = contract.NodeRequest{Name: p.name, Placements: p.rep.Placements}
	}
	res, err := r.scaleUp(ctx, contract.RebalanceBatchPrefix+r.tag+"-"+strconv.Itoa(b), reqs)
	for i, out := range res.Nodes {
		if i < len(batch) && out.Ready {
			batch[i].new = &res.Nodes[i]
		}
	}
	if err != nil {
		return fmt.Errorf("provisioning the replacements of batch %d: %w", b, err)
	}
	for i, out := range res.Nodes {
		if !out.Ready {
			return fmt.Errorf("replacement %s of node %s: %s: %s", out.Name, batch[i].rep.Old.NodeName, out.Reason, out.Failure)
		}
	}
	return nil
}

// markOld marks the old nodes not marked yet as being replaced; the mark carries the
// rebalance-candidate PreferNoSchedule taint, and the undo removes both.
func (r *rebalancer) markOld(ctx workflow.Context, ps []*pair) error {
	if err := r.gate(ctx, contract.RebalancePhaseProvisioning); err != nil {
		return err
	}
	for _, p := range ps {
		if p.touched {
			continue
		}
		p.touched = true
		if err := r.mark(ctx, p.rep.Old.NodeName, contract.RebalanceStatusReplacing); err != nil {
			return err
		}
	}
	return nil
}

func (r *rebalancer) scaleUp(ctx workflow.Context, batch string, nodes []contract.NodeRequest) (contract.ScaleUpResult, error) {
	in := contract.ScaleUpInput{Namespace: r.in.Namespace, NodeGroup: r.in.NodeGroup, Cluster: r.in.Cluster, Batch: batch,
		Template: r.in.Template, Nodes: nodes, Timeouts: r.in.Timeouts, Managed: r.in.Managed}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: contract.ScaleUpWorkflowID(r.in.Namespace, r.in.NodeGroup, batch)})
	var res contract.ScaleUpResult
	err := workflow.ExecuteChildWorkflow(cctx, contract.ScaleUpWorkflow, in).Get(ctx, &res)
	return res, err
}

// drainOld drains and deletes old nodes through DrainAndDelete children, all at once. A
// node whose VPSieNode the drain deleted is committed, even when the termination is slow.
func (r *rebalancer) drainOld(ctx workflow.Context, ps []*pair) error {
	phase := contract.RebalancePhaseDraining
	if r.in.Strategy == contract.StrategyBlueGreen {
		phase = contract.RebalancePhaseDeleting
	}
	if err := r.gate(ctx, phase); err != nil {
		return err
	}
	futures := make([]workflow.ChildWorkflowFuture, len(ps))
	for i, p := range ps {
		in := contract.DrainAndDeleteInput{NodeName: p.rep.Old.NodeName, Namespace: r.in.Namespace, NodeGroup: r.in.NodeGroup,
			VPSieNode: p.rep.Old.VPSieNode, Reason: "Rebalance", Policy: r.in.Drain}
		futures[i] = r.drain(ctx, in)
	}
	var first error
	for i, f := range futures {
		deleted, err := r.drained(ctx, f, ps[i].rep.Old.VPSieNode)
		ps[i].deleted = deleted
		if err != nil && first == nil {
			first = fmt.Errorf("draining old node %s: %w", ps[i].rep.Old.NodeName, err)
		}
	}
	return first
}

// drained waits for a DrainAndDelete child and says whether it deleted the VPSieNode, and
// what went wrong. A compensated drain deleted nothing. A child that failed may have failed
// after it deleted the VPSieNode (its wait for the termination, a lost answer): then the node
// is gone all the same, and a rollback must count it deleted and restore it, so the object
// is read to know.
func (r *rebalancer) drained(ctx workflow.Context, f workflow.ChildWorkflowFuture, vn contract.VPSieNodeRef) (bool, error) {
	var res contract.DrainAndDeleteResult
	err := f.Get(ctx, &res)
	if err == nil && res.Outcome == contract.DrainCompensated {
		return false, fmt.Errorf("%s: %s", res.Reason, res.Message)
	}
	if err == nil {
		return true, nil
	}
	var gone bool
	if checkErr := workflow.ExecuteActivity(kubeWrite(ctx), contract.VPSieNodeDeletedActivity, vn).Get(ctx, &gone); checkErr != nil {
		// Unknown: counting it deleted would provision a node too many, counting it kept
		// could shrink the group; a restore that turns out extra is scaled down later.
		workflow.GetLogger(ctx).Error("Could not tell whether a failed drain deleted its node; counting it deleted",
			"vpsienode", vn.Name, "error", checkErr)
		gone = true
	}
	return gone, err
}

func (r *rebalancer) drain(ctx workflow.Context, in contract.DrainAndDeleteInput) workflow.ChildWorkflowFuture {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: contract.DrainWorkflowID(in.NodeName)})
	return workflow.ExecuteChildWorkflow(cctx, contract.DrainAndDeleteWorkflow, in)
}

// mark writes (or, with an empty status, removes) the rebalance mark on a node.
func (r *rebalancer) mark(ctx workflow.Context, node, status string) error {
	in := contract.AnnotateRebalanceInput{NodeName: node, Status: status}
	if status != "" {
		in.PlanID = r.in.PlanID
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.AnnotateRebalanceActivity, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("marking node %s %q: %w", node, status, err)
	}
	return nil
}

func (r *rebalancer) oldNames() []string {
	out := make([]string, len(r.all))
	for i, p := range r.all {
		out[i] = p.rep.Old.NodeName
	}
	return out
}
