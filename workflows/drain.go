package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// DrainAndDelete takes one managed node out of the cluster: cordon it, mark it
// draining, evict its pods through the Eviction API (PodDisruptionBudgets respected,
// within the policy's timeout), mark it drained, and then delete its VPSieNode, whose
// finalizer runs the one termination path (TerminateVPSieNode deletes the VPS and
// the Node, then releases the object); the workflow waits until the object is gone.
//
// Until the VPSieNode is deleted every failure is compensated: the node is uncordoned
// (only when this drain cordoned it) and marked failed with why, and nothing is
// deleted. Pods left at the timeout are such a failure unless the policy forces the
// deletion. After the VPSieNode is deleted there is nothing to undo: the termination
// owns the node and finishes even if this workflow does not.
func DrainAndDelete(ctx workflow.Context, in contract.DrainAndDeleteInput) (contract.DrainAndDeleteResult, error) {
	var res contract.DrainAndDeleteResult
	if in.NodeName == "" || in.VPSieNode.Namespace == "" || in.VPSieNode.Name == "" {
		return res, temporal.NewNonRetryableApplicationError("a drain needs a node and its vpsienode", contract.ErrInvalidInput, nil)
	}
	p := in.Policy.WithDefaults()
	var cordon contract.CordonNodeResult
	node := contract.NodeRef{NodeName: in.NodeName}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.CordonNodeActivity, node).Get(ctx, &cordon); err != nil {
		// An attempt may have cordoned it before the answer was lost; UncordonNode only
		// undoes a cordon that carries the drain's mark.
		err = fmt.Errorf("cordoning node %s: %w", in.NodeName, err)
		res.Outcome, res.Reason, res.Message = contract.DrainCompensated, contract.DrainReasonFailed, err.Error()
		undrain(ctx, in.NodeName, true, res.Reason+": "+res.Message)
		return res, err
	}
	if !cordon.Found {
		// Nothing runs on a Node that is gone; its VPS and VPSieNode still go.
		res.Reason = contract.DrainReasonNodeGone
		if err := deleteVPSieNode(ctx, in); err != nil {
			return res, err
		}
		return waitDeleted(ctx, in, p, res)
	}
	proceed, err := drain(ctx, in, p, &res)
	if err == nil && proceed {
		err = deleteVPSieNode(ctx, in)
	}
	if err != nil || !proceed {
		if err != nil {
			res.Reason, res.Message = contract.DrainReasonFailed, err.Error()
		}
		undrain(ctx, in.NodeName, cordon.Cordoned, res.Reason+": "+res.Message)
		res.Outcome = contract.DrainCompensated
		return res, err
	}
	return waitDeleted(ctx, in, p, res)
}

// drain re-checks the safety rules, marks the node draining and evicts its pods. It
// reports whether the node may be deleted: the checks passed (or the policy ignores them)
// and every evictable pod is gone, or the policy forces it.
func drain(ctx workflow.Context, in contract.DrainAndDeleteInput, p contract.DrainPolicy, res *contract.DrainAndDeleteResult) (bool, error) {
	if refusal, err := checkSafety(ctx, in.NodeName, p); err != nil || refusal != nil {
		if refusal != nil {
			res.Reason, res.Check, res.Message = contract.DrainReasonUnsafe, refusal.Check, refusal.Check+": "+refusal.Message
		}
		return false, err
	}
	if err := annotate(ctx, in.NodeName, contract.DrainStatusDraining, in.Reason); err != nil {
		return false, err
	}
	evict := contract.EvictPodsInput{NodeName: in.NodeName, Deadline: workflow.Now(ctx).Add(p.Timeout),
		GracePeriodSeconds: p.GracePeriodSeconds, RetryInterval: p.RetryInterval}
	var out contract.EvictPodsResult
	if err := workflow.ExecuteActivity(longWait(ctx, p.Timeout), contract.EvictPodsActivity, evict).Get(ctx, &out); err != nil {
		return false, fmt.Errorf("evicting the pods of node %s: %w", in.NodeName, err)
	}
	res.Evicted, res.Remaining, res.GoWithNode = out.Evicted, out.Remaining, out.GoWithNode
	why := in.Reason
	if out.GoWithNode > 0 {
		why = fmt.Sprintf("%s; %d pods tolerate the drain taint and go with the node", why, out.GoWithNode)
	}
	if out.Remaining > 0 {
		res.Message = fmt.Sprintf("%d pods left after %s: %s", out.Remaining, p.Timeout, out.Blocking)
		if !p.Force {
			res.Reason = contract.DrainReasonTimeout
			return false, nil
		}
		res.Reason, why = contract.DrainReasonForced, "forced: "+res.Message
		workflow.GetLogger(ctx).Warn("Deleting a node that still runs pods: the force policy is set",
			"node", in.NodeName, "remaining", out.Remaining, "blocking", out.Blocking)
	}
	if err := annotate(ctx, in.NodeName, contract.DrainStatusDrained, why); err != nil {
		return false, err
	}
	return true, nil
}

