package vpsie

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// ListOfferings lists plans with resources and monthly price; datacenterID "" lists every datacenter's.
// Offerings bound to another datacenter are dropped client-side too, since the real API's filter is undocumented.
func (c *Client) ListOfferings(ctx context.Context, datacenterID string) ([]Offering, error) {
	r := catalogueRead(c.routes.offerings)
	if datacenterID != "" {
		r.query = url.Values{vpsieapi.QueryDatacenter: {datacenterID}}
	}
	if c.opts.Shape == ShapeB {
		// Shape B lists plans with a POST form.
		r.method, r.query, r.form = http.MethodPost, nil, url.Values{}
		if datacenterID != "" {
			r.form.Set("dcIdentifier", datacenterID)
		}
	}
	out, err := listAs(ctx, c, r, "offerings", offeringFromWire)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(o Offering) bool {
		return datacenterID != "" && o.DatacenterID != "" && o.DatacenterID != datacenterID
	}), nil
}

// ListDatacenters lists the datacenters.
func (c *Client) ListDatacenters(ctx context.Context) ([]Datacenter, error) {
	return listAs(ctx, c, catalogueRead(c.routes.datacenters), "datacenters", datacenterFromWire)
}

// ListImages lists the operating-system images.
func (c *Client) ListImages(ctx context.Context) ([]Image, error) {
	return listAs(ctx, c, catalogueRead(c.routes.images), "images", imageFromWire)
}

// catalogueRead is a plain GET of a catalogue list.
func catalogueRead(route string) request {
	return request{method: http.MethodGet, route: route, path: route}
}

// listAs fetches every page of r and converts each item from its wire form; what names the list in errors.
func listAs[W, T any](ctx context.Context, c *Client, r request, what string, fromWire func(W) T) ([]T, error) {
	wire, err := listAll[W](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", what, err)
	}
	out := make([]T, 0, len(wire))
	for _, w := range wire {
		out = append(out, fromWire(w))
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
