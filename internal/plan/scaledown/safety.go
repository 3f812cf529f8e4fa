package scaledown

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// block is a failed check: the reason, what decided, and the pod, if one did.
type block struct {
	reason  Reason
	message string
	pod     types.NamespacedName
}

func (b block) ok() bool { return b.reason == ReasonNone }

// protected is the node-level safety check: an operator's annotation keeps the node.
func protected(n *corev1.Node) block {
	if n.Annotations[v1alpha1.AnnotationProtected] == "true" {
		return block{reason: ReasonProtectedNode, message: "node annotated " + v1alpha1.AnnotationProtected + "=true"}
	}
	return block{}
}

// podBlock runs the checks that depend on one pod alone, in this order: the do-not-disrupt
// annotations; then, unless the pod is annotated safe-to-evict=true as cluster-autoscaler
// allows, the kube-system namespace (a PodDisruptionBudget covering the pod lets it go, as in
// cluster-autoscaler), a missing controller (nothing would recreate it) and local storage
// (its data would be lost).
func (pl *planner) podBlock(p *corev1.Pod) block {
	name := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
	at := func(r Reason, msg string) block {
		return block{reason: r, message: "pod " + name.String() + " " + msg, pod: name}
	}
	for _, a := range []struct{ key, value string }{
		{v1alpha1.AnnotationDoNotDisrupt, "true"},
		{v1alpha1.AnnotationKarpenterDoNotDisrupt, "true"},
		{v1alpha1.AnnotationSafeToEvict, "false"},
	} {
		if p.Annotations[a.key] == a.value {
			return at(ReasonDoNotDisrupt, "is annotated "+a.key+"="+a.value)
		}
	}
	if p.Annotations[v1alpha1.AnnotationSafeToEvict] == "true" {
		return block{}
	}
	if p.Namespace == metaNamespaceSystem && len(pl.budgetsOf(p)) == 0 {
		return at(ReasonKubeSystemPod, "runs in kube-system and no PodDisruptionBudget covers it")
	}
	if !hasController(p) {
		return at(ReasonNoController, "has no controller to recreate it")
	}
	if what := pl.localStorage(p); what != "" {
		return at(ReasonLocalStorage, "uses local storage: "+what)
	}
	return block{}
}

const metaNamespaceSystem = "kube-system"

func hasController(p *corev1.Pod) bool {
	for _, ref := range p.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}

// localStorage names the first volume whose data lives on the node: an emptyDir not in
// memory, a hostPath, or a claim bound to a local or hostPath PersistentVolume (a generic
// ephemeral volume's claim is named <pod>-<volume>).
func (pl *planner) localStorage(p *corev1.Pod) string {
	for i := range p.Spec.Volumes {
		v := &p.Spec.Volumes[i]
		claim := ""
		switch {
		case v.EmptyDir != nil && v.EmptyDir.Medium != corev1.StorageMediumMemory:
			return "emptyDir volume " + v.Name
		case v.HostPath != nil:
			return "hostPath volume " + v.Name
		case v.PersistentVolumeClaim != nil:
			claim = v.PersistentVolumeClaim.ClaimName
		case v.Ephemeral != nil:
			claim = p.Name + "-" + v.Name
		}
		if pv, local := pl.localClaims[types.NamespacedName{Namespace: p.Namespace, Name: claim}]; claim != "" && local {
			return "volume " + v.Name + " (claim " + claim + ") is on local PersistentVolume " + pv
		}
	}
	return ""
}

// localClaims maps each claim bound to a node-local PersistentVolume to that volume's name.
func localClaims(s *Snapshot) map[types.NamespacedName]string {
	local := map[string]bool{}
	for i := range s.PersistentVolumes {
		pv := s.PersistentVolumes[i]
		if pv.Spec.Local != nil || pv.Spec.HostPath != nil {
			local[pv.Name] = true
		}
	}
	out := map[types.NamespacedName]string{}
	for i := range s.PersistentVolumeClaims {
		c := s.PersistentVolumeClaims[i]
		if local[c.Spec.VolumeName] {
			out[types.NamespacedName{Namespace: c.Namespace, Name: c.Name}] = c.Spec.VolumeName
		}
	}
	return out
}
