package vpsiesim

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Listing is when a VM starts to show in VM listings. It is fixed at creation from the realism knobs then in
// force, so changing them later never hides a VM that listings already showed.
type Listing struct {
	// ListedFrom is the earliest time a listing shows the VM (Realism.ListingLag); zero shows it at once.
	ListedFrom time.Time `json:"listed_from,omitzero"`
	// ListedAfterLookup is the last VM list request (Simulator lookups count) that does not show the VM yet
	// (Realism.ListingLagLookups).
	ListedAfterLookup int64 `json:"listed_after_lookup,omitempty"`
}

// newListingLocked is the Listing of a VM created at now.
func (s *Simulator) newListingLocked(now time.Time) Listing {
	var l Listing
	if lag := s.realism.ListingLag; lag > 0 {
		l.ListedFrom = now.Add(lag)
	}
	if n := s.realism.ListingLagLookups; n > 0 {
		l.ListedAfterLookup = s.lookups + int64(n)
	}
	return l
}

// shown reports whether list request number lookup, served at now, shows the VM.
func (l Listing) shown(now time.Time, lookup int64) bool {
	return !now.Before(l.ListedFrom) && lookup > l.ListedAfterLookup
}

// listedLocked counts one VM list request and returns copies of what it shows: live VMs and VMs deleted less
// than their retention ago, each once its listing lag is over, oldest first so pages stay consistent.
func (s *Simulator) listedLocked(now time.Time) []vpsieapi.VM {
	s.lookups++
	s.dirty = true // the lookup count is persisted
	out := []vpsieapi.VM{}
	for _, vm := range s.vms {
		if vm.shown(now, s.lookups) {
			out = append(out, cloneVM(vm.VM))
		}
	}
	for _, d := range s.deleted {
		if now.Before(d.ListedUntil) && d.shown(now, s.lookups) {
			out = append(out, cloneVM(d.VM))
		}
	}
	slices.SortFunc(out, byCreation)
	return out
}

// byCreation orders VMs by creation time, then id. created_on is RFC3339 in UTC, so it sorts as a string.
func byCreation(a, b vpsieapi.VM) int {
	return cmp.Or(strings.Compare(a.CreatedOn, b.CreatedOn), cmp.Compare(a.ID, b.ID))
}
