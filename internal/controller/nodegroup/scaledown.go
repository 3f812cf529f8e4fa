package nodegroup

import (
	"reflect"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// ScaleDownReport is what the scale-down controller last decided for a group.
type ScaleDownReport struct {
	// Blocked are the nodes it keeps with why, sorted by node name (all of them).
	Blocked []v1alpha1.BlockedNode
	// LastScaleDown is when it last started a drain of the group; zero if never.
	LastScaleDown time.Time
}

// Equal says whether two reports are the same, so an unchanged one is not announced.
func (r ScaleDownReport) Equal(o ScaleDownReport) bool { return reflect.DeepEqual(r, o) }

// scaleDownStatus is status.scaleDown: the first MaxBlockedNodes blocked nodes and how
// many there are; nil when nothing is blocked.
func scaleDownStatus(r *ScaleDownReport) *v1alpha1.NodeGroupScaleDownStatus {
	if r == nil || len(r.Blocked) == 0 {
		return nil
	}
	out := &v1alpha1.NodeGroupScaleDownStatus{BlockedCount: int32(len(r.Blocked))}
	out.BlockedNodes = append(out.BlockedNodes, r.Blocked[:min(len(r.Blocked), v1alpha1.MaxBlockedNodes)]...)
	return out
}

// lastScaleDown is the later of the status's time and the report's.
func lastScaleDown(cur *metav1.Time, r *ScaleDownReport) *metav1.Time {
	if r == nil || r.LastScaleDown.IsZero() {
		return cur
	}
	t := metav1.NewTime(r.LastScaleDown.Truncate(time.Second))
	return later(cur, &t)
}
