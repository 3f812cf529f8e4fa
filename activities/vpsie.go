package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	ListVMs(ctx context.Context, f vpsie.VMFilter) ([]vpsie.VM, error)
	DeleteVM(ctx context.Context, id string) error
}

// VPSie holds the activities that talk to the VPSie API.
type VPSie struct {
	API VPSieAPI
	// PollInterval is how often DeleteVPS checks whether the VPS is gone.
	PollInterval time.Duration
}

// DeleteVPS deletes a VPS and returns once the API no longer knows it. A VPS
// that is already gone is success, so retries and re-runs are harmless. Found
// by hostname, every VPS of ours with it goes (duplicates included); one
// without the required tags is reported and left alone.
func (v *VPSie) DeleteVPS(ctx context.Context, in contract.DeleteVPSInput) (contract.DeleteVPSResult, error) {
	activity.RecordHeartbeat(ctx, "resolving")
	ids, res, err := v.resolve(ctx, in)
	if err != nil {
		return contract.DeleteVPSResult{}, err
	}
	log := activity.GetLogger(ctx)
	if len(res.LeftAlone) > 0 {
		log.Warn("VPS with the hostname is not tagged as ours; left alone", "hostname", in.Hostname,
			"vps", res.LeftAlone)
	}
	for _, id := range ids {
		activity.RecordHeartbeat(ctx, "deleting "+id)
		log.Info("Deleting VPS", "vps", id, "hostname", in.Hostname)
		if err := v.API.DeleteVM(ctx, id); err != nil {
			return contract.DeleteVPSResult{}, vpsieError("deleting vps", err)
		}
		if err := v.waitGone(ctx, id); err != nil {
			return contract.DeleteVPSResult{}, err
		}
	}
	if len(ids) > 0 {
		res.Deleted, res.VPSID = true, ids[0]
	}
	return res, nil
}

// resolve finds the VPS by ID, or by hostname when the ID was never recorded
// (a crash between create and record): those carrying in.RequireTags are to be
// deleted, the others go to LeftAlone. No IDs means nothing to delete.
func (v *VPSie) resolve(ctx context.Context, in contract.DeleteVPSInput) ([]string, contract.DeleteVPSResult, error) {
	var res contract.DeleteVPSResult
	if in.VPSID != "" {
		return []string{in.VPSID}, res, nil
	}
	if in.Hostname == "" {
		return nil, res, nonRetryable("delete vps needs a vps id or a hostname")
	}
	vms, err := v.API.ListVMs(ctx, vpsie.VMFilter{Hostname: in.Hostname})
	if err != nil {
		return nil, res, vpsieError("finding vps by hostname", err)
	}
	var ids []string
	for _, vm := range vms {
		if hasAll(vm.Tags, in.RequireTags) {
			ids = append(ids, vm.Identifier)
		} else {
			res.LeftAlone = append(res.LeftAlone, vm.Identifier)
		}
	}
	return ids, res, nil
}

func hasAll(have, want []string) bool {
	for _, t := range want {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return true
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
