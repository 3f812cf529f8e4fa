package operator

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCacheTransformsKeepWhatTheProductReads(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "x", Labels: map[string]string{"a": "b"},
		Annotations:   map[string]string{lastApplied: "{...}", "keep": "me"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}
	node := &corev1.Node{ObjectMeta: *meta.DeepCopy(), Spec: corev1.NodeSpec{ProviderID: "vpsie://1"},
		Status: corev1.NodeStatus{Images: []corev1.ContainerImage{{Names: []string{"img"}}},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")}}}
	out, err := stripNode(newSharer(), node)
	if err != nil {
		t.Fatal(err)
	}
	n := out.(*corev1.Node)
	if n.ManagedFields != nil || n.Status.Images != nil || n.Annotations[lastApplied] != "" {
		t.Errorf("node kept what is never read: %+v", n)
	}
	if n.Spec.ProviderID == "" || n.Status.Allocatable.Cpu().IsZero() || n.Labels["a"] != "b" || n.Annotations["keep"] != "me" {
		t.Errorf("node lost what the product reads: %+v", n)
	}

	req := corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}
	pod := &corev1.Pod{ObjectMeta: *meta.DeepCopy(), Spec: corev1.PodSpec{
		NodeSelector: map[string]string{"k": "v"},
		Containers: []corev1.Container{{Name: "c", Resources: req, Env: []corev1.EnvVar{{Name: "SECRET", Value: "x"}},
			Command: []string{"run"}}},
		Volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
	}, Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "c"}},
		Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled}}}}
	out, err = stripPod(newSharer(), pod)
	if err != nil {
		t.Fatal(err)
	}
	p := out.(*corev1.Pod)
	if p.ManagedFields != nil || p.Spec.Containers[0].Env != nil || p.Spec.Containers[0].Command != nil ||
		p.Status.ContainerStatuses != nil {
		t.Errorf("pod kept what is never read: %+v", p)
	}
	if p.Spec.Containers[0].Resources.Requests.Cpu().IsZero() || p.Spec.NodeSelector["k"] != "v" ||
		len(p.Spec.Volumes) != 1 || len(p.Status.Conditions) != 1 {
		t.Errorf("pod lost what the product reads: %+v", p)
	}
}
