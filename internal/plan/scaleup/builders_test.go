package scaleup

import (
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim/podtest"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

const gi = int64(1) << 30

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// offer is an offering of cpu cores and memGi GiB with a 50GiB disk, sold everywhere.
func offer(id string, cpu, memGi int64, price float64) Offering {
	return Offering{ID: id, CPUMilli: cpu * 1000, MemoryBytes: memGi * gi, DiskBytes: 50 * gi, MonthlyPrice: price}
}

// nodeGroup is a NodeGroup in namespace default and datacenter dc1 allowed the given offerings.
func nodeGroup(name string, offerings ...string) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: v1alpha1.NodeGroupSpec{
			MinNodes: 0, MaxNodes: 100, DatacenterID: "dc1", OfferingIDs: offerings,
			OSImageID: "img", KubernetesVersion: "v1.36.3",
		},
	}
}

func key(name string) types.NamespacedName {
	return types.NamespacedName{Namespace: "default", Name: name}
}

// replicas are n identical pods of one app.
func replicas(app string, n int, cpu, mem string) []corev1.Pod {
	out := make([]corev1.Pod, n)
	for i := range out {
		out[i] = withApp(pod(app+"-"+itoa(int64(i)), cpu, mem), app)
	}
	return out
}

// node is a Ready existing node with the given allocatable and labels.
func node(name, cpu, mem string, labels map[string]string, pods ...corev1.Pod) ExistingNode {
	alloc := requests(cpu, mem)
	alloc[corev1.ResourcePods] = resource.MustParse("110")
	l := map[string]string{labelHostname: name}
	for k, v := range labels {
		l[k] = v
	}
	for i := range pods {
		pods[i].Spec.NodeName = name
	}
	return ExistingNode{
		Node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}, Status: corev1.NodeStatus{Allocatable: alloc}},
		Pods: ptrs(pods),
	}
}

// ptrs points at each of pods, as the controllers hand the planner informer-cache objects.
func ptrs(pods []corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	return out
}

// vpsieNode is a VPSieNode of group g in phase, for offering in dc1.
func vpsieNode(name, g, offering string, phase v1alpha1.VPSieNodePhase) *v1alpha1.VPSieNode {
	return &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: g, OfferingID: offering, DatacenterID: "dc1", ImageID: "img", Hostname: name},
		Status:     v1alpha1.VPSieNodeStatus{Phase: phase},
	}
}

// verdict finds the verdict of group g for pod p in r.
func verdict(r Result, p, g string) (Verdict, bool) {
	for _, u := range r.Unschedulable {
		if u.Pod == key(p) {
			for _, v := range u.Verdicts {
				if v.NodeGroup == key(g) {
					return v, true
				}
			}
		}
	}
	return Verdict{}, false
}

// The pod builders are shared with the simulation's other users' tests (schedsim/podtest).
var (
	pod       = podtest.Pod
	requests  = podtest.Requests
	withApp   = podtest.WithApp
	avoiding  = podtest.Avoiding
	attracted = podtest.Attracted
	spreading = podtest.Spreading
)
