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
// the VPSieNode, create its VPS (exactly once per hostname), wait until it runs, until
// its Node registers, label and taint the Node, wait until it is Ready. A node that
// fails is compensated (its VPSieNode is marked Failed and deleted, and the termination
// path deletes its VPS and Node) while the others go on.
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
		err := provisionAt(ctx, in, &out)
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == contract.ErrVPSieCapacityExhausted && k+1 < len(n.Placements) {
			workflow.GetLogger(ctx).Info("No capacity; trying the next placement", "vpsienode", out.Name,
				"offering", p.OfferingID, "datacenter", p.DatacenterID)
			compensate(ctx, in, out.Name, "no capacity: "+err.Error())
			continue
		}
		if err != nil {
			out.Failure = err.Error()
			if out.Reason == "" {
				out.Reason = failureReason(appErr)
			}
			compensate(ctx, in, out.Name, out.Failure)
		}
		return out
	}
	out.Failure, out.Reason = "no placement", contract.FailureCapacity
	return out
}

func failureReason(appErr *temporal.ApplicationError) string {
	if appErr != nil && appErr.Type() == contract.ErrVPSieCapacityExhausted {
		return contract.FailureCapacity
	}
	return contract.FailureCreate
}

// provisionAt runs the steps of one node at one placement, recording each on out.
func provisionAt(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome) error {
	var ref contract.VPSieNodeRef
	create := contract.CreateVPSieNodeInput{Namespace: in.Namespace, Name: out.Name, NodeGroup: in.NodeGroup,
		Placement: out.Placement, ImageID: in.Template.ImageID, Batch: in.Batch}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.CreateVPSieNodeActivity, create).Get(ctx, &ref); err != nil {
		return fmt.Errorf("creating vpsienode: %w", err)
	}
	if in.Managed != nil {
		return provisionManaged(ctx, in, out, ref)
	}
	vps, err := createVPS(ctx, in, out, ref)
	if err != nil {
		return err
	}
	out.VPSID = vps.VPSID
	if err := record(ctx, ref, contract.PhaseProvisioning, vps.VPSState, ""); err != nil {
		return err
	}
	if vps, err = waitRunning(ctx, vps.VPSID, in.Timeouts.Boot, out); err != nil {
		return err
	}
	if err := record(ctx, ref, contract.PhaseProvisioned, vps.VPSState, ""); err != nil {
		return err
	}
	return join(ctx, in, out, ref)
}

func createVPS(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) (contract.CreateOwnedVPSResult, error) {
	owner := contract.Owner{Cluster: in.Cluster, Namespace: in.Namespace, Name: out.Name, UID: ref.UID}
	join := in.Template
	req := contract.CreateOwnedVPSInput{Owner: owner, Hostname: out.Name, OfferingID: out.Placement.OfferingID,
		DatacenterID: out.Placement.DatacenterID, ImageID: in.Template.ImageID, Tags: in.Template.Tags, Join: &join}
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

// join waits for the Node, labels and taints it and waits until it is Ready.
func join(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) error {
	wait := expectedNode(out, in.Timeouts.Join)
	if err := workflow.ExecuteActivity(longWait(ctx, in.Timeouts.Join), contract.WaitNodeRegisteredActivity, wait).Get(ctx, &out.NodeName); err != nil {
		out.Reason = contract.FailureJoinTimeout
		return fmt.Errorf("waiting for node %s to register: %w", out.Name, err)
	}
	if err := record(ctx, ref, contract.PhaseJoining, contract.VPSState{VPSID: out.VPSID}, out.NodeName); err != nil {
		return err
	}
	apply := contract.ApplyNodeTemplateInput{NodeName: out.NodeName, Labels: nodeLabels(in, out), Taints: in.Template.Taints}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.ApplyNodeTemplateActivity, apply).Get(ctx, nil); err != nil {
		return fmt.Errorf("labelling node %s: %w", out.NodeName, err)
	}
	wait.NodeName, wait.Timeout = out.NodeName, in.Timeouts.Ready
	if err := workflow.ExecuteActivity(longWait(ctx, in.Timeouts.Ready), contract.WaitNodeReadyActivity, wait).Get(ctx, nil); err != nil {
		out.Reason = contract.FailureNotReady
		return fmt.Errorf("waiting for node %s to be ready: %w", out.NodeName, err)
	}
	out.Ready = true
	return record(ctx, ref, contract.PhaseReady, contract.VPSState{VPSID: out.VPSID}, out.NodeName)
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

func record(ctx workflow.Context, ref contract.VPSieNodeRef, phase string, st contract.VPSState, nodeName string) error {
	in := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: phase, VPSID: st.VPSID, IP: st.IP, NodeName: nodeName}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordVPSieNodeActivity, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("recording vpsienode %s %s: %w", ref.Name, phase, err)
	}
	return nil
}

// compensate marks the node's VPSieNode Failed with why, then deletes it: its finalizer
// starts the termination workflow, which deletes the VPS (if one was made) and the Node
// through the one ownership rule. It runs disconnected, so it also runs after the
// workflow is cancelled.
func compensate(ctx workflow.Context, in contract.ScaleUpInput, name, why string) {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	ref := contract.VPSieNodeRef{Namespace: in.Namespace, Name: name}
	log := workflow.GetLogger(ctx)
	fail := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: contract.PhaseFailed, LastError: why}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordVPSieNodeActivity, fail).Get(ctx, nil); err != nil {
		log.Warn("Could not mark vpsienode failed", "vpsienode", name, "error", err)
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
		log.Error("Could not delete the vpsienode of a failed node", "vpsienode", name, "error", err)
	}
}
