package scaleup

import (
	"fmt"
	"math/rand"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// thousandPods is issue 21's workload: 1000 pods of three sizes (334 of 250m/512Mi, 333 of
// 1/2Gi, 333 of 1500m/3Gi), in the random order kube-scheduler finds three ReplicaSets' pods
// unschedulable in.
func thousandPods(r *rand.Rand) []corev1.Pod {
	pods := append(replicas("s", 334, "250m", "512Mi"), replicas("m", 333, "1", "2Gi")...)
	pods = append(pods, replicas("l", 333, "1500m", "3Gi")...)
	r.Shuffle(len(pods), func(i, j int) { pods[i], pods[j] = pods[j], pods[i] })
	return pods
}

// arrive plans pods that become pending batch by batch, as a pass does while a burst goes on:
// each pass plans every pod pending so far against the nodes earlier passes bought (booting,
// so no pod runs yet) and buys what is left over. With nominate, each pass nominates the
// pods to the nodes it put them on (as the controller does), so the next pass keeps them
// there. It returns the nodes bought in all.
func arrive(pods []corev1.Pod, batch int, nominate bool) int {
	g := nodeGroup("g", "c4")
	g.Spec.MaxNodes = 1000
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{g}, Offerings: []Offering{c39()}}
	nominations := map[types.NamespacedName]string{}
	for start := 0; start < len(pods); start += batch {
		s.Pending = ptrs(pods[:min(start+batch, len(pods))])
		s.Nominations = nominations
		r := Plan(s, DefaultOptions())
		for _, p := range r.Existing {
			if nominate {
				nominations[p.Pod] = p.Node
			}
		}
		for _, in := range r.Intents {
			for _, nodePods := range in.NodePods {
				name := fmt.Sprintf("n%d", len(s.VPSieNodes))
				s.VPSieNodes = append(s.VPSieNodes, vpsieNode(name, "g", "c4", v1alpha1.PhaseProvisioning))
				for _, p := range nodePods {
					if nominate {
						nominations[p] = name
					}
				}
			}
		}
	}
	return len(s.VPSieNodes)
}

// BenchmarkArrivalInBatches: how many more nodes the 1000-pod workload costs when its pods
// are planned as they become pending, in batches of n, than when all are planned at once;
// with and without nominating each pod to its planned node. No node turns Ready here, so no
// scheduler places pods elsewhere than planned: what it measures is the planner's own cost of
// planning a burst in pieces (the 1000-pod e2e benchmark measures the rest).
func BenchmarkArrivalInBatches(b *testing.B) {
	pods := thousandPods(rand.New(rand.NewSource(1)))
	once := arrive(pods, len(pods), false)
	for _, batch := range []int{1000, 200, 50, 15} {
		for _, nominate := range []bool{false, true} {
			b.Run(fmt.Sprintf("batch=%d/nominate=%t", batch, nominate), func(b *testing.B) {
				var nodes int
				for range b.N {
					nodes = arrive(pods, batch, nominate)
				}
				b.ReportMetric(float64(nodes), "nodes")
				b.ReportMetric(float64(nodes)/float64(once), "nodes/at-once")
			})
		}
	}
}
