package schedsim

// antiAffinityAllows is the required pod anti-affinity part of the scheduler's
// InterPodAffinity filter, both ways: the pod's own terms must match no pod in the node's
// topology domain, and no pod there may have a term that matches the pod. Pods placed
// earlier in this plan count like bound ones.
func (c *Cluster) antiAffinityAllows(p *PodInfo, n *Node) Failure {
	for _, term := range p.Anti {
		var hit *PodInfo
		c.sameDomain(n, term.TopologyKey, func(m *Node) bool {
			hit = firstMatch(m.Pods, term.Matches)
			return hit == nil
		})
		if hit != nil {
			return fail(ReasonAntiAffinity, "anti-affinity with pod "+hit.Name.String()+" on "+term.TopologyKey)
		}
	}
	if q, key := c.repelledBy(p, n); q != nil {
		return fail(ReasonAntiAffinity, "pod "+q.Name.String()+" keeps it off by anti-affinity on "+key)
	}
	return Failure{}
}

// repelledBy finds a pod whose own anti-affinity forbids p on n. Pods on n itself share every
// domain with it; pods elsewhere only matter through terms wider than a node (holders).
func (c *Cluster) repelledBy(p *PodInfo, n *Node) (*PodInfo, string) {
	for _, q := range n.Pods {
		for _, t := range q.Anti {
			if _, ok := n.Labels[t.TopologyKey]; ok && t.Matches(p) {
				return q, t.TopologyKey
			}
		}
	}
	for _, h := range c.holders {
		if h.node == n {
			continue
		}
		for _, t := range h.pod.Anti {
			if t.TopologyKey != labelHostname && sharesDomain(h.node, n, t.TopologyKey) && t.Matches(p) {
				return h.pod, t.TopologyKey
			}
		}
	}
	return nil, ""
}

func sharesDomain(a, b *Node, key string) bool {
	va, okA := a.Labels[key]
	vb, okB := b.Labels[key]
	return okA && okB && va == vb
}

func firstMatch(pods []*PodInfo, match func(*PodInfo) bool) *PodInfo {
	for _, q := range pods {
		if match(q) {
			return q
		}
	}
	return nil
}
