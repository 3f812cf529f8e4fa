package nodegroup

import (
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/groupreport"
)

// Source is another controller's per-group reports that the controller folds into
// status. It watches the store's changes, so a group whose report changed is recomputed.
type Source struct {
	changes <-chan event.TypedGenericEvent[*v1alpha1.NodeGroup]
	fold    func(key types.NamespacedName, o *observation)
}

// from reads the group's value (nil without one) into the observation with fold.
func from[V any](s *groupreport.Store[V], fold func(o *observation, v *V)) Source {
	return Source{changes: s.Changes(), fold: func(key types.NamespacedName, o *observation) {
		if v, ok := s.Get(key); ok {
			fold(o, &v)
			return
		}
		fold(o, nil)
	}}
}

// FromScaleUp makes the controller write the provisioner's verdicts into the
// ScaleUpBlocked condition.
func FromScaleUp(s *groupreport.Store[Verdict]) Source {
	return from(s, func(o *observation, v *Verdict) { o.blocked = v })
}

// FromScaleDown makes the controller write status.scaleDown and fold the drains' start
// times into status.lastScaleDownTime.
func FromScaleDown(s *groupreport.Store[ScaleDownReport]) Source {
	return from(s, func(o *observation, r *ScaleDownReport) { o.tracked, o.scaleDown = true, r })
}

// FromRebalance makes the controller write status.rebalance and status.lastRebalanceTime.
func FromRebalance(s *groupreport.Store[RebalanceReport]) Source {
	return from(s, func(o *observation, r *RebalanceReport) { o.rebalance = r })
}