// checkSafety runs the safety checks on the node as it is now, unless the policy ignores
// them. A refusal is returned, not an error: the drain compensates.
func checkSafety(ctx workflow.Context, node string, p contract.DrainPolicy) (*contract.DrainRefusal, error) {
	if p.IgnoreSafetyChecks {
		return nil, nil
	}
	err := workflow.ExecuteActivity(kubeWrite(ctx), contract.CheckDrainSafetyActivity, contract.NodeRef{NodeName: node}).Get(ctx, nil)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == contract.ErrDrainUnsafe {
		var refusal contract.DrainRefusal
		if !appErr.HasDetails() || appErr.Details(&refusal) != nil {
			refusal = contract.DrainRefusal{Message: appErr.Message()}
		}
		workflow.GetLogger(ctx).Info("Drain refused by a safety check", "node", node, "check", refusal.Check, "pod", refusal.Pod)
		return &refusal, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checking the safety of draining node %s: %w", node, err)
	}
	return nil, nil
}

func annotate(ctx workflow.Context, node, status, reason string) error {
	in := contract.AnnotateDrainStatusInput{NodeName: node, Status: status, Reason: reason}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.AnnotateDrainStatusActivity, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("marking node %s %s: %w", node, status, err)
	}
	return nil
}

// undrain is the compensation of a drain that did not finish: uncordon the node when
// this drain cordoned it, and mark it failed with why. It runs disconnected, so it also
// runs after the workflow is cancelled.
func undrain(ctx workflow.Context, node string, cordoned bool, why string) {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	log := workflow.GetLogger(ctx)
	if cordoned {
		err := workflow.ExecuteActivity(kubeWrite(ctx), contract.UncordonNodeActivity, contract.NodeRef{NodeName: node}).Get(ctx, nil)
		if err != nil {
			log.Error("Could not uncordon a node whose drain failed", "node", node, "error", err)
		}
	}
	if err := annotate(ctx, node, contract.DrainStatusFailed, why); err != nil {
		log.Warn("Could not mark a node's drain failed", "node", node, "error", err)
	}
}

// deleteVPSieNode deletes the node's VPSieNode; its finalizer starts the termination
// (terminate/<namespace>/<name>), the one path that deletes a VPS and its Node.
func deleteVPSieNode(ctx workflow.Context, in contract.DrainAndDeleteInput) error {
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeActivity, in.VPSieNode).Get(ctx, nil); err != nil {
		return fmt.Errorf("deleting vpsienode %s/%s: %w", in.VPSieNode.Namespace, in.VPSieNode.Name, err)
	}
	return nil
}

// waitDeleted waits until the termination released the VPSieNode, which it does after
// the VPS and the Node are gone. A termination slower than the delete timeout goes on
// by itself (the VPSieNode controller keeps it running), so that is an outcome, not a
// failure.
func waitDeleted(ctx workflow.Context, in contract.DrainAndDeleteInput, p contract.DrainPolicy, res contract.DrainAndDeleteResult) (contract.DrainAndDeleteResult, error) {
	wait := contract.WaitVPSieNodeGoneInput{VPSieNode: in.VPSieNode, Timeout: p.DeleteTimeout}
	err := workflow.ExecuteActivity(longWait(ctx, p.DeleteTimeout), contract.WaitVPSieNodeGoneActivity, wait).Get(ctx, nil)
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &appErr) && appErr.Type() == contract.ErrWaitTimedOut:
		res.Outcome = contract.DrainDeletePending
		if res.Message == "" {
			res.Message = fmt.Sprintf("termination of vpsienode %s not finished after %s", in.VPSieNode.Name, p.DeleteTimeout)
		}
		return res, nil
	case err != nil:
		return res, fmt.Errorf("waiting for vpsienode %s/%s to go: %w", in.VPSieNode.Namespace, in.VPSieNode.Name, err)
	}
	res.Outcome = contract.DrainDeleted
	return res, nil
}
