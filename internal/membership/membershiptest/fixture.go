package membershiptest

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Group is the NodeGroup the fixture's VPSieNodes serve: namespace default, name workers.
var Group = types.NamespacedName{Namespace: "default", Name: "workers"}

// The answers of the rule for Group on the fixture's objects.
const (
	// Members: ready-recorded, ready-by-hostname, booting, joining and failed.
	Members = 5
	// InFlight: booting (no Node yet) and joining (its Node registered, not Ready).
	InFlight = 2
	// InFlightWithoutNode: booting; the scale-up planner stands in its template for it.
	InFlightWithoutNode = 1
	// ReadyMembers: the members whose Node is Ready.
	ReadyMembers = 2
	// Leaving: terminating (phase only, no deletion timestamp yet) and deleted.
	Leaving = 2
)

// VPSieNodes returns the fixture's VPSieNodes, each in datacenter dc and of offering off:
// Group's in every phase, plus a Ready one of a same-named group in another namespace.
func VPSieNodes(dc, off string) []v1alpha1.VPSieNode {
	deleted := metav1.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := []v1alpha1.VPSieNode{
		vn("default", "ready-recorded", v1alpha1.PhaseReady, "ready-recorded"),
		vn("default", "ready-by-hostname", v1alpha1.PhaseReady, ""),
		vn("default", "booting", v1alpha1.PhaseProvisioning, ""),
		vn("default", "joining", v1alpha1.PhaseJoining, ""),
		vn("default", "failed", v1alpha1.PhaseFailed, ""),
		vn("default", "terminating", v1alpha1.PhaseTerminating, "terminating"),
		vn("default", "deleted", v1alpha1.PhaseReady, "deleted"),
		vn("other", "elsewhere", v1alpha1.PhaseReady, "elsewhere"),
	}
	out[6].DeletionTimestamp = &deleted
	out[6].Finalizers = []string{v1alpha1.FinalizerVPSTermination}
	for i := range out {
		out[i].Spec.DatacenterID, out[i].Spec.OfferingID = dc, off
	}
	return out
}

// Nodes returns the fixture's Nodes: Ready ones for the Ready and leaving VPSieNodes (the
// one without a recorded name registered under its hostname), a NotReady one for joining.
func Nodes() []corev1.Node {
	return []corev1.Node{
		node("ready-recorded", true), node("ready-by-hostname", true), node("joining", false),
		node("terminating", true), node("deleted", true), node("elsewhere", true),
	}
}

func vn(ns, name string, phase v1alpha1.VPSieNodePhase, nodeName string) v1alpha1.VPSieNode {
	return v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: Group.Name, Hostname: name},
		Status:     v1alpha1.VPSieNodeStatus{Phase: phase, NodeName: nodeName},
	}
}

func node(name string, ready bool) corev1.Node {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: Group.Name, v1alpha1.LabelVPSieNode: name}},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: st}}},
	}
}
