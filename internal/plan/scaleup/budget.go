package scaleup

// budget is, per group, the worth each node the group may still add must carry, on average,
// for every pod it could take to fit within its maxNodes. While a group has nodes to spare
// the budget is tiny and changes nothing; when nodes are scarce it steers the choice to
// bigger nodes, since leaving pods pending to save money is not what maxNodes is for.
type budget map[*group]float64

func (pl *planner) budget(active []*podClass) budget {
	b := budget{}
	for _, c := range active {
		for _, g := range c.groups {
			b[g] += c.worth * float64(len(c.Remaining()))
		}
	}
	for g, worth := range b {
		if room := g.ng.Spec.MaxNodes - g.size(); room > 0 {
			b[g] = worth / float64(room)
		}
	}
	return b
}

// fits reports whether the candidate carries its share of its group's budget.
func (b budget) fits(c candidate) bool { return c.value >= b[c.tmpl.group]*(1-epsilon) }

// groupsOf lists the usable groups with a template that can hold one pod of c alone.
func (pl *planner) groupsOf(c *podClass) []*group {
	var out []*group
	for _, t := range pl.templates {
		g := t.group
		if c.tmplFit[t.index].OK() && g.usable() && (len(out) == 0 || out[len(out)-1] != g) {
			out = append(out, g)
		}
	}
	return out
}
