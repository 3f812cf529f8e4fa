package vpsie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// CreateVM creates the VM described by req exactly once per hostname. There is no idempotency key in the API, so
// the hostname is the key: the VM is looked up first and returned if it exists (one being deleted does not
// count); the POST itself is never blindly resent. After an ambiguous failure (timeout, 5xx, 429: the VM may or
// may not exist) it looks up again, and only when that lookup succeeds, finds no VM and retries are on does it
// back off and POST again. With retries off, or when the lookup itself fails, it returns the retryable error,
// and the caller's next attempt starts with the same lookup.
func (c *Client) CreateVM(ctx context.Context, req CreateVMRequest) (VM, error) {
	if req.Hostname == "" || req.OfferingID == "" || req.DatacenterID == "" || req.ImageID == "" {
		return VM{}, invalidArgument(http.MethodPost, c.routes.vms,
			"hostname, offering, datacenter and image are required")
	}
	vm, found, err := c.findLiveVM(ctx, req.Hostname)
	if err != nil || found {
		return vm, err
	}
	for n := 1; ; n++ {
		vm, err := c.postVM(ctx, req)
		if err == nil {
			return vm, nil
		}
		if !IsRetryable(err) || KindOf(err) == KindCircuitOpen {
			return VM{}, fmt.Errorf("creating vm %s: %w", req.Hostname, err)
		}
		vm, found, lerr := c.findLiveVM(ctx, req.Hostname)
		switch {
		case lerr != nil: // unknown whether the POST took effect: never POST again on a guess
			return VM{}, fmt.Errorf("creating vm %s: %w (not retried: lookup after the failure: %w)",
				req.Hostname, err, lerr)
		case found:
			c.log.Debug("vpsie create failed ambiguously, vm exists", "hostname", req.Hostname)
			return vm, nil
		case n >= c.opts.Retry.MaxAttempts:
			return VM{}, fmt.Errorf("creating vm %s: %w", req.Hostname, err)
		}
		if werr := sleep(ctx, c.opts.Retry.wait(n, err)); werr != nil {
			return VM{}, fmt.Errorf("creating vm %s: %w (not retried: %w)", req.Hostname, err, werr)
		}
	}
}

// findLiveVM is FindVMByHostname for the create path: a VM on its way out does not hold the hostname.
func (c *Client) findLiveVM(ctx context.Context, hostname string) (VM, bool, error) {
	vm, found, err := c.FindVMByHostname(ctx, hostname)
	if err != nil || !found || vm.Status == VMStatusDeleting {
		return VM{}, false, err
	}
	return vm, true, nil
}

// errCreatedNotListed is behind KindCreateUnconfirmed: a create the API accepted (2xx) whose VM the listing does
// not show yet. The POST took effect, so neither CreateVM nor its caller may send it again.
var errCreatedNotListed = errors.New("create accepted but the vm is not listed yet")

// listingLag bounds how long postVM waits for an accepted create to appear in the listing.
var listingLag = []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}

// postVM sends one create. The response's VM is used when it has an identity; shape B's create answers without
// one, so the VM is then found by hostname, waiting briefly for a listing that lags behind the create.
func (c *Client) postVM(ctx context.Context, req CreateVMRequest) (VM, error) {
	r := request{method: http.MethodPost, route: c.routes.vms, path: c.routes.vms, json: c.createBody(req)}
	var w vpsieapi.VM
	if err := c.do(ctx, r, &w); err != nil {
		return VM{}, err
	}
	if w.ID != 0 || w.Identifier != "" {
		return vmFromWire(w, nil), nil
	}
	for _, wait := range append([]time.Duration{0}, listingLag...) {
		if err := sleep(ctx, wait); err != nil {
			break
		}
		vm, found, err := c.findLiveVM(ctx, req.Hostname)
		if err == nil && found {
			return vm, nil
		}
	}
	return VM{}, &APIError{Kind: KindCreateUnconfirmed, Method: r.method, Endpoint: r.route,
		StatusCode: http.StatusOK, Err: errCreatedNotListed}
}

// createBody spells the request in the configured shape. Shape B has one sshKeyIdentifier; further key ids go in
// ssh_key_ids.
func (c *Client) createBody(req CreateVMRequest) vpsieapi.CreateVMRequest {
	if c.opts.Shape == ShapeB {
		b := vpsieapi.CreateVMRequest{Hostname: req.Hostname, ResourceIdentifier: req.OfferingID,
			DCIdentifier: req.DatacenterID, OSIdentifier: req.ImageID, UserDataB: req.UserData,
			ProjectID: req.ProjectID, Tags: req.Tags, Spot: req.Spot, SSHPublicKeys: req.SSHPublicKeys}
		if len(req.SSHKeyIDs) > 0 {
			b.SSHKeyIdentifier, b.SSHKeyIDs = req.SSHKeyIDs[0], req.SSHKeyIDs[1:]
		}
		return b
	}
	return vpsieapi.CreateVMRequest{Name: req.Hostname, Hostname: req.Hostname, OfferingID: req.OfferingID,
		DatacenterID: req.DatacenterID, OSImageID: req.ImageID, SSHKeyIDs: req.SSHKeyIDs,
		SSHPublicKeys: req.SSHPublicKeys, UserData: req.UserData, Tags: req.Tags, Spot: req.Spot}
}
