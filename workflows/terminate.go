package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// terminateActivityOptions retry without a deadline: a VPS we cannot delete
// keeps costing money, so the workflow keeps trying (visible in the Web UI)
// until the API lets it or an operator intervenes. Heartbeats detect a worker
// that died while waiting for the VPS to disappear.
var terminateActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Minute,
	HeartbeatTimeout:    time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    2 * time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    2 * time.Minute,
	},
}

// TerminateVPSieNode deletes the VPS behind a VPSieNode that is being deleted
// and then removes the finalizer that held the object. Every step is
// idempotent, so a retry or a second run after a crash is harmless.
func TerminateVPSieNode(ctx workflow.Context, in contract.TerminateVPSieNodeInput) (contract.DeleteVPSResult, error) {
	ctx = workflow.WithActivityOptions(ctx, terminateActivityOptions)
	ref := contract.VPSieNodeRef{Namespace: in.Namespace, Name: in.Name, UID: in.UID}
	log := workflow.GetLogger(ctx)

	phase := contract.SetVPSieNodePhaseInput{VPSieNodeRef: ref, Phase: contract.PhaseDeleting}
	if err := workflow.ExecuteActivity(ctx, contract.SetVPSieNodePhaseActivity, phase).Get(ctx, nil); err != nil {
		return contract.DeleteVPSResult{}, fmt.Errorf("marking vpsienode deleting: %w", err)
	}
	var res contract.DeleteVPSResult
	del := contract.DeleteVPSInput{VPSID: in.VPSID, Hostname: in.Hostname}
	if in.Cluster != "" {
		del.Owner = &contract.Owner{Cluster: in.Cluster, Namespace: in.Namespace, Name: in.Name, UID: in.UID}
	}
	if err := workflow.ExecuteActivity(ctx, contract.DeleteVPSActivity, del).Get(ctx, &res); err != nil {
		return contract.DeleteVPSResult{}, fmt.Errorf("deleting vps: %w", err)
	}
	log.Info("VPS gone", "vps", res.VPSID, "deleted", res.Deleted)
	if len(res.LeftAlone) > 0 {
		log.Warn("VPS with the hostname left alone: not tagged as ours", "hostname", in.Hostname,
			"vps", res.LeftAlone)
	}
	if err := workflow.ExecuteActivity(ctx, contract.ReleaseVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
		return contract.DeleteVPSResult{}, fmt.Errorf("releasing vpsienode finalizer: %w", err)
	}
	return res, nil
}
