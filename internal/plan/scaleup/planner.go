package scaleup

import (
	"k8s.io/apimachinery/pkg/types"
	"maps"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// planner holds one run of the simulation. Every slice in it is sorted, so no map order
// can leak into the result.
type planner struct {
	opts      Options
	cluster   schedsim.Cluster
	planned   []*tmplNode // in-flight and planned nodes, in the order they were added
	groups    []*group
	templates []*template
	byBound   []*template  // usable templates, most promising first (see setWorth)
	vertices  []unitPrices // the dual's vertices over the usable templates (see dualVertices)
	prices    unitPrices   // the unit prices of the demand still waiting (see setWorth)
	classes   []*podClass
	classOf   map[*schedsim.Class]*podClass
	quota     map[string]Quota
	seq       int // planned nodes so far, for placeholder hostnames
	existing  []Placement
	// nominations are the pending pods' nominated nodes (see placeNominated).
	nominations map[types.NamespacedName]string
	issues      []Verdict // minNodes shortfalls, beyond the groups' own issues and gates
}

func newPlanner(s *Snapshot, opts Options) *planner {
	opts.Volumes = schedsim.NewVolumes(s.PersistentVolumeClaims, s.PersistentVolumes)
	pl := &planner{opts: opts, quota: maps.Clone(s.Quota), nominations: nominationsOf(s)}
	pl.cluster.Potential = pl.potentialDomains
	if pl.quota == nil {
		pl.quota = map[string]Quota{}
	}
	cat := newCatalogue(s)
	daemons := daemonPods(s.DaemonSets)
	vns := sortedPointers(s.VPSieNodes, func(v *v1alpha1.VPSieNode) string { return v.Namespace + "/" + v.Name })
	members := membership.New(vns, schedsim.Nodes(s.Nodes))
	for _, ng := range sortedPointers(s.NodeGroups, func(g *v1alpha1.NodeGroup) string { return g.Namespace + "/" + g.Name }) {
		g := newGroup(ng, s)
		cat.validate(g)
		g.count(members.MembersOf(g.key), s.Groups[g.key].Members)
		pl.addTemplates(g, cat, daemons)
		pl.groups = append(pl.groups, g)
	}
	booting := pl.booting(vns, members, cat)
	for _, en := range schedsim.Sorted(s.Nodes, func(n *ExistingNode) string { return n.Node.Name }) {
		if en.Node.DeletionTimestamp == nil && booting[en.Node.Name] == nil {
			pl.cluster.AddNode(schedsim.NewExistingNode(en, opts.MaxPods(), opts.Volumes))
		}
	}
	pl.addInFlight(vns, members, cat, daemons, s.Nodes)
	pl.classify(pendingPods(s.Pending, opts.Volumes))
	pl.prepareClasses()
	pl.setShapes()
	return pl
}

// addTemplates creates the group's templates, one per datacenter and offering sold there.
func (pl *planner) addTemplates(g *group, cat catalogue, daemons []*schedsim.PodInfo) {
	if !g.issue.ok() {
		return
	}
	for _, dc := range g.dcs {
		var here []*template
		for _, id := range g.ng.Spec.OfferingIDs {
			if off := cat.byID[id]; soldIn(off, dc.ID) {
				here = append(here, newTemplate(g, off, dc.ID, pl.opts, daemons))
			}
		}
		sort.SliceStable(here, func(i, j int) bool { return cheaper(here[i], here[j]) })
		g.templates = append(g.templates, here...)
	}
	if len(g.templates) == 0 {
		ids := make([]string, len(g.dcs))
		for i, dc := range g.dcs {
			ids[i] = dc.ID
		}
		g.issue = fail(ReasonNoOfferingAvailable, plural("offering", g.ng.Spec.OfferingIDs)+" not sold in "+strings.Join(ids, ", "))
	}
	for _, t := range g.templates {
		t.index = len(pl.templates)
		pl.templates = append(pl.templates, t)
	}
}

// cheaper orders templates by price; on-demand before spot at equal price, since a spot node
// may be reclaimed; then by offering ID, so the order never depends on input order.
func cheaper(a, b *template) bool {
	if a.price() != b.price() {
		return a.price() < b.price()
	}
	if a.offering.Spot != b.offering.Spot {
		return !a.offering.Spot
	}
	return a.offering.ID < b.offering.ID
}

// largest is the biggest allocatable on offer in each dimension, the yardstick of pod size.
func (pl *planner) largest() schedsim.Resources {
	var ref schedsim.Resources
	for _, t := range pl.templates {
		ref = schedsim.Resources{CPU: max(ref.CPU, t.alloc.CPU), Memory: max(ref.Memory, t.alloc.Memory), Storage: max(ref.Storage, t.alloc.Storage)}
	}
	return ref
}

func pendingPods(pods []*corev1.Pod, vols *schedsim.Volumes) []*schedsim.PodInfo {
	var out []*schedsim.PodInfo
	for _, p := range schedsim.Sorted(pods, func(p **corev1.Pod) string { return (*p).Namespace + "/" + (*p).Name }) {
		if !skipPending(*p) {
			out = append(out, schedsim.NewPodInfo(*p, vols))
		}
	}
	return out
}

// skipPending reports pending pods a new node cannot help: DaemonSet pods go only to the node
// they were made for, and bound, finished or deleted pods are not waiting for a node.
func skipPending(p *corev1.Pod) bool {
	if p.Spec.NodeName != "" || p.DeletionTimestamp != nil ||
		p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return true
	}
	for _, ref := range p.OwnerReferences {
		if ref.Controller != nil && *ref.Controller && ref.Kind == "DaemonSet" {
			return true
		}
	}
	return false
}

// daemonPods are the pods the daemonsets would start on a new node.
func daemonPods(dss []*appsv1.DaemonSet) []*schedsim.PodInfo {
	var out []*schedsim.PodInfo
	for _, ds := range sortedPointers(dss, func(d *appsv1.DaemonSet) string { return d.Namespace + "/" + d.Name }) {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: ds.Name, Labels: ds.Spec.Template.Labels},
			Spec:       ds.Spec.Template.Spec,
		}
		out = append(out, schedsim.NewPodInfo(pod, nil))
	}
	return out
}

// sortedPointers returns items ordered by key in a new slice, leaving items untouched: the
// snapshot belongs to the caller.
func sortedPointers[T any](items []*T, key func(*T) string) []*T {
	type keyed struct {
		key  string
		item *T
	}
	ks := make([]keyed, len(items))
	for i, item := range items {
		ks[i] = keyed{key(item), item}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]*T, len(ks))
	for i, k := range ks {
		out[i] = k.item
	}
	return out
}
