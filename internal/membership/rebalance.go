package membership

import (
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Rebalance is the part of a group a running rebalance holds. Scale-down leaves both alone:
// the run drains its Old nodes itself, and its New ones are the capacity that replaces them.
type Rebalance struct {
	// Old are the members whose Node the run marked as one it replaces
	// (v1alpha1.NodeGroup.RebalanceMarked).
	Old []*v1alpha1.VPSieNode
	// New are the members the run created (replacements, and old nodes a rollback restores;
	// v1alpha1.VPSieNode.MadeByRebalance), while the run runs: the status shows it running,
	// or a Node still carries its mark (the status may lag the run's start).
	New []*v1alpha1.VPSieNode
}

// Holds reports whether vn is one of the run's nodes.
func (r Rebalance) Holds(vn *v1alpha1.VPSieNode) bool {
	for _, x := range r.Old {
		if x == vn {
			return true
		}
	}
	for _, x := range r.New {
		if x == vn {
			return true
		}
	}
	return false
}

// RebalanceOf is what the group's running rebalance holds; zero when none runs. Leaving
// VPSieNodes are in neither list: they are on their way out already.
func (ix *Index) RebalanceOf(ng *v1alpha1.NodeGroup) Rebalance {
	var r Rebalance
	members := ix.MembersOf(ng.Key())
	for _, vn := range members {
		if ng.RebalanceMarked(ix.NodeOf(vn)) {
			r.Old = append(r.Old, vn)
		}
	}
	if !ng.RebalanceRunning() && len(r.Old) == 0 {
		return r
	}
	for _, vn := range members {
		if vn.MadeByRebalance() && !ng.RebalanceMarked(ix.NodeOf(vn)) {
			r.New = append(r.New, vn)
		}
	}
	return r
}
