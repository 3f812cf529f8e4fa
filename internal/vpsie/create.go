package vpsie

import (
	"context"
	"fmt"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// CreateVM sends one create (one POST) and nothing else: no lookup before or after, no resend. The API has no
// idempotency key, so exactly-once creation is the caller's job (the activity's ownership layer), keyed by the
// deterministic hostname: after any failure, including an ambiguous one (timeout, 5xx, 429) after which the VM
// may exist, the caller looks the hostname up before it creates again.
//
// The returned VM carries the API's answer when that names the VM (id or identifier). A create the API accepted
// (2xx) without naming the VM (shape B answers so) returns VM{Hostname: req.Hostname} with an empty Identifier
// and a nil error: the VM exists or will, and the caller finds it by hostname.
func (c *Client) CreateVM(ctx context.Context, req CreateVMRequest) (VM, error) {
	if req.Hostname == "" || req.OfferingID == "" || req.DatacenterID == "" || req.ImageID == "" {
		return VM{}, invalidArgument(http.MethodPost, c.routes.vms,
			"hostname, offering, datacenter and image are required")
	}
	r := request{method: http.MethodPost, route: c.routes.vms, path: c.routes.vms, json: c.createBody(req)}
	var w vpsieapi.VM
	if err := c.do(ctx, r, &w); err != nil {
		return VM{}, fmt.Errorf("creating vm %s: %w", req.Hostname, err)
	}
	if w.ID == 0 && w.Identifier == "" {
		return VM{Hostname: req.Hostname}, nil
	}
	return vmFromWire(w, nil), nil
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
