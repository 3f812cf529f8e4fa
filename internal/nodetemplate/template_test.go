package nodetemplate

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestForCarriesTheGroupsImageLabelsTaintsAndUserData(t *testing.T) {
	g := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "gpu"}, Spec: v1alpha1.NodeGroupSpec{
		OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3", Labels: map[string]string{"tier": "gpu"},
		Tags: []string{"env=prod"}, UserDataTemplate: "gpu-boot",
		Taints: []corev1.Taint{{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}}}}
	want := contract.NodeTemplate{NodeGroup: "gpu", ImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3",
		Labels: map[string]string{"tier": "gpu"}, Tags: []string{"env=prod"}, UserDataTemplate: "team/gpu-boot",
		Taints: []contract.Taint{{Key: "gpu", Value: "true", Effect: "NoSchedule"}}}
	if got := For(g); !reflect.DeepEqual(got, want) {
		t.Fatalf("For = %+v, want %+v", got, want)
	}
}

func TestModelIsTheConfiguredKubelet(t *testing.T) {
	m := Model(config.ScaleUpConfig{ReservedCPUMillis: 100, ReservedMemoryMiB: 256, EvictionMemoryMiB: 100, MaxPodsPerNode: 58})
	if m.KubeReserved.CPUMilli != 100 || m.KubeReserved.Memory != 256<<20 || m.EvictionThreshold.Memory != 100<<20 || m.MaxPodsPerNode != 58 {
		t.Fatalf("Model = %+v", m)
	}
}
