package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Provisioning mode managedKubernetes: a node is a worker VPSie adds to a managed node
// group. The API takes no idempotency key and chooses the hostname, so exactly once rests
// on three rules: the add is sent once per try and never retried blindly; the worker's
// identifier is recorded on the VPSieNode before anything else happens; and an answer that
// names no worker is resolved by comparing the group's workers listed before the add with
// those listed after the listing lag. Adds of one batch take turns (addLock), so a worker
// that appears in the group across one add is that add's.

// maxAddTries bounds the adds of one node: tries the API refused before acting (throttled,
// breaker open) and ambiguous tries after which no worker appeared.
const maxAddTries = 6

type addLockKey struct{}

// addLock is the batch's turn-taking for adds, and the workers its nodes recorded: a
// sibling's worker that the cluster info does not list yet must never look like one that
// appeared across a later add.
type addLock struct {
	mu    workflow.Mutex
	known []string
}

// withAddLock gives the batch's nodes one lock for their adds.
func withAddLock(ctx workflow.Context) workflow.Context {
	return workflow.WithValue(ctx, addLockKey{}, &addLock{mu: workflow.NewMutex(ctx)})
}

// provisionManaged adds the node's worker, records it, and joins its Node.
func provisionManaged(ctx workflow.Context, in contract.ScaleUpInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) error {
	group := contract.RecordedWorkersInput{Namespace: in.Namespace, NodeGroup: in.NodeGroup}
	w, err := addWorkerOnce(ctx, *in.Managed, group, out, ref)
	if err != nil {
		return err
	}
	out.NodeName = w.Hostname
	return join(ctx, in, out, ref)
}

// addWorkerOnce makes exactly one worker exist for the node and records it.
func addWorkerOnce(ctx workflow.Context, t contract.ManagedTarget, group contract.RecordedWorkersInput, out *contract.NodeOutcome, ref contract.VPSieNodeRef) (contract.ManagedWorker, error) {
	lock, _ := ctx.Value(addLockKey{}).(*addLock)
	if lock == nil {
		lock = &addLock{mu: workflow.NewMutex(ctx)}
	}
	if err := lock.mu.Lock(ctx); err != nil {
		return contract.ManagedWorker{}, err
	}
	defer lock.mu.Unlock()
	for try := 1; try <= maxAddTries; try++ {
		w, found, err := tryAdd(ctx, t, group, out, lock.known)
		if err != nil {
			return w, err
		}
		if found {
			out.WorkerID = w.WorkerID
			lock.known = append(lock.known, w.WorkerID)
			return w, recordWorker(ctx, ref, t, w)
		}
		if err := workflow.Sleep(ctx, vpsPollInterval); err != nil {
			return w, err
		}
	}
	out.Reason = contract.FailureCreate
	return contract.ManagedWorker{}, fmt.Errorf("no worker added to group %d after %d tries", t.GroupID, maxAddTries)
}

// tryAdd is one add: list before, add, and on an ambiguous answer find what appeared.
// found is false when this try proved no worker was added (the caller may try again).
// known are the workers the batch recorded already, listed or not.
func tryAdd(ctx workflow.Context, t contract.ManagedTarget, group contract.RecordedWorkersInput, out *contract.NodeOutcome, known []string) (contract.ManagedWorker, bool, error) {
	var before contract.ListManagedWorkersResult
	if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.ListManagedWorkersActivity, t).Get(ctx, &before); err != nil {
		return contract.ManagedWorker{}, false, fmt.Errorf("listing the workers of group %d: %w", t.GroupID, err)
	}
	var added contract.AddManagedWorkerResult
	err := workflow.ExecuteActivity(vpsieOnce(ctx), contract.AddManagedWorkerActivity, t).Get(ctx, &added)
	var appErr *temporal.ApplicationError
	switch {
	case err != nil && temporal.IsTimeoutError(err):
		added = contract.AddManagedWorkerResult{Ambiguous: true, Why: err.Error()}
	case errors.As(err, &appErr) && !appErr.NonRetryable():
		workflow.GetLogger(ctx).Info("Add refused before it acted; trying again", "vpsienode", out.Name, "error", err)
		return contract.ManagedWorker{}, false, nil
	case err != nil:
		return contract.ManagedWorker{}, false, fmt.Errorf("adding a worker to group %d: %w", t.GroupID, err)
	}
	if !added.Ambiguous {
		return added.Worker, true, nil
	}
	workflow.GetLogger(ctx).Info("Add answer named no worker; looking for it", "vpsienode", out.Name, "why", added.Why)
	var found contract.FindAddedWorkerResult
	find := contract.FindAddedWorkerInput{Target: t, Before: append(workerIDs(before.Workers), known...)}
	if err := workflow.ExecuteActivity(vpsieCreate(ctx), contract.FindAddedWorkerActivity, find).Get(ctx, &found); err != nil {
		return contract.ManagedWorker{}, false, fmt.Errorf("finding the worker added to group %d: %w", t.GroupID, err)
	}
	var recorded contract.RecordedWorkersResult
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordedWorkersActivity, group).Get(ctx, &recorded); err != nil {
		return contract.ManagedWorker{}, false, fmt.Errorf("reading the recorded workers of %s: %w", group.NodeGroup, err)
	}
	found.Added = slices.DeleteFunc(found.Added, func(w contract.ManagedWorker) bool {
		return slices.Contains(recorded.WorkerIDs, w.WorkerID)
	})
	switch len(found.Added) {
	case 0:
		return contract.ManagedWorker{}, false, nil
	case 1:
		return found.Added[0], true, nil
	}
	out.Reason = contract.FailureAmbiguousAdd
	return contract.ManagedWorker{}, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
		"%d workers appeared in group %d across one add; none is attributed: %v", len(found.Added), t.GroupID,
		workerIDs(found.Added)), contract.FailureAmbiguousAdd, nil)
}

