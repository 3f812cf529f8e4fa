package membership

import (
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// All is every VPSieNode of the group, leaving ones included, sorted by name.
func (ix *Index) All(group types.NamespacedName) []*v1alpha1.VPSieNode { return ix.groups[group] }

// MembersOf is the group's members (see v1alpha1.VPSieNode.IsMember): what counts toward
// status.currentNodes, minNodes and maxNodes.
func (ix *Index) MembersOf(group types.NamespacedName) []*v1alpha1.VPSieNode {
	return ix.filter(group, (*v1alpha1.VPSieNode).IsMember)
}

// InFlightOf is the group's members that are not Ready yet (see v1alpha1.VPSieNode.InFlight).
func (ix *Index) InFlightOf(group types.NamespacedName) []*v1alpha1.VPSieNode {
	return ix.filter(group, (*v1alpha1.VPSieNode).InFlight)
}

// LeavingOf is the group's VPSieNodes on their way out (see v1alpha1.VPSieNode.Leaving).
func (ix *Index) LeavingOf(group types.NamespacedName) []*v1alpha1.VPSieNode {
	return ix.filter(group, (*v1alpha1.VPSieNode).Leaving)
}

// Size is the number of the group's members.
func (ix *Index) Size(group types.NamespacedName) int32 {
	var n int32
	for _, vn := range ix.groups[group] {
		if vn.IsMember() {
			n++
		}
	}
	return n
}

// Groups are the keys of every group that has at least one VPSieNode.
func (ix *Index) Groups() []types.NamespacedName {
	out := make([]types.NamespacedName, 0, len(ix.groups))
	for k := range ix.groups {
		out = append(out, k)
	}
	return out
}

func (ix *Index) filter(group types.NamespacedName, keep func(*v1alpha1.VPSieNode) bool) []*v1alpha1.VPSieNode {
	var out []*v1alpha1.VPSieNode
	for _, vn := range ix.groups[group] {
		if keep(vn) {
			out = append(out, vn)
		}
	}
	return out
}

// Pointers returns a pointer to each element of items, for callers that hold a List's
// Items: the index then refers to the objects themselves, never to copies.
func Pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
