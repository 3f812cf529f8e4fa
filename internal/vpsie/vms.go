package vpsie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// GetVM returns one VM. id is VM.Identifier (works in both shapes) or, in shape A, the numeric VM.ID.
func (c *Client) GetVM(ctx context.Context, id string) (VM, error) {
	if id == "" {
		return VM{}, invalidArgument(http.MethodGet, c.routes.vm, "vm id is required")
	}
	r := request{method: http.MethodGet, route: c.routes.vm, path: vmPath(c.routes.vm, id)}
	if c.opts.Shape == ShapeB {
		var d vpsieapi.VMDetail
		if err := c.do(ctx, r, &d); err != nil {
			return VM{}, fmt.Errorf("getting vm %s: %w", id, err)
		}
		return vmFromWire(d.VMData, d.VMTags), nil
	}
	var w vpsieapi.VM
	if err := c.do(ctx, r, &w); err != nil {
		return VM{}, fmt.Errorf("getting vm %s: %w", id, err)
	}
	return vmFromWire(w, nil), nil
}

// ListVMs lists VMs carrying all of f.Tags (and f.Hostname, if set): one logical call, following the listing's
// pages (see listAll). The filter is sent to the API and applied again here, because the real API's filters are
// undocumented; but shape B's listings carry no tags (only a VM's detail does), so there the tag filter is the
// API's alone and the returned VMs have no Tags: a caller that must be sure reads them with GetVM. Several VMs
// may share a hostname; which one matters is the caller's decision.
func (c *Client) ListVMs(ctx context.Context, f VMFilter) ([]VM, error) {
	q := url.Values{}
	for _, t := range f.Tags {
		q.Add(vpsieapi.QueryTag, t)
	}
	if f.Hostname != "" {
		q.Set(vpsieapi.QueryHostname, f.Hostname)
	}
	r := request{method: http.MethodGet, route: c.routes.vms, path: c.routes.vms, query: q}
	wire, err := listAll[vpsieapi.VM](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing vms: %w", err)
	}
	tagsListed := c.opts.Shape != ShapeB
	var out []VM
	for _, w := range wire {
		vm := vmFromWire(w, nil)
		if f.matches(vm, tagsListed) {
			out = append(out, vm)
		}
	}
	return out, nil
}

// matches applies the filter to a listed VM; its tags only when the listing carries them (tagsListed).
func (f VMFilter) matches(vm VM, tagsListed bool) bool {
	if f.Hostname != "" && !strings.EqualFold(vm.Hostname, f.Hostname) {
		return false
	}
	for _, t := range f.Tags {
		if tagsListed && !slices.Contains(vm.Tags, t) {
			return false
		}
	}
	return true
}

// DeleteVM deletes a VM with one request; a VM that is already gone is success. "Gone" is only the API's own
// 404 on the delete itself (see KindBadEndpoint): a 404 from a wrong URL or a failed login is an error. id is as
// for GetVM.
func (c *Client) DeleteVM(ctx context.Context, id string) error {
	if id == "" {
		return invalidArgument(http.MethodDelete, c.routes.deleteVM, "vm id is required")
	}
	r := request{method: http.MethodDelete, route: c.routes.deleteVM, path: vmPath(c.routes.deleteVM, id)}
	if c.opts.Shape == ShapeB {
		r.json = vpsieapi.DeleteVMRequest{VMIdentifier: id,
			DeleteStatistic: vpsieapi.DeleteStatistic{Reason: "autoscaler", Note: "deleted by vpsie-autoscaler"}}
	}
	if err := c.do(ctx, r, nil); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("deleting vm %s: %w", id, err)
	}
	return nil
}

// vmPath fills the {id} of a route template, escaped.
func vmPath(route, id string) string {
	return strings.Replace(route, "{id}", url.PathEscape(id), 1)
}
