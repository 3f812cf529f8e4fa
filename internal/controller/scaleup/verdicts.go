package scaleup

import (
	"maps"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// Verdicts holds, per NodeGroup, why the last plan held it back. The NodeGroup
// controller (the only writer of NodeGroup status) reads it into the ScaleUpBlocked
// condition; the same typed reason labels the events and metrics.
type Verdicts struct {
	mu      sync.Mutex
	current map[types.NamespacedName]nodegroup.Verdict
	changes chan event.TypedGenericEvent[*v1alpha1.NodeGroup]
}

// NewVerdicts returns an empty store.
func NewVerdicts() *Verdicts {
	return &Verdicts{current: map[types.NamespacedName]nodegroup.Verdict{},
		changes: make(chan event.TypedGenericEvent[*v1alpha1.NodeGroup], 1024)}
}

// Verdict is the group's verdict, if the last plan held it back.
func (v *Verdicts) Verdict(key types.NamespacedName) (nodegroup.Verdict, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	got, ok := v.current[key]
	return got, ok
}

// Changes names the groups whose verdict changed.
func (v *Verdicts) Changes() <-chan event.TypedGenericEvent[*v1alpha1.NodeGroup] { return v.changes }

// set replaces every verdict with the plan's and announces the groups that changed.
func (v *Verdicts) set(groups []plan.Verdict) {
	next := map[types.NamespacedName]nodegroup.Verdict{}
	for _, g := range groups {
		if _, seen := next[g.NodeGroup]; !seen {
			next[g.NodeGroup] = nodegroup.Verdict{Reason: g.Reason.String(), Message: g.Message}
		}
	}
	v.mu.Lock()
	prev := v.current
	v.current = next
	v.mu.Unlock()
	changed := map[types.NamespacedName]bool{}
	for k, val := range next {
		if prev[k] != val {
			changed[k] = true
		}
	}
	for k := range prev {
		if _, ok := next[k]; !ok {
			changed[k] = true
		}
	}
	for k := range maps.Keys(changed) {
		ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: k.Namespace, Name: k.Name}}
		select {
		case v.changes <- event.TypedGenericEvent[*v1alpha1.NodeGroup]{Object: ng}:
		default: // the controller's periodic resync catches up
		}
	}
}
