package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// explain gives, for a pod that fits nowhere, one verdict per NodeGroup. Pods of a class are
// identical and the simulation is over, so the class's first pod speaks for all of them.
func (pl *planner) explain(p *schedsim.PodInfo) []Verdict {
	c := pl.classOf[p.Class]
	if c.verdicts == nil {
		c.verdicts = make([]Verdict, 0, len(pl.groups))
		for _, g := range pl.groups {
			f := pl.explainGroup(p, g)
			c.verdicts = append(c.verdicts, Verdict{NodeGroup: g.key, Reason: f.reason, Message: f.message})
		}
	}
	return append([]Verdict(nil), c.verdicts...)
}

// explainGroup checks what the pod asks of the group's nodes before what stops the group
// growing: "selector mismatch" is the answer even while the group cools down, because
// waiting will not fix it. After that come the limits, then what a fresh node would refuse.
func (pl *planner) explainGroup(p *schedsim.PodInfo, g *group) failure {
	if !g.issue.ok() {
		return g.issue
	}
	fitting, closest := pl.staticTemplates(p, g)
	if len(fitting) == 0 {
		return closest
	}
	if !g.gate.ok() {
		return g.gate
	}
	var limit failure
	for _, t := range fitting {
		f := pl.room(t)
		if f.ok() {
			f = fromSim(pl.cluster.DynamicFit(p, t.node(triedName)))
		}
		if f.ok() { // cannot happen: packing stops only when every such node refuses
			return fail(ReasonNoOfferingAvailable, "no node could be planned for it")
		}
		if f.reason == ReasonAntiAffinity || f.reason == ReasonTopologySpread {
			return f
		}
		if limit.ok() {
			limit = f
		}
	}
	return limit
}

// staticTemplates splits the group's templates: those that could hold the pod alone, and
// otherwise the failure that got furthest, with resource shortfalls worded against the
// templates whose labels and taints suit the pod.
func (pl *planner) staticTemplates(p *schedsim.PodInfo, g *group) (fitting []*template, closest failure) {
	var sized []*template
	var furthest schedsim.Failure
	for _, t := range g.templates {
		f := pl.classOf[p.Class].tmplFit[t.index]
		switch {
		case f.OK():
			fitting = append(fitting, t)
		case f.Stage() == schedsim.StageResources:
			sized = append(sized, t)
		case furthest.OK() || f.Stage() > furthest.Stage():
			furthest = f
		}
	}
	if len(fitting) == 0 && len(sized) > 0 {
		return nil, insufficient(p.Req, sized, pl.opts)
	}
	return fitting, fromSim(furthest)
}
