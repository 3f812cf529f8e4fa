package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// CheckDrainSafety runs the scale-down planner's safety checks (scaledown.SafetyChecks, the
// one place the rules live) on a Node as it is now, just before its drain evicts anything:
// a rebalance's drain may run hours after its plan, and an operator may have protected the
// node or a pod since. Pods that tolerate the drain's own taint are checked too: they are
// not evicted, but they go with the node. A node that fails a check is refused with a non-retryable
// contract.ErrDrainUnsafe error whose details are a contract.DrainRefusal; a Node that is
// gone has nothing to check.
func (k *Kube) CheckDrainSafety(ctx context.Context, in contract.NodeRef) error {
	if in.NodeName == "" {
		return nonRetryable("a drain safety check needs a node name")
	}
	s, err := k.safetySnapshot(ctx, in.NodeName)
	if err != nil || s == nil {
		return err
	}
	v := scaledown.NewSafetyChecks(*s).CheckAtDrain(in.NodeName)
	if v.Reason == scaledown.ReasonNone {
		return nil
	}
	refusal := contract.DrainRefusal{Check: v.Reason.String(), Message: v.Message}
	if v.Pod.Name != "" {
		refusal.Pod = v.Pod.String()
	}
	activity.GetLogger(ctx).Info("Refusing to drain a node that fails a safety check", "node", in.NodeName,
		"check", refusal.Check, "pod", refusal.Pod)
	k.nodeEvent(ctx, in.NodeName, corev1.EventTypeWarning, "DrainRefused", refusal.Check+": "+v.Message)
	return temporal.NewNonRetryableApplicationError(refusal.Check+": "+v.Message, contract.ErrDrainUnsafe, nil, refusal)
}

// safetySnapshot reads what the checks need: the Node, its pods, the PodDisruptionBudgets
// (a kube-system pod needs one) and the claims and volumes (local storage). nil when the
// Node is gone.
func (k *Kube) safetySnapshot(ctx context.Context, node string) (*scaledown.Snapshot, error) {
	n := &corev1.Node{}
	if err := k.Client.Get(ctx, client.ObjectKey{Name: node}, n); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading node %s: %w", node, err)
	}
	pods, err := k.podsOn(ctx, node)
	if err != nil {
		return nil, err
	}
	var pdbs policyv1.PodDisruptionBudgetList
	var pvcs corev1.PersistentVolumeClaimList
	var pvs corev1.PersistentVolumeList
	for what, list := range map[string]client.ObjectList{"poddisruptionbudgets": &pdbs,
		"persistentvolumeclaims": &pvcs, "persistentvolumes": &pvs} {
		if err := k.Client.List(ctx, list); err != nil {
			return nil, fmt.Errorf("listing %s for the drain safety check: %w", what, err)
		}
	}
	s := &scaledown.Snapshot{Nodes: []schedsim.ExistingNode{{Node: n, Pods: ptrsOf(pods)}}}
	s.PDBs = ptrsOf(pdbs.Items)
	s.PersistentVolumeClaims = ptrsOf(pvcs.Items)
	s.PersistentVolumes = ptrsOf(pvs.Items)
	return s, nil
}

func ptrsOf[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
