package scaleup

import (
	"math"
	"math/rand"
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// catalogue50 is 50 offerings from 1 to 64 cores at 1, 2, 4 or 8 GiB per core, priced about
// linearly with a little noise, like a real price list.
func catalogue50(r *rand.Rand) ([]Offering, []string) {
	var offs []Offering
	var ids []string
	for i := 0; len(offs) < 50; i++ {
		cpu := int64(1) << (i % 7)
		mem := cpu << (i / 7 % 4)
		price := (float64(cpu)*6 + float64(mem)*1.5) * (0.9 + 0.2*r.Float64())
		o := offer("o"+itoa(int64(i)), cpu, mem, math.Round(price*100)/100)
		o.DiskBytes = (25 + 25*cpu) * gi
		offs, ids = append(offs, o), append(ids, o.ID)
	}
	return offs, ids
}

// workload makes n pods from deployments of the given shapes (cpu millicores, memory MiB),
// 50 replicas each, like a cluster where many pods share a spec.
func workload(r *rand.Rand, n int, shapes [][2]int64) []corev1.Pod {
	pods := make([]corev1.Pod, 0, n)
	for d := 0; len(pods) < n; d++ {
		shape := shapes[r.Intn(len(shapes))]
		app := "app" + itoa(int64(d))
		for i := 0; i < 50 && len(pods) < n; i++ {
			pods = append(pods, withApp(pod(app+"-"+itoa(int64(i)), itoa(shape[0])+"m", itoa(shape[1])+"Mi"), app))
		}
	}
	return pods
}

func benchSnapshot(pods int, shapes [][2]int64) Snapshot {
	r := rand.New(rand.NewSource(42))
	offs, ids := catalogue50(r)
	g := nodeGroup("general", ids...)
	g.Spec.MaxNodes = 1000
	g.Spec.DatacenterID, g.Spec.Datacenters = "", []v1alpha1.DatacenterPlacement{{ID: "dc1"}, {ID: "dc2"}}
	return Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{g}, Offerings: offs, Pending: ptrs(workload(r, pods, shapes))}
}

var mixes = []struct {
	name   string
	shapes [][2]int64
}{
	{"uniform-small", [][2]int64{{250, 512}}},
	{"web-mix", [][2]int64{{100, 128}, {250, 256}, {500, 1024}, {1000, 2048}, {2000, 4096}, {4000, 8192}}},
	{"cpu-and-memory-heavy", [][2]int64{{3500, 1024}, {250, 12288}, {1500, 3072}, {7000, 2048}, {500, 24576}}},
}

// BenchmarkPlan plans 10,000 pending pods over 50 offerings in two datacenters: pods from 200
// deployments, as in most clusters, and pods that all differ, the worst case for classes.
func BenchmarkPlan(b *testing.B) {
	distinct := benchSnapshot(0, nil)
	r := rand.New(rand.NewSource(7))
	for i := range 10000 {
		cpu, mem := 50+r.Intn(1950), 64+r.Intn(4000)
		p := pod("d"+itoa(int64(i)), itoa(int64(cpu))+"m", itoa(int64(mem))+"Mi")
		distinct.Pending = append(distinct.Pending, &p)
	}
	for _, bc := range []struct {
		name string
		snap Snapshot
	}{{"200-deployments", benchSnapshot(10000, mixes[1].shapes)}, {"all-distinct", distinct}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var r Result
			for b.Loop() {
				r = Plan(bc.snap, DefaultOptions())
			}
			b.ReportMetric(float64(r.NewNodes()), "nodes")
			b.ReportMetric(float64(len(r.Unschedulable)), "unschedulable")
		})
	}
}

