package scaleup

// planMinNodes adds empty nodes to groups below their minimum: each datacenter's own
// minNodes first, then the group's, in the first datacenter (by priority) with room. The
// offering is the preferred one where it is sold, else the cheapest. Pending pods may then
// use these nodes, since they are bought anyway.
func (pl *planner) planMinNodes() {
	for _, g := range pl.groups {
		if !g.usable() {
			continue
		}
		var blocked failure
		short := false
		for _, dc := range g.dcs {
			for g.dcMembers[dc.ID]+g.dcPlanned[dc.ID] < dc.MinNodes && !short {
				blocked, short = pl.addMinNode(g, dc.ID, blocked)
			}
			short = false
		}
		for g.size() < g.ng.Spec.MinNodes && !short {
			blocked, short = pl.addMinNode(g, "", blocked)
		}
		if !blocked.ok() {
			pl.issues = append(pl.issues, Verdict{NodeGroup: g.key, Reason: blocked.reason,
				Message: "cannot reach minNodes: " + blocked.message})
		}
	}
}

// addMinNode adds one node to g, in datacenter dc or, when dc is empty, in any. When none can
// be added it reports short, and keeps the first reason seen in blocked.
func (pl *planner) addMinNode(g *group, dc string, blocked failure) (failure, bool) {
	why := fail(ReasonNoOfferingAvailable, "no offering of the group is sold in "+dc)
	for i, t := range pl.minTemplates(g, dc) {
		f := pl.room(t)
		if f.ok() {
			pl.addPlanned(t, ReasonBelowMinNodes)
			return blocked, false
		}
		if i == 0 {
			why = f
		}
	}
	if blocked.ok() {
		blocked = why
	}
	return blocked, true
}

// minTemplates are the candidates for an empty node, per datacenter in the group's order:
// the preferred offering if sold there, otherwise the cheapest.
func (pl *planner) minTemplates(g *group, dc string) []*template {
	var out []*template
	for _, d := range g.dcs {
		if dc != "" && d.ID != dc {
			continue
		}
		var pick *template
		for _, t := range g.templates { // cheapest first within a datacenter
			if t.dc == d.ID && (pick == nil || t.offering.ID == g.preferred()) {
				pick = t
			}
		}
		if pick != nil {
			out = append(out, pick)
		}
	}
	return out
}
