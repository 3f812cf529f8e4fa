package scaleup

import (
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// seenPods remembers when this controller first saw each pod unschedulable: the start of
// scale_up_decision_latency_seconds, which ends when the pod's scale-up is requested. The
// pod's own condition time has only second precision, too coarse for a 2 s target.
type seenPods struct {
	mu sync.Mutex
	at map[types.NamespacedName]time.Time
}

func newSeenPods() *seenPods { return &seenPods{at: map[types.NamespacedName]time.Time{}} }

// mark records the first sighting of an unschedulable pod.
func (s *seenPods) mark(pod types.NamespacedName, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.at[pod]; !ok {
		s.at[pod] = now
	}
}

// earliest is the first sighting among pods.
func (s *seenPods) earliest(pods []types.NamespacedName) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first time.Time
	for _, p := range pods {
		if at, ok := s.at[p]; ok && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// retain forgets pods that are no longer pending (scheduled, deleted, or planned for).
func (s *seenPods) retain(pending []*corev1.Pod) {
	keep := make(map[types.NamespacedName]bool, len(pending))
	for _, p := range pending {
		keep[types.NamespacedName{Namespace: p.Namespace, Name: p.Name}] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.at {
		if !keep[p] {
			delete(s.at, p)
		}
	}
}
