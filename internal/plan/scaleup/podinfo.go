package scaleup

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
)

// podInfo is a pod with everything the predicates need parsed once: its requests, its
// required anti-affinity terms and its hard topology spread constraints.
type podInfo struct {
	pod    *corev1.Pod
	name   types.NamespacedName
	labels labels.Set
	req    resources
	anti   []antiTerm
	spread []spreadRule
	class  *podClass // nil for pods already bound to a node
}

// antiTerm is one required pod anti-affinity term.
type antiTerm struct {
	topologyKey   string
	selector      labels.Selector
	namespaces    sets.Set[string]
	allNamespaces bool
}

func newPodInfo(p *corev1.Pod) *podInfo {
	info := &podInfo{
		pod:    p,
		name:   types.NamespacedName{Namespace: p.Namespace, Name: p.Name},
		labels: labels.Set(p.Labels),
		req:    podRequests(&p.Spec),
		spread: spreadRules(p),
	}
	if a := p.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, term := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			info.anti = append(info.anti, newAntiTerm(p.Namespace, term))
		}
	}
	return info
}

// newAntiTerm resolves the namespaces a term applies to. Without a namespace list or
// selector it is the pod's own namespace. The planner has no Namespace objects, so a
// namespace selector is taken to match every namespace: that can only keep pods further
// apart than needed, never place two together that the scheduler would not.
func newAntiTerm(ns string, term corev1.PodAffinityTerm) antiTerm {
	t := antiTerm{topologyKey: term.TopologyKey, selector: selectorOf(term.LabelSelector)}
	t.namespaces = sets.New(term.Namespaces...)
	switch {
	case term.NamespaceSelector != nil:
		t.allNamespaces = true
	case len(term.Namespaces) == 0:
		t.namespaces.Insert(ns)
	}
	return t
}

// matches reports whether other is a pod the term keeps away.
func (t antiTerm) matches(other *podInfo) bool {
	if !t.allNamespaces && !t.namespaces.Has(other.name.Namespace) {
		return false
	}
	return t.selector.Matches(other.labels)
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
func (p *podInfo) terminating() bool { return p.pod.DeletionTimestamp != nil }

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
