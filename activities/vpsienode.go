package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// LabelBatch names the scale-up batch that created a VPSieNode.
const LabelBatch = v1alpha1.LabelBatch

// CreateVPSieNode creates the VPSieNode of one requested node and returns its
// reference with the UID, which the VPS's ownership tags carry. An existing object of
// the name is this node's, made by an earlier attempt, and is returned as it is. The
// termination finalizer is part of the create request: the object is never deletable
// without its termination, whether or not the (leader-only) finalizer controller has
// seen it yet.
func (k *Kube) CreateVPSieNode(ctx context.Context, in contract.CreateVPSieNodeInput) (contract.VPSieNodeRef, error) {
	vn := &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: in.Namespace, Name: in.Name, Labels: map[string]string{
			v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: in.NodeGroup, LabelBatch: in.Batch,
		}, Finalizers: []string{v1alpha1.FinalizerVPSTermination}},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: in.NodeGroup, OfferingID: in.Placement.OfferingID,
			DatacenterID: in.Placement.DatacenterID, ImageID: in.ImageID, Hostname: in.Name},
	}
	err := k.Client.Create(ctx, vn)
	if apierrors.IsAlreadyExists(err) {
		err = k.Client.Get(ctx, client.ObjectKeyFromObject(vn), vn)
	}
	if err != nil {
		return contract.VPSieNodeRef{}, fmt.Errorf("creating vpsienode %s/%s: %w", in.Namespace, in.Name, err)
	}
	if !vn.DeletionTimestamp.IsZero() {
		return contract.VPSieNodeRef{}, nonRetryable(fmt.Sprintf("vpsienode %s/%s is being deleted", in.Namespace, in.Name))
	}
	return contract.VPSieNodeRef{Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID)}, nil
}

// RecordVPSieNode advances a VPSieNode's phase and records what is known: the VPS, its
// address, its Node, the time of the phase, an error. A VPSieNode that no longer exists
// has nothing left to record, which is success, except on the create path (MustExist):
// there a VPSieNode that is gone, replaced or being deleted is ErrOwnerGone, because a
// VPS was just made for it and the workflow must delete it.
func (k *Kube) RecordVPSieNode(ctx context.Context, in contract.RecordVPSieNodeInput) error {
	phase := v1alpha1.VPSieNodePhase(in.Phase)
	if !v1alpha1.IsKnownPhase(phase) {
		return nonRetryable(fmt.Sprintf("unknown vpsienode phase %q", in.Phase))
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		vn, err := k.get(ctx, in.VPSieNodeRef)
		if in.MustExist && (apierrors.IsNotFound(err) || (err == nil && (vn == nil || !vn.DeletionTimestamp.IsZero()))) {
			return ownerGone(in.VPSieNodeRef)
		}
		if err != nil || vn == nil {
			return err
		}
		base := vn.DeepCopy()
		k.apply(&vn.Status, in)
		return k.Client.Status().Patch(ctx, vn, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	})
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &appErr):
		return err // final as it is: a wrap would make it retryable
	case apierrors.IsNotFound(err) && in.MustExist:
		return ownerGone(in.VPSieNodeRef)
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("recording vpsienode %s/%s phase %s: %w", in.Namespace, in.Name, phase, err)
	}
	return nil
}

// apply writes in onto st; each phase's timestamp is set once.
func (k *Kube) apply(st *v1alpha1.VPSieNodeStatus, in contract.RecordVPSieNodeInput) {
	phase := v1alpha1.VPSieNodePhase(in.Phase)
	st.Phase = phase
	set := func(p *string, v string) {
		if v != "" {
			*p = v
		}
	}
	set(&st.VPSID, in.VPSID)
	set(&st.WorkerID, in.WorkerID)
	set(&st.ManagedCluster, in.ManagedCluster)
	set(&st.IPAddress, in.IP)
	set(&st.NodeName, in.NodeName)
	if in.LastError != "" {
		st.LastError = truncate(in.LastError, 1024)
	}
	stamp := func(p **metav1.Time) {
		if *p == nil {
			now := k.now()
			*p = &now
		}
	}
	switch phase {
	case v1alpha1.PhaseProvisioned:
		stamp(&st.ProvisionedAt)
	case v1alpha1.PhaseJoining:
		stamp(&st.JoinedAt)
	case v1alpha1.PhaseReady:
		stamp(&st.ReadyAt)
	case v1alpha1.PhaseTerminating, v1alpha1.PhaseDeleting:
		stamp(&st.TerminatingAt)
	}
}

// DeleteVPSieNode deletes a VPSieNode; its finalizer keeps it until the termination
// workflow has deleted its VPS and Node. Gone already is success.
func (k *Kube) DeleteVPSieNode(ctx context.Context, in contract.VPSieNodeRef) error {
	vn, err := k.get(ctx, in)
	if apierrors.IsNotFound(err) || (err == nil && vn == nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading vpsienode %s/%s: %w", in.Namespace, in.Name, err)
	}
	err = k.Client.Delete(ctx, vn, client.Preconditions{UID: &vn.UID})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting vpsienode %s/%s: %w", in.Namespace, in.Name, err)
	}
	activity.GetLogger(ctx).Info("Deleted vpsienode", "vpsienode", in.Name)
	return nil
}

// VPSieNodeDeleted says whether a VPSieNode is gone or being deleted (its termination owns
// it then): a rebalance asks it after a drain child failed, to know whether the drain got
// as far as deleting the node. A later object of the same name (another UID) means the one
// asked about is gone.
func (k *Kube) VPSieNodeDeleted(ctx context.Context, in contract.VPSieNodeRef) (bool, error) {
	if in.Namespace == "" || in.Name == "" {
		return false, nonRetryable("asking whether a vpsienode is deleted needs its namespace and name")
	}
	vn, err := k.get(ctx, in)
	switch {
	case apierrors.IsNotFound(err) || (err == nil && vn == nil):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("reading vpsienode %s/%s: %w", in.Namespace, in.Name, err)
	}
	return vn.DeletionTimestamp != nil, nil
}

// OwnerLive fails with a non-retryable ErrOwnerGone when the owner's VPSieNode is gone,
// replaced by a new object of the name, or being deleted: nothing may be created for
// it any more. Other read failures are retryable.
func (k *Kube) OwnerLive(ctx context.Context, o contract.Owner) error {
	ref := contract.VPSieNodeRef{Namespace: o.Namespace, Name: o.Name, UID: o.UID}
	vn, err := k.get(ctx, ref)
	switch {
	case apierrors.IsNotFound(err) || (err == nil && (vn == nil || !vn.DeletionTimestamp.IsZero())):
		return ownerGone(ref)
	case err != nil:
		return fmt.Errorf("reading vpsienode %s/%s: %w", o.Namespace, o.Name, err)
	}
	return nil
}

func ownerGone(ref contract.VPSieNodeRef) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("vpsienode %s/%s (uid %s) is gone, replaced or being deleted", ref.Namespace, ref.Name, ref.UID),
		contract.ErrOwnerGone, nil)
}
