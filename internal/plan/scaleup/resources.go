package scaleup

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// resources is a request or a capacity in the units the planner compares: CPU in
// millicores, memory and ephemeral storage in bytes, pods as a count. Extended resources
// (GPUs, hugepages) are rare, so they live in a map that is nil for almost every pod.
type resources struct {
	cpu, memory, storage, pods int64
	extended                   map[corev1.ResourceName]int64
}

// fromList converts a ResourceList; "pods" is left out because a pod always requests one.
func fromList(rl corev1.ResourceList) resources {
	var r resources
	for name, q := range rl {
		switch name {
		case corev1.ResourceCPU:
			r.cpu = q.MilliValue()
		case corev1.ResourceMemory:
			r.memory = q.Value()
		case corev1.ResourceEphemeralStorage:
			r.storage = q.Value()
		case corev1.ResourcePods:
		default:
			if v := q.Value(); v > 0 {
				if r.extended == nil {
					r.extended = map[corev1.ResourceName]int64{}
				}
				r.extended[name] = v
			}
		}
	}
	return r
}

// combine applies f to every dimension of r and o; extended names of either side are kept.
func (r resources) combine(o resources, f func(a, b int64) int64) resources {
	out := resources{cpu: f(r.cpu, o.cpu), memory: f(r.memory, o.memory), storage: f(r.storage, o.storage), pods: f(r.pods, o.pods)}
	if len(r.extended)+len(o.extended) == 0 {
		return out
	}
	out.extended = map[corev1.ResourceName]int64{}
	for name := range r.extended {
		out.extended[name] = f(r.extended[name], o.extended[name])
	}
	for name := range o.extended {
		out.extended[name] = f(r.extended[name], o.extended[name])
	}
	return out
}

// plus, minus, max and times work dimension by dimension, extended resources included.
func (r resources) plus(o resources) resources {
	return r.combine(o, func(a, b int64) int64 { return a + b })
}

func (r resources) minus(o resources) resources {
	return r.combine(o, func(a, b int64) int64 { return a - b })
}

func (r resources) max(o resources) resources {
	return r.combine(o, func(a, b int64) int64 { return max(a, b) })
}

func (r resources) times(k int64) resources {
	return r.combine(resources{}, func(a, _ int64) int64 { return a * k })
}

// copiesIn is how many pods requesting r fit in free; a dimension r does not request never
// limits, so a pod that requests nothing is limited by pod slots alone.
func (r resources) copiesIn(free resources) int64 {
	n := int64(1) << 62
	limit := func(req, have int64) {
		if req > 0 {
			n = min(n, max(have, 0)/req)
		}
	}
	limit(r.cpu, free.cpu)
	limit(r.memory, free.memory)
	limit(r.storage, free.storage)
	limit(r.pods, free.pods)
	if len(r.extended) > 0 {
		for name, v := range r.extended {
			limit(v, free.extended[name])
		}
	}
	return n
}

// extendedNames are r's extended resources in a stable order, for messages and keys.
func (r resources) extendedNames() []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(r.extended))
	for name := range r.extended {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}
