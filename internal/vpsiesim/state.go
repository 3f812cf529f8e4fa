package vpsiesim

import (
	"maps"
	"slices"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// State is everything the simulator holds, as served by GET /admin/state.
type State struct {
	Time time.Time `json:"time"`
	// VMs are the VMs that exist (status creating, running, interrupting, failed or deleting).
	VMs []VMState `json:"vms"`
	// Deleted are the VMs that are gone (status deleted), oldest first; listings show them until ListedUntil.
	Deleted []DeletedVM `json:"deleted"`
	// Calls is the most recent API calls (bounded by Config.MaxCalls); CallCounts counts all of them by operation.
	Calls      []Call         `json:"calls"`
	CallCounts map[string]int `json:"call_counts"`
	// CreatesByHostname counts VMs ever created per hostname: above 1 means a duplicate create.
	CreatesByHostname map[string]int      `json:"creates_by_hostname"`
	Faults            Faults              `json:"faults"`
	Capacity          map[string]Capacity `json:"capacity"`
	Usage             map[string]Capacity `json:"usage"`
	Realism           Realism             `json:"realism"`
	// ListLookups counts the VM list requests served, the clock of Realism.ListingLagLookups.
	ListLookups int64 `json:"list_lookups"`
}

// Snapshot returns a deep copy of the current state, with lifecycle transitions applied up to now.
func (s *Simulator) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	st := State{
		Time: now, VMs: []VMState{}, Deleted: slices.Clone(s.deleted), Calls: slices.Clone(s.calls),
		CallCounts: maps.Clone(s.counts), CreatesByHostname: maps.Clone(s.creates), Faults: s.faults,
		Capacity: maps.Clone(s.capacity), Usage: s.usageLocked(), Realism: s.realism, ListLookups: s.lookups,
	}
	for _, id := range s.sortedIDs() {
		vm := *s.vms[id]
		vm.VM, vm.SSHKeys = cloneVM(vm.VM), slices.Clone(vm.SSHKeys)
		st.VMs = append(st.VMs, vm)
	}
	for i := range st.Deleted {
		st.Deleted[i].VM = cloneVM(st.Deleted[i].VM)
	}
	if st.Deleted == nil {
		st.Deleted = []DeletedVM{}
	}
	if st.Calls == nil {
		st.Calls = []Call{}
	}
	return st
}

// CallCount is how many API calls of one operation (Op* constants) were answered, whatever their status.
func (st State) CallCount(op string) int { return st.CallCounts[op] }

// Creates is how many VMs were ever created with hostname.
func (st State) Creates(hostname string) int { return st.CreatesByHostname[hostname] }

// VMsByHostname returns the live VMs named hostname.
func (st State) VMsByHostname(hostname string) []vpsieapi.VM {
	var out []vpsieapi.VM
	for _, vm := range st.VMs {
		if vm.VM.Hostname == hostname {
			out = append(out, vm.VM)
		}
	}
	return out
}

// VMsWithTag returns the live VMs carrying tag, e.g. to assert that no VPS is orphaned.
func (st State) VMsWithTag(tag string) []vpsieapi.VM {
	var out []vpsieapi.VM
	for _, vm := range st.VMs {
		if slices.Contains(vm.VM.Tags, tag) {
			out = append(out, vm.VM)
		}
	}
	return out
}

// Duplicates returns the hostnames created more than once.
func (st State) Duplicates() []string {
	var out []string
	for h, n := range st.CreatesByHostname {
		if n > 1 {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}
