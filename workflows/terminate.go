package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TerminateVPSieNode deletes the VPS behind a VPSieNode that is being deleted, then its
// Node, and then removes the finalizer that held the object. The recorded VPS is judged
// and deleted first, so nothing about other VPSs can hold it up; then every VPS of the
// hostname that is ours goes too (a lost create or a duplicate). A VPS that is not ours
// is left alone and reported. Each step is one idempotent activity, so a failed call
// is retried alone, and a second run after a crash is harmless.
func TerminateVPSieNode(ctx workflow.Context, in contract.TerminateVPSieNodeInput) (contract.TerminateResult, error) {
	ref := contract.VPSieNodeRef{Namespace: in.Namespace, Name: in.Name, UID: in.UID}
	phase := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: contract.PhaseDeleting}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordVPSieNodeActivity, phase).Get(ctx, nil); err != nil {
		return contract.TerminateResult{}, fmt.Errorf("marking vpsienode deleting: %w", err)
	}
	if in.WorkerID != "" {
		return terminateManaged(ctx, in, ref)
	}
	res, err := destroy(ctx, in)
	if err != nil {
		return res, err
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.ReleaseVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("releasing vpsienode finalizer: %w", err)
	}
	return res, nil
}

// destroy deletes every VPS of the input's VPSieNode that the ownership rule lets go,
// waits until each is gone, and then deletes the Node: the termination's steps, which a
// scale-up whose VPSieNode vanished reuses for the VPS it made.
func destroy(ctx workflow.Context, in contract.TerminateVPSieNodeInput) (contract.TerminateResult, error) {
	var res contract.TerminateResult
	judged, err := vpsToDelete(ctx, in, &res)
	if err != nil {
		return res, err
	}
	for _, j := range judged {
		if err := deleteVPS(ctx, in, j); err != nil {
			return res, err
		}
		res.Deleted = append(res.Deleted, j.VPSID)
		if j.Verdict == contract.VerdictUntagged {
			res.Untagged = append(res.Untagged, j.VPSID)
		}
	}
	report(ctx, in, res)
	node := contract.DeleteVPSieNodeNodeInput{VPSieNode: contract.VPSieNodeRef{Namespace: in.Namespace, Name: in.Name,
		UID: in.UID}, NodeName: in.NodeName, VPSIDs: res.Deleted}
	if node.NodeName == "" {
		node.NodeName = in.Hostname
	}
	// A recorded VPS that is already gone (an earlier run deleted it) still names the Node;
	// a foreign one never does.
	node.VPSIDs = append(node.VPSIDs, res.Gone...)
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeNodeActivity, node).Get(ctx, &res.Node); err != nil {
		return res, fmt.Errorf("deleting node %s: %w", node.NodeName, err)
	}
	return res, nil
}

// vpsToDelete judges the recorded VPS, then every other VPS of the hostname, and
// returns those that are deletable; the rest go to res.LeftAlone.
func vpsToDelete(ctx workflow.Context, in contract.TerminateVPSieNodeInput, res *contract.TerminateResult) ([]contract.JudgedVPS, error) {
	var out []contract.JudgedVPS
	if in.VPSID != "" {
		var j contract.JudgedVPS
		inspect := contract.InspectVPSInput{VPSID: in.VPSID, Hostname: in.Hostname, Owner: in.Owner()}
		if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.InspectVPSActivity, inspect).Get(ctx, &j); err != nil {
			return nil, fmt.Errorf("inspecting recorded vps %s: %w", in.VPSID, err)
		}
		out = keep(out, res, j)
	}
	var found contract.FindOwnedVPSResult
	// Without a recorded VPS, a create may have landed just before this run and not be
	// listed yet: only a lookup after the listing lag may say "no VPS".
	find := contract.FindOwnedVPSInput{Hostname: in.Hostname, Owner: in.Owner(), AwaitListingLag: in.VPSID == ""}
	opts := vpsieCall(ctx)
	if find.AwaitListingLag {
		opts = vpsieCreate(ctx)
	}
	if err := workflow.ExecuteActivity(opts, contract.FindOwnedVPSActivity, find).Get(ctx, &found); err != nil {
		return nil, fmt.Errorf("finding vps by hostname %s: %w", in.Hostname, err)
	}
	for _, j := range found.Owned {
		if len(out) == 0 || out[0].VPSID != j.VPSID {
			out = keep(out, res, j)
		}
	}
	for _, j := range found.LeftAlone {
		if j.VPSID != in.VPSID {
			res.LeftAlone = append(res.LeftAlone, j)
		}
	}
	return out, nil
}

// keep sorts one judged VPS into the deletable list or the left-alone report; a gone
// VPS needs neither.
func keep(out []contract.JudgedVPS, res *contract.TerminateResult, j contract.JudgedVPS) []contract.JudgedVPS {
	switch {
	case j.Verdict.Deletable():
		return append(out, j)
	case j.Verdict == contract.VerdictForeign:
		res.LeftAlone = append(res.LeftAlone, j)
	case j.Verdict == contract.VerdictGone && j.VPSID != "":
		res.Gone = append(res.Gone, j.VPSID)
	}
	return out
}

// deleteVPS deletes one judged VPS and waits until the API no longer lists it as live.
func deleteVPS(ctx workflow.Context, in contract.TerminateVPSieNodeInput, j contract.JudgedVPS) error {
	del := contract.DeleteOwnedVPSInput{VPSID: j.VPSID, Hostname: in.Hostname, Owner: in.Owner(), Verdict: j.Verdict}
	if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.DeleteOwnedVPSActivity, del).Get(ctx, nil); err != nil {
		return fmt.Errorf("deleting vps %s: %w", j.VPSID, err)
	}
	return waitVPSGone(ctx, j.VPSID)
}

// waitVPSGone polls with durable timers: each read is one activity, so the wait
// survives worker restarts and a failed read is retried alone. A VPS the API reports
// as deleted, or no longer knows, is gone.
func waitVPSGone(ctx workflow.Context, id string) error {
	for {
		var st contract.VPSState
		if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.GetVPSStateActivity,
			contract.GetVPSStateInput{VPSID: id}).Get(ctx, &st); err != nil {
			return fmt.Errorf("checking vps %s deletion: %w", id, err)
		}
		if !st.Found {
			return nil
		}
		if err := workflow.Sleep(ctx, vpsPollInterval); err != nil {
			return fmt.Errorf("waiting for vps %s to go: %w", id, err)
		}
	}
}

func report(ctx workflow.Context, in contract.TerminateVPSieNodeInput, res contract.TerminateResult) {
	log := workflow.GetLogger(ctx)
	log.Info("VPS gone", "vpsienode", in.Name, "vps", res.Deleted)
	if len(res.Untagged) > 0 {
		log.Warn("Deleted a recorded VPS that carried none of our tags (hostname matched)",
			"vpsienode", in.Name, "vps", res.Untagged)
	}
	for _, j := range res.LeftAlone {
		log.Warn("VPS left alone: not ours", "vpsienode", in.Name, "vps", j.VPSID, "why", j.Why)
	}
}
