package nodegroup

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// BenchmarkComputeStatus measures one status computation for a large group
// (1000 members, all joined, one in ten NotReady): the work every reconcile
// of that group does.
func BenchmarkComputeStatus(b *testing.B) {
	const members = 1000
	vns := make([]v1alpha1.VPSieNode, members)
	nodes := make([]corev1.Node, members)
	for i := range members {
		name := fmt.Sprintf("workers-%04d", i)
		vns[i] = vn(name, v1alpha1.PhaseReady)
		nodes[i] = node(name, i%10 != 0)
	}
	g := group(10, 2000)
	b.ReportAllocs()
	for b.Loop() {
		st := computeStatus(observation{group: g, vpsieNodes: vns, nodes: nodes, now: t0})
		if st.CurrentNodes != members || st.ReadyNodes != members*9/10 {
			b.Fatalf("current/ready = %d/%d", st.CurrentNodes, st.ReadyNodes)
		}
	}
}
