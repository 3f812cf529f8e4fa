package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// VPSieAPI is the part of the VPSie client the activities use. The client is
// built with its own retries off: Temporal's retry policy is the one retry
// layer, while the client's rate limiter and circuit breaker stay on.
type VPSieAPI interface {
	GetVM(ctx context.Context, id string) (vpsie.VM, error)
	FindVMByHostname(ctx context.Context, hostname string) (vpsie.VM, bool, error)
	DeleteVM(ctx context.Context, id string) error
}

// VPSie holds the activities that talk to the VPSie API.
type VPSie struct {
	API VPSieAPI
	// PollInterval is how often DeleteVPS checks whether the VPS is gone.
	PollInterval time.Duration
}

// DeleteVPS deletes a VPS and returns once the API no longer knows it. A VPS
// that is already gone is success, so retries and re-runs are harmless.
func (v *VPSie) DeleteVPS(ctx context.Context, in contract.DeleteVPSInput) (contract.DeleteVPSResult, error) {
	id, err := v.resolve(ctx, in)
	if err != nil || id == "" {
		return contract.DeleteVPSResult{}, err
	}
	log := activity.GetLogger(ctx)
	log.Info("Deleting VPS", "vps", id, "hostname", in.Hostname)
	if err := v.API.DeleteVM(ctx, id); err != nil {
		return contract.DeleteVPSResult{}, vpsieError("deleting vps", err)
	}
	if err := v.waitGone(ctx, id); err != nil {
		return contract.DeleteVPSResult{}, err
	}
	return contract.DeleteVPSResult{Deleted: true, VPSID: id}, nil
}

// resolve finds the VPS by ID, or by hostname when the ID was never recorded
// (a crash between create and record). An empty ID means there is nothing to delete.
func (v *VPSie) resolve(ctx context.Context, in contract.DeleteVPSInput) (string, error) {
	if in.VPSID != "" {
		return in.VPSID, nil
	}
	if in.Hostname == "" {
		return "", nonRetryable("delete vps needs a vps id or a hostname")
	}
	vm, found, err := v.API.FindVMByHostname(ctx, in.Hostname)
	if err != nil {
		return "", vpsieError("finding vps by hostname", err)
	}
	if !found {
		return "", nil
	}
	return vm.Identifier, nil
}

func (v *VPSie) waitGone(ctx context.Context, id string) error {
	interval := v.PollInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	for {
		vm, err := v.API.GetVM(ctx, id)
		if errors.Is(err, vpsie.ErrNotFound) {
			return nil
		}
		if err != nil {
			return vpsieError("checking vps deletion", err)
		}
		activity.RecordHeartbeat(ctx, string(vm.Status))
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for vps %s to go: %w", id, ctx.Err())
		case <-time.After(interval):
		}
	}
}
