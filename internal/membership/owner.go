package membership

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// OwnerOf is the VPSieNode behind the named Node, or nil when none is. The Node need not
// exist any more (a drained Node is deleted before its VPSieNode). In order:
//  1. the VPSieNode that recorded the Node's name in its status: once recorded, a name is
//     unambiguous and always wins;
//  2. before any VPSieNode records it, the one whose spec.hostname is the Node's name
//     (hostnames are derived from the VPSieNode and unique, and a VM's kubelet registers
//     under its hostname);
//  3. else the one the Node's vpsienode label names, when the Node's group label (if any)
//     agrees and exactly one unrecorded VPSieNode in all namespaces fits: the labels hold no
//     namespace, so an ambiguous label proves nothing.
func (ix *Index) OwnerOf(node string) *v1alpha1.VPSieNode {
	if vn := ix.recorded[node]; vn != nil {
		return vn
	}
	if vn := ix.hostname[node]; vn != nil {
		return vn
	}
	n := ix.nodes[node]
	if n == nil {
		return nil // a Node the index does not hold has no labels to go by
	}
	k, ok := labelsOf(n)
	if !ok {
		return nil
	}
	vn := ix.labelOwner(k)
	if vn == nil || ix.hostnameNode(vn) != nil {
		return nil // a Node registered under its hostname is its Node, not this one
	}
	return vn
}

// hostnameNode is the Node registered under the unrecorded VPSieNode's hostname, if any.
func (ix *Index) hostnameNode(vn *v1alpha1.VPSieNode) *corev1.Node {
	if ix.hostname[vn.Spec.Hostname] != vn {
		return nil
	}
	return ix.nodes[vn.Spec.Hostname]
}

// labelOwner is the one unrecorded VPSieNode a Node's labels name, or nil.
func (ix *Index) labelOwner(k labelKey) *v1alpha1.VPSieNode {
	var found *v1alpha1.VPSieNode
	for _, cand := range ix.candidates(k) {
		if found != nil && found != cand {
			return nil
		}
		found = cand
	}
	return found
}

// candidates are the unrecorded VPSieNodes a label key may name: with a group label, those
// of that group; without one, those of any group.
func (ix *Index) candidates(k labelKey) []*v1alpha1.VPSieNode {
	if k.group != "" {
		return ix.byLabel[k]
	}
	var out []*v1alpha1.VPSieNode
	for key, vns := range ix.byLabel {
		if key.vpsieNode == k.vpsieNode {
			out = append(out, vns...)
		}
	}
	return out
}

// NodeOf is the VPSieNode's Node, or nil when none has registered (or the index holds no
// Nodes). The inverse of OwnerOf, except that a Node two VPSieNodes recorded is the Node of
// both (it is one node and OwnerOf names one of them).
func (ix *Index) NodeOf(vn *v1alpha1.VPSieNode) *corev1.Node {
	if name := vn.Status.NodeName; name != "" {
		return ix.nodes[name]
	}
	if n := ix.nodes[vn.Spec.Hostname]; n != nil && ix.OwnerOf(n.Name) == vn {
		return n
	}
	for _, k := range []labelKey{{vn.Name, vn.Spec.NodeGroup}, {vn.Name, ""}} {
		if n := ix.labelled[k]; n != nil && ix.OwnerOf(n.Name) == vn {
			return n
		}
	}
	return nil
}

// GroupOf is the NodeGroup of the Node's owner; ok is false when the Node has none.
func (ix *Index) GroupOf(node string) (types.NamespacedName, bool) {
	if vn := ix.OwnerOf(node); vn != nil {
		return vn.GroupKey(), true
	}
	return types.NamespacedName{}, false
}
