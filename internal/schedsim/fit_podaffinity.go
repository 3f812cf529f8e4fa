package schedsim

// podAffinityAllows is the required pod affinity part of the scheduler's InterPodAffinity
// filter: the node must carry every term's topology key, and for every term some pod in the
// node's domain must match all of the pod's terms. The scheduler's one exception is kept: the
// first pod of a group with affinity to itself may go anywhere with the keys, when no pod in
// the cluster matches all the terms and the pod matches them itself. Pods placed earlier in
// this plan count like bound ones; pods still pending do not (the scheduler does not see
// them either), so a pod whose partner is not placed yet waits, as it would in the cluster.
func (c *Cluster) podAffinityAllows(p *PodInfo, n *Node) Failure {
	if len(p.Affinity) == 0 {
		return Failure{}
	}
	for _, term := range p.Affinity {
		if _, ok := n.Labels[term.TopologyKey]; !ok {
			return fail(ReasonPodAffinity, "the node has no "+term.TopologyKey+" label for the pod's affinity")
		}
	}
	matchesAll := func(q *PodInfo) bool { return allMatch(p.Affinity, q) }
	for _, term := range p.Affinity {
		found := false
		c.sameDomain(n, term.TopologyKey, func(m *Node) bool {
			found = firstMatch(m.Pods, matchesAll) != nil
			return !found
		})
		if found {
			continue
		}
		if allMatch(p.Affinity, p) && !c.anyPod(n, matchesAll) {
			return Failure{} // the first of a group that attracts itself
		}
		return fail(ReasonPodAffinity, "no pod its affinity asks for runs in the node's "+term.TopologyKey)
	}
	return Failure{}
}

// allMatch reports whether q matches every one of the terms: only such a pod counts for the
// scheduler's affinity.
func allMatch(terms []AntiTerm, q *PodInfo) bool {
	for _, t := range terms {
		if !t.Matches(q) {
			return false
		}
	}
	return true
}

// anyPod reports whether a pod on any node of the cluster (or on n, while it is only being
// tried) satisfies match.
func (c *Cluster) anyPod(n *Node, match func(*PodInfo) bool) bool {
	if n.Tentative() && firstMatch(n.Pods, match) != nil {
		return true
	}
	for _, m := range c.Nodes {
		if firstMatch(m.Pods, match) != nil {
			return true
		}
	}
	return false
}
