package schedsim

// Options tune the simulation. The zero value reserves nothing and allows 110 pods per node.
type Options struct {
	// KubeReserved and SystemReserved are set aside on every new node, as the kubelet does.
	KubeReserved, SystemReserved Reserve
	// EvictionThreshold is the kubelet's hard eviction threshold (memory.available,
	// nodefs.available) as absolute amounts; its CPU is ignored.
	EvictionThreshold Reserve
	// MaxPodsPerNode is the kubelet's maxPods; zero means 110.
	MaxPodsPerNode int32
	// Volumes is what the simulation knows of the cluster's volumes, for the pods of the
	// nodes it models; nil knows none. A planner sets it from its snapshot each pass.
	Volumes *Volumes
}

// Reserve is an amount of node resources kept from pods.
type Reserve struct {
	CPUMilli, Memory, EphemeralStorage int64
}

// DefaultOptions mirrors a kubelet with default flags: hard eviction at 100Mi of memory,
// 110 pods.
func DefaultOptions() Options {
	return Options{EvictionThreshold: Reserve{Memory: 100 << 20}, MaxPodsPerNode: 110}
}

// MaxPods is the kubelet's maxPods these options give a node.
func (o Options) MaxPods() int64 {
	if o.MaxPodsPerNode <= 0 {
		return 110
	}
	return int64(o.MaxPodsPerNode)
}

// NodeResources is what an offering leaves for pods before daemonsets, as the kubelet
// computes it: capacity minus kube-reserved, system-reserved and the eviction threshold.
func (o Options) NodeResources(off *Offering) Resources {
	return Resources{
		CPU:     off.CPUMilli - o.KubeReserved.CPUMilli - o.SystemReserved.CPUMilli,
		Memory:  off.MemoryBytes - o.KubeReserved.Memory - o.SystemReserved.Memory - o.EvictionThreshold.Memory,
		Storage: off.DiskBytes - o.KubeReserved.EphemeralStorage - o.SystemReserved.EphemeralStorage - o.EvictionThreshold.EphemeralStorage,
		Pods:    o.MaxPods(),
	}
}
