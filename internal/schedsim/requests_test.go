package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func container(cpu, mem string) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: requests(cpu, mem)}}
}

func sidecar(cpu, mem string) corev1.Container {
	c := container(cpu, mem)
	always := corev1.ContainerRestartPolicyAlways
	c.RestartPolicy = &always
	return c
}

func TestPodRequests(t *testing.T) {
	tests := []struct {
		name        string
		spec        corev1.PodSpec
		cpu         int64 // millicores
		memoryMi    int64
		wantStorage int64
	}{
		{name: "containers add up",
			spec: corev1.PodSpec{Containers: []corev1.Container{container("500m", "256Mi"), container("250m", "128Mi")}},
			cpu:  750, memoryMi: 384},
		{name: "a larger init container wins by the max rule",
			spec: corev1.PodSpec{InitContainers: []corev1.Container{container("2", "64Mi")}, Containers: []corev1.Container{container("500m", "256Mi")}},
			cpu:  2000, memoryMi: 256},
		{name: "init containers run one at a time, so only the largest counts",
			spec: corev1.PodSpec{InitContainers: []corev1.Container{container("1", "1Gi"), container("1500m", "10Mi")}, Containers: []corev1.Container{container("100m", "10Mi")}},
			cpu:  1500, memoryMi: 1024},
		{name: "sidecars run next to the containers and add up",
			spec: corev1.PodSpec{InitContainers: []corev1.Container{sidecar("200m", "100Mi")}, Containers: []corev1.Container{container("500m", "256Mi")}},
			cpu:  700, memoryMi: 356},
		{name: "an init container after a sidecar runs next to it",
			spec: corev1.PodSpec{InitContainers: []corev1.Container{sidecar("200m", "100Mi"), container("1", "100Mi")}, Containers: []corev1.Container{container("100m", "10Mi")}},
			cpu:  1200, memoryMi: 200},
		{name: "pod overhead comes on top",
			spec: corev1.PodSpec{Containers: []corev1.Container{container("500m", "256Mi")}, Overhead: requests("100m", "64Mi")},
			cpu:  600, memoryMi: 320},
		{name: "pod-level requests replace the container total for CPU and memory",
			spec: corev1.PodSpec{Containers: []corev1.Container{container("500m", "256Mi")}, Resources: &corev1.ResourceRequirements{Requests: requests("2", "")}},
			cpu:  2000, memoryMi: 256},
		{name: "no requests ask for nothing but a pod slot", spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := podRequests(&tt.spec)
			if got.CPU != tt.cpu || got.Memory != tt.memoryMi<<20 || got.Pods != 1 || got.Storage != tt.wantStorage {
				t.Fatalf("got cpu=%d memory=%dMi pods=%d, want cpu=%d memory=%dMi pods=1", got.CPU, got.Memory>>20, got.Pods, tt.cpu, tt.memoryMi)
			}
		})
	}
}
