package schedsim

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Allocatable is what a new node of the offering leaves for pods, as the kubelet computes it
// (capacity less kube-reserved, system-reserved and the eviction threshold) and as the
// simulation models it; the rebalance analyzer builds a replacement node from it.
func (o Options) Allocatable(off Offering) corev1.ResourceList {
	r := o.NodeResources(&off)
	return corev1.ResourceList{
		corev1.ResourceCPU:              *resource.NewMilliQuantity(r.CPU, resource.DecimalSI),
		corev1.ResourceMemory:           *resource.NewQuantity(r.Memory, resource.BinarySI),
		corev1.ResourceEphemeralStorage: *resource.NewQuantity(r.Storage, resource.BinarySI),
		corev1.ResourcePods:             *resource.NewQuantity(r.Pods, resource.DecimalSI),
	}
}
