package scaledown

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var yes = true

// nodeGroup is a NodeGroup in namespace default of minNodes to maxNodes nodes.
func nodeGroup(name string, minNodes, maxNodes int32) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec:       v1alpha1.NodeGroupSpec{MinNodes: minNodes, MaxNodes: maxNodes, DatacenterID: "dc1", OfferingIDs: []string{"o"}},
	}
}

func key(name string) types.NamespacedName {
	return types.NamespacedName{Namespace: "default", Name: name}
}

// node is a managed Node of group with cpu and mem allocatable, created age ago, running pods.
func node(name, group, cpu, mem string, pods ...corev1.Pod) schedsim.ExistingNode {
	n := unmanaged(name, cpu, mem, pods...)
	n.Node.Labels[v1alpha1.LabelManaged] = "true"
	n.Node.Labels[v1alpha1.LabelNodeGroup] = group
	n.Node.Labels[v1alpha1.LabelVPSieNode] = "vn-" + name
	return n
}

func unmanaged(name, cpu, mem string, pods ...corev1.Pod) schedsim.ExistingNode {
	for i := range pods {
		pods[i].Spec.NodeName = name
	}
	return schedsim.ExistingNode{
		Node: &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name},
				CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))},
			Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem),
				corev1.ResourcePods: resource.MustParse("110"),
			}},
		},
		Pods: ptrs(pods),
	}
}

// pod is a ReplicaSet's running pod in namespace default requesting cpu and mem.
func pod(name, cpu, mem string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": name},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs-" + name, Controller: &yes}}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
		}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

func daemonPod(name string) corev1.Pod {
	p := pod(name, "100m", "64Mi")
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "ds", Controller: &yes}}
	return p
}

func annotated(p corev1.Pod, k, v string) corev1.Pod {
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations[k] = v
	return p
}

func withVolume(p corev1.Pod, v corev1.Volume) corev1.Pod {
	p.Spec.Volumes = append(p.Spec.Volumes, v)
	return p
}

// pdb covers the pods of namespace default matching selector, allowing allowed disruptions.
func pdb(name string, selector *metav1.LabelSelector, allowed int32) *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Generation: 1},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: selector, MinAvailable: &one},
		Status:     policyv1.PodDisruptionBudgetStatus{ObservedGeneration: 1, DisruptionsAllowed: allowed},
	}
}

func appIs(app string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
}

// snapshot ties every managed node to a Ready VPSieNode of its group and finds every managed
// node below its thresholds; tests change what they need from there.
func snapshot(groups []*v1alpha1.NodeGroup, nodes ...schedsim.ExistingNode) Snapshot {
	s := Snapshot{Now: now, Nodes: nodes, NodeGroups: groups, Utilization: map[string]Utilization{}}
	for _, n := range nodes {
		if !managed(n.Node) {
			continue
		}
		s.VPSieNodes = append(s.VPSieNodes, &v1alpha1.VPSieNode{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "vn-" + n.Node.Name},
			Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: n.Node.Labels[v1alpha1.LabelNodeGroup], Hostname: n.Node.Name},
			Status:     v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, NodeName: n.Node.Name},
		})
		s.Utilization[n.Node.Name] = Utilization{Below: true}
	}
	return s
}

// drained lists the nodes the result drains, in order.
func drained(r Result) []string {
	var out []string
	for _, d := range r.Drains {
		out = append(out, d.Node)
	}
	return out
}

func verdictOf(r Result, node string) (Verdict, bool) {
	for _, v := range r.Kept {
		if v.Node == node {
			return v, true
		}
	}
	return Verdict{}, false
}

// ptrs points at each of pods, as observe hands informer-cache objects to the planners.
func ptrs(pods []corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	return out
}
