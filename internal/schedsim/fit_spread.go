package schedsim

// spreadAllows is the scheduler's PodTopologySpread filter for DoNotSchedule constraints: with
// the pod on n, n's domain may hold at most maxSkew more matching pods than the emptiest
// eligible domain. A node without the topology key cannot take the pod at all.
func (c *Cluster) spreadAllows(p *PodInfo, n *Node) Failure {
	for i := range p.Spread {
		rule := &p.Spread[i]
		if _, ok := n.Labels[rule.key]; !ok {
			return fail(ReasonTopologySpread, "node has no "+rule.key+" label to spread on")
		}
		count, lowest := c.tracker(p, i).view(n)
		if skew := count + rule.selfMatch - lowest; skew > rule.maxSkew {
			return fail(ReasonTopologySpread, rule.key+" spread would reach skew "+itoa(int64(skew))+", maxSkew "+itoa(int64(rule.maxSkew)))
		}
	}
	return Failure{}
}

// tracker returns the class's tracker for constraint i, building it on first use. Pods of a
// class are identical, so one tracker serves them all.
func (c *Cluster) tracker(p *PodInfo, i int) *spreadTracker {
	cl := p.Class
	if cl.trackers == nil {
		cl.trackers = make([]*spreadTracker, len(p.Spread))
	}
	if cl.trackers[i] == nil {
		cl.trackers[i] = newSpreadTracker(c, cl.Rep, &cl.Rep.Spread[i])
		c.trackers = append(c.trackers, cl.trackers[i])
	}
	return cl.trackers[i]
}

// view is n's domain count and the lowest domain count, as if n were committed. A node being
// tried adds its own matching pods to its domain, or is a new domain when no node shares its
// value (always so for hostname). Fewer domains than minDomains make the lowest count zero.
func (t *spreadTracker) view(n *Node) (count, lowest int) {
	domain := n.Labels[t.rule.key]
	count, known := t.counts[domain]
	domains, lowest := len(t.counts), t.lowest
	if n.Tentative() {
		count += t.matchesOn(n)
		switch {
		case known:
			lowest = t.lowestWith(domain, count)
		case domains == 0:
			domains, lowest = 1, count
		default:
			domains, lowest = domains+1, min(lowest, count)
		}
	}
	if domains < t.rule.minDomains {
		lowest = 0
	}
	return count, lowest
}

func (t *spreadTracker) matchesOn(n *Node) int {
	matching := 0
	for _, q := range n.Pods {
		if t.matches(q) {
			matching++
		}
	}
	return matching
}

// lowestWith is the lowest count with domain's count replaced; only nodes being tried in a
// domain that already exists need it, and such keys (zones) have few domains.
func (t *spreadTracker) lowestWith(domain string, count int) int {
	lowest := count
	for d, c := range t.counts {
		if d != domain {
			lowest = min(lowest, c)
		}
	}
	return lowest
}
