package nodegroup

import (
	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// nodeIndex finds the Node of each member of one group. Nodes are
// cluster-scoped and their group label carries no namespace, so a Node is
// tied to a member only through the member itself: by the Node name the
// VPSieNode recorded or, until one is recorded, by the Node's vpsienode label
// naming the VPSieNode. Nodes matched by neither (orphans, another
// namespace's same-named group) belong to no member and are never counted.
// The label holds no namespace, so until a member records its Node a
// same-named member of a same-named group elsewhere could claim it too; the
// recorded name, once there, is unambiguous and always wins.
type nodeIndex struct {
	byName  map[string]*corev1.Node
	byLabel map[string]*corev1.Node // VPSieNode name -> the Node labelled with it
}

func newNodeIndex(group string, vns []v1alpha1.VPSieNode, nodes []corev1.Node) nodeIndex {
	claimed := make(map[string]bool, len(vns))
	for i := range vns {
		if n := vns[i].Status.NodeName; n != "" {
			claimed[n] = true
		}
	}
	ix := nodeIndex{byName: make(map[string]*corev1.Node, len(nodes)), byLabel: map[string]*corev1.Node{}}
	for i := range nodes {
		n := &nodes[i]
		ix.byName[n.Name] = n
		if vn := labelledMember(group, n); vn != "" && !claimed[n.Name] {
			ix.byLabel[vn] = n
		}
	}
	return ix
}

// labelledMember is the VPSieNode a Node's label names, unless the Node's
// group label names another group: the label holds only the VPSieNode's
// name, and a contradicting group label shows it is someone else's member.
func labelledMember(group string, n *corev1.Node) string {
	if g, ok := n.Labels[v1alpha1.LabelNodeGroup]; ok && g != group {
		return ""
	}
	return n.Labels[v1alpha1.LabelVPSieNode]
}

// of returns vn's Node, or nil when it has none (yet). A recorded Node name
// is authoritative: the label is only a fallback before it is recorded, so a
// stale label never overrides it.
func (ix nodeIndex) of(vn *v1alpha1.VPSieNode) *corev1.Node {
	if vn.Status.NodeName != "" {
		return ix.byName[vn.Status.NodeName]
	}
	return ix.byLabel[vn.Name]
}

func nodeReady(n *corev1.Node) bool {
	if n == nil {
		return false
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
