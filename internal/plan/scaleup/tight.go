package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// tightShapeLimit and tightSearchBudget bound the exact fill: it weighs at most this many shapes and tries at most
// this many partial fills per template and purchase, so a batch of many shapes keeps the other fills.
const (
	tightShapeLimit   = 8
	tightSearchBudget = 2048
)

// tightEnough is the share of a node's binding resource that, once a fill uses it, leaves nothing for an exact
// search to gain worth its cost.
const tightEnough = 0.99

// fillTightest searches how many pods of each shape to take for the fill whose requests are worth most at the unit
// prices, and among those the one with the fewest pods. First fit decreasing takes the largest pods while they fit
// and leaves the rest of the node to smaller ones in their order: on 3.9-CPU nodes, pods of 1.5, 1 and 0.25 CPU gave
// nodes of two 1.5s and three 0.25s, the small pods ran out, and a third of the nodes held two 1.5s or three 1s and
// nothing else (269 nodes for 1000 pods whose sizes allow 245). The exact fill finds 1.5 + 1 + 1 + 0.25 as full as
// the first, with fewer pods: small pods are kept for the gaps only they can fill. As first fit decreasing does,
// the node opens with a pod of the largest shape (Gupta and Ho's minimum bin slack). Only pods that do not interact
// take part, as in fillBalanced; the candidate has no tentative node until place. It runs only while one resource
// alone binds the demand still waiting (the other's unit price is 0): when both do, the fullest fill at the unit
// prices of the moment took one kind of pod and stranded the other resource (15 nodes where the balanced fill buys
// 13, TestPackingSharesNodesBetweenPodsOfDifferentShapes).
func (pl *planner) fillTightest(t *template, active []*podClass) candidate {
	cand := candidate{tmpl: t}
	if pl.prices.cpu > 0 && pl.prices.memory > 0 {
		return cand // both resources bind: fillBalanced weighs the two; the fullest fill at these prices strands one
	}
	usable := pl.shapes(t, active)
	if len(usable) < 2 || len(usable) > tightShapeLimit {
		return cand
	}
	// As in first-fit decreasing, the node opens with a pod of the largest shape: the fullest fill alone would take
	// the small pods that fit a node exactly and leave each large pod a node of its own (see fillBalanced).
	first := usable[0]
	if !schedsim.Within(first.req, t.alloc) {
		return cand
	}
	first.left--
	defer func() { first.left++ }()
	s := newTightSearch(usable, pl.prices)
	s.search(0, t.alloc.Minus(first.req), pl.prices.of(first.req), 1)
	s.best.counts[0]++
	for i, k := range s.best.counts {
		if k > 0 {
			cand.takeFrom(active, usable[i], k)
		}
	}
	return cand
}

// tightSearch is a depth-first search over the shapes, largest first, each from as many pods as fit down to none,
// that drops a branch when even its free room filled completely could not beat the best fill found.
type tightSearch struct {
	shapes []*shape
	prices unitPrices
	counts []int
	budget int
	best   struct {
		value  float64
		pods   int
		counts []int
	}
}

func newTightSearch(shapes []*shape, prices unitPrices) *tightSearch {
	s := &tightSearch{shapes: shapes, prices: prices, counts: make([]int, len(shapes)), budget: tightSearchBudget}
	s.best.counts = make([]int, len(shapes))
	return s
}

func (s *tightSearch) search(i int, free schedsim.Resources, value float64, pods int) {
	if value > s.best.value*(1+epsilon) || near(value, s.best.value) && pods > 0 && pods < s.best.pods {
		s.best.value, s.best.pods = value, pods
		copy(s.best.counts, s.counts)
	}
	if i == len(s.shapes) || s.budget <= 0 || value+s.prices.of(free) <= s.best.value*(1+epsilon) {
		return
	}
	s.budget--
	sh := s.shapes[i]
	for k := min(int64(sh.left), sh.req.CopiesIn(free)); k >= 0; k-- {
		s.counts[i] = int(k)
		s.search(i+1, free.Minus(sh.req.Times(k)), value+float64(k)*s.prices.of(sh.req), pods+int(k))
	}
	s.counts[i] = 0
}

// usedShare is the share of t's binding resource (CPU or memory, whichever is fuller) the candidate's pods use.
func (c *candidate) usedShare() float64 {
	if c.node == nil {
		return 0
	}
	return max(share(c.tmpl.alloc.CPU-c.node.Free.CPU, c.tmpl.alloc.CPU),
		share(c.tmpl.alloc.Memory-c.node.Free.Memory, c.tmpl.alloc.Memory))
}

// requestValue is what the candidate's pods request, at the unit prices.
func (pl *planner) requestValue(c candidate) float64 {
	v := 0.0
	for _, tk := range c.takes {
		v += float64(tk.n) * pl.prices.of(tk.class.Rep.Req)
	}
	return v
}

// tighter reports whether a, an exact fill, beats b: its requests are worth more, or as much with fewer pods. The
// caller also keeps b when a leaves CPU and memory less evenly used: with one resource priced at nothing for the
// moment, the fullest fill of the other can strand it (four 1-CPU pods on a 4-core/16Gi node beside pods that
// needed its memory).
func (pl *planner) tighter(a, b candidate) bool {
	va, vb := pl.requestValue(a), pl.requestValue(b)
	return a.pods > 0 && (va > vb*(1+epsilon) || near(va, vb) && a.pods < b.pods)
}
