package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
// that is already gone is success, so retries and re-runs are harmless. The
// recorded VPS goes first, so nothing about other VPSs can hold it up; then,
// with an Owner, every VPS of the hostname it owns goes too (a lost create or
// a duplicate), and one it does not own is reported and left alone.
func (v *VPSie) DeleteVPS(ctx context.Context, in contract.DeleteVPSInput) (contract.DeleteVPSResult, error) {
	var res contract.DeleteVPSResult
	if in.VPSID == "" && in.Hostname == "" {
		return res, nonRetryable("delete vps needs a vps id or a hostname")
	}
	if in.VPSID != "" {
		if err := v.deleteAndWait(ctx, in.VPSID, in.Hostname); err != nil {
			return res, err
		}
		res.Deleted, res.VPSID = true, in.VPSID
	}
	ids, err := v.byHostname(ctx, in, &res)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		if err := v.deleteAndWait(ctx, id, in.Hostname); err != nil {
			return res, err
		}
		if !res.Deleted {
			res.Deleted, res.VPSID = true, id
		}
	}
	if len(res.LeftAlone) > 0 {
		activity.GetLogger(ctx).Warn("VPS with the hostname is not ours; left alone", "hostname", in.Hostname,
			"vps", res.LeftAlone)
	}
	return res, nil
}

func (v *VPSie) deleteAndWait(ctx context.Context, id, hostname string) error {
	activity.RecordHeartbeat(ctx, "deleting "+id)
	activity.GetLogger(ctx).Info("Deleting VPS", "vps", id, "hostname", hostname)
	if err := v.API.DeleteVM(ctx, id); err != nil {
		return vpsieError("deleting vps", err)
	}
	return v.waitGone(ctx, id)
}

// byHostname lists the other VPSs of the hostname to delete: those the Owner
// owns (the rest go to res.LeftAlone). A run from before ownership tags (no
// Owner) keeps its old rule: with no recorded VPS, the hostname's preferred
// match.
func (v *VPSie) byHostname(ctx context.Context, in contract.DeleteVPSInput, res *contract.DeleteVPSResult) ([]string, error) {
	if in.Hostname == "" {
		return nil, nil
	}
	activity.RecordHeartbeat(ctx, "finding vps by hostname")
	if in.Owner == nil {
		if in.VPSID != "" {
			return nil, nil
		}
		vm, found, err := v.API.FindVMByHostname(ctx, in.Hostname)
		if err != nil || !found {
			return nil, vpsieErrorIf("finding vps by hostname", err)
		}
		return []string{vm.Identifier}, nil
	}
	vms, err := v.API.ListVMs(ctx, vpsie.VMFilter{Hostname: in.Hostname})
	if err != nil {
		return nil, vpsieError("finding vps by hostname", err)
	}
	var ids []string
	for _, vm := range vms {
		if vm.Identifier == in.VPSID || strconv.FormatInt(vm.ID, 10) == in.VPSID {
			continue
		}
		owned, gone, err := v.owned(ctx, vm, *in.Owner)
		switch {
		case err != nil:
			return nil, err
		case gone:
		case owned:
			ids = append(ids, vm.Identifier)
		default:
			res.LeftAlone = append(res.LeftAlone, vm.Identifier)
		}
	}
	return ids, nil
}

// owned decides from the VM's tags. A listing may leave tags out or short
// (shape B's list items have none), so a VM the listing does not show as owned
// is read in detail before it is judged; gone means it vanished meanwhile. A
// detail the API refuses for good proves nothing, so that VM is not owned.
func (v *VPSie) owned(ctx context.Context, vm vpsie.VM, o contract.Owner) (owned, gone bool, err error) {
	if o.Owns(vm.Tags) {
		return true, false, nil
	}
	detail, err := v.API.GetVM(ctx, vm.Identifier)
	switch {
	case errors.Is(err, vpsie.ErrNotFound):
		return false, true, nil
	case err != nil && vpsie.IsRetryable(err):
		return false, false, vpsieError("reading vps tags", err)
	case err != nil:
		activity.GetLogger(ctx).Warn("Cannot read the tags of a VPS with the hostname", "vps", vm.Identifier,
			"error", err)
		return false, false, nil
	}
	return o.Owns(detail.Tags), false, nil
}

// vpsieErrorIf is vpsieError for a possibly nil error.
func vpsieErrorIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return vpsieError(what, err)
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