// BenchmarkPackingQuality reports, per workload mix, how close the plan comes to two lower
// bounds. nodes/lb is the node count against the fewest nodes of the chosen nodes' average
// size that could hold the demand (1/utilisation of the binding resource). price/lb is the
// price against the fractional optimum: the cheapest mix of offerings, bought in fractions,
// that covers the CPU and memory demand. Near 1 is good.
func BenchmarkPackingQuality(b *testing.B) {
	for _, mix := range mixes {
		b.Run(mix.name, func(b *testing.B) {
			s := benchSnapshot(2000, mix.shapes)
			var pl *planner
			var r Result
			for b.Loop() {
				pl, r = plan(s, DefaultOptions())
			}
			demand := totalDemand(s)
			b.ReportMetric(float64(r.NewNodes())/nodesLowerBound(pl, demand), "nodes/lb")
			b.ReportMetric(r.MonthlyPrice()/priceLowerBound(s, demand, DefaultOptions()), "price/lb")
		})
	}
}

func totalDemand(s Snapshot) schedsim.Resources {
	var demand schedsim.Resources
	for i := range s.Pending {
		demand = demand.Plus(schedsim.NewPodInfo(s.Pending[i], nil).Req)
	}
	return demand
}

func nodesLowerBound(pl *planner, demand schedsim.Resources) float64 {
	var alloc schedsim.Resources
	var n float64
	for _, node := range pl.cluster.Nodes {
		if node.Kind == schedsim.KindPlanned {
			alloc, n = alloc.Plus(node.Alloc), n+1
		}
	}
	share := max(float64(demand.CPU)/float64(alloc.CPU), float64(demand.Memory)/float64(alloc.Memory), float64(demand.Pods)/float64(alloc.Pods))
	return math.Ceil(share * n)
}

// priceLowerBound solves the linear relaxation of buying nodes for CPU and memory (pod slots
// left out, which only loosens the bound): an optimum uses at most two offerings, so every
// single offering and pair is tried.
func priceLowerBound(s Snapshot, demand schedsim.Resources, o Options) float64 {
	type vec struct{ cpu, mem, price float64 }
	var vs []vec
	for i := range s.Offerings {
		a := o.NodeResources(&s.Offerings[i])
		vs = append(vs, vec{float64(a.CPU), float64(a.Memory), s.Offerings[i].MonthlyPrice})
	}
	d := vec{cpu: float64(demand.CPU), mem: float64(demand.Memory)}
	best := math.Inf(1)
	for _, a := range vs {
		x := max(d.cpu/a.cpu, d.mem/a.mem)
		best = min(best, x*a.price)
		for _, b := range vs {
			// both binding in CPU and memory: solve the 2×2 system
			det := a.cpu*b.mem - b.cpu*a.mem
			if det == 0 {
				continue
			}
			x, y := (d.cpu*b.mem-b.cpu*d.mem)/det, (a.cpu*d.mem-d.cpu*a.mem)/det
			if x >= 0 && y >= 0 {
				best = min(best, x*a.price+y*b.price)
			}
		}
	}
	return best
}

// BenchmarkAntiAffineMix reports nodes against the lower bound for the mix cluster-autoscaler was compared on: pods
// with required hostname anti-affinity (one per node) beside plain pods of the same size, one 4-core offering. The
// bound is the larger of the anti-affine pods (a node each) and the resource bound.
func BenchmarkAntiAffineMix(b *testing.B) {
	for _, anti := range []int{50, 200} {
		b.Run("anti="+itoa(int64(anti)), func(b *testing.B) {
			pending := append(antiReplicas(anti), replicas("api", 4*anti, "1", "1Gi")...)
			s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "c4")},
				Offerings: []Offering{offer("c4", 4, 16, 24)}, Pending: ptrs(pending)}
			s.NodeGroups[0].Spec.MaxNodes = 1000
			var pl *planner
			var r Result
			for b.Loop() {
				pl, r = plan(s, DefaultOptions())
			}
			bound := max(float64(anti), nodesLowerBound(pl, totalDemand(s)))
			b.ReportMetric(float64(r.NewNodes())/bound, "nodes/lb")
		})
	}
}
