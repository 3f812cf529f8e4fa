package schedsim

import (
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim/podtest"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

const gi = int64(1) << 30

// triedName is the hostname the scale-up planner gives a node it only tries.
const triedName = "planned:candidate"

func key(name string) types.NamespacedName {
	return types.NamespacedName{Namespace: "default", Name: name}
}

// node is a Ready existing node with the given allocatable and labels.
func node(name, cpu, mem string, labels map[string]string, pods ...corev1.Pod) ExistingNode {
	alloc := requests(cpu, mem)
	alloc[corev1.ResourcePods] = resource.MustParse("110")
	l := map[string]string{labelHostname: name}
	for k, v := range labels {
		l[k] = v
	}
	ptrs := make([]*corev1.Pod, len(pods))
	for i := range pods {
		pods[i].Spec.NodeName = name
		ptrs[i] = &pods[i]
	}
	return ExistingNode{
		Node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}, Status: corev1.NodeStatus{Allocatable: alloc}},
		Pods: ptrs,
	}
}

var metav1Now = metav1.NewTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))

// replicas are n identical pods of one app.
func replicas(app string, n int, cpu, mem string) []corev1.Pod {
	out := make([]corev1.Pod, n)
	for i := range out {
		out[i] = withApp(pod(app+"-"+itoa(int64(i)), cpu, mem), app)
	}
	return out
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
