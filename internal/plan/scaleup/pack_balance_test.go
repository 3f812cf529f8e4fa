package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// deployments makes n Deployments of per replicas each, named prefix0, prefix1, ….
func deployments(prefix string, n, per int, cpu, mem string) []corev1.Pod {
	var out []corev1.Pod
	for i := range n {
		out = append(out, replicas(prefix+itoa(int64(i)), per, cpu, mem)...)
	}
	return out
}

func TestPackingSharesNodesBetweenPodsOfDifferentShapes(t *testing.T) {
	tests := []struct {
		name      string
		offerings []Offering
		pods      []corev1.Pod
		want      map[string]int32
	}{
		{
			// Four 1-CPU pods fill a 4-core/16Gi node's CPU and strand 12Gi; with 3.5Gi pods beside them the nodes fill
			// both ways. Bound 11 nodes; before: 17 (memory valued at nothing for the whole batch).
			name:      "CPU-heavy and memory-heavy pods share nodes",
			offerings: []Offering{offer("m", 4, 16, 20)},
			pods:      append(deployments("cpu", 1, 34, "1", "1Gi"), deployments("mem", 1, 34, "250m", "3584Mi")...),
			want:      map[string]int32{"m": 13},
		},
		{
			// 68 classes of 2 sizes: over the 32 classes a balanced fill weighed, so largest-first fills only.
			name:      "Deployments of the same size count once towards the balanced fill's limit",
			offerings: []Offering{offer("m", 4, 16, 20)},
			pods:      append(deployments("cpu", 34, 1, "1", "1Gi"), deployments("mem", 34, 1, "250m", "3584Mi")...),
			want:      map[string]int32{"m": 13},
		},
		{
			// Five 800m pods fill a node exactly, but then every 2200m pod gets a node of its own with 1.8 cores idle
			// (10 nodes before); opening each node with a large pod puts two small ones beside it: 8.
			name:      "each node opens with a pod of the largest size, as in first-fit decreasing",
			offerings: []Offering{offer("large", 4, 8, 27), offer("small", 2, 2, 11)},
			pods:      append(replicas("big", 8, "2200m", "1500Mi"), replicas("small", 14, "800m", "1500Mi")...),
			want:      map[string]int32{"large": 8},
		},
		{
			// Valued once at the prices of the whole batch (memory cheap), the plan bought three 4-core nodes for the
			// CPU-light pods and six 2-core ones; revalued as the demand left shifts, one and eight: 116 instead of 132.
			name:      "pods are revalued at the prices of the demand still waiting before each purchase",
			offerings: []Offering{offer("c4", 4, 4, 20), offer("m2", 2, 4, 12)},
			pods:      append(replicas("a", 11, "800m", "384Mi"), replicas("b", 9, "500m", "2304Mi")...),
			want:      map[string]int32{"c4": 1, "m2": 8},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := make([]string, len(tt.offerings))
			for i, o := range tt.offerings {
				ids[i] = o.ID
			}
			r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", ids...)},
				Offerings: tt.offerings, Pending: ptrs(tt.pods)}, DefaultOptions())
			if got := bought(r); !equalCounts(got, tt.want) || len(r.Unschedulable) != 0 {
				t.Fatalf("bought %v (%d pods unschedulable), want %v", got, len(r.Unschedulable), tt.want)
			}
		})
	}
}
