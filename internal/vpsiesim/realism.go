package vpsiesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Realism is how closely the simulator copies the habits of the real API that make a client's life harder. A
// lenient simulator lets tests pass that the real cloud would fail, so the defaults are the strict, real-like
// values. Config embeds it (Config.ListingLag, ...); SetRealism, PUT and PATCH /admin/realism change it at run
// time, and /admin/state shows it.
type Realism struct {
	// ListingLag hides a new VM from VM listings until this long after its creation; GET by id is never lagged
	// (the real API reads its own writes on the resource but lists from something that lags).
	ListingLag time.Duration
	// ListingLagLookups hides a new VM from the next ListingLagLookups VM list requests (any shape, filter or
	// page counts as one): the deterministic form of ListingLag. With both set, both must have passed.
	ListingLagLookups int
	// PageSize is the items per list page: shape A's per_page and the cap on shape B's limit. 0 means
	// DefaultPageSize.
	PageSize int
	// DeletedRetention is how long a deleted VM stays listed in state "deleted" (is_deleted=1) after it is gone.
	DeletedRetention time.Duration
	// RemoveNodes deletes a gone VM's Node, as a cloud-controller-manager would. Off by default: the simulator
	// plays the machine and its kubelet only, so the Node just goes NotReady and the product must delete it.
	RemoveNodes bool
}

// DefaultPageSize is the page size when Realism.PageSize is 0.
const DefaultPageSize = 25

// DefaultDeletedRetention is how long DefaultConfig keeps deleted VMs listed.
const DefaultDeletedRetention = 10 * time.Second

// realismJSON is Realism on the wire: durations as strings ("2s"), snake_case names.
type realismJSON struct {
	ListingLag        Duration `json:"listing_lag"`
	ListingLagLookups int      `json:"listing_lag_lookups"`
	PageSize          int      `json:"page_size"`
	DeletedRetention  Duration `json:"deleted_retention"`
	RemoveNodes       bool     `json:"remove_nodes"`
}

// MarshalJSON writes the wire form.
func (r Realism) MarshalJSON() ([]byte, error) {
	return json.Marshal(realismJSON{ListingLag: Duration(r.ListingLag), ListingLagLookups: r.ListingLagLookups,
		PageSize: r.PageSize, DeletedRetention: Duration(r.DeletedRetention), RemoveNodes: r.RemoveNodes})
}

// UnmarshalJSON reads the wire form over the current values, so a partial object changes only the fields it
// names (PATCH /admin/realism). Unknown fields are refused: a misspelt knob must not be silently ignored.
func (r *Realism) UnmarshalJSON(b []byte) error {
	w := realismJSON{ListingLag: Duration(r.ListingLag), ListingLagLookups: r.ListingLagLookups,
		PageSize: r.PageSize, DeletedRetention: Duration(r.DeletedRetention), RemoveNodes: r.RemoveNodes}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("decoding realism: %w", err)
	}
	*r = Realism{ListingLag: w.ListingLag.D(), ListingLagLookups: w.ListingLagLookups, PageSize: w.PageSize,
		DeletedRetention: w.DeletedRetention.D(), RemoveNodes: w.RemoveNodes}
	return nil
}

// normalize refuses negative knobs and resolves PageSize 0 to the default, so /admin/state shows the size in use.
func (r *Realism) normalize() error {
	if r.ListingLag < 0 || r.ListingLagLookups < 0 || r.PageSize < 0 || r.DeletedRetention < 0 {
		return fmt.Errorf("realism: listing lag, listing lag lookups, page size and deleted retention must not be negative")
	}
	if r.PageSize == 0 {
		r.PageSize = DefaultPageSize
	}
	return nil
}

// SetRealism replaces the realism knobs (same as PUT /admin/realism). Lags apply to VMs created from now on and
// retention to VMs deleted from now on; RemoveNodes applies at the next Node sync.
func (s *Simulator) SetRealism(r Realism) error {
	if err := r.normalize(); err != nil {
		return err
	}
	s.mu.Lock()
	s.realism = r
	s.mu.Unlock()
	s.changed()
	s.log.Info("realism set", "listing_lag", r.ListingLag, "listing_lag_lookups", r.ListingLagLookups,
		"page_size", r.PageSize, "deleted_retention", r.DeletedRetention, "remove_nodes", r.RemoveNodes)
	return nil
}

// Realism returns the active realism knobs.
func (s *Simulator) Realism() Realism {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.realism
}

func (s *Simulator) pageSize() int { return s.Realism().PageSize }
