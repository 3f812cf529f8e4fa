package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// CreateOwnedVPS makes the owner's VPS exist exactly once. The API has no idempotency
// key, so the deterministic hostname is the key: an owned VPS with it is adopted. The
// POST is sent at most once per attempt. After an ambiguous failure the POST may have
// taken effect while the listing lags behind, so every later attempt first waits out
// the listing lag, looking, and creates only when a lookup made after the lag finds no
// VPS of ours. (An earlier attempt's POST happened before this attempt started, so the
// lag counts from this attempt's start.)
func (v *VPSie) CreateOwnedVPS(ctx context.Context, in contract.CreateOwnedVPSInput) (contract.CreateOwnedVPSResult, error) {
	if !in.Owner.Valid() || in.Hostname == "" || in.OfferingID == "" || in.DatacenterID == "" || in.ImageID == "" {
		return contract.CreateOwnedVPSResult{}, nonRetryable("create vps needs an owner, hostname, offering, datacenter and image")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	look := v.lookUp
	if activity.GetInfo(ctx).Attempt > 1 {
		look = v.awaitListed
	}
	if j, found, err := look(ctx, in); err != nil || found {
		return contract.CreateOwnedVPSResult{VPSState: j.VPSState, Adopted: found}, err
	}
	// Right before the POST (and before its join token is issued): a VPSieNode deleted
	// meanwhile (its termination may already have looked for this hostname) gets no VPS.
	if v.Owners != nil {
		if err := v.Owners.OwnerLive(ctx, in.Owner); err != nil {
			return contract.CreateOwnedVPSResult{}, err
		}
	}
	req, err := v.createRequest(ctx, in)
	if err != nil {
		return contract.CreateOwnedVPSResult{}, err
	}
	activity.RecordHeartbeat(ctx, "creating vps "+in.Hostname)
	activity.GetLogger(ctx).Info("Creating VPS", "hostname", in.Hostname, "offering", in.OfferingID,
		"datacenter", in.DatacenterID, "vpsienode", in.Owner.Namespace+"/"+in.Owner.Name)
	vm, err := v.API.CreateVM(ctx, req)
	if err != nil {
		return contract.CreateOwnedVPSResult{}, vpsieError("creating vps "+in.Hostname, err)
	}
	if vm.Identifier != "" {
		return contract.CreateOwnedVPSResult{VPSState: stateOf(vm)}, nil
	}
	// Accepted without a name for the VPS (shape B): it exists, so wait for the listing.
	j, found, err := v.awaitListed(ctx, in)
	switch {
	case err != nil:
		return contract.CreateOwnedVPSResult{}, err
	case !found:
		return contract.CreateOwnedVPSResult{}, temporal.NewApplicationError(
			fmt.Sprintf("create of %s accepted, but not listed within %s", in.Hostname, v.ListingLag), contract.ErrNotListedYet)
	}
	return contract.CreateOwnedVPSResult{VPSState: j.VPSState}, nil
}

// lookUp finds a live VPS of the owner by hostname with one lookup.
func (v *VPSie) lookUp(ctx context.Context, in contract.CreateOwnedVPSInput) (contract.JudgedVPS, bool, error) {
	res, err := v.findOwned(ctx, in.Hostname, in.Owner)
	if err != nil {
		return contract.JudgedVPS{}, false, err
	}
	for _, f := range res.LeftAlone {
		activity.GetLogger(ctx).Warn("A VPS with our hostname is not ours; not adopting it", "vps", f.VPSID,
			"hostname", in.Hostname, "why", f.Why)
	}
	j, ok := live(res)
	return j, ok, nil
}

// awaitListed looks until a lookup that started after the listing lag has passed
// succeeds: only that one may say "not there". Lookups before it may adopt early; their
// failures only mean another look, because a lookup changes nothing (the POST is never
// repeated here). The activity's timeouts bound the wait.
func (v *VPSie) awaitListed(ctx context.Context, in contract.CreateOwnedVPSInput) (contract.JudgedVPS, bool, error) {
	deadline := time.Now().Add(v.ListingLag)
	for {
		authoritative := !time.Now().Before(deadline)
		j, found, err := v.lookUp(ctx, in)
		switch {
		case err == nil && (found || authoritative):
			return j, found, nil
		case err != nil && ctx.Err() != nil:
			return contract.JudgedVPS{}, false, err
		case err != nil:
			activity.GetLogger(ctx).Debug("Lookup failed while waiting out the listing lag", "hostname", in.Hostname,
				"error", err)
		}
		activity.RecordHeartbeat(ctx, "waiting out the listing lag for "+in.Hostname)
		if err := v.pollWait(ctx); err != nil {
			return contract.JudgedVPS{}, false, fmt.Errorf("waiting for the listing of %s: %w", in.Hostname, err)
		}
	}
}

// findAfterLag judges the VPSs of a hostname with a lookup that started after the
// listing lag (counted from this attempt's start), looking meanwhile: only that lookup
// may say "no VPS" (lookups count as the lag's clock in some APIs, so it keeps looking
// rather than sleeping). Failed lookups before it only mean another look.
func (v *VPSie) findAfterLag(ctx context.Context, hostname string, o contract.Owner) (contract.FindOwnedVPSResult, error) {
	deadline := time.Now().Add(v.ListingLag)
	for {
		authoritative := !time.Now().Before(deadline)
		res, err := v.findOwned(ctx, hostname, o)
		switch {
		case err == nil && authoritative:
			return res, nil
		case err != nil && (authoritative || ctx.Err() != nil):
			return res, err
		}
		activity.RecordHeartbeat(ctx, "waiting out the listing lag for "+hostname)
		if err := v.pollWait(ctx); err != nil {
			return res, fmt.Errorf("waiting for the listing of %s: %w", hostname, err)
		}
	}
}

// pollWait waits one listing poll interval.
func (v *VPSie) pollWait(ctx context.Context) error {
	poll := v.ListingPoll
	if poll <= 0 {
		poll = time.Second
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(poll):
		return nil
	}
}

// createRequest builds the create call; the user data (with the node's join token, issued
// here, right before the one POST) is rendered here and goes only to the API.
func (v *VPSie) createRequest(ctx context.Context, in contract.CreateOwnedVPSInput) (vpsie.CreateVMRequest, error) {
	req := vpsie.CreateVMRequest{Hostname: in.Hostname, OfferingID: in.OfferingID, DatacenterID: in.DatacenterID,
		ImageID: in.ImageID, Tags: append(in.Owner.Tags(), in.Tags...), Spot: in.Spot}
	keyIDs := append(slices.Clone(v.DefaultSSHKeyIDs), in.SSHKeyIDs...)
	if in.Join != nil {
		keyIDs = append(keyIDs, in.Join.SSHKeyIDs...)
	}
	req.SSHKeyIDs = dedupKeys(keyIDs)
	if in.Join == nil {
		return req, nil
	}
	var err error
	if req.SSHPublicKeys, err = v.publicKeys(ctx, *in.Join); err != nil {
		// A missing or empty key Secret is fixed by an operator (the NodeGroup's
		// BootstrapConfigValid condition says so); keep retrying, never boot without the keys.
		return req, fmt.Errorf("ssh keys of %s: %w", in.Hostname, err)
	}
	if v.UserData == nil {
		return req, nonRetryable("create asks for a join, but no join configuration is set")
	}
	if req.UserData, err = v.UserData.Render(ctx, in); err != nil {
		// A missing Secret or template is fixed by an operator; keep retrying meanwhile.
		return req, fmt.Errorf("rendering user data of %s: %w", in.Hostname, err)
	}
	return req, nil
}

// publicKeys are the node's OpenSSH public keys: the group's and its Secret's, read now
// (the workflow carries only the Secret's name), each once.
func (v *VPSie) publicKeys(ctx context.Context, t contract.NodeTemplate) ([]string, error) {
	if v.SSHKeys != nil {
		return v.SSHKeys.PublicKeys(ctx, t)
	}
	if t.SSHKeySecret != "" {
		return nil, nonRetryable("create asks for the SSH keys of Secret " + t.SSHKeySecret + ", but no key reader is set")
	}
	return dedupKeys(t.SSHPublicKeys), nil
}

// dedupKeys keeps the first of equal keys (an OpenSSH key compared without the whitespace
// around it), in order; nil when there are none.
func dedupKeys(keys []string) []string {
	var out []string
	for _, k := range keys {
		if k = strings.Join(strings.Fields(k), " "); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
