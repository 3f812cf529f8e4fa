package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// ManagedAPI is the VPSie managed-Kubernetes transport: one request per method.
type ManagedAPI interface {
	ListK8sNodeGroups(ctx context.Context, cluster string) ([]vpsie.K8sNodeGroup, error)
	ListK8sWorkers(ctx context.Context, cluster string) ([]vpsie.K8sWorker, error)
	AddK8sWorker(ctx context.Context, cluster string, group int64) (vpsie.K8sWorker, error)
	DeleteK8sWorker(ctx context.Context, cluster, identifier string) error
}

// Managed holds the activities of provisioning mode managedKubernetes. They run on the
// VPSie task queue, like the VM activities, so the one rate limit covers both.
type Managed struct {
	API ManagedAPI
	// ListingLag and ListingPoll are as for VPSie: how long a new worker may take to show
	// in the cluster info, and how often to look meanwhile.
	ListingLag  time.Duration
	ListingPoll time.Duration
	// Groups caches node-group ids resolved from names; nil resolves on every call.
	Groups *GroupIDs
}

// GroupIDs caches the ids of managed node groups by cluster and name (a group's id never
// changes; a group deleted and made again under the name is a new id, found after a miss).
type GroupIDs struct{ m sync.Map }

// resolve fills t.GroupID from t.GroupName with one listing of the cluster's groups.
func (m *Managed) resolve(ctx context.Context, t contract.ManagedTarget) (contract.ManagedTarget, error) {
	if t.GroupID > 0 {
		return t, nil
	}
	key := t.Cluster + "/" + t.GroupName
	if m.Groups != nil {
		if id, ok := m.Groups.m.Load(key); ok {
			t.GroupID = id.(int64)
			return t, nil
		}
	}
	gs, err := m.API.ListK8sNodeGroups(ctx, t.Cluster)
	if err != nil {
		return t, vpsieError("listing the node groups of "+t.Cluster, err)
	}
	for _, g := range gs {
		if g.Name == t.GroupName {
			t.GroupID = g.ID
			if m.Groups != nil {
				m.Groups.m.Store(key, g.ID)
			}
			return t, nil
		}
	}
	// An operator fixes the name or creates the group; keep retrying meanwhile, visibly.
	return t, fmt.Errorf("managed cluster %s has no node group named %q", t.Cluster, t.GroupName)
}

