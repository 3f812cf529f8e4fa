package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// finish turns how the main path ended into the outcome, undoing what must be undone.
func (r *rebalancer) finish(ctx workflow.Context, err error) (contract.RebalanceResult, error) {
	res := contract.RebalanceResult{Outcome: contract.RebalanceCompleted}
	full := true
	switch {
	case err == nil:
		r.progress.Phase = contract.RebalancePhaseCompleted
		res.Replaced = r.replaced()
		res.Progress = r.snapshot()
		return res, nil
	case errors.Is(err, errStopped) && r.rollback:
		res.Outcome, res.Reason = contract.RebalanceRolledBack, contract.RebalanceReasonRollback
	case errors.Is(err, errStopped) || temporal.IsCanceledError(err):
		res.Outcome, res.Reason, full = contract.RebalanceCancelled, contract.RebalanceReasonCancel, false
	default:
		res.Outcome, res.Reason, res.Message = contract.RebalanceRolledBack, contract.RebalanceReasonStepFailed, err.Error()
		workflow.GetLogger(ctx).Error("Rebalance step failed; rolling back", "error", err)
	}
	undoErr := r.undo(ctx, full)
	r.progress.Phase = contract.RebalancePhaseRolledBack
	if !full {
		r.progress.Phase = contract.RebalancePhaseCancelled
	}
	res.Replaced, res.Restored, res.Progress = r.replaced(), r.restored, r.snapshot()
	res.Progress.Message = res.Message
	if undoErr != nil {
		return res, fmt.Errorf("undoing the rebalance (%s): %w", res.Reason, undoErr)
	}
	return res, nil
}

// undo runs disconnected from cancellation, in this order, so pods always have somewhere to
// go: the old nodes the run touched and did not delete are uncordoned (only a cordon that
// carries the drain's mark) and unmarked; with full, every old node already deleted gets a
// node of its old offering again (a ScaleUp child); then the replacements to undo are
// drained and deleted (DrainAndDelete children), MaxUnavailable (at least one) at a time.
// Without full (cancel) the committed replacements stay. Every failure is logged and
// returned together; nothing stops the rest.
func (r *rebalancer) undo(ctx workflow.Context, full bool) error {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	r.progress.Phase = contract.RebalancePhaseRollingBack
	log := workflow.GetLogger(ctx)
	var errs []error
	for _, p := range r.all {
		if !p.touched || p.deleted {
			continue
		}
		node := contract.NodeRef{NodeName: p.rep.Old.NodeName}
		if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.UncordonNodeActivity, node).Get(ctx, nil); err != nil {
			errs = append(errs, fmt.Errorf("uncordoning old node %s: %w", node.NodeName, err))
		}
		if err := r.mark(ctx, node.NodeName, ""); err != nil {
			errs = append(errs, err)
		}
	}
	restored := map[*pair]bool{}
	if full {
		var err error
		if restored, err = r.restore(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	// A committed replacement goes only once its old offering is back: a failed restore
	// keeps it, so the group never shrinks.
	var undo []*pair
	for _, p := range r.all {
		if p.new != nil && !p.newGone && (!p.deleted || restored[p]) {
			undo = append(undo, p)
		}
	}
	step := max(int(r.in.MaxUnavailable), 1)
	for start := 0; start < len(undo); start += step {
		chunk := undo[start:min(start+step, len(undo))]
		futures := make([]workflow.ChildWorkflowFuture, len(chunk))
		for i, p := range chunk {
			in := contract.DrainAndDeleteInput{NodeName: nodeOf(*p.new), Namespace: r.in.Namespace, NodeGroup: r.in.NodeGroup,
				VPSieNode: contract.VPSieNodeRef{Namespace: r.in.Namespace, Name: p.new.Name}, Reason: "RebalanceRollback",
				Policy: r.in.Drain}
			futures[i] = r.drain(ctx, in)
		}
		for i, f := range futures {
			gone, err := r.drained(ctx, f, contract.VPSieNodeRef{Namespace: r.in.Namespace, Name: chunk[i].new.Name})
			chunk[i].newGone = gone
			if err != nil {
				errs = append(errs, fmt.Errorf("removing replacement %s: %w", nodeOf(*chunk[i].new), err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		log.Error("Rebalance undo incomplete", "error", err)
		return err
	}
	return nil
}

// restore provisions a node of the old offering, in the replacement's datacenter, for every
// old node already deleted, so a rollback leaves the group with its original offerings. It
// returns the pairs whose old offering is back.
func (r *rebalancer) restore(ctx workflow.Context) (map[*pair]bool, error) {
	var reqs []contract.NodeRequest
	var of []*pair
	for i, p := range r.all {
		if !p.deleted {
			continue
		}
		dc := ""
		if p.new != nil {
			dc = p.new.Placement.DatacenterID
		} else if len(p.rep.Placements) > 0 {
			dc = p.rep.Placements[0].DatacenterID
		}
		reqs = append(reqs, contract.NodeRequest{Name: contract.RebalanceNodeName(r.in.Cluster, r.in.NodeGroup, r.tag+"u", i),
			Placements: []contract.Placement{{OfferingID: p.rep.Old.OfferingID, DatacenterID: dc, MonthlyPrice: p.rep.Old.MonthlyPrice}}})
		of = append(of, p)
	}
	done := map[*pair]bool{}
	if len(reqs) == 0 {
		return done, nil
	}
	res, err := r.scaleUp(ctx, contract.RebalanceBatchPrefix+r.tag+"-undo", reqs)
	if err != nil {
		return done, fmt.Errorf("restoring the old offerings: %w", err)
	}
	var errs []error
	for i, out := range res.Nodes {
		if !out.Ready {
			errs = append(errs, fmt.Errorf("restoring node %s: %s: %s", out.Name, out.Reason, out.Failure))
			continue
		}
		if i < len(of) {
			done[of[i]] = true
		}
		r.restored = append(r.restored, nodeOf(out))
	}
	return done, errors.Join(errs...)
}

// replaced lists the committed replacements.
func (r *rebalancer) replaced() []contract.ReplacedNode {
	var out []contract.ReplacedNode
	for _, p := range r.all {
		if p.committed() {
			out = append(out, contract.ReplacedNode{Old: p.rep.Old.NodeName, New: nodeOf(*p.new),
				OfferingID: p.new.Placement.OfferingID, MonthlySavings: p.rep.MonthlySavings})
		}
	}
	return out
}
