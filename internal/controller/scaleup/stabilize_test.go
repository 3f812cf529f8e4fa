package scaleup

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

func TestStabilizationWindowHoldsFreshlyUnschedulablePods(t *testing.T) {
	now := time.Unix(1000, 0)
	pod := func(name string, age time.Duration) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Status: corev1.PodStatus{
			Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
				Reason: corev1.PodReasonUnschedulable, LastTransitionTime: metav1.NewTime(now.Add(-age))}}}}
	}
	since := unschedulableSince([]*corev1.Pod{ptr.To(pod("fresh", 10*time.Second)), ptr.To(pod("old", 2*time.Minute))})
	tests := []struct {
		name   string
		window int32
		reason plan.Reason
		pods   []string
		want   bool
	}{
		{name: "no window: at once", pods: []string{"fresh"}},
		{name: "fresh pods wait for the window", window: 60, reason: plan.ReasonPendingPods, pods: []string{"fresh"}, want: true},
		{name: "one pod pending longer than the window is enough", window: 60, reason: plan.ReasonPendingPods,
			pods: []string{"fresh", "old"}},
		{name: "minNodes does not wait", window: 60, reason: plan.ReasonBelowMinNodes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Provisioner{clock: clocktesting.NewFakeClock(now)}
			g := &v1alpha1.NodeGroup{Spec: v1alpha1.NodeGroupSpec{ScaleUpPolicy: v1alpha1.ScalingPolicy{StabilizationWindowSeconds: tt.window}}}
			in := plan.Intent{Reason: tt.reason}
			for _, n := range tt.pods {
				in.Pods = append(in.Pods, types.NamespacedName{Namespace: "ns", Name: n})
			}
			if got := p.stabilizing(g, in, since); got != tt.want {
				t.Fatalf("stabilizing = %v, want %v", got, tt.want)
			}
		})
	}
}
