package scaleup

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// prepareClasses computes, once per class, what stays true for the whole run: which templates
// can hold one of its pods, what that costs at the cheapest, and whether its pods interact.
func (pl *planner) prepareClasses() {
	terms := pl.antiTerms()
	for _, c := range pl.classes {
		c.tmplFit = make([]schedsim.Failure, len(pl.templates))
		for _, t := range pl.templates {
			f := schedsim.StaticFit(c.Rep, t.proto)
			if f.OK() {
				f = schedsim.ResourcesFit(c.Rep.Req, t.alloc)
			}
			c.tmplFit[t.index] = f
			if f.OK() && t.group.usable() && (!c.placeable || t.price() < c.weight) {
				c.weight, c.placeable = t.price(), true
			}
		}
		c.interacts = len(c.Rep.Anti) > 0 || len(c.Rep.Spread) > 0 || len(c.Rep.Ports) > 0 || len(c.Rep.Affinity) > 0 || targeted(terms, c.Rep)
		c.oneEach = oneEach(c.Rep)
		c.groups = pl.groupsOf(c)
	}
}

// antiTerms collects every anti-affinity term in play: of bound pods and of each class.
func (pl *planner) antiTerms() []schedsim.AntiTerm {
	var terms []schedsim.AntiTerm
	for _, n := range pl.cluster.Nodes {
		for _, p := range n.Pods {
			terms = append(terms, p.Anti...)
		}
	}
	for _, c := range pl.classes {
		terms = append(terms, c.Rep.Anti...)
	}
	return terms
}

func targeted(terms []schedsim.AntiTerm, p *schedsim.PodInfo) bool {
	for _, t := range terms {
		if t.Matches(p) {
			return true
		}
	}
	return false
}

// potentialDomains are the values of key on the templates that could take a pod of c now.
func (pl *planner) potentialDomains(sc *schedsim.Class, key string) []string {
	c := pl.classOf[sc]
	var out []string
	seen := map[string]bool{}
	for _, t := range pl.templates {
		value, has := t.labels[key]
		if has && !seen[value] && c.tmplFit[t.index].OK() && t.group.usable() && pl.room(t).ok() {
			seen[value] = true
			out = append(out, value)
		}
	}
	return out
}

// oneEach reports whether a node can hold at most one pod like p.
func oneEach(p *schedsim.PodInfo) bool {
	if len(p.Ports) > 0 {
		return true
	}
	for _, t := range p.Anti {
		if t.TopologyKey == corev1.LabelHostname && t.Matches(p) {
			return true
		}
	}
	return false
}
