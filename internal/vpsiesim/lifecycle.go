package vpsiesim

import (
	"net/http"
	"sort"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// VMState is a live VM with the simulator's bookkeeping: when it finishes booting or deleting, and what it was
// created with (user data included, so tests can check what a node would boot with; the simulator plays the
// account, whose owner may read it).
type VMState struct {
	VM vpsieapi.VM `json:"vm"`
	// CreatedAt and RunningAt are when the create request was answered and when the VM turned running, at the
	// clock's full precision (the API's own created_on has whole seconds): benchmarks time nodes from them.
	CreatedAt time.Time `json:"created_at"`
	RunningAt time.Time `json:"running_at,omitzero"`
	BootsAt   time.Time `json:"boots_at"`
	FailBoot  bool      `json:"fail_boot,omitempty"`
	ReclaimAt time.Time `json:"reclaim_at,omitzero"`
	GoneAt    time.Time `json:"gone_at,omitzero"`
	// DeleteReason is why the VM is deleting: "api" or "interrupted".
	DeleteReason  string `json:"delete_reason,omitempty"`
	UserDataBytes int    `json:"user_data_bytes"`
	// UserData is the cloud-init the VM was created with, kept so tests can check it.
	UserData string `json:"user_data,omitempty"`
	// NodeRegistered: the machine registered its Node (once; a deleted Node is not re-created).
	NodeRegistered bool `json:"node_registered,omitempty"`
	// NodeReadyAt is when the registered Node goes Ready (Config.Kubelet.ReadyDelay after it registered).
	NodeReadyAt time.Time `json:"node_ready_at,omitzero"`
	// NodeError is why the VM's kubelet refused to start (a label it may not set, no kubelet installed, ...): the
	// VM runs and never becomes a Node.
	NodeError string   `json:"node_error,omitempty"`
	SSHKeys   []string `json:"ssh_keys,omitempty"`
	// Worker is set on a VM that is a managed cluster's worker (see k8s.go).
	Worker *ManagedWorker `json:"worker,omitempty"`
	Listing
}

// DeletedVM is a VM that is gone, kept so tests can see what existed. Like the real API, listings keep showing
// it in state "deleted" until ListedUntil (Realism.DeletedRetention after it went); GET by id is 404 at once.
type DeletedVM struct {
	VM          vpsieapi.VM `json:"vm"`
	CreatedAt   time.Time   `json:"created_at"`
	DeletedAt   time.Time   `json:"deleted_at"`
	Reason      string      `json:"reason"`
	ListedUntil time.Time   `json:"listed_until,omitzero"`
	Listing
}

// Delete reasons.
const (
	ReasonAPI         = "api"
	ReasonInterrupted = "interrupted"
)

// advanceLocked moves every VM through the transitions due at now; it reports whether anything changed.
func (s *Simulator) advanceLocked(now time.Time) bool {
	changed := false
	for _, id := range s.sortedIDs() {
		vm := s.vms[id]
		for s.stepLocked(vm, now) {
			changed = true
			if _, live := s.vms[id]; !live {
				break // gone: stepping a VM that left the map would record it as deleted twice
			}
		}
	}
	if changed {
		s.dirty = true
		s.changed()
	}
	return changed
}

// stepLocked applies at most one transition to vm.
func (s *Simulator) stepLocked(vm *VMState, now time.Time) bool {
	switch vm.VM.Status {
	case vpsieapi.StatusCreating:
		if now.Before(vm.BootsAt) {
			return false
		}
		if vm.FailBoot {
			s.setStatus(vm, vpsieapi.StatusFailed, now)
		} else {
			// From the boot time, not now: transitions are applied lazily (on a tick or a request).
			vm.RunningAt = vm.BootsAt
			s.setStatus(vm, vpsieapi.StatusRunning, now)
		}
	case vpsieapi.StatusInterrupting:
		if now.Before(vm.ReclaimAt) {
			return false
		}
		// From the reclaim time, not now: transitions are applied lazily and must not depend on when.
		s.startDeleteLocked(vm, vm.ReclaimAt, ReasonInterrupted)
	case vpsieapi.StatusDeleting:
		if now.Before(vm.GoneAt) {
			return false
		}
		s.goneLocked(vm)
	default:
		return false
	}
	return true
}

// goneLocked moves a VM whose deletion finished to the deleted list, in state "deleted". Its times are those of
// GoneAt, not of now, so a VM whose retention is over by the time anyone looks is never listed.
func (s *Simulator) goneLocked(vm *VMState) {
	at := vm.GoneAt
	delete(s.vms, vm.VM.ID)
	applyStatus(vm, vpsieapi.StatusDeleted, at)
	vm.VM.IsActive, vm.VM.IsDeleted, vm.VM.DroppedOn = 0, 1, at.UTC().Format(time.RFC3339)
	s.deleted = append(s.deleted, DeletedVM{VM: vm.VM, CreatedAt: vm.CreatedAt, DeletedAt: at, Reason: vm.DeleteReason,
		ListedUntil: at.Add(s.realism.DeletedRetention), Listing: vm.Listing})
	s.log.Info("vm gone", "vps", vm.VM.Identifier, "hostname", vm.VM.Hostname, "reason", vm.DeleteReason)
}

// setStatus moves vm to status and logs the transition.
func (s *Simulator) setStatus(vm *VMState, status string, now time.Time) {
	applyStatus(vm, status, now)
	s.log.Info("vm status", "vps", vm.VM.Identifier, "hostname", vm.VM.Hostname, "status", status)
}

func applyStatus(vm *VMState, status string, now time.Time) {
	vm.VM.Status, vm.VM.State = status, status
	vm.VM.Power = boolInt(status == vpsieapi.StatusRunning || status == vpsieapi.StatusInterrupting)
	vm.VM.LastUpdated = now.UTC().Format(time.RFC3339)
}

// startDeleteLocked puts vm in "deleting"; it is gone DeleteDelay later. Deleting twice keeps the first deadline.
func (s *Simulator) startDeleteLocked(vm *VMState, now time.Time, reason string) {
	if vm.VM.Status == vpsieapi.StatusDeleting {
		return
	}
	vm.GoneAt, vm.DeleteReason = now.Add(s.cfg.DeleteDelay), reason
	s.setStatus(vm, vpsieapi.StatusDeleting, now)
}

// Interrupt gives a running spot VM an interruption notice (POST /admin/vms/{id}/interrupt); notice <= 0 uses
// Config.InterruptionNotice. The VM is deleted when the notice ends.
func (s *Simulator) Interrupt(id string, notice time.Duration) (vpsieapi.VM, error) {
	if notice <= 0 {
		notice = s.cfg.InterruptionNotice
	}
	vm, aerr := s.withVM(id, func(vm *VMState, now time.Time) *apiError {
		if !vm.VM.Spot || vm.VM.Status != vpsieapi.StatusRunning {
			return &apiError{Status: http.StatusConflict, Reason: "not_interruptible",
				Message: "only running spot VMs can be interrupted"}
		}
		vm.ReclaimAt = now.Add(notice)
		vm.VM.InterruptionNotice = vm.ReclaimAt.UTC().Format(time.RFC3339)
		s.setStatus(vm, vpsieapi.StatusInterrupting, now)
		s.dirty = true
		return nil
	})
	if aerr != nil {
		return vpsieapi.VM{}, aerr // never a nil *apiError inside a non-nil error
	}
	return vm, nil
}

func (s *Simulator) sortedIDs() []int64 {
	ids := make([]int64, 0, len(s.vms))
	for id := range s.vms {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func cloneVM(vm vpsieapi.VM) vpsieapi.VM {
	vm.Tags = append([]string{}, vm.Tags...)
	return vm
}
