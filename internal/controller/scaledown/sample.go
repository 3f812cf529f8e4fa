package scaledown

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
)

// sample adds a reading of every managed node to the store (requested of allocatable, as
// cluster-autoscaler, plus measured usage when metrics.k8s.io serves it), drops the nodes
// that left the cluster, and sets each group's utilization gauge (of requests).
func (c *Controller) sample(o observation) {
	present := make(map[string]bool, len(o.nodes))
	byNode := map[string]types.NamespacedName{}
	for _, m := range planinput.ManagedNodes(o.view) {
		byNode[m.Node] = m.Group
	}
	type sums struct{ cpuReq, cpuAlloc, memReq, memAlloc int64 }
	groups := map[types.NamespacedName]*sums{}
	for i := range o.nodes {
		en := &o.nodes[i]
		present[en.Node.Name] = true
		key, managed := byNode[en.Node.Name]
		if !managed || o.view.Now.Sub(en.Node.CreationTimestamp.Time) < c.newNodeGrace {
			continue
		}
		s := utilization.NodeSample(en.Node, en.Pods, o.view.Now)
		if u, ok := o.usage[en.Node.Name]; ok {
			s = s.WithUsage(u.cpuMilli, u.memoryBytes)
		}
		c.store.Add(en.Node.Name, s)
		g := groups[key]
		if g == nil {
			g = &sums{}
			groups[key] = g
		}
		g.cpuReq, g.cpuAlloc = g.cpuReq+s.CPURequested, g.cpuAlloc+s.CPUAllocatable
		g.memReq, g.memAlloc = g.memReq+s.MemoryRequested, g.memAlloc+s.MemoryAllocatable
	}
	c.store.Retain(func(node string) bool { _, ok := byNode[node]; return ok })
	c.drains.retain(present)
	for k, g := range groups {
		c.metrics.utilization.WithLabelValues(k.Name, k.Namespace, "cpu").Set(ratio(g.cpuReq, g.cpuAlloc))
		c.metrics.utilization.WithLabelValues(k.Name, k.Namespace, "memory").Set(ratio(g.memReq, g.memAlloc))
	}
	// Groups without managed nodes lose their series; set first and delete after, so a
	// scrape never sees a group's series missing between passes.
	for k := range c.measured {
		if groups[k] == nil {
			c.metrics.utilization.DeleteLabelValues(k.Name, k.Namespace, "cpu")
			c.metrics.utilization.DeleteLabelValues(k.Name, k.Namespace, "memory")
			delete(c.measured, k)
		}
	}
	for k := range groups {
		c.measured[k] = true
	}
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
