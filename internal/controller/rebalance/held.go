package rebalance

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
)

// heldGroups remembers why each group's rebalance=now waits, so the group gets one event
// per new reason, not one per pass.
type heldGroups struct {
	mu   sync.Mutex
	last map[types.NamespacedName]plan.Reason
}

func newHeldGroups() *heldGroups { return &heldGroups{last: map[types.NamespacedName]plan.Reason{}} }

// changed records the group's reason and says whether it differs from the last one.
func (h *heldGroups) changed(key types.NamespacedName, r plan.Reason) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last[key] == r {
		return false
	}
	h.last[key] = r
	return true
}

// forget drops a group that no longer waits.
func (h *heldGroups) forget(key types.NamespacedName) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.last, key)
}
