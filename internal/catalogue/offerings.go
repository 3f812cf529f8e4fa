package catalogue

import (
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Offerings converts the catalogue into the planners' units.
func Offerings(cat contract.Catalogue) []schedsim.Offering {
	out := make([]schedsim.Offering, 0, len(cat.Offerings))
	for _, o := range cat.Offerings {
		po := schedsim.Offering{ID: o.ID, CPUMilli: int64(o.CPU) * 1000, MemoryBytes: int64(o.RAMMB) << 20,
			DiskBytes: int64(o.DiskGB) << 30, MonthlyPrice: o.MonthlyPrice, Spot: o.Spot}
		if o.DatacenterID != "" {
			po.Datacenters = []string{o.DatacenterID}
		}
		out = append(out, po)
	}
	return out
}
