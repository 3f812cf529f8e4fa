package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// VPSieAPI is the VPSie transport the activities use: one request per method, no
// lookups and no retries of its own (Temporal's retry policy is the one retry layer).
type VPSieAPI interface {
	GetVM(ctx context.Context, id string) (vpsie.VM, error)
	ListVMs(ctx context.Context, f vpsie.VMFilter) ([]vpsie.VM, error)
	DeleteVM(ctx context.Context, id string) error
	CreateVM(ctx context.Context, req vpsie.CreateVMRequest) (vpsie.VM, error)
}

// VPSie holds the activities that talk to the VPSie API. They run on the VPSie task
// queue, whose activity rate is the cluster-wide rate limit.
type VPSie struct {
	API VPSieAPI
	// ListingLag bounds how long a new VPS may take to appear in listings. A create
	// attempt after an ambiguous failure waits this long, looking, before it may
	// create: only then is "not listed" authoritative.
	ListingLag time.Duration
	// ListingPoll is the interval between lookups while waiting out the lag.
	ListingPoll time.Duration
	// UserData renders a new VPS's cloud-init (it issues or reads the join token); nil
	// refuses creates that ask for a join.
	UserData UserDataRenderer
	// Owners says whether a create's VPSieNode still wants its VPS; it is asked right
	// before the POST, so a VPSieNode deleted while the create waited gets none. The
	// operator always sets it (Kube.OwnerLive); nil (activity unit tests) skips the check.
	Owners OwnerChecker
	// Orphans counts the orphan collector's deletions; nil counts none.
	Orphans *OrphanMetrics
	// DefaultSSHKeyIDs are the account's SSH key IDs every new VPS gets
	// (scaleUp.defaultSSHKeyIDs), before the NodeGroup's.
	DefaultSSHKeyIDs []string
	// SSHKeys reads a new node's public keys, its group's and those of its key Secret
	// (internal/cloudinit); nil sends the group's own keys and refuses a group with a Secret.
	SSHKeys PublicKeyReader
}

// PublicKeyReader gives the OpenSSH public keys a node of a template gets, each once; a
// key Secret that is missing or holds no key is an error, never an empty answer.
type PublicKeyReader interface {
	PublicKeys(ctx context.Context, t contract.NodeTemplate) ([]string, error)
}

// OwnerChecker fails with ErrOwnerGone when the owner's VPSieNode is gone, replaced or
// being deleted.
type OwnerChecker interface {
	OwnerLive(ctx context.Context, o contract.Owner) error
}

// UserDataRenderer renders the user data of the node a create makes (internal/cloudinit).
type UserDataRenderer interface {
	Render(ctx context.Context, in contract.CreateOwnedVPSInput) (string, error)
}

// InspectVPS reads the recorded VPS and judges it for the owner (one API call).
func (v *VPSie) InspectVPS(ctx context.Context, in contract.InspectVPSInput) (contract.JudgedVPS, error) {
	if in.VPSID == "" || in.Hostname == "" || !in.Owner.Valid() {
		return contract.JudgedVPS{}, nonRetryable("inspect vps needs a vps id, a hostname and an owner")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	return v.inspect(ctx, in.VPSID, in.Hostname, in.Owner, true)
}

// FindOwnedVPS lists the VPSs of a hostname and judges each for the owner.
func (v *VPSie) FindOwnedVPS(ctx context.Context, in contract.FindOwnedVPSInput) (contract.FindOwnedVPSResult, error) {
	if in.Hostname == "" || !in.Owner.Valid() {
		return contract.FindOwnedVPSResult{}, nonRetryable("find owned vps needs a hostname and an owner")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	if in.AwaitListingLag {
		return v.findAfterLag(ctx, in.Hostname, in.Owner)
	}
	return v.findOwned(ctx, in.Hostname, in.Owner)
}

// DeleteOwnedVPS deletes one VPS the ownership layer judged deletable (one API call). A
// VPS already gone is success. It refuses, before any call, an input that does not
// carry both an owner and a deletable verdict: never "any VPS with this ID".
func (v *VPSie) DeleteOwnedVPS(ctx context.Context, in contract.DeleteOwnedVPSInput) error {
	if in.VPSID == "" || in.Hostname == "" || !in.Owner.Valid() || !in.Verdict.Deletable() {
		return nonRetryable("delete vps needs a vps id, a hostname, an owner and a deletable verdict; refusing")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	activity.RecordHeartbeat(ctx, "deleting vps "+in.VPSID)
	activity.GetLogger(ctx).Info("Deleting VPS", "vps", in.VPSID, "hostname", in.Hostname,
		"vpsienode", in.Owner.Namespace+"/"+in.Owner.Name, "verdict", string(in.Verdict))
	if err := v.API.DeleteVM(ctx, in.VPSID); err != nil && !errors.Is(err, vpsie.ErrNotFound) {
		return vpsieError("deleting vps "+in.VPSID, err)
	}
	return nil
}

// GetVPSState reads one VPS (one API call); Found is false once the API no longer
// knows it or reports it deleted.
func (v *VPSie) GetVPSState(ctx context.Context, in contract.GetVPSStateInput) (contract.VPSState, error) {
	if in.VPSID == "" {
		return contract.VPSState{}, nonRetryable("get vps state needs a vps id")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	vm, err := v.API.GetVM(ctx, in.VPSID)
	if errors.Is(err, vpsie.ErrNotFound) {
		return contract.VPSState{VPSID: in.VPSID}, nil
	}
	if err != nil {
		return contract.VPSState{}, vpsieError("reading vps "+in.VPSID, err)
	}
	return stateOf(vm), nil
}

// heartbeatEvery keeps a VPSie activity's heartbeats well inside its heartbeat timeout.
const heartbeatEvery = 2 * time.Second

// heartbeating heartbeats while a VPSie activity runs, so only a dead worker misses its
// heartbeat timeout: a call in flight, the rate limiter and a login all count as alive
// (the HTTP timeout bounds the call itself), and a POST is never abandoned to a retry
// while it may still land. The client's waits are reported as what is being waited on.
func heartbeating(ctx context.Context) (context.Context, func()) {
	ctx = vpsie.WithWaitObserver(ctx, func(what string) { activity.RecordHeartbeat(ctx, what) })
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return ctx, cancel
}
