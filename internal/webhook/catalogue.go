package webhook

import (
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Catalogue is the VPSie catalogue as the webhook sees it: the last one read,
// never a call to VPSie on the admission path.
type Catalogue interface {
	// Snapshot returns the cached catalogue; ok is false while none has been read.
	Snapshot() (cat contract.Catalogue, ok bool)
}

// StaticCatalogue is a fixed catalogue, for tests and local mode.
type StaticCatalogue contract.Catalogue

// Snapshot returns the catalogue; it is always loaded.
func (c StaticCatalogue) Snapshot() (contract.Catalogue, bool) { return contract.Catalogue(c), true }

// catalogueIndex answers the webhook's questions about one snapshot.
type catalogueIndex struct {
	offerings   map[string]contract.Offering
	datacenters map[string]bool
}

// index returns nil when there is no catalogue yet.
func index(c Catalogue) *catalogueIndex {
	if c == nil {
		return nil
	}
	cat, ok := c.Snapshot()
	if !ok {
		return nil
	}
	ix := &catalogueIndex{offerings: map[string]contract.Offering{}, datacenters: map[string]bool{}}
	for _, o := range cat.Offerings {
		ix.offerings[o.ID] = o
	}
	for _, d := range cat.Datacenters {
		ix.datacenters[d] = true
	}
	return ix
}

// soldIn reports whether a known offering can be created in one of dcs.
func (ix *catalogueIndex) soldIn(offering string, dcs []string) bool {
	o := ix.offerings[offering]
	if o.DatacenterID == "" {
		return true
	}
	for _, d := range dcs {
		if d == o.DatacenterID {
			return true
		}
	}
	return false
}

// trustedCatalogue stands for "do not check against the catalogue".
var trustedCatalogue = &catalogueIndex{}

// catalogueNotLoaded is the warning given when offerings and datacenters went unchecked.
const catalogueNotLoaded = "the VPSie catalogue is not loaded yet: offerings and datacenters were not checked"
