package vpsiesim

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// vmFilter selects VMs in a list call; empty fields match everything.
type vmFilter struct {
	tags      []string
	hostname  string
	projectID string
}

func (f vmFilter) match(vm vpsieapi.VM) bool {
	for _, t := range f.tags {
		if !slices.Contains(vm.Tags, t) {
			return false
		}
	}
	return (f.hostname == "" || vm.Hostname == f.hostname) && (f.projectID == "" || vm.ProjectID == f.projectID)
}

// createVM validates req and creates a VM. It never checks hostname uniqueness: the real API is not known to, and
// tests detect duplicate creates by counting VMs per hostname.
func (s *Simulator) createVM(req vpsieapi.CreateVMRequest, sh shape) (vpsieapi.VM, *apiError) {
	return s.createVMWith(req, sh, nil)
}

// createVMWith is createVM, with mark (if set) applied to the new VM's state before anyone can see it.
func (s *Simulator) createVMWith(req vpsieapi.CreateVMRequest, sh shape, mark func(*VMState)) (vpsieapi.VM, *apiError) {
	spec, aerr := s.validateCreate(req, sh)
	if aerr != nil {
		return vpsieapi.VM{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	if aerr := s.checkCapacityLocked(spec.dc.ID, spec.offering); aerr != nil {
		return vpsieapi.VM{}, aerr
	}
	s.nextID++
	id := s.nextID
	stamp := now.UTC().Format(time.RFC3339)
	vm := &VMState{
		VM: vpsieapi.VM{
			ID: id, Identifier: newUUID(), Name: first(req.Name, req.Hostname), Hostname: req.Hostname,
			Spot: spec.offering.Spot || req.Spot, CPU: spec.offering.CPU, RAM: spec.offering.RAM,
			SSD: spec.offering.Disk, Traffic: spec.offering.Bandwidth, DefaultIP: ipFor(id),
			OfferingID: spec.offering.ID, BoxsizeID: spec.offering.BoxsizeID, DatacenterID: spec.dc.NumericID,
			DCIdentifier: spec.dc.ID, OSImageID: spec.image.ID, OSName: spec.image.Distribution,
			OSVersion: spec.image.Version, ProjectID: req.ProjectID, Category: spec.offering.Category,
			Tags: append([]string{}, req.Tags...), Notes: req.Notes, CreatedOn: stamp, IsActive: 1,
		},
		CreatedAt: now, BootsAt: now.Add(s.cfg.BootDelay), FailBoot: s.bootFails(), UserDataBytes: len(req.Script()), UserData: req.Script(),
		SSHKeys: append(req.SSHKeys(), req.SSHPublicKeys...), Listing: s.newListingLocked(now),
	}
	applyStatus(vm, vpsieapi.StatusCreating, now)
	if mark != nil {
		mark(vm)
	}
	s.vms[id] = vm
	s.creates[req.Hostname]++
	s.dirty = true
	s.changed()
	s.log.Info("vm created", "vps", vm.VM.Identifier, "hostname", vm.VM.Hostname, "offering", spec.offering.ID,
		"datacenter", spec.dc.ID, "spot", vm.VM.Spot)
	// A zero boot delay means running at once, which the caller should see.
	s.stepLocked(vm, now)
	return cloneVM(vm.VM), nil
}

func (s *Simulator) checkCapacityLocked(dc string, o vpsieapi.Offering) *apiError {
	limit, ok := s.capacity[dc]
	if !ok {
		return nil
	}
	used := s.usageLocked()[dc]
	if (limit.VMs > 0 && used.VMs+1 > limit.VMs) || (limit.CPUs > 0 && used.CPUs+o.CPU > limit.CPUs) {
		s.log.Info("capacity exhausted", "datacenter", dc, "offering", o.ID, "vms", used.VMs, "cpus", used.CPUs)
		return errCapacity(dc, o.ID)
	}
	return nil
}

// usageLocked counts every VM that still exists (deleting ones hold their capacity until gone; deleted ones,
// though still listed, hold none).
func (s *Simulator) usageLocked() map[string]Capacity {
	use := map[string]Capacity{}
	for _, vm := range s.vms {
		u := use[vm.VM.DCIdentifier]
		u.VMs++
		u.CPUs += vm.VM.CPU
		use[vm.VM.DCIdentifier] = u
	}
	return use
}

func (s *Simulator) getVM(id string) (vpsieapi.VM, *apiError) {
	return s.withVM(id, func(*VMState, time.Time) *apiError { return nil })
}

// listVMs answers one VM list request in shape sh: what the listing shows (see listedLocked) that matches f.
// Shape B listings carry no tags, as the real API's: a caller needs the VM's detail to read them.
func (s *Simulator) listVMs(f vmFilter, sh shape) []vpsieapi.VM {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	out := []vpsieapi.VM{}
	for _, vm := range s.listedLocked(now) {
		if !f.match(vm) {
			continue
		}
		if sh == shapeB {
			vm = untagged(vm)
		}
		out = append(out, vm)
	}
	return out
}

// untagged is vm as shape B shows it everywhere but in the detail's vmTags.
func untagged(vm vpsieapi.VM) vpsieapi.VM {
	vm.Tags = vpsieapi.TagList{}
	return vm
}

// deleteVM starts deleting a VM; deleting one that is already deleting is a no-op success, a gone one (even if
// listings still show it as deleted) is 404.
func (s *Simulator) deleteVM(id string) (vpsieapi.VM, *apiError) {
	return s.withVM(id, func(vm *VMState, now time.Time) *apiError {
		s.startDeleteLocked(vm, now, ReasonAPI)
		s.stepLocked(vm, now)
		s.dirty = true
		s.changed()
		return nil
	})
}

// withVM runs f under the lock on the live VM id, once the transitions due now are applied, and returns a copy
// of the VM as f left it; an unknown id is a 404. f gets the same now, so its own transitions agree with them.
func (s *Simulator) withVM(id string, f func(vm *VMState, now time.Time) *apiError) (vpsieapi.VM, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	vm := s.findLocked(id)
	if vm == nil {
		return vpsieapi.VM{}, errNotFound("vm", id)
	}
	if aerr := f(vm, now); aerr != nil {
		return vpsieapi.VM{}, aerr
	}
	return cloneVM(vm.VM), nil
}

// findLocked finds a live VM by numeric id or identifier.
func (s *Simulator) findLocked(id string) *VMState {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		if vm, ok := s.vms[n]; ok {
			return vm
		}
	}
	for _, vm := range s.vms {
		if vm.VM.Identifier == id {
			return vm
		}
	}
	return nil
}

// ipFor derives a stable address in 100.64.0.0/10 from the VM id.
func ipFor(id int64) string {
	return fmt.Sprintf("100.%d.%d.%d", 64+(id>>16)&63, (id>>8)&255, id&255)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
