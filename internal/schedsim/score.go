package schedsim

import (
	"slices"
	"strings"
)

// Requests the scheduler's scoring assumes for a pod that states none (its NonZeroRequests), so that pods
// without requests still spread.
const (
	defaultMilliCPURequest = 100
	defaultMemoryRequest   = 200 << 20
)

// maxNodeScore is the scheduler's MaxNodeScore: each score plugin gives a node 0 to 100.
const maxNodeScore = 100

// Score is how kube-scheduler's default resource scoring ranks n for p, both plugins at their default weight 1:
// NodeResourcesFit with the LeastAllocated strategy (the mean over CPU and memory of the share left free once p is
// on n) plus NodeResourcesBalancedAllocation (one minus the standard deviation of the two used shares), each 0 to
// 100 in whole points as the scheduler rounds them. The scheduler binds a pod to the feasible node scoring most,
// so it spreads pods over the emptiest nodes where a plan packs them. Its other scores (preferred affinities,
// PreferNoSchedule taints, soft spread, images) are not modelled: they are equal on nodes that differ only in
// what they run, unless pods ask for them.
func Score(n *Node, p *PodInfo) int64 {
	cpu := nonZero(p.Req.CPU, defaultMilliCPURequest)
	mem := nonZero(p.Req.Memory, defaultMemoryRequest)
	usedCPU, usedMem := n.Alloc.CPU-n.Free.CPU+cpu, n.Alloc.Memory-n.Free.Memory+mem
	least := (leastAllocated(usedCPU, n.Alloc.CPU) + leastAllocated(usedMem, n.Alloc.Memory)) / 2
	fc, fm := fraction(usedCPU, n.Alloc.CPU), fraction(usedMem, n.Alloc.Memory)
	std := (max(fc, fm) - min(fc, fm)) / 2
	return least + int64((1-std)*maxNodeScore)
}

func nonZero(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

func leastAllocated(used, capacity int64) int64 {
	if capacity == 0 || used > capacity {
		return 0
	}
	return (capacity - used) * maxNodeScore / capacity
}

func fraction(used, capacity int64) float64 {
	if capacity <= 0 {
		return 1
	}
	return min(1, float64(used)/float64(capacity))
}

// QueueOrder sorts pods as kube-scheduler's queue takes them (the PrioritySort plugin): higher priority first, then
// the older pod, then by namespace and name where the scheduler's order depends on arrival.
func QueueOrder(pods []*PodInfo) {
	slices.SortStableFunc(pods, func(a, b *PodInfo) int {
		if pa, pb := priority(a), priority(b); pa != pb {
			return int(pb) - int(pa)
		}
		if c := a.Pod.CreationTimestamp.Compare(b.Pod.CreationTimestamp.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name.Namespace, b.Name.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name.Name, b.Name.Name)
	})
}

func priority(p *PodInfo) int32 {
	if p.Pod.Spec.Priority == nil {
		return 0
	}
	return *p.Pod.Spec.Priority
}
