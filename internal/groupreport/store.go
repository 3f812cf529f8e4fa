package groupreport

import (
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// ChangesBuffer is how many announcements wait for the NodeGroup controller before further
// ones are dropped.
const ChangesBuffer = 1024

// Store holds a value per NodeGroup and announces the groups whose value changed. It is
// safe for concurrent use.
type Store[V any] struct {
	equal   func(a, b V) bool
	changes chan event.TypedGenericEvent[*v1alpha1.NodeGroup]

	mu      sync.Mutex
	current map[types.NamespacedName]V
}

// New returns an empty store; equal says whether two values are the same report, so that
// writing an equal value again announces nothing.
func New[V any](equal func(a, b V) bool) *Store[V] {
	return &Store[V]{equal: equal, current: map[types.NamespacedName]V{},
		changes: make(chan event.TypedGenericEvent[*v1alpha1.NodeGroup], ChangesBuffer)}
}

// Get is the group's value, if it has one.
func (s *Store[V]) Get(key types.NamespacedName) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.current[key]
	return v, ok
}

// Changes names the groups whose value changed, was added or was removed. The NodeGroup
// controller watches it (a controller-runtime source.Channel).
func (s *Store[V]) Changes() <-chan event.TypedGenericEvent[*v1alpha1.NodeGroup] { return s.changes }

// Set stores the group's value and announces the group unless it had an equal one.
func (s *Store[V]) Set(key types.NamespacedName, v V) {
	s.mu.Lock()
	old, had := s.current[key]
	s.current[key] = v
	changed := !had || !s.equal(old, v)
	s.mu.Unlock()
	if changed {
		s.announce(key)
	}
}

// Replace makes next the whole content, as a pass that reports on every group does: groups
// whose value is new or not equal to the old one are announced, and so are the groups
// missing from next, which are removed. next is copied.
func (s *Store[V]) Replace(next map[types.NamespacedName]V) {
	fresh := make(map[types.NamespacedName]V, len(next))
	var changed []types.NamespacedName
	s.mu.Lock()
	for k, v := range next {
		fresh[k] = v
		if old, had := s.current[k]; !had || !s.equal(old, v) {
			changed = append(changed, k)
		}
	}
	for k := range s.current {
		if _, kept := next[k]; !kept {
			changed = append(changed, k)
		}
	}
	s.current = fresh
	s.mu.Unlock()
	s.announce(changed...)
}

// Retain removes the value of every group not in present (groups that are gone) and
// announces them.
func (s *Store[V]) Retain(present map[types.NamespacedName]bool) {
	var gone []types.NamespacedName
	s.mu.Lock()
	for k := range s.current {
		if !present[k] {
			delete(s.current, k)
			gone = append(gone, k)
		}
	}
	s.mu.Unlock()
	s.announce(gone...)
}

// announce names the groups on Changes without waiting: a planner pass must not stall on a
// slow NodeGroup controller, whose periodic resync catches up on what is dropped.
func (s *Store[V]) announce(keys ...types.NamespacedName) {
	for _, k := range keys {
		ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: k.Namespace, Name: k.Name}}
		select {
		case s.changes <- event.TypedGenericEvent[*v1alpha1.NodeGroup]{Object: ng}:
		default:
		}
	}
}