func recordWorker(ctx workflow.Context, ref contract.VPSieNodeRef, t contract.ManagedTarget, w contract.ManagedWorker) error {
	in := contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: contract.PhaseProvisioning, WorkerID: w.WorkerID,
		ManagedCluster: t.Cluster, IP: w.IP, NodeName: w.Hostname}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.RecordVPSieNodeActivity, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("recording worker %s on vpsienode %s: %w", w.WorkerID, ref.Name, err)
	}
	return nil
}

func workerIDs(ws []contract.ManagedWorker) []string {
	ids := make([]string, 0, len(ws))
	for _, w := range ws {
		ids = append(ids, w.WorkerID)
	}
	return ids
}

// vpsieOnce is vpsieCall for a call that must not be repeated by Temporal: one attempt.
func vpsieOnce(ctx workflow.Context) workflow.Context {
	ctx = vpsieCall(ctx)
	o := workflow.GetActivityOptions(ctx)
	o.RetryPolicy = &temporal.RetryPolicy{MaximumAttempts: 1}
	o.StartToCloseTimeout = time.Minute
	return workflow.WithActivityOptions(ctx, o)
}

// terminateManaged deletes the recorded worker, then the Node, then the finalizer.
func terminateManaged(ctx workflow.Context, in contract.TerminateVPSieNodeInput, ref contract.VPSieNodeRef) (contract.TerminateResult, error) {
	var res contract.TerminateResult
	del := contract.DeleteManagedWorkerInput{Cluster: in.ManagedCluster, WorkerID: in.WorkerID, Owner: in.Owner()}
	var d contract.DeleteManagedWorkerResult
	if err := workflow.ExecuteActivity(vpsieCreate(ctx), contract.DeleteManagedWorkerActivity, del).Get(ctx, &d); err != nil {
		return res, fmt.Errorf("deleting worker %s: %w", in.WorkerID, err)
	}
	if d.Verdict == contract.VerdictGone {
		res.Gone = append(res.Gone, in.WorkerID)
	} else {
		res.Deleted = append(res.Deleted, in.WorkerID)
	}
	node := contract.DeleteVPSieNodeNodeInput{VPSieNode: ref, NodeName: in.NodeName}
	if node.NodeName == "" {
		node.NodeName = in.Hostname
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeNodeActivity, node).Get(ctx, &res.Node); err != nil {
		return res, fmt.Errorf("deleting node %s: %w", node.NodeName, err)
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.ReleaseVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("releasing vpsienode finalizer: %w", err)
	}
	return res, nil
}

// expectedNode is the Node a node waits for: a VPS's by its hostname and provider ID, a
// managed worker's by the hostname VPSie chose (it registers with no provider ID of ours).
func expectedNode(out *contract.NodeOutcome, timeout time.Duration) contract.WaitNodeInput {
	if out.WorkerID != "" {
		return contract.WaitNodeInput{NodeName: out.NodeName, Timeout: timeout}
	}
	return contract.WaitNodeInput{NodeName: out.Name, ProviderID: contract.ProviderID(out.VPSID), Timeout: timeout}
}
