package scaleup

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestDecisionLatencyStartsAtTheFirstSightingOfTheBatchsEarliestPod(t *testing.T) {
	s := newSeenPods()
	a, b := types.NamespacedName{Namespace: "ns", Name: "a"}, types.NamespacedName{Namespace: "ns", Name: "b"}
	t0 := time.Unix(100, 0)
	s.mark(a, t0.Add(time.Second))
	s.mark(b, t0)
	s.mark(b, t0.Add(5*time.Second)) // a later update of the same pod does not restart its clock
	if got, ok := s.earliest([]types.NamespacedName{a, b}); !ok || !got.Equal(t0) {
		t.Errorf("earliest = %v %v, want %v", got, ok, t0)
	}
	s.retain([]*corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "a"}}})
	if _, ok := s.earliest([]types.NamespacedName{b}); ok {
		t.Error("a pod no longer pending is still remembered")
	}
	if got, _ := s.earliest([]types.NamespacedName{a}); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("pending pod's sighting = %v", got)
	}
}
