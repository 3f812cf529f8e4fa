package nodegroup

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
)

// ReasonNodeGroupDeleting is the Deleting condition's reason.
const ReasonNodeGroupDeleting = "NodeGroupDeleting"

// deletingCondition shows how far the take-down of a deleted group got (the
// groupdeletion controller does it): its VPSieNodes left, those draining and those
// terminating.
func deletingCondition(vns []v1alpha1.VPSieNode, nodes *membership.Index) metav1.Condition {
	var draining, terminating int
	for i := range vns {
		vn := &vns[i]
		n := nodes.NodeOf(vn)
		switch {
		case vn.Leaving():
			terminating++
		case n != nil && n.Annotations[v1alpha1.AnnotationDrainStatus] == v1alpha1.DrainStatusDraining:
			draining++
		}
	}
	msg := "no node left; the NodeGroup goes once its runs have ended"
	if len(vns) > 0 {
		msg = fmt.Sprintf("%d nodes left: %d draining, %d terminating, %d waiting for a drain", len(vns), draining,
			terminating, len(vns)-draining-terminating)
	}
	return metav1.Condition{Type: v1alpha1.ConditionDeleting, Status: metav1.ConditionTrue, Reason: ReasonNodeGroupDeleting,
		Message: msg}
}
