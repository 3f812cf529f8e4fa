package scaleup

// Plan simulates the scheduler over s and returns the nodes to add. In order:
//  1. groups below minNodes get empty nodes (the preferred or cheapest offering);
//  2. pending pods go, first fit decreasing, onto Nodes, then booting VPSieNodes, then those
//     minimum nodes, since all of them exist or are bought anyway;
//  3. the pods left are packed onto new nodes, bought one at a time by price per value
//     (see choose), within maxNodes and the quota;
//  4. each new node moves to the cheapest offering of its group that still holds its pods;
//  5. with Options.SchedulerRounds, the plan is checked against kube-scheduler's queue order and
//     scores and more nodes are bought for what that leaves (see replayScheduler; off by default);
//  6. every pod still left is explained, per NodeGroup.
//
// Plan is pure and deterministic: it only reads s, and the same s always gives the same
// Result, whatever the order of the slices in it.
func Plan(s Snapshot, o Options) Result {
	_, r := plan(s, o)
	return r
}

// plan also returns the finished simulation, for tests that inspect it.
func plan(s Snapshot, o Options) (*planner, Result) {
	pl := newPlanner(&s, o)
	pl.planMinNodes()
	pl.placeOnExisting()
	pl.packNewNodes()
	pl.rightSize()
	pl = replayScheduler(&s, o, pl, o.SchedulerRounds)
	return pl, Result{
		Intents:       pl.intents(),
		Existing:      pl.sortedExisting(),
		Unschedulable: pl.unschedulable(),
		Groups:        pl.groupVerdicts(),
	}
}

func (pl *planner) sortedExisting() []Placement {
	out := append([]Placement(nil), pl.existing...)
	sortBy(out, func(p Placement) string { return p.Pod.String() })
	return out
}

// unschedulable lists the pods left, by name, each with its verdicts.
func (pl *planner) unschedulable() []Unschedulable {
	var out []Unschedulable
	for _, c := range pl.classes {
		for _, p := range c.Remaining() {
			out = append(out, Unschedulable{Pod: p.Name, Verdicts: pl.explain(p)})
		}
	}
	sortBy(out, func(u Unschedulable) string { return u.Pod.String() })
	return out
}

// groupVerdicts are the groups that cannot grow (their issue or gate) or cannot reach
// minNodes, sorted by group.
func (pl *planner) groupVerdicts() []Verdict {
	var out []Verdict
	for _, g := range pl.groups {
		for _, f := range []failure{g.issue, g.gate} {
			if !f.ok() {
				out = append(out, Verdict{NodeGroup: g.key, Reason: f.reason, Message: f.message})
				break
			}
		}
	}
	out = append(out, pl.issues...)
	sortBy(out, func(v Verdict) string { return v.NodeGroup.String() })
	return out
}
