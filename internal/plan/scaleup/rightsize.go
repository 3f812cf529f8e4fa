package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// rightSize moves every node planned for pods to the cheapest offering of its group and
// datacenter that still holds all its pods (or the preferred one within the tolerance). The
// greedy fill can leave the last nodes larger than their few pods need; this never raises
// the price beyond the tolerance the user granted the preferred offering.
func (pl *planner) rightSize() {
	for _, n := range pl.planned {
		if n.Kind != schedsim.KindPlanned || n.reason != ReasonPendingPods || pinsInstanceType(n) {
			continue
		}
		if t := pl.smallestHolding(n); t != nil && t != n.tmpl {
			pl.swap(n.tmpl, t)
			used := n.Alloc.Minus(n.Free)
			n.tmpl, n.Alloc, n.Free = t, t.alloc, t.alloc.Minus(used)
			n.Labels[labelInstanceType] = t.offering.ID
		}
	}
}

// smallestHolding is the template n should use; templates are cheapest first per datacenter.
func (pl *planner) smallestHolding(n *tmplNode) *template {
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
func (pl *planner) holds(t *template, n *tmplNode) bool {
	if t != n.tmpl && !pl.quotaAllowsSwap(n.tmpl, t) {
		return false
	}
	if !schedsim.Within(n.Alloc.Minus(n.Free), t.alloc) {
		return false
	}
	for _, p := range n.Placed {
		if !pl.classOf[p.Class].tmplFit[t.index].OK() {
			return false
		}
	}
	return true
}

// pinsInstanceType reports a node whose pods spread or repel on the instance-type label:
// changing the offering would move them to another domain, so the node keeps its offering.
func pinsInstanceType(n *tmplNode) bool {
	for _, p := range n.Placed {
		for i := range p.Spread {
			if p.Spread[i].Mentions(labelInstanceType) {
				return true
			}
		}
		for _, t := range p.Anti {
			if t.TopologyKey == labelInstanceType {
				return true
			}
		}
	}
	return false
}
