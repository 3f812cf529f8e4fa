package scaleup

// antiAffinityAllows is the required pod anti-affinity part of the scheduler's
// InterPodAffinity filter, both ways: the pod's own terms must match no pod in the node's
// topology domain, and no pod there may have a term that matches the pod. Pods placed
// earlier in this plan count like bound ones.
func (c *cluster) antiAffinityAllows(p *podInfo, n *simNode) failure {
	for _, term := range p.anti {
		var hit *podInfo
		c.sameDomain(n, term.topologyKey, func(m *simNode) bool {
			hit = firstMatch(m.pods, term.matches)
			return hit == nil
		})
		if hit != nil {
			return fail(ReasonAntiAffinity, "anti-affinity with pod "+hit.name.String()+" on "+term.topologyKey)
		}
	}
	if q, key := c.repelledBy(p, n); q != nil {
		return fail(ReasonAntiAffinity, "pod "+q.name.String()+" keeps it off by anti-affinity on "+key)
	}
	return failure{}
}

// repelledBy finds a pod whose own anti-affinity forbids p on n. Pods on n itself share every
// domain with it; pods elsewhere only matter through terms wider than a node (holders).
func (c *cluster) repelledBy(p *podInfo, n *simNode) (*podInfo, string) {
	for _, q := range n.pods {
		for _, t := range q.anti {
			if _, ok := n.labels[t.topologyKey]; ok && t.matches(p) {
				return q, t.topologyKey
			}
		}
	}
	for _, h := range c.holders {
		if h.node == n {
			continue
		}
		for _, t := range h.pod.anti {
			if t.topologyKey != labelHostname && sharesDomain(h.node, n, t.topologyKey) && t.matches(p) {
				return h.pod, t.topologyKey
			}
		}
	}
	return nil, ""
}

func sharesDomain(a, b *simNode, key string) bool {
	va, okA := a.labels[key]
	vb, okB := b.labels[key]
	return okA && okB && va == vb
}

func firstMatch(pods []*podInfo, match func(*podInfo) bool) *podInfo {
	for _, q := range pods {
		if match(q) {
			return q
		}
	}
	return nil
}
