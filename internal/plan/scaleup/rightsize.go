package scaleup

// rightSize moves every node planned for pods to the cheapest offering of its group and
// datacenter that still holds all its pods (or the preferred one within the tolerance). The
// greedy fill can leave the last nodes larger than their few pods need; this never raises
// the price beyond the tolerance the user granted the preferred offering.
func (pl *planner) rightSize() {
	for _, n := range pl.cluster.nodes {
		if n.kind != plannedNode || n.reason != ReasonPendingPods || pinsInstanceType(n) {
			continue
		}
		if t := pl.smallestHolding(n); t != nil && t != n.tmpl {
			pl.swap(n.tmpl, t)
			used := n.alloc.minus(n.free)
			n.tmpl, n.alloc, n.free = t, t.alloc, t.alloc.minus(used)
			n.labels[labelInstanceType] = t.offering.ID
		}
	}
}

// smallestHolding is the template n should use; templates are cheapest first per datacenter.
func (pl *planner) smallestHolding(n *simNode) *template {
	var best, pref *template
	want := n.tmpl.group.preferred()
	for _, t := range n.tmpl.group.templates {
		if t.dc != n.tmpl.dc || !pl.holds(t, n) {
			continue
		}
		if best == nil {
			best = t
		}
		if t.offering.ID == want {
			pref = t
		}
	}
	if pref != nil && pref.price() <= best.price()*(1+pl.opts.PreferredTolerance)+epsilon {
		return pref
	}
	return best
}

// holds reports whether a node of t could take everything n holds, and the quota allows it.
func (pl *planner) holds(t *template, n *simNode) bool {
	if t != n.tmpl && !pl.quotaAllowsSwap(n.tmpl, t) {
		return false
	}
	if !within(n.alloc.minus(n.free), t.alloc) {
		return false
	}
	for _, p := range n.placed {
		if !p.class.tmplFit[t.index].ok() {
			return false
		}
	}
	return true
}

// pinsInstanceType reports a node whose pods spread or repel on the instance-type label:
// changing the offering would move them to another domain, so the node keeps its offering.
func pinsInstanceType(n *simNode) bool {
	for _, p := range n.placed {
		for i := range p.spread {
			if p.spread[i].mentions(labelInstanceType) {
				return true
			}
		}
		for _, t := range p.anti {
			if t.topologyKey == labelInstanceType {
				return true
			}
		}
	}
	return false
}
