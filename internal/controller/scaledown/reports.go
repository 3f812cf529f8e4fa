package scaledown

import (
	"reflect"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
)

// Reports holds, per NodeGroup, the nodes the last plan kept although they could go, and
// when a drain of the group last started. The NodeGroup controller (the only writer of
// NodeGroup status) reads it into status.scaleDown and status.lastScaleDownTime.
type Reports struct {
	mu      sync.Mutex
	current map[types.NamespacedName]nodegroup.ScaleDownReport
	changes chan event.TypedGenericEvent[*v1alpha1.NodeGroup]
}

// NewReports returns an empty store.
func NewReports() *Reports {
	return &Reports{current: map[types.NamespacedName]nodegroup.ScaleDownReport{},
		changes: make(chan event.TypedGenericEvent[*v1alpha1.NodeGroup], 1024)}
}

// ScaleDown is the group's report, if the controller planned for it.
func (r *Reports) ScaleDown(key types.NamespacedName) (nodegroup.ScaleDownReport, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got, ok := r.current[key]
	return got, ok
}

// Changes names the groups whose report changed.
func (r *Reports) Changes() <-chan event.TypedGenericEvent[*v1alpha1.NodeGroup] { return r.changes }

// set replaces every report with one per group of groups and announces those that changed.
func (r *Reports) set(groups []v1alpha1.NodeGroup, blocked map[types.NamespacedName][]v1alpha1.BlockedNode,
	started map[types.NamespacedName]time.Time) {
	next := make(map[types.NamespacedName]nodegroup.ScaleDownReport, len(groups))
	for i := range groups {
		k := types.NamespacedName{Namespace: groups[i].Namespace, Name: groups[i].Name}
		next[k] = nodegroup.ScaleDownReport{Blocked: blocked[k], LastScaleDown: started[k]}
	}
	r.mu.Lock()
	prev := r.current
	r.current = next
	r.mu.Unlock()
	for k, v := range next {
		if old, ok := prev[k]; !ok || !reflect.DeepEqual(old, v) {
			r.announce(k)
		}
	}
	for k := range prev {
		if _, ok := next[k]; !ok {
			r.announce(k)
		}
	}
}

func (r *Reports) announce(k types.NamespacedName) {
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: k.Namespace, Name: k.Name}}
	select {
	case r.changes <- event.TypedGenericEvent[*v1alpha1.NodeGroup]{Object: ng}:
	default: // the NodeGroup controller's periodic resync catches up
	}
}