// ListManagedWorkers lists the group's workers (one read of the cluster info).
func (m *Managed) ListManagedWorkers(ctx context.Context, t contract.ManagedTarget) (contract.ListManagedWorkersResult, error) {
	if !t.Valid() {
		return contract.ListManagedWorkersResult{}, nonRetryable("list managed workers needs a cluster and a group")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	t, err := m.resolve(ctx, t)
	if err != nil {
		return contract.ListManagedWorkersResult{}, err
	}
	ws, err := m.groupWorkers(ctx, t)
	return contract.ListManagedWorkersResult{Workers: ws}, err
}

// AddManagedWorker sends one add. The workflow runs it with a single attempt: an answer
// that names the worker is the worker; a refusal the API made before acting (capacity, an
// invalid request, throttling, rejected credentials, an open breaker) is an error; anything
// else (data: true, a lost, failed or timed-out answer) is Ambiguous, and the workflow finds
// out by listing.
func (m *Managed) AddManagedWorker(ctx context.Context, t contract.ManagedTarget) (contract.AddManagedWorkerResult, error) {
	if !t.Valid() {
		return contract.AddManagedWorkerResult{}, nonRetryable("add managed worker needs a cluster and a group")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	t, err := m.resolve(ctx, t)
	if err != nil {
		return contract.AddManagedWorkerResult{}, err
	}
	activity.GetLogger(ctx).Info("Adding managed worker", "cluster", t.Cluster, "group", t.GroupID)
	w, err := m.API.AddK8sWorker(ctx, t.Cluster, t.GroupID)
	switch {
	case err != nil && notSent(err):
		return contract.AddManagedWorkerResult{}, vpsieError(fmt.Sprintf("adding a worker to group %d", t.GroupID), err)
	case err != nil:
		return contract.AddManagedWorkerResult{Ambiguous: true, Why: err.Error()}, nil
	case w.Identifier == "":
		return contract.AddManagedWorkerResult{Ambiguous: true, Why: "the answer named no worker"}, nil
	}
	return contract.AddManagedWorkerResult{Worker: workerOf(w)}, nil
}

// notSent reports whether an add failed in a way that proves it did not take effect.
func notSent(err error) bool {
	switch vpsie.KindOf(err) {
	case vpsie.KindCapacityExhausted, vpsie.KindInvalidRequest, vpsie.KindRateLimited, vpsie.KindUnauthorized,
		vpsie.KindCircuitOpen, vpsie.KindBadEndpoint, vpsie.KindNotFound:
		return true
	}
	return false
}

// FindAddedWorker answers from the first listing made after the listing lag has passed
// (counted from this attempt's start, which is after the ambiguous add): only that one may
// say "nothing was added", and only it shows every worker added before it. It never
// answers early with the first new worker: an earlier add, not listed yet, would then pass
// for this one.
func (m *Managed) FindAddedWorker(ctx context.Context, in contract.FindAddedWorkerInput) (contract.FindAddedWorkerResult, error) {
	if !in.Target.Valid() {
		return contract.FindAddedWorkerResult{}, nonRetryable("find added worker needs a cluster and a group")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	t, err := m.resolve(ctx, in.Target)
	if err != nil {
		return contract.FindAddedWorkerResult{}, err
	}
	in.Target = t
	deadline := time.Now().Add(m.ListingLag)
	for {
		authoritative := !time.Now().Before(deadline)
		ws, err := m.groupWorkers(ctx, in.Target)
		if err == nil && authoritative {
			return contract.FindAddedWorkerResult{Added: addedSince(ws, in.Before)}, nil
		}
		if err != nil && ctx.Err() != nil {
			return contract.FindAddedWorkerResult{}, err
		}
		activity.RecordHeartbeat(ctx, "waiting out the listing lag of group "+fmt.Sprint(in.Target.GroupID))
		if err := m.pause(ctx); err != nil {
			return contract.FindAddedWorkerResult{}, err
		}
	}
}

// DeleteManagedWorker deletes the recorded worker. A 404 is not proof: the managed API
// also answers it for a worker its cluster info does not list yet. So after a 404 it reads
// the cluster info until a read made after the listing lag: a worker listed meanwhile is
// deleted again; one still unlisted then is gone.
func (m *Managed) DeleteManagedWorker(ctx context.Context, in contract.DeleteManagedWorkerInput) (contract.DeleteManagedWorkerResult, error) {
	if in.Cluster == "" || in.WorkerID == "" || !in.Owner.Valid() {
		return contract.DeleteManagedWorkerResult{}, nonRetryable("delete managed worker needs a cluster, a worker id and an owner; refusing")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	log := activity.GetLogger(ctx)
	deadline := time.Time{}
	for {
		log.Info("Deleting managed worker", "worker", in.WorkerID, "vpsienode", in.Owner.Namespace+"/"+in.Owner.Name)
		err := m.API.DeleteK8sWorker(ctx, in.Cluster, in.WorkerID)
		if err == nil {
			return contract.DeleteManagedWorkerResult{Verdict: contract.VerdictOwned}, nil
		}
		if !errors.Is(err, vpsie.ErrNotFound) {
			return contract.DeleteManagedWorkerResult{}, vpsieError("deleting worker "+in.WorkerID, err)
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(m.ListingLag)
		}
		listed, err := m.awaitUnlisted(ctx, in.Cluster, in.WorkerID, deadline)
		if err != nil || !listed {
			return contract.DeleteManagedWorkerResult{Verdict: contract.VerdictGone}, err
		}
	}
}

// awaitUnlisted reads the cluster info until the worker is listed (true: delete again) or
// a read made after deadline does not list it (false: gone).
func (m *Managed) awaitUnlisted(ctx context.Context, cluster, id string, deadline time.Time) (bool, error) {
	for {
		authoritative := !time.Now().Before(deadline)
		ws, err := m.API.ListK8sWorkers(ctx, cluster)
		if err != nil {
			return false, vpsieError("reading the cluster info of "+cluster, err)
		}
		if judgeWorker(ws, id) != contract.VerdictGone {
			return true, nil
		}
		if authoritative {
			return false, nil
		}
		if err := m.pause(ctx); err != nil {
			return false, err
		}
	}
}

func (m *Managed) groupWorkers(ctx context.Context, t contract.ManagedTarget) ([]contract.ManagedWorker, error) {
	ws, err := m.API.ListK8sWorkers(ctx, t.Cluster)
	if err != nil {
		return nil, vpsieError("reading the cluster info of "+t.Cluster, err)
	}
	return workersOfGroup(ws, t.GroupID), nil
}

func (m *Managed) pause(ctx context.Context) error {
	poll := m.ListingPoll
	if poll <= 0 {
		poll = time.Second
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting out the listing lag: %w", ctx.Err())
	case <-time.After(poll):
		return nil
	}
}

// RegisterManaged registers the managed-Kubernetes activities on the VPSie task queue.
func RegisterManaged(r Registry, m *Managed) {
	register(r, map[string]any{
		contract.ListManagedWorkersActivity:  m.ListManagedWorkers,
		contract.AddManagedWorkerActivity:    m.AddManagedWorker,
		contract.FindAddedWorkerActivity:     m.FindAddedWorker,
		contract.DeleteManagedWorkerActivity: m.DeleteManagedWorker,
	})
}
