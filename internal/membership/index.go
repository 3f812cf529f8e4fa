package membership

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Index answers membership questions about one set of VPSieNodes and Nodes (one pass's
// view). It keeps pointers to the objects it was given and never writes through them.
type Index struct {
	groups   map[types.NamespacedName][]*v1alpha1.VPSieNode // every VPSieNode, by group, sorted by name
	nodes    map[string]*corev1.Node
	recorded map[string]*v1alpha1.VPSieNode // Node name -> the VPSieNode that recorded it
	hostname map[string]*v1alpha1.VPSieNode // Node name -> the unrecorded VPSieNode of that hostname
	labelled map[labelKey]*corev1.Node      // (VPSieNode, group) a Node's labels name -> that Node
	byLabel  map[labelKey][]*v1alpha1.VPSieNode
}

// labelKey is what a Node's labels say of its VPSieNode: its name and its group's name.
// Neither label holds a namespace, so a key can name VPSieNodes in several namespaces.
type labelKey struct{ vpsieNode, group string }

// New indexes vns and nodes. Both may be nil: an index without Nodes still answers every
// question about groups.
func New(vns []*v1alpha1.VPSieNode, nodes []*corev1.Node) *Index {
	ix := &Index{
		groups:   map[types.NamespacedName][]*v1alpha1.VPSieNode{},
		nodes:    make(map[string]*corev1.Node, len(nodes)),
		recorded: make(map[string]*v1alpha1.VPSieNode, len(vns)),
		hostname: make(map[string]*v1alpha1.VPSieNode, len(vns)),
		labelled: map[labelKey]*corev1.Node{},
		byLabel:  map[labelKey][]*v1alpha1.VPSieNode{},
	}
	sorted := append([]*v1alpha1.VPSieNode(nil), vns...)
	sort.Slice(sorted, func(i, j int) bool { return less(sorted[i], sorted[j]) })
	for _, vn := range sorted {
		key := vn.GroupKey()
		ix.groups[key] = append(ix.groups[key], vn)
		if n := vn.Status.NodeName; n != "" {
			if ix.recorded[n] == nil { // two claims of one Node: the first by namespace and name wins
				ix.recorded[n] = vn
			}
			continue
		}
		ix.byLabel[labelKey{vn.Name, vn.Spec.NodeGroup}] = append(ix.byLabel[labelKey{vn.Name, vn.Spec.NodeGroup}], vn)
	}
	for _, vn := range sorted {
		if h := vn.Spec.Hostname; vn.Status.NodeName == "" && h != "" && ix.recorded[h] == nil && ix.hostname[h] == nil {
			ix.hostname[h] = vn
		}
	}
	for _, n := range nodes {
		ix.nodes[n.Name] = n
		if k, ok := labelsOf(n); ok && ix.recorded[n.Name] == nil {
			ix.labelled[k] = n
		}
	}
	return ix
}

func less(a, b *v1alpha1.VPSieNode) bool {
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// labelsOf is what the Node's labels say of its VPSieNode. A Node without a group label
// matches the VPSieNode of that name in any group (labels are applied at join, the group
// label may lag); with one, only a VPSieNode of that group.
func labelsOf(n *corev1.Node) (labelKey, bool) {
	vn := n.Labels[v1alpha1.LabelVPSieNode]
	if vn == "" {
		return labelKey{}, false
	}
	return labelKey{vpsieNode: vn, group: n.Labels[v1alpha1.LabelNodeGroup]}, true
}
