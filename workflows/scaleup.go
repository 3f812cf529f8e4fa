package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// ScaleUp provisions a batch of nodes for one NodeGroup, every node on its own: create
// the VPSieNode, create its VPS (exactly once per hostname; the activity issues the
// node's own bootstrap token and renders it into the user data, so the token never
// enters this history), wait until it runs, until its Node registers, revoke the token,
// label and taint the Node, wait until it is Ready. A node that fails is compensated (its
// VPSieNode is marked Failed, its token revoked, the VPSieNode deleted, and the
// termination path deletes its VPS and Node) while the others go on.
func ScaleUp(ctx workflow.Context, in contract.ScaleUpInput) (contract.ScaleUpResult, error) {
	res := contract.ScaleUpResult{Nodes: make([]contract.NodeOutcome, len(in.Nodes))}
	ctx = withAddLock(ctx)
	wg := workflow.NewWaitGroup(ctx)
	for i, n := range in.Nodes {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			res.Nodes[i] = provision(ctx, in, n)
		})
	}
	wg.Wait(ctx)
	return res, nil
}

// provision brings one node up, trying its placements in order while the API reports
// no capacity.
func provision(ctx workflow.Context, in contract.ScaleUpInput, n contract.NodeRequest) contract.NodeOutcome {
	out := contract.NodeOutcome{Name: n.Name}
	for k, p := range n.Placements {
		out.Name, out.Placement = contract.PlacementName(n.Name, k), p
		var ref contract.VPSieNodeRef
		err := provisionAt(ctx, in, &out, &ref)
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == contract.ErrVPSieCapacityExhausted && k+1 < len(n.Placements) {
			workflow.GetLogger(ctx).Info("No capacity; trying the next placement", "vpsienode", out.Name,
				"offering", p.OfferingID, "datacenter", p.DatacenterID)
			compensate(ctx, in, out, ref, "no capacity: "+err.Error())
			continue
		}
		if err != nil {
			fail(ctx, in, &out, ref, err)
		}
		return out
	}
	out.Failure, out.Reason = "no placement", contract.FailureCapacity
	return out
}

// fail records why the node failed and undoes it by the path that fits where it
// failed: a node whose VPSieNode is gone has what was made for it deleted; a joined
// node (it may run pods) is drained; anything else is compensated.
func fail(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef, err error) {
	var appErr *temporal.ApplicationError
	errors.As(err, &appErr)
	var joined *joinedNodeError
	out.Ready, out.Failure = false, err.Error()
	switch {
	case appErr != nil && appErr.Type() == contract.ErrOwnerGone:
		out.Reason = contract.FailureOwnerGone
		reclaim(ctx, in, *out, ref)
	case errors.As(err, &joined):
		out.Reason = contract.FailureNodeWrite
		drainJoined(ctx, in, *out, ref)
	default:
		if out.Reason == "" {
			out.Reason = failureReason(appErr)
		}
		compensate(ctx, in, *out, ref, out.Failure)
	}
}

// joinedNodeError is a failure after the Node joined: it may already run pods.
type joinedNodeError struct{ err error }

func (e *joinedNodeError) Error() string { return e.err.Error() }
func (e *joinedNodeError) Unwrap() error { return e.err }

func failureReason(appErr *temporal.ApplicationError) string {
	if appErr != nil && appErr.Type() == contract.ErrVPSieCapacityExhausted {
		return contract.FailureCapacity
	}
	return contract.FailureCreate
}

// provisionAt runs the steps of one node at one placement, recording each on out.
func provisionAt(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref *contract.VPSieNodeRef) error {
	create := contract.CreateVPSieNodeInput{Namespace: in.Namespace, Name: out.Name, NodeGroup: in.NodeGroup,
		Placement: out.Placement, ImageID: in.Template.ImageID, Batch: in.Batch}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.CreateVPSieNodeActivity, create).Get(ctx, ref); err != nil {
		return fmt.Errorf("creating vpsienode: %w", err)
	}
	if in.Managed != nil {
		return provisionManaged(ctx, in, out, *ref)
	}
	vps, err := createVPS(ctx, in, out, *ref)
	if err != nil {
		return err
	}
	out.VPSID = vps.VPSID
	if err := record(kubeWrite(ctx), *ref, contract.PhaseProvisioning, vps.VPSState, ""); err != nil {
		return err
	}
	if vps, err = waitRunning(ctx, vps.VPSID, in.Timeouts.Boot, out); err != nil {
		return err
	}
	if err := record(kubeWrite(ctx), *ref, contract.PhaseProvisioned, vps.VPSState, ""); err != nil {
		return err
	}
	return join(ctx, in, out, *ref)
}

