package nodegroup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestADeletedGroupShowsHowFarItsTakeDownGot(t *testing.T) {
	g := group(1, 3)
	if c := meta.FindStatusCondition(computeStatus(observation{group: g, now: t0}).Conditions, v1alpha1.ConditionDeleting); c != nil {
		t.Fatalf("a live group has %+v", c)
	}
	g.DeletionTimestamp = &t0
	draining := node("b", true)
	draining.Annotations = map[string]string{v1alpha1.AnnotationDrainStatus: v1alpha1.DrainStatusDraining}
	gone := vn("c", v1alpha1.PhaseTerminating)
	st := computeStatus(observation{group: g, now: t0, vpsieNodes: []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady),
		vn("b", v1alpha1.PhaseReady), gone}, nodes: []corev1.Node{node("a", true), draining}})
	c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionDeleting)
	want := "3 nodes left: 1 draining, 1 terminating, 1 waiting for a drain"
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != ReasonNodeGroupDeleting || c.Message != want {
		t.Fatalf("Deleting = %+v, want True %s %q", c, ReasonNodeGroupDeleting, want)
	}
}
