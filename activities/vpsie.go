package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// that is already gone is success, so retries and re-runs are harmless. With
// RequireTags, every other VPS of the hostname that carries them goes too (a
// duplicate of ours), and one without them is reported and left alone.
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

// resolve lists the VPSs to delete: the recorded one, and those found by
// hostname that carry in.RequireTags (the others go to LeftAlone). A run from
// before ownership tags (no RequireTags) keeps its old rule: the recorded VPS,
// else the hostname's preferred match.
func (v *VPSie) resolve(ctx context.Context, in contract.DeleteVPSInput) ([]string, contract.DeleteVPSResult, error) {
	var res contract.DeleteVPSResult
	var ids []string
	if in.VPSID != "" {
		ids = append(ids, in.VPSID)
	}
	switch {
	case in.Hostname == "" && in.VPSID == "":
		return nil, res, nonRetryable("delete vps needs a vps id or a hostname")
	case in.Hostname == "":
		return ids, res, nil
	case len(in.RequireTags) == 0:
		return v.resolveUntagged(ctx, in)
	}
	vms, err := v.API.ListVMs(ctx, vpsie.VMFilter{Hostname: in.Hostname})
	if err != nil {
		return nil, res, vpsieError("finding vps by hostname", err)
	}
	for _, vm := range vms {
		if vm.Identifier == in.VPSID || strconv.FormatInt(vm.ID, 10) == in.VPSID {
			continue
		}
		tags, gone, err := v.tagsOf(ctx, vm)
		switch {
		case err != nil:
			return nil, res, err
		case gone:
		case hasAll(tags, in.RequireTags):
			ids = append(ids, vm.Identifier)
		default:
			res.LeftAlone = append(res.LeftAlone, vm.Identifier)
		}
	}
	return ids, res, nil
}

func (v *VPSie) resolveUntagged(ctx context.Context, in contract.DeleteVPSInput) ([]string, contract.DeleteVPSResult, error) {
	if in.VPSID != "" {
		return []string{in.VPSID}, contract.DeleteVPSResult{}, nil
	}
	vm, found, err := v.API.FindVMByHostname(ctx, in.Hostname)
	switch {
	case err != nil:
		return nil, contract.DeleteVPSResult{}, vpsieError("finding vps by hostname", err)
	case !found:
		return nil, contract.DeleteVPSResult{}, nil
	}
	return []string{vm.Identifier}, contract.DeleteVPSResult{}, nil
}

// tagsOf returns a VM's tags. A listing may leave them out (shape B's list
// items have none), so a VM listed without tags is read in detail before it
// is judged; gone means it vanished meanwhile.
func (v *VPSie) tagsOf(ctx context.Context, vm vpsie.VM) (tags []string, gone bool, err error) {
	if len(vm.Tags) > 0 {
		return vm.Tags, false, nil
	}
	detail, err := v.API.GetVM(ctx, vm.Identifier)
	if errors.Is(err, vpsie.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, vpsieError("reading vps tags", err)
	}
	return detail.Tags, false, nil
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
