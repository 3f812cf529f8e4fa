package schedsim

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// Resources is a request or a capacity in the units the simulation compares: CPU in
// millicores, memory and ephemeral storage in bytes, pods as a count. Extended resources
// (GPUs, hugepages) are rare, so they live in a map that is nil for almost every pod.
type Resources struct {
	CPU, Memory, Storage, Pods int64
	Extended                   map[corev1.ResourceName]int64
}

// fromList converts a ResourceList; "pods" is left out because a pod always requests one.
func fromList(rl corev1.ResourceList) Resources {
	var r Resources
	for name, q := range rl {
		switch name {
		case corev1.ResourceCPU:
			r.CPU = q.MilliValue()
		case corev1.ResourceMemory:
			r.Memory = q.Value()
		case corev1.ResourceEphemeralStorage:
			r.Storage = q.Value()
		case corev1.ResourcePods:
		default:
			if v := q.Value(); v > 0 {
				if r.Extended == nil {
					r.Extended = map[corev1.ResourceName]int64{}
				}
				r.Extended[name] = v
			}
		}
	}
	return r
}

// combine applies f to every dimension of r and o; extended names of either side are kept.
func (r Resources) combine(o Resources, f func(a, b int64) int64) Resources {
	out := Resources{CPU: f(r.CPU, o.CPU), Memory: f(r.Memory, o.Memory), Storage: f(r.Storage, o.Storage), Pods: f(r.Pods, o.Pods)}
	if len(r.Extended)+len(o.Extended) == 0 {
		return out
	}
	out.Extended = map[corev1.ResourceName]int64{}
	for name := range r.Extended {
		out.Extended[name] = f(r.Extended[name], o.Extended[name])
	}
	for name := range o.Extended {
		out.Extended[name] = f(r.Extended[name], o.Extended[name])
	}
	return out
}

// Plus, Minus, Max and Times work dimension by dimension, extended resources included.
func (r Resources) Plus(o Resources) Resources {
	return r.combine(o, func(a, b int64) int64 { return a + b })
}

func (r Resources) Minus(o Resources) Resources {
	return r.combine(o, func(a, b int64) int64 { return a - b })
}

func (r Resources) Max(o Resources) Resources {
	return r.combine(o, func(a, b int64) int64 { return max(a, b) })
}

func (r Resources) Times(k int64) Resources {
	return r.combine(Resources{}, func(a, _ int64) int64 { return a * k })
}

// CopiesIn is how many pods requesting r fit in free; a dimension r does not request never
// limits, so a pod that requests nothing is limited by pod slots alone.
func (r Resources) CopiesIn(free Resources) int64 {
	n := int64(1) << 62
	limit := func(req, have int64) {
		if req > 0 {
			n = min(n, max(have, 0)/req)
		}
	}
	limit(r.CPU, free.CPU)
	limit(r.Memory, free.Memory)
	limit(r.Storage, free.Storage)
	limit(r.Pods, free.Pods)
	if len(r.Extended) > 0 {
		for name, v := range r.Extended {
			limit(v, free.Extended[name])
		}
	}
	return n
}

// ExtendedNames are r's extended resources in a stable order, for messages and keys.
func (r Resources) ExtendedNames() []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(r.Extended))
	for name := range r.Extended {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}
