package utilization

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNodeSampleSumsUnfinishedPodRequestsAgainstAllocatable(t *testing.T) {
	node := &corev1.Node{Status: corev1.NodeStatus{
		Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi")},
		Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3800m"), corev1.ResourceMemory: resource.MustParse("7Gi")},
	}}
	yes := true
	daemon := pod("500m", "256Mi")
	daemon.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", Name: "d", Controller: &yes}}
	mirror := pod("100m", "0")
	mirror.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
	done := pod("2", "2Gi")
	done.Status.Phase = corev1.PodSucceeded
	withInit := pod("250m", "1Gi")
	withInit.Spec.InitContainers = []corev1.Container{{Name: "i", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}}
	last := pod("250m", "512Mi")
	s := NodeSample(node, []*corev1.Pod{&daemon, &mirror, &done, &withInit, &last}, t0)
	want := Sample{At: t0, CPURequested: 500 + 100 + 1000 + 250, CPUAllocatable: 3800,
		MemoryRequested: (256 + 1024 + 512) << 20, MemoryAllocatable: 7 << 30, Pods: 2}
	if s != want {
		t.Errorf("sample\n%+v\nwant\n%+v", s, want)
	}
}

func TestNodeSampleFallsBackToCapacity(t *testing.T) {
	node := &corev1.Node{Status: corev1.NodeStatus{
		Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
	}}
	if s := NodeSample(node, nil, t0); s.CPUAllocatable != 2000 || s.MemoryAllocatable != 4<<30 {
		t.Errorf("allocatable %d, %d; want the capacity 2000, 4Gi", s.CPUAllocatable, s.MemoryAllocatable)
	}
}

func pod(cpu, mem string) corev1.Pod {
	return corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
	}}}}}
}
