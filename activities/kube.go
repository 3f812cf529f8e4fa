package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Kube holds the activities that write Kubernetes objects.
type Kube struct {
	Client client.Client
	Clock  clock.Clock
	// Evictions posts evictions (NewEvictionClient); nil posts them through Client,
	// whose transport retries refusals by itself (fine for fakes, not for a drain).
	Evictions rest.Interface
	// Events records the orphan collector's findings on Nodes; nil records none.
	Events events.EventRecorder
	// Orphans counts the orphan collector's findings and deletions; nil counts none.
	Orphans *OrphanMetrics
	// Tokens revokes per-node bootstrap tokens; nil when nodes join with the shared join
	// Secret.
	Tokens TokenRevoker
}

// ReleaseVPSieNode removes the termination finalizer once the VPS is gone,
// letting Kubernetes delete the object.
func (k *Kube) ReleaseVPSieNode(ctx context.Context, in contract.VPSieNodeRef) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		vn, err := k.get(ctx, in)
		if err != nil || vn == nil {
			return err
		}
		base := vn.DeepCopy()
		if !controllerutil.RemoveFinalizer(vn, v1alpha1.FinalizerVPSTermination) {
			return nil
		}
		return k.Client.Patch(ctx, vn, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("releasing vpsienode %s/%s: %w", in.Namespace, in.Name, err)
	}
	return nil
}

// get reads the VPSieNode ref names; nil without error when it is a later
// object of the same name (another UID): that one is not this run's to touch.
func (k *Kube) get(ctx context.Context, ref contract.VPSieNodeRef) (*v1alpha1.VPSieNode, error) {
	vn := &v1alpha1.VPSieNode{}
	if err := k.Client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, vn); err != nil {
		return nil, err
	}
	if ref.UID != "" && string(vn.UID) != ref.UID {
		activity.GetLogger(ctx).Info("VPSieNode was replaced by a new object; leaving it alone",
			"vpsienode", ref.Name, "uid", ref.UID, "current_uid", vn.UID)
		return nil, nil
	}
	return vn, nil
}

func (k *Kube) now() (t metav1.Time) {
	if k.Clock == nil {
		return metav1.Now()
	}
	return metav1.NewTime(k.Clock.Now())
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
