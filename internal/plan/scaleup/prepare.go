package scaleup

// prepareClasses computes, once per class, what stays true for the whole run: which templates
// can hold one of its pods, what that costs at the cheapest, and whether its pods interact.
func (pl *planner) prepareClasses() {
	terms := pl.antiTerms()
	for _, c := range pl.classes {
		c.tmplFit = make([]failure, len(pl.templates))
		for _, t := range pl.templates {
			f := staticFit(c.rep, t.proto)
			if f.ok() {
				f = resourcesFit(c.rep.req, t.alloc)
			}
			c.tmplFit[t.index] = f
			if f.ok() && t.group.usable() && (!c.placeable || t.price() < c.weight) {
				c.weight, c.placeable = t.price(), true
			}
		}
		c.interacts = len(c.rep.anti) > 0 || len(c.rep.spread) > 0 || targeted(terms, c.rep)
		c.groups = pl.groupsOf(c)
	}
}

// antiTerms collects every anti-affinity term in play: of bound pods and of each class.
func (pl *planner) antiTerms() []antiTerm {
	var terms []antiTerm
	for _, n := range pl.cluster.nodes {
		for _, p := range n.pods {
			terms = append(terms, p.anti...)
		}
	}
	for _, c := range pl.classes {
		terms = append(terms, c.rep.anti...)
	}
	return terms
}

func targeted(terms []antiTerm, p *podInfo) bool {
	for _, t := range terms {
		if t.matches(p) {
			return true
		}
	}
	return false
}

// fitsStatically is the class's cached static verdict on committed node n.
func (c *podClass) fitsStatically(n *simNode) bool {
	for len(c.nodeFit) <= n.index {
		c.nodeFit = append(c.nodeFit, 0)
	}
	if c.nodeFit[n.index] == 0 {
		c.nodeFit[n.index] = 2
		if staticFit(c.rep, n).ok() {
			c.nodeFit[n.index] = 1
		}
	}
	return c.nodeFit[n.index] == 1
}

// potentialDomains are the values of key on the templates that could take a pod of c now.
func (pl *planner) potentialDomains(c *podClass, key string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range pl.templates {
		value, has := t.labels[key]
		if has && !seen[value] && c.tmplFit[t.index].ok() && t.group.usable() && pl.room(t).ok() {
			seen[value] = true
			out = append(out, value)
		}
	}
	return out
}
