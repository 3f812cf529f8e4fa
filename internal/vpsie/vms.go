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
	r := request{method: http.MethodGet, route: c.routes.vm, path: vmPath(c.routes.vm, id), idempotent: true}
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

// ListVMs lists VMs carrying all of f.Tags (and f.Hostname, if set). The filter is sent to the API and applied
// again here, because the real API's filters are undocumented.
func (c *Client) ListVMs(ctx context.Context, f VMFilter) ([]VM, error) {
	q := url.Values{}
	for _, t := range f.Tags {
		q.Add(vpsieapi.QueryTag, t)
	}
	if f.Hostname != "" {
		q.Set(vpsieapi.QueryHostname, f.Hostname)
	}
	r := request{method: http.MethodGet, route: c.routes.vms, path: c.routes.vms, query: q, idempotent: true}
	wire, err := listAll[vpsieapi.VM](ctx, c, r)
	if err != nil {
		return nil, fmt.Errorf("listing vms: %w", err)
	}
	var out []VM
	for _, w := range wire {
		vm := vmFromWire(w, nil)
		if f.matches(vm) {
			out = append(out, vm)
		}
	}
	return out, nil
}

func (f VMFilter) matches(vm VM) bool {
	if f.Hostname != "" && !strings.EqualFold(vm.Hostname, f.Hostname) {
		return false
	}
	for _, t := range f.Tags {
		if !slices.Contains(vm.Tags, t) {
			return false
		}
	}
	return true
}

// FindVMByHostname looks a VM up by its (deterministic) hostname; found is false when there is none. If several
// share the hostname, one that is not being deleted wins, then the oldest.
func (c *Client) FindVMByHostname(ctx context.Context, hostname string) (vm VM, found bool, err error) {
	if hostname == "" {
		return VM{}, false, invalidArgument(http.MethodGet, c.routes.vms, "hostname is required")
	}
	vms, err := c.ListVMs(ctx, VMFilter{Hostname: hostname})
	if err != nil {
		return VM{}, false, fmt.Errorf("finding vm %s: %w", hostname, err)
	}
	if len(vms) == 0 {
		return VM{}, false, nil
	}
	slices.SortStableFunc(vms, func(a, b VM) int {
		if da, db := a.Status == VMStatusDeleting, b.Status == VMStatusDeleting; da != db {
			if da {
				return 1
			}
			return -1
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
	if len(vms) > 1 {
		c.log.Warn("several vms share a hostname", "hostname", hostname, "count", len(vms))
	}
	return vms[0], true, nil
}

// DeleteVM deletes a VM; a VM that is already gone is success. id is as for GetVM.
func (c *Client) DeleteVM(ctx context.Context, id string) error {
	if id == "" {
		return invalidArgument(http.MethodDelete, c.routes.deleteVM, "vm id is required")
	}
	r := request{method: http.MethodDelete, route: c.routes.deleteVM, path: vmPath(c.routes.deleteVM, id),
		idempotent: true}
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
