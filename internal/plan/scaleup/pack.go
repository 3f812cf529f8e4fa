package scaleup

import (
	"math"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// candidate is one way to buy the next node: a template filled, first fit decreasing, with the
// pods still waiting.
type candidate struct {
	tmpl  *template
	node  *schedsim.Node // tentative: it holds the pods but is not in the cluster
	takes []take
	// value is what the pods taken are worth at the unit prices; alone is what they would
	// cost on nodes of their own (the sum of their classes' weights).
	value, alone float64
	pods         int
}

type take struct {
	class *podClass
	n     int
}

// packNewNodes buys nodes one at a time until no pod that still waits fits a node the limits
// allow: each time, templates are filled with the waiting pods and the best fill is bought
// (see choose). Before each purchase the pods are valued at the unit prices of the demand still waiting: valued
// once for the whole batch, a resource the first nodes made scarce stayed free, and the plan kept filling CPU with
// CPU-heavy pods until only memory-heavy ones were left, each node with its CPU idle.
func (pl *planner) packNewNodes() {
	for {
		active := oneEachFirst(pl.waiting())
		if len(active) == 0 {
			return
		}
		pl.setWorth(active)
		b := pl.budget(active)
		cands := pl.candidates(active, floors(active), b)
		if len(cands) == 0 {
			return
		}
		pl.refit(pl.commit(choose(cands, pl.opts.PreferredTolerance, b)))
	}
}

// candidates fills the templates with room, most promising first, and skips a template when
// even a node it filled perfectly (worth its whole allocatable) could not beat the best fill
// choose would take so far. Preferred offerings are always filled: the tolerance may favour
// them.
func (pl *planner) candidates(active []*podClass, floor []schedsim.Resources, b budget) []candidate {
	var cands []candidate
	best := math.Inf(1)
	for _, t := range pl.byBound {
		if t.bound > best*(1+epsilon) && t.offering.ID != t.group.preferred() || !pl.room(t).ok() {
			continue
		}
		c := pl.fill(t, active, floor)
		if imbalance(t.alloc, c.node.Free) < balancedEnough {
			// the largest-first fill already uses CPU and memory evenly
		} else if alt := pl.fillBalanced(t, active); alt.value > c.value*(1+epsilon) {
			c = alt
			c.place()
		}
		if c.usedShare() < tightEnough {
			if alt := pl.fillTightest(t, active); pl.tighter(alt, c) {
				alt.place()
				if imbalance(t.alloc, alt.node.Free) <= imbalance(t.alloc, c.node.Free)+epsilon {
					c = alt
				}
			}
		}
		if c.pods == 0 {
			continue
		}
		cands = append(cands, c)
		if c.acceptable() && b.fits(c) {
			best = min(best, c.score())
		}
	}
	return cands
}

// waiting are the classes with pods left that some usable template could hold.
func (pl *planner) waiting() []*podClass {
	var out []*podClass
	for _, c := range pl.classes {
		if len(c.Remaining()) > 0 && c.placeable {
			out = append(out, c)
		}
	}
	return out
}

// oneEachFirst moves the classes of which a node holds at most one pod to the front, keeping the order otherwise:
// each of their pods opens a node and the plain pods fill the room beside it. Filled after the plain pods (largest
// first), they found every node full and bought a node each: 1.57× the lower bound on a mix of the two.
func oneEachFirst(active []*podClass) []*podClass {
	out := make([]*podClass, 0, len(active))
	for _, one := range []bool{true, false} {
		for _, c := range active {
			if c.oneEach == one {
				out = append(out, c)
			}
		}
	}
	return out
}

// commit buys the candidate's node and places its pods for real, in the order they were
// tried, so every check the fill passed still holds.
func (pl *planner) commit(cand candidate) *tmplNode {
	n := pl.addPlanned(cand.tmpl, ReasonPendingPods)
	for _, tk := range cand.takes {
		for _, p := range tk.class.Remaining()[:tk.n] {
			pl.cluster.Place(p, n.Node)
		}
		tk.class.Next += tk.n
	}
	return n
}
