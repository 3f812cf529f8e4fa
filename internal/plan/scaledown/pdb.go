package scaledown

import (
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// budget is one PodDisruptionBudget and the disruptions it still allows in this plan: its
// status's disruptionsAllowed, less the pods of the nodes chosen so far.
type budget struct {
	name     types.NamespacedName
	selector labels.Selector
	left     int32
}

// newBudgets reads the PDBs. As in the Eviction API, a budget whose status is older than its
// spec allows nothing, a null selector matches no pod and an empty one every pod of the
// namespace. A selector that does not parse (the API server rejects them) matches every pod
// of the namespace, so a broken budget holds pods back rather than letting them go.
func newBudgets(pdbs []*policyv1.PodDisruptionBudget) []*budget {
	out := make([]*budget, 0, len(pdbs))
	for i := range pdbs {
		pdb := pdbs[i]
		b := &budget{name: types.NamespacedName{Namespace: pdb.Namespace, Name: pdb.Name}, left: pdb.Status.DisruptionsAllowed}
		if pdb.Status.ObservedGeneration < pdb.Generation {
			b.left = 0
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil {
			sel = labels.Everything()
		}
		b.selector = sel
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name.String() < out[j].name.String() })
	return out
}

func (b *budget) covers(p *corev1.Pod) bool {
	return b.name.Namespace == p.Namespace && b.selector.Matches(labels.Set(p.Labels))
}

func (pl *planner) budgetsOf(p *corev1.Pod) []*budget {
	var out []*budget
	for _, b := range pl.budgets {
		if b.covers(p) {
			out = append(out, b)
		}
	}
	return out
}

// pdbBlock checks the pods a drain would evict against the budgets left: the Eviction API
// refuses a pod covered by more than one budget outright, and a node whose pods would take
// more disruptions from a budget than it has left must wait.
func (pl *planner) pdbBlock(moving []*corev1.Pod) block {
	want := map[*budget][]*corev1.Pod{}
	for _, p := range moving {
		bs := pl.budgetsOf(p)
		if len(bs) > 1 {
			names := make([]string, len(bs))
			for i, b := range bs {
				names[i] = b.name.Name
			}
			return podBlockOf(p, "is covered by "+strconv.Itoa(len(bs))+" PodDisruptionBudgets ("+strings.Join(names, ", ")+
				"), which the Eviction API refuses")
		}
		for _, b := range bs {
			want[b] = append(want[b], p)
			if n := int32(len(want[b])); n > b.left {
				return podBlockOf(p, "would exceed PodDisruptionBudget "+b.name.Name+": "+strconv.Itoa(int(n))+
					" pods of the node need it, "+strconv.Itoa(int(b.left))+" disruptions allowed")
			}
		}
	}
	return block{}
}

func podBlockOf(p *corev1.Pod, msg string) block {
	name := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
	return block{reason: ReasonPodDisruptionBudget, message: "pod " + name.String() + " " + msg, pod: name}
}

// spend takes the evictions of a chosen node from the budgets.
func (pl *planner) spend(moving []*corev1.Pod) {
	for _, p := range moving {
		for _, b := range pl.budgetsOf(p) {
			b.left--
		}
	}
}
