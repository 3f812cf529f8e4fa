package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// onHostPort makes each pod take port on its node's network.
func onHostPort(pods []corev1.Pod, port int32) []corev1.Pod {
	for i := range pods {
		pods[i].Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: port, HostPort: port}}
	}
	return pods
}

// The scheduler never puts two pods with the same host port on one node; a plan that packed
// them left all but one pending after the nodes came up.
func TestPodsWithTheSameHostPortGetANodeEach(t *testing.T) {
	busy := node("busy", "8", "16Gi", nil, onHostPort(replicas("old", 1, "100m", "64Mi"), 8080)...)
	busy.Node.Status.Allocatable[corev1.ResourcePods] = resource.MustParse("110")
	runPlanCases(t, []planCase{
		{
			name: "three replicas on port 8080 need three nodes, however small",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")},
				Pending: ptrs(onHostPort(replicas("ingress", 3, "100m", "64Mi"), 8080))},
			want: []placement{{"g", "small", "dc1", 3, ReasonPendingPods, 3}},
		},
		{
			name: "a pod whose port an existing node holds gets a new node beside it",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")}, Nodes: []ExistingNode{busy},
				Pending: ptrs(onHostPort(replicas("new", 1, "100m", "64Mi"), 8080))},
			want: []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 1}},
		},
		{
			name: "pods on distinct ports share a node",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")},
				Pending: ptrs(append(onHostPort(replicas("a", 1, "100m", "64Mi"), 80), onHostPort(replicas("b", 1, "100m", "64Mi"), 443)...))},
			want: []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 2}},
		},
	})
}
