package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestBatchesOpenOnNewlyUnschedulablePodsAndEditedNodeGroups(t *testing.T) {
	pending := func(msg string) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled,
			Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: msg}}}}
	}
	fresh := &corev1.Pod{}
	group := func(gen int64) *v1alpha1.NodeGroup {
		return &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Generation: gen}}
	}
	cases := []struct {
		name     string
		trigger  func(old, cur any) bool
		old, cur any
		want     bool
	}{
		{"a pod created unschedulable", newlyUnschedulable, nil, pending("0/3"), true},
		{"a pod the scheduler just marked unschedulable", newlyUnschedulable, fresh, pending("0/3"), true},
		{"the scheduler rewriting the message of a waiting pod", newlyUnschedulable, pending("0/3"), pending("0/4"), false},
		{"a pod that is not unschedulable", newlyUnschedulable, nil, fresh, false},
		{"a NodeGroup created", specChanged, nil, group(1), true},
		{"a NodeGroup's spec edited", specChanged, group(1), group(2), true},
		{"a NodeGroup's status written", specChanged, group(2), group(2), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.trigger(tc.old, tc.cur); got != tc.want {
				t.Errorf("trigger = %v, want %v", got, tc.want)
			}
		})
	}
}
