package schedsim

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
)

// PodInfo is a pod with everything the predicates need parsed once: its requests, its
// required anti-affinity terms and its hard topology spread constraints.
//
// Pod points into the caller's snapshot, often the informer cache itself: nothing in the
// simulation may write through it.
type PodInfo struct {
	Pod    *corev1.Pod
	Name   types.NamespacedName
	Labels labels.Set
	Req    Resources
	Anti   []AntiTerm
	// Affinity are the required pod affinity terms; an AntiTerm's matching works for both.
	Affinity []AntiTerm
	Spread   []SpreadRule
	Ports    []HostPort
	// Volumes are the node selectors its bound volumes hold it to (see Volumes).
	Volumes []corev1.NodeSelector
	Class   *Class // nil for pods already bound to a node
}

// AntiTerm is one required pod anti-affinity term.
type AntiTerm struct {
	TopologyKey   string
	selector      labels.Selector
	namespaces    sets.Set[string]
	allNamespaces bool
}

// NewPodInfo parses p once for the predicates; p is only read, never written. vols, when
// not nil, resolves its claims to their volumes' node constraints.
func NewPodInfo(p *corev1.Pod, vols *Volumes) *PodInfo {
	info := &PodInfo{
		Pod:     p,
		Name:    types.NamespacedName{Namespace: p.Namespace, Name: p.Name},
		Labels:  labels.Set(p.Labels),
		Req:     podRequests(&p.Spec),
		Spread:  spreadRules(p),
		Ports:   hostPorts(&p.Spec),
		Volumes: vols.selectors(p),
	}
	if a := p.Spec.Affinity; a != nil && a.PodAffinity != nil {
		for _, term := range a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			info.Affinity = append(info.Affinity, newAntiTerm(p.Namespace, term))
		}
	}
	if a := p.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, term := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			info.Anti = append(info.Anti, newAntiTerm(p.Namespace, term))
		}
	}
	return info
}

// newAntiTerm resolves the namespaces a term applies to. Without a namespace list or
// selector it is the pod's own namespace. The planner has no Namespace objects, so a
// namespace selector is taken to match every namespace: that can only keep pods further
// apart than needed, never place two together that the scheduler would not.
func newAntiTerm(ns string, term corev1.PodAffinityTerm) AntiTerm {
	t := AntiTerm{TopologyKey: term.TopologyKey, selector: selectorOf(term.LabelSelector)}
	t.namespaces = sets.New(term.Namespaces...)
	switch {
	case term.NamespaceSelector != nil:
		t.allNamespaces = true
	case len(term.Namespaces) == 0:
		t.namespaces.Insert(ns)
	}
	return t
}

// Matches reports whether other is a pod the term keeps away.
func (t AntiTerm) Matches(other *PodInfo) bool {
	if !t.allNamespaces && !t.namespaces.Has(other.Name.Namespace) {
		return false
	}
	return t.selector.Matches(other.Labels)
}

// selectorOf converts a label selector; a nil or invalid one selects nothing, as in the
// scheduler, so a malformed term never blocks every node.
func selectorOf(ls *metav1.LabelSelector) labels.Selector {
	s, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return labels.Nothing()
	}
	return s
}

// terminating pods still hold resources but the scheduler leaves them out of spread counts.
func (p *PodInfo) terminating() bool { return p.Pod.DeletionTimestamp != nil }
