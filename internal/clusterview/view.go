package clusterview

import (
	"slices"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// View is one read of the cluster. Its objects are the cache's own: read, never write
// (see the package doc). The slices point into the List results; a View copies no object.
type View struct {
	// Now is the injected clock's reading, taken after the lists.
	Now time.Time
	// Nodes are every Node, sorted by name.
	Nodes []*corev1.Node
	// Pending are the pods the scheduler tried and could not place: unbound, with
	// PodScheduled=False reason Unschedulable, not terminal and not being deleted. Sorted
	// by namespace and name. Unbound pods the scheduler has not tried yet are in no slice
	// of the View. DaemonSet pods are not set aside here; that is the planners' business.
	Pending []*corev1.Pod
	// NodeGroups and VPSieNodes are every one, sorted by namespace and name.
	NodeGroups []*v1alpha1.NodeGroup
	VPSieNodes []*v1alpha1.VPSieNode
	// PDBs are every PodDisruptionBudget (only with Options.PDBs), sorted by namespace
	// and name.
	PDBs []*policyv1.PodDisruptionBudget
	// PVCs and PVs are every PersistentVolumeClaim and PersistentVolume (only with
	// Options.Volumes), sorted by namespace and name, and by name.
	PVCs []*corev1.PersistentVolumeClaim
	PVs  []*corev1.PersistentVolume
	// DaemonSets are every DaemonSet (only with Options.DaemonSets), sorted by namespace
	// and name.
	DaemonSets []*appsv1.DaemonSet

	// bound are the pods with spec.nodeName set, sorted by node, namespace and name:
	// PodsOn is a range of it.
	bound []*corev1.Pod
	// byGroup are the VPSieNodes sorted by namespace, spec.nodeGroup and name:
	// VPSieNodesOf is a range of it.
	byGroup []*v1alpha1.VPSieNode
}

// Node is the Node of that name, or nil.
func (v *View) Node(name string) *corev1.Node {
	return find(v.Nodes, func(n *corev1.Node) int { return strings.Compare(n.Name, name) })
}

// PodsOn are the pods bound to the named node (spec.nodeName), terminal ones included,
// sorted by namespace and name; nil when none. A pod bound to a Node missing from Nodes
// (created after the Node list, or deleted) is indexed under its node name all the same:
// iterate Nodes and ask PodsOn to count each pod at most once.
func (v *View) PodsOn(node string) []*corev1.Pod {
	return span(v.bound, func(p *corev1.Pod) int { return strings.Compare(p.Spec.NodeName, node) })
}

// NodeGroup is the NodeGroup under key, or nil.
func (v *View) NodeGroup(key types.NamespacedName) *v1alpha1.NodeGroup {
	return find(v.NodeGroups, func(g *v1alpha1.NodeGroup) int { return compareKey(g.Namespace, g.Name, key) })
}

// VPSieNode is the VPSieNode under key (its own namespace and name), or nil.
func (v *View) VPSieNode(key types.NamespacedName) *v1alpha1.VPSieNode {
	return find(v.VPSieNodes, func(vn *v1alpha1.VPSieNode) int { return compareKey(vn.Namespace, vn.Name, key) })
}

// VPSieNodesOf are all the VPSieNodes in the group's namespace whose spec.nodeGroup names
// it, sorted by name; nil when none. This is grouping, not membership: failed, leaving
// and deleted ones are here too, and the group itself need not exist.
func (v *View) VPSieNodesOf(group types.NamespacedName) []*v1alpha1.VPSieNode {
	return span(v.byGroup, func(vn *v1alpha1.VPSieNode) int { return compareKey(vn.Namespace, vn.Spec.NodeGroup, group) })
}

// PVC is the PersistentVolumeClaim under key, or nil (always nil without Options.Volumes).
func (v *View) PVC(key types.NamespacedName) *corev1.PersistentVolumeClaim {
	return find(v.PVCs, func(c *corev1.PersistentVolumeClaim) int { return compareKey(c.Namespace, c.Name, key) })
}

// PV is the PersistentVolume of that name, or nil (always nil without Options.Volumes).
func (v *View) PV(name string) *corev1.PersistentVolume {
	return find(v.PVs, func(pv *corev1.PersistentVolume) int { return strings.Compare(pv.Name, name) })
}

// WithVPSieNodes is a View with extra VPSieNodes, for those the caller knows exist but the
// cache has not seen yet (scale-up's launched ones). An extra whose namespace and name the
// View already holds is dropped: the cache's copy wins. The receiver is left as it was;
// the new View shares everything else with it. The extras become part of the View: the
// caller must not change them afterwards.
func (v *View) WithVPSieNodes(extra ...*v1alpha1.VPSieNode) *View {
	out := *v
	out.VPSieNodes = slices.Clip(v.VPSieNodes)
	for _, vn := range extra {
		i, found := slices.BinarySearchFunc(out.VPSieNodes, vn, byNamespacedName[*v1alpha1.VPSieNode])
		if found {
			continue
		}
		out.VPSieNodes = slices.Insert(out.VPSieNodes, i, vn)
	}
	if len(out.VPSieNodes) == len(v.VPSieNodes) {
		return &out
	}
	out.groupVPSieNodes()
	return &out
}

// indexPods fills bound and Pending. One pass to size bound, one to fill: no growth.
func (v *View) indexPods(items []*corev1.Pod) {
	n := 0
	for _, p := range items {
		if p.Spec.NodeName != "" {
			n++
		}
	}
	if n > 0 {
		v.bound = make([]*corev1.Pod, 0, n)
	}
	for _, p := range items {
		switch {
		case p.Spec.NodeName != "":
			v.bound = append(v.bound, p)
		case Unschedulable(p):
			v.Pending = append(v.Pending, p)
		}
	}
	slices.SortFunc(v.bound, func(a, b *corev1.Pod) int {
		if c := strings.Compare(a.Spec.NodeName, b.Spec.NodeName); c != 0 {
			return c
		}
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	slices.SortFunc(v.Pending, byNamespacedName[*corev1.Pod])
}

// groupVPSieNodes fills byGroup from VPSieNodes.
func (v *View) groupVPSieNodes() {
	v.byGroup = slices.Clone(v.VPSieNodes)
	slices.SortFunc(v.byGroup, func(a, b *v1alpha1.VPSieNode) int {
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		if c := strings.Compare(a.Spec.NodeGroup, b.Spec.NodeGroup); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// Unschedulable: the scheduler tried and found no node (PodScheduled=False, Unschedulable).
// Terminal pods and pods being deleted never are: a new node cannot help them. View.Pending
// is the unbound pods for which this holds; scale-up's watch uses the same rule to open a
// batch, so what triggers a pass and what the pass plans for cannot disagree.
func Unschedulable(pod *corev1.Pod) bool {
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			return c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable
		}
	}
	return false
}

type object interface {
	GetNamespace() string
	GetName() string
}

func byName[P object](a, b P) int { return strings.Compare(a.GetName(), b.GetName()) }

func byNamespacedName[P object](a, b P) int {
	if c := strings.Compare(a.GetNamespace(), b.GetNamespace()); c != 0 {
		return c
	}
	return strings.Compare(a.GetName(), b.GetName())
}

func compareKey(namespace, name string, key types.NamespacedName) int {
	if c := strings.Compare(namespace, key.Namespace); c != 0 {
		return c
	}
	return strings.Compare(name, key.Name)
}

// sorted sorts s in place (a slice Read made, never the cache's) and returns it; nil when
// empty.
func sorted[P object](s []P, compare func(a, b P) int) []P {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, compare)
	return s
}

// find is the element of sorted s for which at is 0, or nil. at compares an element with
// the key sought: negative when the element sorts before it.
func find[E any](s []*E, at func(*E) int) *E {
	i := sort.Search(len(s), func(i int) bool { return at(s[i]) >= 0 })
	if i < len(s) && at(s[i]) == 0 {
		return s[i]
	}
	return nil
}

// span is the run of sorted s for which at is 0, capacity clipped so an append cannot
// write into the next run; nil when empty.
func span[E any](s []*E, at func(*E) int) []*E {
	lo := sort.Search(len(s), func(i int) bool { return at(s[i]) >= 0 })
	hi := lo + sort.Search(len(s)-lo, func(i int) bool { return at(s[lo+i]) > 0 })
	if lo == hi {
		return nil
	}
	return s[lo:hi:hi]
}
