package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// This file is the ownership layer: the one place that decides whether a VPS is ours.
// The create path (adopting a VPS an earlier attempt made) and the delete path (by
// recorded ID or by hostname) both call it; the HTTP client only transports.

// statusDeleted is a VM the API deleted but still lists for a while (a soft delete).
const statusDeleted vpsie.VMStatus = "deleted"

// judge applies the ownership rule to a VM whose tags are complete (a detail read, or a
// listing that already shows it as ours). recorded is true for the VPS a VPSieNode
// recorded in status.vpsID: it may also be deleted when it carries none of our tags
// while its hostname matches (reported as Untagged), because status is the product's
// own record. A VPS found only by hostname must carry the owner's tags.
func judge(vm vpsie.VM, o contract.Owner, hostname string, recorded bool) (contract.Verdict, string) {
	switch {
	case vm.Status == statusDeleted:
		return contract.VerdictGone, "deleted"
	case !strings.EqualFold(vm.Hostname, hostname):
		return contract.VerdictForeign, fmt.Sprintf("hostname %q is not the VPSieNode's %q", vm.Hostname, hostname)
	case o.Owns(vm.Tags):
		return contract.VerdictOwned, ""
	case contract.HasReservedTags(vm.Tags):
		return contract.VerdictForeign, "tagged for another cluster or object"
	case recorded:
		return contract.VerdictUntagged, "recorded by the VPSieNode, hostname matches, carries none of our tags"
	}
	return contract.VerdictForeign, "carries none of our tags"
}

// inspect reads one VPS in detail (one API call) and judges it.
func (v *VPSie) inspect(ctx context.Context, id, hostname string, o contract.Owner, recorded bool) (contract.JudgedVPS, error) {
	activity.RecordHeartbeat(ctx, "reading vps "+id)
	vm, err := v.API.GetVM(ctx, id)
	if errors.Is(err, vpsie.ErrNotFound) {
		return contract.JudgedVPS{VPSState: contract.VPSState{VPSID: id}, Verdict: contract.VerdictGone, Why: "not found"}, nil
	}
	if err != nil {
		return contract.JudgedVPS{}, vpsieError("reading vps "+id, err)
	}
	verdict, why := judge(vm, o, hostname, recorded)
	return contract.JudgedVPS{VPSState: stateOf(vm), Verdict: verdict, Why: why}, nil
}

// findOwned lists the VPSs of a hostname and judges each. A listing may leave tags out
// or short (shape B's list items carry none), so a VM the listing does not show as ours
// is read in detail before it is judged; a VM the listing shows as ours is ours.
func (v *VPSie) findOwned(ctx context.Context, hostname string, o contract.Owner) (contract.FindOwnedVPSResult, error) {
	var res contract.FindOwnedVPSResult
	activity.RecordHeartbeat(ctx, "listing vps "+hostname)
	vms, err := v.API.ListVMs(ctx, vpsie.VMFilter{Hostname: hostname})
	if err != nil {
		return res, vpsieError("listing vps "+hostname, err)
	}
	for _, vm := range vms {
		j := contract.JudgedVPS{VPSState: stateOf(vm), Verdict: contract.VerdictOwned}
		if vm.Status == statusDeleted {
			continue
		}
		if !o.Owns(vm.Tags) {
			if j, err = v.inspect(ctx, vm.Identifier, hostname, o, false); err != nil {
				return res, err
			}
		}
		switch {
		case j.Verdict == contract.VerdictOwned:
			res.Owned = append(res.Owned, j)
		case j.Verdict == contract.VerdictForeign:
			res.LeftAlone = append(res.LeftAlone, j)
		}
	}
	return res, nil
}

// live picks the VPS that holds the hostname for a create: an owned one that is not on
// its way out.
func live(res contract.FindOwnedVPSResult) (contract.JudgedVPS, bool) {
	for _, j := range res.Owned {
		if j.Status != string(vpsie.VMStatusDeleting) {
			return j, true
		}
	}
	return contract.JudgedVPS{}, false
}

func stateOf(vm vpsie.VM) contract.VPSState {
	return contract.VPSState{VPSID: vm.Identifier, Hostname: vm.Hostname, Status: string(vm.Status), IP: vm.IP,
		Found: vm.Status != statusDeleted}
}

// Managed-Kubernetes workers carry no tags, so the ownership rule for them is the
// VPSieNode's record: a worker is the VPSieNode's only when its recorded identifier is
// listed (judgeWorker); a worker found by listing is attributed to a VPSieNode only as the
// one worker that appeared in its group across its own add (addedSince), never by hostname.

// judgeWorker judges the recorded worker id against a cluster-info listing.
func judgeWorker(listed []vpsie.K8sWorker, id string) contract.Verdict {
	for _, w := range listed {
		if w.Identifier == id {
			return contract.VerdictOwned
		}
	}
	return contract.VerdictGone
}

// workersOfGroup keeps the listed workers of group (all of them when the listing does not
// say which group a worker is in).
func workersOfGroup(listed []vpsie.K8sWorker, group int64) []contract.ManagedWorker {
	var out []contract.ManagedWorker
	for _, w := range listed {
		if w.GroupID == 0 || w.GroupID == group {
			out = append(out, workerOf(w))
		}
	}
	return out
}

// addedSince is the workers that a listing taken before an add did not show.
func addedSince(now []contract.ManagedWorker, before []string) []contract.ManagedWorker {
	var out []contract.ManagedWorker
	for _, w := range now {
		if !slices.Contains(before, w.WorkerID) {
			out = append(out, w)
		}
	}
	return out
}

func workerOf(w vpsie.K8sWorker) contract.ManagedWorker {
	return contract.ManagedWorker{WorkerID: w.Identifier, Hostname: w.Hostname, IP: w.IP, Status: w.Status}
}
