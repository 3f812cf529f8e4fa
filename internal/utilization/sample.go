package utilization

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Sample is one reading of a node. Requested against allocatable is the default measure, as in
// cluster-autoscaler; the usage fields hold what metrics.k8s.io reported, when HasUsage.
type Sample struct {
	At time.Time
	// CPU in millicores.
	CPURequested, CPUAllocatable int64
	// Memory in bytes. The store keeps it in KiB: requested and usage are rounded up and
	// allocatable down, so a stored sample is never less utilized than the one added.
	MemoryRequested, MemoryAllocatable int64
	// CPUUsage (millicores) and MemoryUsage (bytes) are meaningful only when HasUsage.
	CPUUsage, MemoryUsage int64
	HasUsage              bool
	// Pods counts the pods draining the node would have to move elsewhere (see
	// schedsim.NeedsNewHome): zero means the node is empty but for DaemonSet and mirror pods.
	Pods int32
}

// NodeSample reads node at time at: the requests of the pods bound to it that have not
// finished (computed as the scheduler does, by schedsim.PodRequests) against its allocatable,
// or its capacity when it reports no allocatable. Usage is left for WithUsage.
func NodeSample(node *corev1.Node, pods []*corev1.Pod, at time.Time) Sample {
	alloc := node.Status.Allocatable
	if len(alloc) == 0 {
		alloc = node.Status.Capacity
	}
	s := Sample{At: at, CPUAllocatable: alloc.Cpu().MilliValue(), MemoryAllocatable: alloc.Memory().Value()}
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		cpu, mem := schedsim.PodRequests(&p.Spec)
		s.CPURequested += cpu
		s.MemoryRequested += mem
		if schedsim.NeedsNewHome(p) {
			s.Pods++
		}
	}
	return s
}

// WithUsage adds what metrics.k8s.io reported for the node.
func (s Sample) WithUsage(cpuMilli, memoryBytes int64) Sample {
	s.CPUUsage, s.MemoryUsage, s.HasUsage = cpuMilli, memoryBytes, true
	return s
}

// entry is a Sample as the ring holds it, 40 bytes instead of 80: CPU in int32 millicores
// (two million cores), memory in uint32 KiB (4 TiB), time in Unix nanoseconds.
type entry struct {
	at                       int64
	cpuReq, cpuAlloc, cpuUse int32 // cpuUse < 0: no usage measured
	memReq, memAlloc, memUse uint32
	pods                     int32
}

const kib = 1024

func encode(s Sample) entry {
	e := entry{
		at:     s.At.UnixNano(),
		cpuReq: clamp32(s.CPURequested), cpuAlloc: clamp32(s.CPUAllocatable), cpuUse: -1,
		memReq: kibUp(s.MemoryRequested), memAlloc: kibDown(s.MemoryAllocatable),
		pods: s.Pods,
	}
	if s.HasUsage {
		e.cpuUse, e.memUse = clamp32(s.CPUUsage), kibUp(s.MemoryUsage)
	}
	return e
}

func (e *entry) decode() Sample {
	s := Sample{
		At:           time.Unix(0, e.at),
		CPURequested: int64(e.cpuReq), CPUAllocatable: int64(e.cpuAlloc),
		MemoryRequested: int64(e.memReq) * kib, MemoryAllocatable: int64(e.memAlloc) * kib,
		Pods: e.pods,
	}
	if e.cpuUse >= 0 {
		s.CPUUsage, s.MemoryUsage, s.HasUsage = int64(e.cpuUse), int64(e.memUse)*kib, true
	}
	return s
}

func clamp32(v int64) int32 { return int32(min(max(v, 0), 1<<31-1)) }

func kibUp(b int64) uint32   { return uint32(min((max(b, 0)+kib-1)/kib, 1<<32-1)) }
func kibDown(b int64) uint32 { return uint32(min(max(b, 0)/kib, 1<<32-1)) }