func createVPS(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) (contract.CreateOwnedVPSResult, error) {
	owner := contract.Owner{Cluster: in.Cluster, Namespace: in.Namespace, Name: out.Name, UID: ref.UID}
	join := in.Template
	req := contract.CreateOwnedVPSInput{Owner: owner, Hostname: out.Name, OfferingID: out.Placement.OfferingID,
		DatacenterID: out.Placement.DatacenterID, ImageID: in.Template.ImageID, Tags: in.Template.Tags, Join: &join,
		TokenTTL: in.Timeouts.TokenTTL()}
	var vps contract.CreateOwnedVPSResult
	if err := workflow.ExecuteActivity(vpsieCreate(ctx), contract.CreateOwnedVPSActivity, req).Get(ctx, &vps); err != nil {
		return vps, fmt.Errorf("creating vps: %w", err)
	}
	return vps, nil
}

// waitRunning polls the VPS with durable timers until it runs; a failed boot or the
// boot timeout is a failure of the node.
func waitRunning(ctx workflow.Context, id string, timeout time.Duration, out *contract.NodeOutcome) (contract.CreateOwnedVPSResult, error) {
	deadline := workflow.Now(ctx).Add(timeout)
	for {
		var st contract.VPSState
		if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.GetVPSStateActivity,
			contract.GetVPSStateInput{VPSID: id}).Get(ctx, &st); err != nil {
			return contract.CreateOwnedVPSResult{}, fmt.Errorf("reading vps %s: %w", id, err)
		}
		switch {
		case st.Status == vpsRunning:
			return contract.CreateOwnedVPSResult{VPSState: st}, nil
		case st.Status == vpsFailed || !st.Found:
			out.Reason = contract.FailureBoot
			return contract.CreateOwnedVPSResult{}, fmt.Errorf("vps %s did not boot (status %q)", id, st.Status)
		case !workflow.Now(ctx).Before(deadline):
			out.Reason = contract.FailureBootTimeout
			return contract.CreateOwnedVPSResult{}, fmt.Errorf("vps %s not running after %s", id, timeout)
		}
		if err := workflow.Sleep(ctx, vpsPollInterval); err != nil {
			return contract.CreateOwnedVPSResult{}, err
		}
	}
}

// VPS statuses the workflow acts on (the API's spelling).
const (
	vpsRunning = "running"
	vpsFailed  = "failed"
)

// join waits for the Node, revokes its bootstrap token (the kubelet has its own
// credentials now), labels and taints it and waits until it is Ready. Once the
// Node has registered it may run pods, so a Kubernetes write about it is retried for
// minutes (liveNodeWrite), and one that still fails is a joinedNodeError: the node is
// drained, not deleted bare. It is reported Ready only once its record says so.
func join(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) error {
	wait := expectedNode(out, in.Timeouts.Join)
	if err := workflow.ExecuteActivity(longWait(ctx, in.Timeouts.Join), contract.WaitNodeRegisteredActivity, wait).Get(ctx, &out.NodeName); err != nil {
		out.Reason = contract.FailureJoinTimeout
		return fmt.Errorf("waiting for node %s to register: %w", out.Name, err)
	}
	revokeToken(ctx, in, ref)
	if err := record(liveNodeWrite(ctx), ref, contract.PhaseJoining, contract.VPSState{VPSID: out.VPSID}, out.NodeName); err != nil {
		return joinedFailure(err)
	}
	apply := contract.ApplyNodeTemplateInput{NodeName: out.NodeName, Labels: nodeLabels(in, out), Taints: in.Template.Taints,
		ProviderID: wait.ProviderID}
	if err := workflow.ExecuteActivity(liveNodeWrite(ctx), contract.ApplyNodeTemplateActivity, apply).Get(ctx, nil); err != nil {
		return joinedFailure(fmt.Errorf("labelling node %s: %w", out.NodeName, err))
	}
	wait.NodeName, wait.Timeout = out.NodeName, in.Timeouts.Ready
	if err := workflow.ExecuteActivity(longWait(ctx, in.Timeouts.Ready), contract.WaitNodeReadyActivity, wait).Get(ctx, nil); err != nil {
		out.Reason = contract.FailureNotReady
		return fmt.Errorf("waiting for node %s to be ready: %w", out.NodeName, err)
	}
	if err := record(liveNodeWrite(ctx), ref, contract.PhaseReady, contract.VPSState{VPSID: out.VPSID}, out.NodeName); err != nil {
		return joinedFailure(err)
	}
	out.Ready = true
	return nil
}

// joinedFailure marks a failure of a joined node, except a gone owner (reclaimed as
// any other) and a cancellation (compensated: the workflow is being stopped).
func joinedFailure(err error) error {
	var appErr *temporal.ApplicationError
	if (errors.As(err, &appErr) && appErr.Type() == contract.ErrOwnerGone) || temporal.IsCanceledError(err) {
		return err
	}
	return &joinedNodeError{err: err}
}

func nodeLabels(in contract.ScaleUpInput, out *contract.NodeOutcome) map[string]string {
	labels := map[string]string{}
	for k, v := range in.Template.Labels {
		labels[k] = v
	}
	labels[contract.LabelManaged] = "true"
	labels[contract.LabelNodeGroup] = in.NodeGroup
	labels[contract.LabelVPSieNode] = out.Name
	labels[contract.LabelOffering] = out.Placement.OfferingID
	labels[contract.LabelDatacenter] = out.Placement.DatacenterID
	return labels
}

