package v1alpha1

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The membership rule, written once. Every planner, the NodeGroup status and the CLI ask
// these methods (directly or through internal/membership's index) instead of deciding for
// themselves which VPSieNodes a group has: copies of the rule drifted apart before.

// Key is the NodeGroup's namespace and name.
func (ng *NodeGroup) Key() types.NamespacedName {
	return types.NamespacedName{Namespace: ng.Namespace, Name: ng.Name}
}

// GroupKey is the NodeGroup the VPSieNode serves (always in its own namespace).
func (vn *VPSieNode) GroupKey() types.NamespacedName {
	return types.NamespacedName{Namespace: vn.Namespace, Name: vn.Spec.NodeGroup}
}

// Leaving reports a VPSieNode on its way out: deleted, or in a termination phase. Its
// machine may still run and bill, but it no longer counts toward its group's size, so a
// replacement may be planned while it goes.
func (vn *VPSieNode) Leaving() bool {
	if vn.DeletionTimestamp != nil {
		return true
	}
	switch vn.Status.Phase {
	case PhaseTerminating, PhaseDeleting:
		return true
	}
	return false
}

// IsMember reports whether the VPSieNode counts toward its group's size
// (status.currentNodes, minNodes and maxNodes): every VPSieNode that is not Leaving,
// Failed ones included until they are deleted.
func (vn *VPSieNode) IsMember() bool { return !vn.Leaving() }

// InFlight reports a member that will become a node but is not a Ready one yet: its
// capacity is on its way, so pending pods that fit there wait for it.
func (vn *VPSieNode) InFlight() bool {
	switch vn.Status.Phase {
	case PhaseReady, PhaseFailed:
		return false
	}
	return vn.IsMember()
}

// MadeByRebalance reports a VPSieNode a Rebalance run created: a replacement, or an old
// node a rollback restores. While its group's rebalance runs it is the run's own node.
func (vn *VPSieNode) MadeByRebalance() bool {
	return strings.HasPrefix(vn.Labels[LabelBatch], RebalanceBatchPrefix)
}

// RebalanceRunning reports a rebalance run the rebalance controller started and saw no end
// of (status.rebalance without finishedAt).
func (ng *NodeGroup) RebalanceRunning() bool {
	r := ng.Status.Rebalance
	return r != nil && r.FinishedAt == nil
}

// RebalanceMarked reports a Node of the group that a Rebalance run marked as one it
// replaces (AnnotationRebalanceStatus). The run removes the mark when it rolls back and
// deletes the node when it completes; a mark whose plan the status shows finished is a
// leftover of a run that was ended from outside, and holds nothing.
func (ng *NodeGroup) RebalanceMarked(n *corev1.Node) bool {
	if n == nil || n.Annotations[AnnotationRebalanceStatus] == "" {
		return false
	}
	r := ng.Status.Rebalance
	return r == nil || r.FinishedAt == nil || r.PlanID != n.Annotations[AnnotationRebalancePlan]
}
