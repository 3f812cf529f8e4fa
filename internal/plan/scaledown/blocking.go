package scaledown

import (
	corev1 "k8s.io/api/core/v1"
)

// Blocking lists every reason that keeps node, where Plan's verdict names only the first:
// for an operator asking why a node stays (`kubectl vpsie explain node`). It judges the
// node alone, as if no other node were chosen in the same pass, with the checks in Plan's
// order: the group's switch, the utilization verdict, the node's annotation, each pod's
// own checks, the cooldown, the group's limits, the PodDisruptionBudgets and the
// simulation. A node that is not a candidate at all (not managed by a group, leaving,
// booting) gets the one verdict Plan gives it. Empty when nothing keeps the node.
func Blocking(s Snapshot, o Options, node string) []Verdict {
	pl := newPlanner(&s, o)
	pl.evacuateDraining()
	var c *candidate
	for _, cand := range pl.candidates() {
		if cand.node.Name == node {
			c = cand
		}
	}
	if c == nil {
		for _, v := range pl.result.Kept {
			if v.Node == node {
				return []Verdict{v}
			}
		}
		return nil
	}
	var out []Verdict
	for _, b := range pl.blocks(c) {
		if !b.ok() {
			out = append(out, Verdict{Node: node, NodeGroup: c.g.key, Reason: b.reason, Message: b.message, Pod: b.pod})
		}
	}
	return out
}

// blocks runs every check on c, failed or not, without spending anything but the
// simulation's room (the caller discards the planner).
func (pl *planner) blocks(c *candidate) []block {
	g := c.g
	over := g.overMax()
	var out []block
	if g.disabled {
		out = append(out, block{reason: ReasonScaleDownDisabled, message: "scale-down is disabled for the group"})
	}
	if !over && !c.empty && !c.below {
		out = append(out, block{reason: ReasonNotUnderutilized, message: c.detail})
	}
	out = append(out, protected(c.node))
	for _, p := range c.moving {
		out = append(out, pl.podBlock(p))
	}
	if !over {
		out = append(out, g.cooldown)
	}
	out = append(out, g.limit(pl.opts.maxParallel(), c.dc))
	seen := map[string]bool{}
	for _, p := range c.moving {
		if b := pl.pdbBlock([]*corev1.Pod{p}); !b.ok() && !seen[b.message] {
			seen[b.message] = true
			out = append(out, b)
		}
	}
	if b := pl.pdbBlock(c.moving); !b.ok() && !seen[b.message] {
		out = append(out, b)
	}
	if !over {
		if _, _, b := pl.simulate(c, ReasonUnderutilized); !b.ok() {
			out = append(out, b)
		}
	}
	return out
}
