package scaleup

import (
	"math"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// balancedClassLimit bounds the classes a balanced fill weighs pod by pod: it costs pods × classes per template, so
// a batch of thousands of distinct pods (a class each) keeps only the largest-first fill.
const balancedClassLimit = 32

// balancedEnough is the gap between the used shares of CPU and memory below which a largest-first fill is kept
// without trying a balanced one: what a balanced fill could add there is less than one small pod.
const balancedEnough = 0.05

// fillBalanced packs a tentative node of t one pod at a time, each time from the class that leaves the node's CPU
// and memory most evenly used, so that CPU-heavy and memory-heavy pods share it. fill's largest-first order strands
// one resource when its first class exhausts the other (1.059 of the lower bound on a CPU-and-memory-heavy mix).
// Only classes that do not interact take part: their pods need no check against the others. The candidate has no
// tentative node until place.
func (pl *planner) fillBalanced(t *template, active []*podClass) candidate {
	cand := candidate{tmpl: t}
	var usable []*podClass
	for _, c := range active {
		if !c.interacts && c.tmplFit[t.index].OK() {
			usable = append(usable, c)
		}
	}
	if len(usable) < 2 || len(usable) > balancedClassLimit {
		return cand // one class: the largest-first fill is the same
	}
	taken := make([]int, len(usable))
	free := t.alloc
	for {
		best, bestGap := -1, math.Inf(1)
		for i, c := range usable {
			if taken[i] >= len(c.Remaining()) || !schedsim.Within(c.Rep.Req, free) {
				continue
			}
			if gap := imbalance(t.alloc, free.Minus(c.Rep.Req)); gap < bestGap-epsilon {
				best, bestGap = i, gap
			}
		}
		if best < 0 {
			break
		}
		c := usable[best]
		k := min(copiesTowardsBalance(t.alloc, free, c.Rep.Req), c.Rep.Req.CopiesIn(free), int64(len(c.Remaining())-taken[best]))
		free = free.Minus(c.Rep.Req.Times(k))
		taken[best] += int(k)
	}
	for i, k := range taken {
		if k > 0 {
			c := usable[i]
			cand.takes = append(cand.takes, take{class: c, n: k})
			cand.value += float64(k) * c.worth
			cand.alone += float64(k) * c.weight
			cand.pods += k
		}
	}
	return cand
}

// place puts the candidate's pods on its tentative node; fillBalanced leaves that to the winner, since only the
// better of the two fills of a template needs its node.
func (c *candidate) place() {
	c.node = c.tmpl.node(triedName)
	for _, tk := range c.takes {
		for _, p := range tk.class.Remaining()[:tk.n] {
			c.node.Add(p)
		}
	}
}

// copiesTowardsBalance is how many pods of request r to add in one step: when r leans the other way than the node,
// as many as bring the used shares of CPU and memory closest together without crossing over, else half of what
// fits (no class evens the node out; halving leaves room for the others to be weighed again). Steps keep a
// balanced fill at a few steps per class instead of one per pod where pods even the node out.
func copiesTowardsBalance(alloc, free, r schedsim.Resources) int64 {
	gap := share(alloc.CPU-free.CPU, alloc.CPU) - share(alloc.Memory-free.Memory, alloc.Memory)
	step := share(r.CPU, alloc.CPU) - share(r.Memory, alloc.Memory)
	if gap*step >= 0 {
		return max(1, r.CopiesIn(free)/2)
	}
	return max(1, int64(math.Abs(gap/step)))
}

func share(used, alloc int64) float64 {
	if alloc <= 0 {
		return 0
	}
	return float64(used) / float64(alloc)
}

// imbalance is how far apart the used shares of CPU and memory are when free is left of alloc.
func imbalance(alloc, free schedsim.Resources) float64 {
	return math.Abs(share(alloc.CPU-free.CPU, alloc.CPU) - share(alloc.Memory-free.Memory, alloc.Memory))
}
