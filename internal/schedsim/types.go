package schedsim

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ExistingNode is a Node and the pods bound to it.
//
// Both point into the caller's snapshot, typically the controller's informer cache read
// without a deep copy (client.UnsafeDisableDeepCopy): the simulation only reads them and
// must never write through these pointers, since a write would corrupt the shared cache.
type ExistingNode struct {
	Node *corev1.Node
	Pods []*corev1.Pod
}

// Nodes are the Nodes of nodes, in the same order.
func Nodes(nodes []ExistingNode) []*corev1.Node {
	out := make([]*corev1.Node, len(nodes))
	for i := range nodes {
		out[i] = nodes[i].Node
	}
	return out
}

// Offering is one VPSie plan as the simulation needs it.
type Offering struct {
	ID           string
	CPUMilli     int64
	MemoryBytes  int64
	DiskBytes    int64
	MonthlyPrice float64
	// Datacenters are where the offering is sold; empty means every datacenter.
	Datacenters []string
	// Spot offerings may be reclaimed; at equal price the scale-up planner picks the other one.
	Spot bool
}

// Placement is a pod that fits on a node that exists, or is booting.
type Placement struct {
	Pod      types.NamespacedName
	Node     string
	InFlight bool // Node is the hostname of a VPSieNode that has not registered yet
}

// The well-known labels the predicates read.
const (
	labelHostname = corev1.LabelHostname
	labelZone     = corev1.LabelTopologyZone
)
