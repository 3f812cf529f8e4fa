//go:build e2e

package e2e

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// offeringAlloc is the catalogue's offering id and its allocatable as the planner models it: the default
// configuration's kubelet reserves and eviction threshold (the simulated kubelet reports the same).
func offeringAlloc(b *testing.B, id string) (plan.Offering, schedsim.Resources) {
	b.Helper()
	for _, o := range vpsiesim.DefaultCatalogue().Offerings {
		if o.ID == id {
			off := plan.Offering{ID: o.ID, CPUMilli: int64(o.CPU) * 1000, MemoryBytes: int64(o.RAM) << 20,
				DiskBytes: int64(o.Disk) << 30, MonthlyPrice: o.Price}
			alloc := nodetemplate.Model(config.Default().ScaleUp).NodeResources(&schedsim.Offering{ID: o.ID,
				CPUMilli: off.CPUMilli, MemoryBytes: off.MemoryBytes})
			return off, alloc
		}
	}
	b.Fatalf("no offering %s in the simulator's catalogue", id)
	return plan.Offering{}, schedsim.Resources{}
}

// packedLowerBound is a lower bound that counts the pods' sizes: no node can use more of a resource than the largest
// sum of the workload's request sizes that fits its allocatable (a 3.9-CPU node holds at most 3.75 CPUs of pods of
// 250m, 1 and 1.5 CPUs), so the nodes needed are at least the total ÷ that sum, for CPU and for memory.
func packedLowerBound(b *testing.B, w burst) int {
	_, alloc := offeringAlloc(b, w.offering)
	var cpuSizes, memSizes []int64
	var cpu, mem int64
	for _, s := range w.shapes {
		c, m := resource.MustParse(s.cpu), resource.MustParse(s.memory)
		cpuSizes, memSizes = append(cpuSizes, c.MilliValue()), append(memSizes, m.Value()>>20)
		cpu += int64(s.replicas) * c.MilliValue()
		mem += int64(s.replicas) * (m.Value() >> 20)
	}
	ceil := func(a, b int64) int { return int((a + b - 1) / b) }
	return max(ceil(cpu, largestSum(cpuSizes, alloc.CPU)), ceil(mem, largestSum(memSizes, alloc.Memory>>20)))
}

// largestSum is the largest sum of sizes (each used any number of times) that is at most limit.
func largestSum(sizes []int64, limit int64) int64 {
	reach := make([]bool, limit+1)
	reach[0] = true
	best := int64(0)
	for v := int64(1); v <= limit; v++ {
		for _, s := range sizes {
			if s <= v && reach[v-s] {
				reach[v], best = true, v
				break
			}
		}
	}
	return best
}

// plannedAtOnce is how many nodes the planner buys for w when it sees all of it in one pass, with the
// production node model: what the same planner needs without pods arriving over time and without the scheduler
// placing them differently.
func plannedAtOnce(b *testing.B, w burst) int {
	off, _ := offeringAlloc(b, w.offering)
	g := group("bound", "bound", w.offering)
	g.Spec.MaxNodes = 1000
	var pending []*corev1.Pod
	for _, s := range w.shapes {
		for i := range int(s.replicas) {
			pending = append(pending, &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Namespace: "bound", Name: fmt.Sprintf("%s-%d", s.name, i), Labels: map[string]string{"app": s.name}},
				Spec: corev1.PodSpec{NodeSelector: g.Spec.Labels, Containers: []corev1.Container{{Name: "app",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
						corev1.ResourceCPU: resource.MustParse(s.cpu), corev1.ResourceMemory: resource.MustParse(s.memory)}}}}},
			})
		}
	}
	o := plan.DefaultOptions()
	o.Options = nodetemplate.Model(config.Default().ScaleUp)
	r := plan.Plan(plan.Snapshot{NodeGroups: []*v1alpha1.NodeGroup{g}, Offerings: []plan.Offering{off}, Pending: pending}, o)
	if len(r.Unschedulable) > 0 {
		b.Fatalf("the all-at-once plan leaves %d pods unschedulable: %+v", len(r.Unschedulable), r.Unschedulable[0])
	}
	return int(r.NewNodes())
}
