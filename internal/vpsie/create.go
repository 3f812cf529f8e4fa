package vpsie

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// CreateVM creates the VM described by req exactly once per hostname. There is no idempotency key in the API, so
// the hostname is the key: the VM is looked up first and returned if it exists; the POST itself is never blindly
// resent. After an ambiguous failure (timeout, 5xx, 429: the VM may or may not exist) it looks up again, and only
// when the VM is still absent and retries are on does it back off and POST again. With retries off it returns the
// retryable error, and the caller's next attempt starts with the same lookup.
func (c *Client) CreateVM(ctx context.Context, req CreateVMRequest) (VM, error) {
	if req.Hostname == "" || req.OfferingID == "" || req.DatacenterID == "" || req.ImageID == "" {
		return VM{}, invalidArgument(http.MethodPost, c.routes.vms,
			"hostname, offering, datacenter and image are required")
	}
	vm, found, err := c.FindVMByHostname(ctx, req.Hostname)
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
		if vm, found, lerr := c.FindVMByHostname(ctx, req.Hostname); lerr == nil && found {
			c.log.Debug("vpsie create failed ambiguously, vm exists", "hostname", req.Hostname)
			return vm, nil
		}
		if n >= c.opts.Retry.MaxAttempts {
			return VM{}, fmt.Errorf("creating vm %s: %w", req.Hostname, err)
		}
		if werr := sleep(ctx, c.opts.Retry.wait(n, err)); werr != nil {
			return VM{}, fmt.Errorf("creating vm %s: %w (not retried: %w)", req.Hostname, err, werr)
		}
	}
}

// postVM sends one create. The response's VM is used when it has an identity; shape B's create answers without
// one, so the VM is then found by hostname.
func (c *Client) postVM(ctx context.Context, req CreateVMRequest) (VM, error) {
	r := request{method: http.MethodPost, route: c.routes.vms, path: c.routes.vms, json: c.createBody(req)}
	var w vpsieapi.VM
	if err := c.do(ctx, r, &w); err != nil {
		return VM{}, err
	}
	if w.ID != 0 || w.Identifier != "" {
		return vmFromWire(w, nil), nil
	}
	vm, found, err := c.FindVMByHostname(ctx, req.Hostname)
	if err != nil {
		return VM{}, err
	}
	if !found {
		return VM{}, &APIError{Kind: KindTransient, Method: r.method, Endpoint: r.route, StatusCode: http.StatusOK,
			Err: errors.New("created vm not found by hostname")}
	}
	return vm, nil
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