// record writes a phase on the create path: the VPSieNode must still be the one the
// VPS was made for (MustExist), else the activity fails with ErrOwnerGone. ctx carries
// the activity options.
func record(ctx workflow.Context, ref contract.VPSieNodeRef, phase string, st contract.VPSState, nodeName string) error {
	in := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: phase, VPSID: st.VPSID, IP: st.IP, NodeName: nodeName,
		MustExist: true}
	if err := workflow.ExecuteActivity(ctx, contract.RecordVPSieNodeActivity, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("recording vpsienode %s %s: %w", ref.Name, phase, err)
	}
	return nil
}

// compensate marks the node's VPSieNode Failed with why (and the VPS, if one was made,
// so the termination starts from it), then deletes it: its finalizer starts the
// termination workflow, which deletes the VPS and the Node through the one ownership
// rule. It runs disconnected, so it also runs after the workflow is cancelled.
//
// Its bootstrap token is revoked before the VPSieNode goes, so a VPS that boots late can
// no longer join. A node without a VPSieNode (made.UID empty) has no token.
func compensate(ctx workflow.Context, in contract.ScaleUpInput, out contract.NodeOutcome, made contract.VPSieNodeRef, why string) {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	ref := contract.VPSieNodeRef{Namespace: in.Namespace, Name: out.Name}
	markFailed(ctx, ref, out, why)
	revokeToken(ctx, in, made)
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("Could not delete the vpsienode of a failed node", "vpsienode", out.Name, "error", err)
	}
}

func markFailed(ctx workflow.Context, ref contract.VPSieNodeRef, out contract.NodeOutcome, why string) {
	fail := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: contract.PhaseFailed, VPSID: out.VPSID,
		NodeName: out.NodeName, LastError: why}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordVPSieNodeActivity, fail).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("Could not mark vpsienode failed", "vpsienode", ref.Name, "error", err)
	}
}

// drainJoined takes a joined node whose Kubernetes writes kept failing out through the
// drain path (DrainAndDelete: cordon, evict with PDBs respected, then the VPSieNode's
// termination), never a bare delete: it may already run pods. It runs disconnected.
func drainJoined(ctx workflow.Context, in contract.ScaleUpInput, out contract.NodeOutcome, ref contract.VPSieNodeRef) {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	log := workflow.GetLogger(ctx)
	markFailed(ctx, ref, out, out.Failure)
	drain := contract.DrainAndDeleteInput{NodeName: out.NodeName, Namespace: in.Namespace, NodeGroup: in.NodeGroup,
		VPSieNode: ref, Reason: "scale-up failed after the node joined: " + out.Failure}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: contract.DrainWorkflowID(out.NodeName)})
	var res contract.DrainAndDeleteResult
	if err := workflow.ExecuteChildWorkflow(cctx, contract.DrainAndDeleteWorkflow, drain).Get(ctx, &res); err != nil {
		log.Error("Could not drain a joined node whose scale-up failed", "node", out.NodeName, "vpsienode", out.Name, "error", err)
		return
	}
	log.Warn("Drained a joined node whose scale-up failed", "node", out.NodeName, "vpsienode", out.Name,
		"outcome", res.Outcome, "reason", res.Reason)
}

// reclaim deletes what was made for a VPSieNode that is gone (deleted, replaced or
// being deleted) while its node was provisioned: the VPS just made and its Node, through
// the termination's steps and so the one ownership rule. With no VPS made there is
// nothing to reclaim (the create refused before its POST). It runs disconnected.
func reclaim(ctx workflow.Context, in contract.ScaleUpInput, out contract.NodeOutcome, ref contract.VPSieNodeRef) {
	if out.VPSID == "" {
		return
	}
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	if out.NodeName == "" { // a registered node's token was revoked when it joined
		revokeToken(ctx, in, ref)
	}
	log := workflow.GetLogger(ctx)
	log.Warn("VPSieNode gone while its node was provisioned; deleting the VPS made for it", "vpsienode", out.Name,
		"vps", out.VPSID)
	gone := contract.TerminateVPSieNodeInput{Namespace: in.Namespace, Name: out.Name, UID: ref.UID, Cluster: in.Cluster,
		VPSID: out.VPSID, Hostname: out.Name, NodeName: out.NodeName}
	if _, err := destroy(ctx, gone); err != nil {
		log.Error("Could not delete the VPS of a gone vpsienode; the orphan collector will", "vpsienode", out.Name,
			"vps", out.VPSID, "error", err)
	}
}

// revokeToken deletes the node's bootstrap token. A failure only leaves the token until it
// expires (contract.ScaleUpTimeouts.TokenTTL), so it is logged, not fatal to the node.
// A node without a VPSieNode, or a managed worker, has none.
func revokeToken(ctx workflow.Context, in contract.ScaleUpInput, ref contract.VPSieNodeRef) {
	if ref.UID == "" || in.Managed != nil { // a managed cluster joins its workers itself: no token was issued
		return
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RevokeBootstrapTokenActivity, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("Could not revoke the bootstrap token of a node; it expires on its own",
			"vpsienode", ref.Name, "error", err)
	}
}
