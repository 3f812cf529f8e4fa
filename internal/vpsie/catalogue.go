package vpsie

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// ListOfferings lists plans with resources and monthly price; datacenterID "" lists every datacenter's.
// Offerings bound to another datacenter are dropped client-side too, since the real API's filter is undocumented.
func (c *Client) ListOfferings(ctx context.Context, datacenterID string) ([]Offering, error) {
	r := request{method: http.MethodGet, route: c.routes.offerings, path: c.routes.offerings, idempotent: true}
	if datacenterID != "" {
		r.query = url.Values{vpsieapi.QueryDatacenter: {datacenterID}}
	}
	if c.opts.Shape == ShapeB {
		// Shape B lists plans with a POST form; it changes nothing, so it stays retryable.
		r.method, r.query, r.form = http.MethodPost, nil, url.Values{}
		if datacenterID != "" {
			r.form.Set("dcIdentifier", datacenterID)
		}
	}
	wire, err := listAll[vpsieapi.Offering](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing offerings: %w", err)
	}
	out := make([]Offering, 0, len(wire))
	for _, w := range wire {
		o := offeringFromWire(w)
		if datacenterID == "" || o.DatacenterID == "" || o.DatacenterID == datacenterID {
			out = append(out, o)
		}
	}
	return out, nil
}

// ListDatacenters lists the datacenters.
func (c *Client) ListDatacenters(ctx context.Context) ([]Datacenter, error) {
	r := request{method: http.MethodGet, route: c.routes.datacenters, path: c.routes.datacenters, idempotent: true}
	wire, err := listAll[vpsieapi.Datacenter](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing datacenters: %w", err)
	}
	out := make([]Datacenter, 0, len(wire))
	for _, w := range wire {
		out = append(out, datacenterFromWire(w))
	}
	return out, nil
}

// ListImages lists the operating-system images.
func (c *Client) ListImages(ctx context.Context) ([]Image, error) {
	r := request{method: http.MethodGet, route: c.routes.images, path: c.routes.images, idempotent: true}
	wire, err := listAll[vpsieapi.Image](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	out := make([]Image, 0, len(wire))
	for _, w := range wire {
		out = append(out, imageFromWire(w))
	}
	return out, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
