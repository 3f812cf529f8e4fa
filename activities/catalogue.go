package activities

import (
	"context"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// CatalogueAPI is the part of the VPSie transport the catalogue needs.
type CatalogueAPI interface {
	ListOfferings(ctx context.Context, datacenterID string) ([]vpsie.Offering, error)
	ListDatacenters(ctx context.Context) ([]vpsie.Datacenter, error)
}

// ListCatalogue lists the available offerings and datacenters (two listings).
func (v *VPSie) ListCatalogue(ctx context.Context) (contract.Catalogue, error) {
	api, ok := v.API.(CatalogueAPI)
	if !ok {
		return contract.Catalogue{}, nonRetryable("the vpsie api has no catalogue")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	offerings, err := api.ListOfferings(ctx, "")
	if err != nil {
		return contract.Catalogue{}, vpsieError("listing offerings", err)
	}
	dcs, err := api.ListDatacenters(ctx)
	if err != nil {
		return contract.Catalogue{}, vpsieError("listing datacenters", err)
	}
	var c contract.Catalogue
	for _, o := range offerings {
		if o.Available {
			c.Offerings = append(c.Offerings, contract.Offering{ID: o.ID, CPU: o.CPU, RAMMB: o.RAMMB, DiskGB: o.DiskGB,
				MonthlyPrice: o.MonthlyPrice, DatacenterID: o.DatacenterID, Spot: o.Spot})
		}
	}
	for _, d := range dcs {
		if d.Available {
			c.Datacenters = append(c.Datacenters, d.ID)
		}
	}
	return c, nil
}
